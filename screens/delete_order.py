"""Delete an order (key D on an order): a confirmation naming it, a second one if it was paid.

Deleting moves the order to the shop's trash (`DELETE orders/{id}` without `force`, as
WooCommerce's admin does: it can be restored there), and the shop gives back the stock
its items held. A paid order needs a second, explicit step — typing its number — because
deleting it refunds nobody: the money stays taken and the record of it goes.

After the shop confirms, this console drops the row at once through the same path the
live feed uses for deletions (`FeedArrived` with a "deleted" event: queue model, the
`orders_changed` signal, the queue screen's redraw), and goes back to the queue. Other
consoles see the row leave when their feed reconciles its count with the shop's.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from client.errors import NotFound, ShopError
from client.model import STOCK_HOLDING_STATUSES, Order
from client.protocol import FeedEvent
from tui.error_text import error_text
from tui.i18n import _
from tui.render import format_money, local_time


def question(order: Order, status_label: str) -> str:
    """The first confirmation: which order, whose, how much, in which status."""
    return _("Delete order #{number} — {customer} — {total} ({status})?").format(
        number=order.number,
        customer=order.customer_name,
        total=format_money(order.total, order.currency),
        status=status_label,
    )


def consequences(order: Order, holding: frozenset[str]) -> str:
    """What deleting does, in the words staff need before saying yes."""
    parts = [_("It goes to the shop's trash (it can be restored from the shop's admin).")]
    if order.status in holding and order.line_items:
        items = ", ".join(f"{line.quantity} × {line.name}" for line in order.line_items)
        parts.append(_("Stock goes back: {items}.").format(items=items))
    parts.append(_("Nothing is refunded."))
    return " ".join(parts)


def paid_warning(order: Order) -> str:
    method = order.payment_method_title or order.payment_method or _("an unrecorded method")
    return _(
        "This order was PAID on {when} ({total} by {method}). Deleting it does not refund "
        "the customer."
    ).format(
        when=local_time(order.date_paid),
        total=format_money(order.total, order.currency),
        method=method,
    )


class DeleteOrderScreen(ModalScreen[None]):
    """Confirm, (confirm again for a paid order,) delete, back to the queue."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("y", "confirm", "Delete", id="delete_order.confirm"),
        Binding("n,escape", "cancel", "Cancel", id="delete_order.cancel"),
    ]

    class Loaded(Message):
        def __init__(self, order: Order) -> None:
            super().__init__()
            self.order = order

    class Deleted(Message):
        def __init__(self, order: Order) -> None:
            super().__init__()
            self.order = order

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.order: Order | None = None
        #: "first" (the question), "paid" (type the number), "sending", "done".
        self.step = "loading"

    def compose(self) -> ComposeResult:
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Static(_("Delete order"), classes="dialog-title")
            yield Static(_("Loading…"), id="delete-question")
            yield Static("", id="delete-details", classes="dialog-hint")
            yield Static("", id="delete-paid")
            yield Static("", id="delete-prompt")
            yield Input(placeholder=_("order number"), id="delete-number")
            yield Static("", id="delete-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Delete (y)"), id="delete-yes", variant="error", disabled=True)
                yield Button(_("Cancel (n)"), id="delete-no")

    def on_mount(self) -> None:
        for hidden in ("#delete-paid", "#delete-prompt", "#delete-number", "#delete-error"):
            self.query_one(hidden).display = False
        self.query_one("#delete-no", Button).focus()
        self.load()

    @work(exclusive=True, group="delete-load", exit_on_error=False)
    async def load(self) -> None:
        try:
            order = await self.app.shop.get_order(self.order_id)  # type: ignore[attr-defined]
        except ShopError as error:
            self.query_one("#delete-question", Static).update(_(
                "Could not load: {error}"
            ).format(error=error_text(error)))
            return
        self.post_message(self.Loaded(order))

    def _holding(self) -> frozenset[str]:
        custom = {
            slug
            for slug, setting in self.app.config.statuses.items()  # type: ignore[attr-defined]
            if setting.holds_stock
        }
        return STOCK_HOLDING_STATUSES | custom

    def on_delete_order_screen_loaded(self, message: Loaded) -> None:
        self.order = order = message.order
        label = self.app.status_label(order.status)  # type: ignore[attr-defined]
        self.query_one("#delete-question", Static).update(Text(question(order, label)))
        self.query_one("#delete-details", Static).update(consequences(order, self._holding()))
        if order.is_paid:
            paid = self.query_one("#delete-paid", Static)
            paid.update(Text(paid_warning(order), style="bold"))
            paid.display = True
        self.query_one("#delete-yes", Button).disabled = False
        self.step = "first"

    # ---- the two steps ---------------------------------------------------------------

    def action_confirm(self) -> None:
        if self.order is None or self.step not in ("first", "paid"):
            return
        if self.step == "paid":
            self._check_number()
            return
        if self.order.is_paid:
            self._ask_number()
            return
        self._delete()

    def _ask_number(self) -> None:
        assert self.order is not None
        self.step = "paid"
        prompt = self.query_one("#delete-prompt", Static)
        prompt.update(
            _(
                "To delete this PAID order, type its number ({number}) and press Enter."
            ).format(number=self.order.number)
        )
        prompt.display = True
        number = self.query_one("#delete-number", Input)
        number.display = True
        number.focus()
        self.query_one("#delete-yes", Button).label = "Delete (enter)"

    @on(Input.Submitted, "#delete-number")
    def _number_entered(self) -> None:
        self._check_number()

    def _check_number(self) -> None:
        assert self.order is not None
        typed = self.query_one("#delete-number", Input).value.strip().lstrip("#")
        if typed != self.order.number:
            self._error(_(
                "That is not {number}: nothing deleted."
            ).format(number=self.order.number))
            return
        self._delete()

    def _error(self, text: str) -> None:
        error = self.query_one("#delete-error", Static)
        error.update(text)
        error.display = bool(text)

    def _delete(self) -> None:
        self.step = "sending"
        self.query_one("#delete-yes", Button).disabled = True
        self._error(_("Deleting…"))
        self.send()

    @work(exclusive=True, group="delete-send", exit_on_error=False)
    async def send(self) -> None:
        assert self.order is not None
        try:
            await self.app.shop.delete_order(self.order.id)  # type: ignore[attr-defined]
        except ShopError as error:
            gone = isinstance(error, NotFound) or error.code == "woocommerce_rest_already_trashed"
            if not gone:
                self.step = "first" if not self.order.is_paid else "paid"
                self.query_one("#delete-yes", Button).disabled = False
                self._error(_("Not deleted: {error}").format(error=error_text(error)))
                return
        self.post_message(self.Deleted(self.order))

    def on_delete_order_screen_deleted(self, message: Deleted) -> None:
        from screens.queue import QueueScreen
        from tui.app import FeedArrived

        order = message.order
        self.step = "done"
        app = self.app
        # The live feed's own path for a deletion: model, signal, queue redraw.
        app.post_message(FeedArrived(FeedEvent("deleted", deleted_ids=[order.id])))
        app.notify(
            _(
                "Order #{number} ({format_money}) deleted: it is in the shop's trash."
            ).format(number=order.number, format_money=format_money(order.total, order.currency)),
            title=_("Order deleted"),
        )
        while len(app.screen_stack) > 1 and not isinstance(app.screen, QueueScreen):
            app.pop_screen()

    def action_cancel(self) -> None:
        if self.step in ("sending", "done"):
            return
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "delete-yes":
            self.action_confirm()
        else:
            self.action_cancel()
