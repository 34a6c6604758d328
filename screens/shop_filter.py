"""With several shops open: which shops' orders the queue shows, and which shop a scanned
number means when several have it.

`ShopFilterPicker` (key S on the queue, or the command palette) works like the status
filter: space toggles, enter applies, `a` shows every shop. `ShopChoice` lists the orders a
bare scanned number matches, one per shop; enter opens the one under the cursor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from tui.i18n import _


class ShopFilterPicker(ModalScreen[frozenset[str] | None]):
    """Choose the shops whose orders the queue shows; dismisses with them (empty: all)."""

    CSS_PATH = Path(__file__).with_name("shop_filter.tcss")
    BINDINGS = [
        Binding("enter", "apply", _("Apply"), priority=True, id="shop_filter.apply"),
        Binding("escape", "cancel", _("Cancel"), id="shop_filter.cancel"),
        Binding("a", "all", _("All shops"), id="shop_filter.all"),
    ]

    def __init__(
        self,
        names: Sequence[str],
        current: frozenset[str],
        *,
        counts: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__()
        self.names = list(names)
        self.current = current
        self.counts = dict(counts or {})

    def compose(self) -> ComposeResult:
        with Vertical(id="shop-filter-dialog", classes="dialog"):
            yield Static(
                _("Show shops (space toggles, enter applies, a: all)"), classes="dialog-title"
            )
            yield SelectionList[str](
                *(
                    (self._label(name), name, name in self.current)
                    for name in self.names
                ),
                id="shop-filter-list",
            )

    def _label(self, name: str) -> str:
        count = self.counts.get(name)
        if count is None:
            return name
        return _("{shop} ({n} orders)").format(shop=name, n=f"{count:,}")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        chosen = frozenset(self.query_one(SelectionList).selected)
        # Every shop ticked is the same as no filter, and reads better in the status bar.
        self.dismiss(frozenset() if chosen == frozenset(self.names) else chosen)

    def action_all(self) -> None:
        self.dismiss(frozenset())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ShopChoice(ModalScreen[int | None]):
    """`choices` are (order id, line to show); dismisses with the chosen id or None."""

    CSS_PATH = Path(__file__).with_name("shop_filter.tcss")
    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="shop_choice.cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[int, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="shop-choice-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(
                *(Option(text, id=str(order_id)) for order_id, text in self.choices),
                id="shop-choice-list",
            )
            yield Static(_("enter opens · escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
