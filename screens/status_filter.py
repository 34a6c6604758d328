"""Choose which statuses the queue shows: space toggles, enter applies, escape cancels."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from tui.i18n import _


class StatusFilterPicker(ModalScreen[frozenset[str] | None]):
    BINDINGS = [
        Binding("enter", "apply", "Apply", priority=True, id="status_filter.apply"),
        Binding("escape", "cancel", "Cancel", id="status_filter.cancel"),
        Binding("a", "all", "All", id="status_filter.all"),
    ]

    def __init__(self, statuses: Sequence[tuple[str, str]], current: frozenset[str]) -> None:
        super().__init__()
        self.statuses = list(statuses)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="status-filter-dialog", classes="dialog"):
            yield Static(_("Show statuses (space toggles, enter applies)"), classes="dialog-title")
            yield SelectionList[str](
                *((label, slug, slug in self.current) for slug, label in self.statuses),
                id="status-filter-list",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        self.dismiss(frozenset(self.query_one(SelectionList).selected))

    def action_all(self) -> None:
        self.dismiss(frozenset())

    def action_cancel(self) -> None:
        self.dismiss(None)
