"""The order queue: every order, live, filterable, searchable, markable.

This screen is a view over the App's `QueueModel`; it never fetches orders itself. The live
feed upserts into the model and calls `feed_applied`, which keeps cursor, marks, filter and
scroll where the user left them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import humanize
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from client.protocol import FeedEvent
from tui.i18n import N_, _, count, ngettext
from tui.queue_model import UpsertResult
from tui.render import format_money
from tui.status_style import StatusStyles
from tui.widgets.key_bar import KeyBar
from tui.widgets.order_format import short_age
from tui.widgets.order_table import OrderTable

#: Number keys filter by these statuses (0 shows all).
FILTER_KEYS: dict[str, str] = {
    "1": "pending",
    "2": "processing",
    "3": "on-hold",
    "4": "completed",
    "5": "cancelled",
    "6": "refunded",
    "7": "failed",
}

#: The descriptions of the filter keys, in FILTER_KEYS's order (English ids, see tui.i18n).
FILTER_DESCRIPTIONS = (
    N_("Only pending"),
    N_("Only processing"),
    N_("Only on-hold"),
    N_("Only completed"),
    N_("Only cancelled"),
    N_("Only refunded"),
    N_("Only failed"),
)
SORTS = ("date", "number", "total", "status")
#: The sort keys as the status bar names them (English ids).
SORT_NAMES = {"date": N_("date"), "number": N_("number"), "total": N_("total"),
              "status": N_("status")}

#: A search that applied faster than this lets the next keystroke apply at once; a slower
#: one (a huge queue, a wide search) makes the next ones wait for a pause in typing.
FAST_SEARCH_SECONDS = 0.05
SEARCH_DEBOUNCE_SECONDS = 0.08

CONNECTION_MARKS = {
    "connecting": (N_("◌ connecting"), "yellow"),
    "live": (N_("● live"), "green"),
    "reconnecting": (N_("◌ reconnecting"), "yellow"),
    "offline": (N_("✖ offline"), "red"),
}


class QueueScreen(Screen[None]):
    AUTO_FOCUS = "#orders"
    BINDINGS = [
        Binding("slash", "search", "Search", id="queue.search"),
        Binding("escape", "clear", "Clear", show=False, id="queue.clear"),
        Binding("s", "status", "Status", id="queue.status"),
        Binding("u", "app.undo", "Undo", id="queue.undo"),
        Binding("o", "sort", "Sort", id="queue.sort"),
        Binding("O", "reverse", "Reverse", show=False, id="queue.reverse"),
        *(
            Binding(
                key, f"filter('{status}')", description, show=False, id=f"queue.filter_{key}"
            )
            for (key, status), description in zip(
                FILTER_KEYS.items(), FILTER_DESCRIPTIONS, strict=True
            )
        ),
        Binding("0", "filter('')", "All statuses", show=False, id="queue.filter_all"),
        Binding("f", "pick_filter", "Filter", id="queue.filter"),
        Binding("S", "pick_shop", _("Shops"), show=False, id="queue.shop_filter"),
        Binding("m", "messages", "Messages", id="queue.messages"),
        Binding("r", "refund", "Refund", show=False, id="queue.refund"),
        Binding("R", "receive_return", "Return", show=False, id="queue.return"),
        Binding("p", "print_slip", "Print slip", show=False, id="queue.print"),
        Binding("P", "pick_list", "Pick list", show=False, id="queue.pick_list"),
        Binding("x", "export", "Export CSV", show=False, id="queue.export"),
        Binding("C", "customers", "Customers", show=False, id="queue.customers"),
        Binding("question_mark,f1", "app.help", "Help", id="queue.help"),
        Binding("q", "app.quit", "Quit", id="queue.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search_timer: Timer | None = None
        #: How long the last search took to apply (model + table), for the debounce.
        self._search_cost = 0.0

    def compose(self) -> ComposeResult:
        yield Static("", id="queue-header", classes="screen-title")
        yield Input(placeholder=_("search number, customer, email or SKU…"), id="search")
        table = OrderTable(id="orders", **self._shop_columns())
        session = self.app.session  # type: ignore[attr-defined]
        if session is not None:
            table.code_of = session.code
            table.shop_of = session.shop_of_order
        yield table
        yield Static("", id="status-bar")
        yield KeyBar()

    def _shop_columns(self) -> dict[str, object]:
        """Several shops: codes in the order column and a Shop column."""
        session = self.app.session  # type: ignore[attr-defined]
        return {} if session is None else {"columns": session.columns()}

    @property
    def table(self) -> OrderTable:
        return self.query_one("#orders", OrderTable)

    @property
    def styles_for_status(self) -> StatusStyles:
        return self.app.status_styles  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        table = self.table
        table.set_model(self.app.queue, styles=self.styles_for_status)  # type: ignore[attr-defined]
        # Orders that arrived before this screen was mounted (the queue snapshot's first
        # screenful often does) are shown at once, not after the next batch.
        table.loading = not self.app.loaded and not self.app.queue.total  # type: ignore[attr-defined]
        table.focus()
        self.app.connection_changed.subscribe(self, lambda _state: self._update_header())  # type: ignore[attr-defined]
        self.set_interval(1.0, self._update_header)
        self._update_header()
        self._update_status_bar()

    # ---- live updates -----------------------------------------------------------------

    def feed_applied(self, event: FeedEvent, result: UpsertResult) -> None:
        if not self.is_attached:  # the app is closing while a feed event arrives
            return
        table = self.table
        if event.kind == "loaded":
            table.loading = False
            table.refresh_view()
            if self.focused is None:
                table.focus()
            self.query_one(KeyBar).refresh_keys()
        else:
            table.apply_update(result)
            if event.kind == "created" and result.new_ids:
                self._announce_new(result)
        self._update_status_bar()
        self._update_header()

    def local_applied(self, result: UpsertResult) -> None:
        if not self.is_attached:
            return
        self.table.apply_update(result, highlight=False)
        self._update_status_bar()

    def _announce_new(self, result: UpsertResult) -> None:
        model = self.app.queue  # type: ignore[attr-defined]
        new = [model.get(i) for i in result.new_ids]
        new = [o for o in new if o is not None]
        if len(new) == 1:
            order = new[0]
            text = (
                f"{self.app.order_ref(order)} · {order.customer_name} · "  # type: ignore[attr-defined]
                f"{format_money(order.total, order.currency)}"
            )
            self.notify(text, title=_("New order"))
        elif new:
            self.notify(_("{count} new orders").format(count=len(new)), title=_("New orders"))
        if new and self.app.config.bell:  # type: ignore[attr-defined]
            self.app.bell()

    # ---- header and status bar --------------------------------------------------------

    def _update_header(self) -> None:
        app = self.app
        if app.session is not None:  # type: ignore[attr-defined]
            self._update_shops_header()
            return
        label, colour = CONNECTION_MARKS.get(app.connection, ("?", "white"))  # type: ignore[attr-defined]
        text = Text()
        text.append(app.shop_label, style="bold")  # type: ignore[attr-defined]
        if app.demo:  # type: ignore[attr-defined]
            text.append("  ")
            text.append(" " + _("DEMO SHOP") + " ", style="bold reverse yellow")
        text.append("   ")
        text.append(_(label), style=colour)
        last_sync = app.feed.last_sync  # type: ignore[attr-defined]
        if last_sync is not None:
            ago = short_age(humanize.naturaltime(datetime.now(UTC) - last_sync))
            text.append(" · " + _("synced {ago}").format(ago=ago), style="dim")
        if app.connection in ("offline", "reconnecting"):  # type: ignore[attr-defined]
            text.append("  " + _("offline: changes are queued"), style="bold")
        queued = app.queued_changes()  # type: ignore[attr-defined]
        if queued:
            queued_text = ngettext("{n} queued change", "{n} queued changes", queued)
            text.append("  · " + queued_text.format(n=queued), style="bold reverse yellow")
        self.query_one("#queue-header", Static).update(text)

    def _update_shops_header(self) -> None:
        """Several shops: each one's connection, and what waits in its journal."""
        app = self.app
        text = Text()
        if app.demo:  # type: ignore[attr-defined]
            text.append(" " + _("DEMO SHOP") + " ", style="bold reverse yellow")
            text.append("  ")
        text.append_text(app.session.indicator(app.queued_by_shop()))  # type: ignore[attr-defined]
        away = [
            name
            for name in app.session.names  # type: ignore[attr-defined]
            if app.session.state(name) in ("offline", "reconnecting")  # type: ignore[attr-defined]
        ]
        if away:
            text.append("  ")
            text.append(_("changes to {shops} are queued").format(shops=", ".join(away)), "bold")
        self.query_one("#queue-header", Static).update(text)

    def _update_status_bar(self) -> None:
        model = self.app.queue  # type: ignore[attr-defined]
        counts = model.counts_by_status()
        styles = self.styles_for_status
        text = Text()
        shown = len(model.view)
        text.append(
            _("{shown} of {total}").format(shown=count(shown), total=count(len(model))) + " ",
            style="bold",
        )
        if not self.app.loaded:  # type: ignore[attr-defined]
            text.append(_("loading…") + " ", style="bold reverse")
        if model.shop_filter:
            # Before the status counts: at 80 columns the end of this line is cut.
            shops = ", ".join(sorted(model.shop_filter))
            text.append(" " + _("shop: {shops}").format(shops=shops) + " ", style="bold reverse")
        # What the user did (marks, search) first too, for the same reason.
        marked = len(self.table.marked_ids)
        if marked:
            text.append(" " + _("{n} marked").format(n=marked) + " ", style="bold reverse")
        if model.search:
            text.append("  " + _("search: {search!r}").format(search=model.search), style="bold")
        for key, status in FILTER_KEYS.items():
            style = styles[status]
            active = status in model.status_filter
            text.append(f"  {key} ", style="dim")
            text.append(
                f"{style.symbol} {count(counts.get(status, 0))}",
                style=f"{'reverse ' if active else ''}{style.colour}",
            )
        others = sum(n for s, n in counts.items() if s not in FILTER_KEYS.values())
        if others:
            text.append("  " + _("other:{n}").format(n=count(others)))
        arrow = " ↓" if model.descending else " ↑"
        sort_name = _(SORT_NAMES.get(model.sort_key, model.sort_key))
        text.append("   " + _("sort: {key}").format(key=sort_name) + arrow, style="dim")
        self.query_one("#status-bar", Static).update(text)

    # ---- search ---------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("-visible")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        """Apply at once while searching is fast; debounce only when the last one was slow,
        so a fast queue answers every keystroke without an 80 ms wait."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if self._search_cost < FAST_SEARCH_SECONDS:
            self._apply_search(event.value)
            return
        self._search_timer = self.set_timer(
            SEARCH_DEBOUNCE_SECONDS, lambda: self._apply_search(event.value)
        )

    def _apply_search(self, text: str) -> None:
        self._search_timer = None
        started = time.perf_counter()
        self.app.queue.set_search(text)  # type: ignore[attr-defined]
        self.table.refresh_view()
        self._update_status_bar()
        self._search_cost = time.perf_counter() - started

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.table.focus()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus or search.value:
            if self._search_timer is not None:
                self._search_timer.stop()
            search.value = ""
            self._apply_search("")
            search.remove_class("-visible")
            self.table.focus()
        elif self.app.queue.status_filter:  # type: ignore[attr-defined]
            self.action_filter("")
        elif self.app.queue.shop_filter:  # type: ignore[attr-defined]
            self.set_shop_filter(frozenset())
        elif self.table.marked_ids:
            self.table.clear_marks()
            self._update_status_bar()

    # ---- filter and sort --------------------------------------------------------------

    def action_filter(self, status: str) -> None:
        model = self.app.queue  # type: ignore[attr-defined]
        wanted = frozenset({status}) if status else frozenset()
        if wanted == model.status_filter:
            wanted = frozenset()
        model.set_status_filter(wanted)
        self.table.refresh_view()
        self._update_status_bar()

    def action_pick_filter(self) -> None:
        from screens.status_filter import StatusFilterPicker

        def chosen(statuses: frozenset[str] | None) -> None:
            if statuses is None:
                return
            self.app.queue.set_status_filter(statuses)  # type: ignore[attr-defined]
            self.table.refresh_view()
            self._update_status_bar()

        self.app.push_screen(
            StatusFilterPicker(self.app.statuses(), self.app.queue.status_filter),  # type: ignore[attr-defined]
            chosen,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_shop":
            return self.app.session is not None  # type: ignore[attr-defined]
        return True

    def set_shop_filter(self, shops: frozenset[str]) -> None:
        """Several shops: only these shops' orders (empty: every shop)."""
        self.app.queue.set_shop_filter(shops)  # type: ignore[attr-defined]
        self.table.refresh_view()
        self._update_status_bar()

    def action_pick_shop(self) -> None:
        from screens.shop_filter import ShopFilterPicker

        session = self.app.session  # type: ignore[attr-defined]
        if session is None:
            return

        def chosen(shops: frozenset[str] | None) -> None:
            if shops is not None:
                self.set_shop_filter(shops)

        self.app.push_screen(
            ShopFilterPicker(
                session.names,
                self.app.queue.shop_filter,  # type: ignore[attr-defined]
                counts=session.counts(self.app.queue),  # type: ignore[attr-defined]
            ),
            chosen,
        )

    def action_sort(self) -> None:
        model = self.app.queue  # type: ignore[attr-defined]
        next_key = SORTS[(SORTS.index(model.sort_key) + 1) % len(SORTS)]
        model.set_sort(next_key, descending=next_key in ("date", "number", "total"))
        self.table.refresh_view()
        self._update_status_bar()

    def action_reverse(self) -> None:
        model = self.app.queue  # type: ignore[attr-defined]
        model.set_sort(model.sort_key, descending=not model.descending)
        self.table.refresh_view()
        self._update_status_bar()

    # ---- orders -----------------------------------------------------------------------

    @on(OrderTable.Opened)
    def _open(self, event: OrderTable.Opened) -> None:
        self.app.open_order(event.order_id)  # type: ignore[attr-defined]

    def _cursor_order_id(self) -> int | None:
        order_id = self.table.cursor_order_id
        if order_id is None:
            self.notify(_("No order under the cursor."), severity="warning")
        return order_id

    def _marked_or_view(self) -> list[int]:
        """Marked orders, else every order the current filter and search show."""
        if self.table.marked_ids:
            return [i for i in self.app.queue.view if i in self.table.marked_ids]  # type: ignore[attr-defined]
        return list(self.app.queue.view)  # type: ignore[attr-defined]

    def action_messages(self) -> None:
        if (order_id := self._cursor_order_id()) is not None:
            self.app.open_messages(order_id)  # type: ignore[attr-defined]

    def action_refund(self) -> None:
        if (order_id := self._cursor_order_id()) is not None:
            self.app.open_refund(order_id)  # type: ignore[attr-defined]

    def action_receive_return(self) -> None:
        if (order_id := self._cursor_order_id()) is not None:
            self.app.open_return(order_id)  # type: ignore[attr-defined]

    def action_print_slip(self) -> None:
        if (order_id := self._cursor_order_id()) is not None:
            self.app.print_documents("packing_slip", [order_id])  # type: ignore[attr-defined]

    def action_pick_list(self) -> None:
        from screens.pick_list import PickListScreen

        self.app.push_screen(PickListScreen(self._marked_or_view()))

    def action_customers(self) -> None:
        order_id = self.table.cursor_order_id
        order = self.app.queue.get(order_id) if order_id is not None else None  # type: ignore[attr-defined]
        if order is not None and order.customer_id:
            self.app.open_customers(order.customer_id)  # type: ignore[attr-defined]
        else:
            self.app.open_customers()  # type: ignore[attr-defined]

    def action_export(self) -> None:
        from screens.export import ExportScreen

        self.app.push_screen(ExportScreen(self._marked_or_view()))

    @on(OrderTable.MarkChanged)
    def _marks(self) -> None:
        self._update_status_bar()

    def action_status(self) -> None:
        model = self.app.queue  # type: ignore[attr-defined]
        marked = [model.get(i) for i in sorted(self.table.marked_ids)]
        orders = [o for o in marked if o is not None]
        if not orders:
            current = self.table.cursor_order_id
            order = model.get(current) if current is not None else None
            orders = [order] if order is not None else []
        self.app.pick_status(orders)  # type: ignore[attr-defined]
