"""Payment link (key l on an order): the shop's pay page for an unpaid order, to copy or scan.

The link is the order's `payment_url` (WooCommerce's "Customer payment page"). It is shown
in full (selectable by hand), copied with `y` through the terminal (OSC 52, which also
works over SSH: `tui.clipboard`), and drawn as a QR code with half-block characters, two
modules per character cell, so a customer at the counter can scan it from the screen.

WooCommerce takes payment on that page only for orders Pending payment or Failed with a
total above zero (`needs_payment`); for any other order the screen says why there is no
link instead of showing one that would fail.
"""

from __future__ import annotations

from pathlib import Path

import segno
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from client.errors import ShopError
from client.model import Order
from tui.clipboard import copy_text
from tui.error_text import error_text
from tui.i18n import _
from tui.render import format_money, local_time
from tui.widgets.footer import Footer

#: Light modules around the code: scanners need a margin lighter than the code.
QR_BORDER = 2

_HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_rows(data: str, *, border: int = QR_BORDER) -> list[str]:
    """`data` as a QR code, one string per terminal row (dark modules as ink).

    Each character cell holds two modules stacked (upper and lower half block), so the
    code keeps its square shape in a terminal's tall cells.
    """
    code = segno.make(data, micro=False)
    matrix = [[bool(module) for module in row] for row in code.matrix_iter(border=border)]
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    return [
        "".join(_HALF_BLOCKS[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[0::2], matrix[1::2], strict=True)
    ]


def qr_text(data: str) -> Text:
    """The QR code as Rich text, dark on light whatever the terminal's theme."""
    return Text("\n".join(qr_rows(data)), style="black on white", no_wrap=True)


def no_link_reason(order: Order, status_label: str) -> str | None:
    """Why the order has no usable payment link (None when it has one)."""
    if order.is_paid:
        method = order.payment_method_title or order.payment_method or _("no method recorded")
        return _(
            "Order #{number} was paid on {when} ({method}). No payment link is needed."
        ).format(number=order.number, when=local_time(order.date_paid), method=method)
    if order.total <= 0:
        return _("Order #{number} has nothing to pay (total {total}).").format(
            number=order.number, total=format_money(order.total)
        )
    if not order.needs_payment:
        return _(
            "Order #{number} is {status}: the shop takes payment on its pay page only for "
            "orders Pending payment or Failed. Set it to Pending payment first (s on the "
            "order), then open the link again."
        ).format(number=order.number, status=status_label)
    if not order.payment_url:
        return _("The shop gave no payment link for this order.")
    return None


class PaymentLinkScreen(Screen[None]):
    """The payment link of one order: `y` copies it, the QR code is for scanning."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="payment_link.back"),
        Binding("y", "copy", "Copy link", id="payment_link.copy"),
        Binding("ctrl+r", "reload", "Reload", id="payment_link.reload"),
        Binding("question_mark,f1", "app.help", "Help", id="payment_link.help"),
    ]

    class Loaded(Message):
        def __init__(self, order: Order) -> None:
            super().__init__()
            self.order = order

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.order: Order | None = None

    @property
    def link(self) -> str | None:
        """The link when the order can be paid through it."""
        if self.order is None or self._reason(self.order) is not None:
            return None
        return self.order.payment_url

    def compose(self) -> ComposeResult:
        yield Static(
            _(
                "Payment link · order #{order_id}"
            ).format(order_id=self.order_id), id="link-title", classes="screen-title"
        )
        with VerticalScroll(id="link-body"), Horizontal(id="link-row"):
            yield Static("", id="link-qr")
            yield Static(_("Loading…"), id="link-info")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#link-body").focus()
        self.app.orders_changed.subscribe(self, self._orders_changed)  # type: ignore[attr-defined]
        self.load()

    def _orders_changed(self, order_ids: set[int]) -> None:
        if self.order_id in order_ids:
            self.load()

    def _reason(self, order: Order) -> str | None:
        return no_link_reason(order, self.app.status_label(order.status))  # type: ignore[attr-defined]

    @work(exclusive=True, group="payment-link-load", exit_on_error=False)
    async def load(self) -> None:
        try:
            order = await self.app.shop.get_order(self.order_id)  # type: ignore[attr-defined]
        except ShopError as error:
            self.query_one("#link-info", Static).update(_(
                "Could not load the order: {error}"
            ).format(error=error_text(error)))
            self.notify(error_text(error), title=_(
                "Order #{order_id}"
            ).format(order_id=self.order_id), severity="error")
            return
        self.post_message(self.Loaded(order))

    def on_payment_link_screen_loaded(self, message: Loaded) -> None:
        self.order = order = message.order
        self.query_one("#link-title", Static).update(
            _(
                "Payment link · order #{number} · {customer_name} · {format_money}"
            ).format(
                number=order.number,
                customer_name=order.customer_name,
                format_money=format_money(order.total, order.currency),
            )
        )
        qr = self.query_one("#link-qr", Static)
        info = self.query_one("#link-info", Static)
        reason = self._reason(order)
        if reason is not None:
            qr.display = False
            info.update(Text(reason))
            return
        qr.display = True
        qr.update(qr_text(order.payment_url))
        text = Text()
        text.append(_("To pay  "), style="bold")
        text.append(format_money(order.total, order.currency))
        text.append(_("\nFor  {customer_name}").format(customer_name=order.customer_name))
        if order.billing.email:
            text.append(f" · {order.billing.email}")
        text.append(_("\n\nLink\n"), style="bold")
        text.append(order.payment_url, style="underline")
        text.append("\n\n")
        text.append("y", style="bold reverse")
        text.append(_(" copies the link (works over SSH).\n"))
        text.append(_("The customer can scan the code with a phone camera."), style="dim")
        info.update(text)

    def action_copy(self) -> None:
        link = self.link
        if link is None:
            reason = self._reason(self.order) if self.order is not None else None
            self.notify(reason or _("The order is still loading."), severity="warning")
            return
        outcome = copy_text(self.app, link)
        self.notify(outcome.message, severity="information" if outcome.sent else "warning")

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
