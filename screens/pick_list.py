"""The pick list: what to take off the shelves for the marked orders (or the filtered queue).

One line per SKU with the total quantity, the product name and the orders it goes to,
sorted by SKU — the order a picker walks the shelves in. The queue only holds light
orders (a line's SKU and quantity, no names), so the orders are fetched in full, 100 per
request, with a progress bar; the list on screen is the one `p` prints
(`tui.documents.aggregate_pick_list` makes both).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static

from client.errors import ShopError
from tui.documents import PickEntry, aggregate_pick_list
from tui.error_text import error_text
from tui.i18n import _, ngettext
from tui.print_jobs import fetch_orders, print_pick_list
from tui.widgets.footer import Footer

#: Order numbers shown per line on screen before "+N" (the PDF shows more).
ORDERS_SHOWN = 6


def orders_text(numbers: tuple[str, ...], limit: int = ORDERS_SHOWN) -> str:
    shown = ", ".join(f"#{n}" for n in numbers[:limit])
    more = len(numbers) - limit
    return f"{shown} +{more}" if more > 0 else shown


class PickListScreen(Screen[None]):
    """The pick list of `order_ids`; `p` prints it (or saves it), `s` saves the PDF."""

    CSS_PATH = Path(__file__).with_name("pick_list.tcss")
    AUTO_FOCUS = "#pick-table"
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="pick_list.back"),
        Binding("p", "print", "Print", id="pick_list.print"),
        Binding("s", "save", "Save PDF", id="pick_list.save"),
        Binding("ctrl+r", "reload", "Reload", id="pick_list.reload"),
        Binding("question_mark,f1", "app.help", "Help", id="pick_list.help"),
    ]

    class Loaded(Message):
        def __init__(self, entries: list[PickEntry], orders: int) -> None:
            super().__init__()
            self.entries = entries
            self.orders = orders

    def __init__(self, order_ids: list[int]) -> None:
        super().__init__()
        self.order_ids = list(order_ids)
        self.entries: list[PickEntry] | None = None
        self.order_count = 0

    def compose(self) -> ComposeResult:
        count = len(self.order_ids)
        yield Static(
            ngettext("Pick list · {count} order", "Pick list · {count} orders", count).format(
                count=count
            ),
            id="pick-title",
            classes="screen-title",
        )
        yield Static("", id="pick-status")
        yield ProgressBar(id="pick-progress", show_eta=False)
        yield DataTable(id="pick-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pick-table", DataTable)
        table.add_column(_("SKU"), key="sku")
        table.add_column(_("Product"), key="name")
        table.add_column(_("Qty"), key="qty")
        table.add_column(_("Orders"), key="orders")
        self.load()

    @work(exclusive=True, group="pick-load", exit_on_error=False)
    async def load(self) -> None:
        status = self.query_one("#pick-status", Static)
        bar = self.query_one("#pick-progress", ProgressBar)
        if not self.order_ids:
            status.update(_("No orders: mark orders in the queue, or filter it, then press P."))
            bar.display = False
            return
        bar.display = True
        bar.update(total=len(self.order_ids), progress=0)
        status.update(_("Fetching {count} orders…").format(count=len(self.order_ids)))

        def progress(done: int, total: int) -> None:
            bar.update(total=total, progress=done)

        try:
            orders = await fetch_orders(
                self.app.shop,
                self.order_ids,
                progress=progress,  # type: ignore[attr-defined]
            )
        except ShopError as error:
            status.update(_("Could not fetch the orders: {error}").format(error=error_text(error)))
            status.add_class("-error")
            return
        self.post_message(self.Loaded(aggregate_pick_list(orders), len(orders)))

    def on_pick_list_screen_loaded(self, message: Loaded) -> None:
        self.entries, self.order_count = message.entries, message.orders
        self.query_one("#pick-progress", ProgressBar).display = False
        table = self.query_one("#pick-table", DataTable)
        table.clear()
        for entry in message.entries:
            table.add_row(
                entry.sku or "—",
                entry.name,
                str(entry.quantity),
                orders_text(entry.orders),
                key=f"{entry.sku}|{entry.product_id}|{entry.variation_id}|{entry.name}",
            )
        items = sum(e.quantity for e in message.entries)
        missing = len(set(self.order_ids)) - message.orders
        text = " · ".join((
            ngettext("{n} line", "{n} lines", len(message.entries)).format(
                n=len(message.entries)
            ),
            ngettext("{n} item", "{n} items", items).format(n=items),
            ngettext("{n} order", "{n} orders", message.orders).format(n=message.orders),
            _("p prints, s saves the PDF"),
        ))
        if missing:
            text += " · " + ngettext(
                "{n} order no longer in the shop", "{n} orders no longer in the shop", missing
            ).format(n=missing)
        status = self.query_one("#pick-status", Static)
        status.remove_class("-error")
        status.update(text)

    def _ready(self) -> bool:
        if self.entries is None:
            self.notify(_("The pick list is still loading."), severity="warning")
            return False
        if not self.entries:
            self.notify(_("Nothing to pick."), severity="warning")
            return False
        return True

    def action_print(self) -> None:
        if self._ready():
            self._output(print_it=True)

    def action_save(self) -> None:
        if self._ready():
            self._output(print_it=False)

    @work(group="pick-print", exit_on_error=False)
    async def _output(self, print_it: bool) -> None:
        assert self.entries is not None
        config = self.app.config  # type: ignore[attr-defined]
        result = await print_pick_list(config, self.entries, self.order_count, print_it=print_it)
        self.notify(
            result.message,
            title=_("Printed")
            if result.printed
            else (_("Saved") if result.ok else _("Not printed")),
            severity="information" if result.ok else "error",
            timeout=8,
        )
        self.query_one("#pick-status", Static).update(result.message)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
