"""Pick a new status for one order or for every marked order: type to filter, enter applies.

The picker only chooses; the caller confirms risky choices (cancel, bulk) and applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import _


@dataclass(frozen=True, slots=True)
class StatusChoice:
    status: str
    notify: bool


class StatusPicker(ModalScreen[StatusChoice | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="status_picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="status_picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="status_picker.up"),
        Binding("ctrl+n", "toggle_notify", "Notify customer", id="status_picker.notify"),
    ]

    def __init__(
        self,
        statuses: Sequence[tuple[str, str]],
        *,
        title: str,
        current: str | None = None,
        notify: bool = False,
        shop_emails_on: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.statuses = list(statuses)
        self.title_text = title
        self.current = current
        self.notify_default = notify
        self.shop_emails_on = shop_emails_on

    def compose(self) -> ComposeResult:
        with Vertical(id="status-picker", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(placeholder=_("type to filter…"), id="status-filter")
            yield OptionList(id="status-options")
            yield Checkbox(_("Notify customer (ctrl+n)"), self.notify_default, id="notify")
            yield Static("", id="status-email-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#status-filter", Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one("#status-options", OptionList)
        options.clear_options()
        needle = text.strip().lower()
        for slug, label in self.statuses:
            if needle and needle not in slug.lower() and needle not in label.lower():
                continue
            mark = "  " + _("(current)") if slug == self.current else ""
            options.add_option(Option(f"{label}{mark}", id=slug))
        if options.option_count:
            options.highlighted = 0
        self._update_hint()

    def _highlighted_status(self) -> str | None:
        options = self.query_one("#status-options", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _update_hint(self) -> None:
        status = self._highlighted_status()
        hint = ""
        if status in self.shop_emails_on:
            hint = _("The shop itself emails the customer on this status.")
        self.query_one("#status-email-hint", Static).update(hint)

    @on(Input.Changed, "#status-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._update_hint()

    @on(Input.Submitted, "#status-filter")
    def _submit_from_filter(self) -> None:
        self._choose(self._highlighted_status())

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, status: str | None) -> None:
        if status is None:
            self.notify(_("No status matches."), severity="warning")
            return
        notify = self.query_one("#notify", Checkbox).value
        self.dismiss(StatusChoice(status=status, notify=notify))

    def action_move(self, step: int) -> None:
        options = self.query_one("#status-options", OptionList)
        if options.option_count == 0:
            return
        current = options.highlighted or 0
        options.highlighted = (current + step) % options.option_count

    def action_toggle_notify(self) -> None:
        checkbox = self.query_one("#notify", Checkbox)
        checkbox.value = not checkbox.value

    def action_cancel(self) -> None:
        self.dismiss(None)
