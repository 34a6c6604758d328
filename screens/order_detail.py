"""Order detail: everything a packer or manager needs about one order, on one screen.

The screen shows the shop's answer and nothing else: it loads order, notes, refunds and the
lines' products in one worker, and reloads when the live feed says the order changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from client.errors import ShopError
from client.model import Note, Order, Product, Refund
from tui.doc_labels import quantity
from tui.error_text import error_text
from tui.i18n import N_, _, current_language, pgettext
from tui.messages import tracking_from_meta
from tui.render import (
    TIMELINE_MARKS,
    age,
    format_money,
    local_time,
    refunded_quantities,
    status_label,
    timeline,
)
from tui.status_style import StatusStyles
from tui.widgets.key_bar import KeyBar


@dataclass(frozen=True, slots=True)
class OrderDetails:
    order: Order
    notes: list[Note]
    refunds: list[Refund]
    products: dict[int, Product]


#: WooCommerce's stock statuses as words (English ids).
STOCK_STATUSES = {
    "instock": N_("instock"),
    "outofstock": N_("outofstock"),
    "onbackorder": N_("backorder"),
}


def stock_state(product: Product | None) -> str:
    if product is None:
        return "—"
    if not product.manage_stock or product.stock_quantity is None:
        status = product.stock_status
        return _(STOCK_STATUSES[status]) if status in STOCK_STATUSES else status
    if product.stock_quantity <= 0:
        return _("out ({n})").format(n=product.stock_quantity)
    return _("in stock ({n})").format(n=product.stock_quantity)


def total_weight(order: Order, products: dict[int, Product]) -> Decimal | None:
    weights = [
        (products[item.product_id].weight, item.quantity)
        for item in order.line_items
        if item.product_id in products and products[item.product_id].weight is not None
    ]
    if not weights:
        return None
    return sum((w * q for w, q in weights if w is not None), Decimal("0"))


def render_summary(
    details: OrderDetails, styles: StatusStyles, label: Callable[[str], str] = status_label
) -> Text:
    order = details.order
    text = Text()
    text.append(f"#{order.number}  ", style="bold")
    look = styles[order.status]
    text.append(
        f" {look.symbol} {label(order.status)} ",
        style=f"bold {look.text_colour} on {look.colour}",
    )
    text.append(
        "  "
        + _("created {when} ({age})").format(
            when=local_time(order.date_created), age=age(order.date_created)
        )
    )
    text.append("  · " + _("modified {age}").format(age=age(order.date_modified)) + "\n")
    text.append(_("Customer") + "  ", style="bold")
    text.append(order.customer_name)
    for part in (order.billing.email, order.billing.phone):
        if part:
            text.append(f" · {part}")
    if order.customer_note:
        text.append("\n" + _("Customer note") + "  ", style="bold")
        text.append(f"“{order.customer_note}”", style="italic")
    text.append("\n" + _("Payment") + "  ", style="bold")
    text.append(order.payment_method_title or order.payment_method or "—")
    paid = (
        _("paid {when}").format(when=local_time(order.date_paid))
        if order.is_paid
        else _("NOT PAID")
    )
    text.append(f" · {paid}")
    if order.transaction_id:
        text.append(" · " + _("transaction {id}").format(id=order.transaction_id))
    text.append("\n" + _("Shipping") + "  ", style="bold")
    text.append(order.shipping_method or "—")
    tracking = tracking_from_meta(order)
    if tracking:
        text.append(_(" · tracking {number}").format(number=tracking))
    weight = total_weight(order, details.products)
    if weight is not None:
        text.append(" · " + _("weight {kg} kg").format(kg=quantity(weight, current_language())))
    return text


def render_address(title: str, order: Order, which: str) -> Group:
    address = order.billing if which == "billing" else order.shipping
    lines = address.lines() or ["—"]
    return Group(Text(title, style="bold"), *(Text(line) for line in lines))


def render_items(details: OrderDetails) -> Table:
    order = details.order
    refunded = refunded_quantities(details.refunds)
    table = Table(expand=True, box=None, header_style="bold", pad_edge=False)
    table.add_column(_("SKU"), no_wrap=True, max_width=14)
    table.add_column(_("Item"), ratio=1, overflow="fold")
    table.add_column(_("Qty"), justify="right")
    table.add_column(_("Unit"), justify="right")
    table.add_column(_("Total"), justify="right")
    table.add_column(_("Ref."), justify="right")
    table.add_column(_("Stock"), no_wrap=True)
    for item in order.line_items:
        unit = item.subtotal / item.quantity if item.quantity else item.price
        table.add_row(
            item.sku or "—",
            item.name,
            str(item.quantity),
            format_money(unit, order.currency),
            format_money(item.total, order.currency),
            str(refunded.get(item.id, 0) or ""),
            stock_state(details.products.get(item.product_id)),
        )
    return table


def render_totals(order: Order) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="bold")
    table.add_column(justify="right")
    money = order.currency
    # Labels of amounts: "Refunded" here is "Remboursé", not the status "Remboursée".
    rows = [
        (_("Subtotal"), order.subtotal, True),
        (_("Discount"), -order.discount_total, False),
        (_("Shipping"), order.shipping_total, True),
        (_("Fees"), sum((f.total for f in order.fee_lines), Decimal("0")), False),
        (_("Tax"), order.total_tax, True),
        (_("Total"), order.total, True),
        (pgettext("amount", "Refunded"), -order.total_refunded, False),
        (_("Net"), order.net_total, True),
    ]
    for label, amount, always in rows:
        if not always and amount == 0:
            continue
        table.add_row(label, format_money(amount, money))
    return table


def render_timeline(details: OrderDetails) -> Table:
    table = Table(box=None, expand=True, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True, style="dim")
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    entries = timeline(details.notes, details.refunds, details.order.currency)
    for entry in entries:
        author = f" ({entry.author})" if entry.kind == "private" and entry.author else ""
        table.add_row(local_time(entry.when), _(TIMELINE_MARKS[entry.kind]), entry.text + author)
    if not entries:
        table.add_row("", "", _("No notes yet."))
    return table


class OrderDetailScreen(Screen[None]):
    """One order. `s` changes its status; `escape` goes back to the queue."""

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="detail.back"),
        Binding("s", "status", "Status", id="detail.status"),
        Binding("u", "app.undo", "Undo", id="detail.undo"),
        Binding("m", "messages", "Messages", id="detail.messages"),
        Binding("r", "refund", "Refund", id="detail.refund"),
        Binding("R", "receive_return", "Return", show=False, id="detail.return"),
        Binding("p", "print_slip", "Print slip", id="detail.print"),
        Binding("c", "pack", "Pack", show=False, id="detail.pack"),
        Binding("e", "edit", "Edit", show=False, id="detail.edit"),
        Binding("D", "delete", "Delete", show=False, id="detail.delete"),
        Binding("l", "payment_link", "Payment link", show=False, id="detail.payment_link"),
        Binding("C", "customer", "Customer", show=False, id="detail.customer"),
        Binding("ctrl+r", "reload", "Reload", id="detail.reload"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="detail.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="detail.up"),
        Binding("question_mark,f1", "app.help", "Help", id="detail.help"),
    ]

    class Loaded(Message):
        def __init__(self, details: OrderDetails) -> None:
            super().__init__()
            self.details = details

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.details: OrderDetails | None = None

    def compose(self) -> ComposeResult:
        yield Static(_(
            "Order #{order_id}"
        ).format(order_id=self.order_id), id="detail-title", classes="screen-title")
        with VerticalScroll(id="detail-body"):
            yield Static(_("Loading…"), id="detail-summary")
            with Horizontal(id="detail-addresses"):
                yield Static("", id="detail-billing", classes="address")
                yield Static("", id="detail-shipping", classes="address")
            yield Static("", id="detail-items")
            yield Static("", id="detail-totals")
            yield Static(_("Timeline"), classes="section-title")
            yield Static("", id="detail-timeline")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        self.app.orders_changed.subscribe(self, self._orders_changed)  # type: ignore[attr-defined]
        self.load()

    def _orders_changed(self, order_ids: set[int]) -> None:
        if self.order_id in order_ids:
            self.load()

    @work(exclusive=True, group="detail-load", exit_on_error=False)
    async def load(self) -> None:
        shop = self.app.shop  # type: ignore[attr-defined]
        try:
            order, notes, refunds = await asyncio.gather(
                shop.get_order(self.order_id),
                shop.list_notes(self.order_id),
                shop.list_refunds(self.order_id),
            )
            product_ids = sorted({i.product_id for i in order.line_items if i.product_id})
            products = (
                await shop.list_products(include=product_ids, per_page=100) if product_ids else []
            )
        except ShopError as error:
            self.notify(error_text(error), title=_(
                "Order #{order_id}"
            ).format(order_id=self.order_id), severity="error")
            if self.details is None:
                self.query_one("#detail-summary", Static).update(_(
                    "Could not load: {error}"
                ).format(error=error_text(error)))
            return
        details = OrderDetails(order, notes, refunds, {p.id: p for p in products})
        self.post_message(self.Loaded(details))

    def on_order_detail_screen_loaded(self, message: Loaded) -> None:
        self.details = details = message.details
        order = details.order
        title = _("Order #{number} · {customer} · {total}").format(
            number=order.number,
            customer=order.customer_name,
            total=format_money(order.total, order.currency),
        )
        if self.app.session is not None:  # type: ignore[attr-defined]
            # Several shops open: numbers repeat across shops, so the title says whose.
            title = _("{shop} · {title} · {code}").format(
                shop=self.app.shop_name_of(order.id),  # type: ignore[attr-defined]
                title=title,
                code=self.app.order_ref(order),  # type: ignore[attr-defined]
            )
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-summary", Static).update(
            render_summary(
                details,
                self.app.status_styles,  # type: ignore[attr-defined]
                self.app.status_label,  # type: ignore[attr-defined]
            )
        )
        self.query_one("#detail-billing", Static).update(
            render_address(_("Billing"), order, "billing")
        )
        self.query_one("#detail-shipping", Static).update(
            render_address(_("Shipping"), order, "shipping")
        )
        self.query_one("#detail-items", Static).update(render_items(details))
        self.query_one("#detail-totals", Static).update(render_totals(order))
        self.query_one("#detail-timeline", Static).update(render_timeline(details))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_messages(self) -> None:
        self.app.open_messages(self.order_id)  # type: ignore[attr-defined]

    def action_refund(self) -> None:
        self.app.open_refund(self.order_id)  # type: ignore[attr-defined]

    def action_receive_return(self) -> None:
        self.app.open_return(self.order_id)  # type: ignore[attr-defined]

    def action_print_slip(self) -> None:
        self.app.print_documents("packing_slip", [self.order_id])  # type: ignore[attr-defined]

    def action_pack(self) -> None:
        self.app.open_pack(self.order_id)  # type: ignore[attr-defined]

    def action_edit(self) -> None:
        self.app.open_edit(self.order_id)  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        self.app.open_delete(self.order_id)  # type: ignore[attr-defined]

    def action_payment_link(self) -> None:
        self.app.open_payment_link(self.order_id)  # type: ignore[attr-defined]

    def action_customer(self) -> None:
        customer_id = self.details.order.customer_id if self.details else 0
        if customer_id:
            self.app.open_customers(customer_id)  # type: ignore[attr-defined]
        else:
            self.notify(_("A guest order: no customer account."), severity="warning")

    def action_status(self) -> None:
        if self.details is None:
            self.notify(_("The order is still loading."), severity="warning")
            return
        self.app.pick_status([self.details.order])  # type: ignore[attr-defined]
