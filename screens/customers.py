"""Customers (key C, or "Customers" in the palette): find one, see who they are and what
they ordered, open any of their orders.

WooCommerce's customer API carries contact details, addresses and role but no order
count or amount spent in current versions, so both are computed from the customer's
orders (`GET orders?customer=ID`, every page, light `_fields`). "Spent" follows the same
rule as the reports (`tui.reports.counts_as_sale`): orders pending payment, failed or
cancelled are not spending; refunds are deducted.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from client.errors import ShopError
from client.model import Address, Customer, Order
from client.protocol import OrderQuery
from tui.error_text import error_text
from tui.i18n import _
from tui.render import format_money, local_time
from tui.reports import counts_as_sale
from tui.widgets.footer import Footer

#: What the order history needs of each order.
HISTORY_FIELDS: tuple[str, ...] = (
    "id",
    "number",
    "status",
    "currency",
    "date_created_gmt",
    "total",
    "line_items.quantity",
    "refunds",
)

#: Customers listed for one search.
SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """A customer with what their orders add up to."""

    customer: Customer
    orders: list[Order]

    @property
    def order_count(self) -> int:
        return len(self.orders)

    @property
    def sales(self) -> list[Order]:
        return [o for o in self.orders if counts_as_sale(o.status)]

    @property
    def spent(self) -> Decimal:
        return sum((o.net_total for o in self.sales), Decimal(0))

    @property
    def currency(self) -> str:
        return next((o.currency for o in self.orders if o.currency), "")


def one_line(address: Address) -> str:
    """An address on one line (the pane is narrow at 80 columns)."""
    return ", ".join(address.lines()[1:] if address.name else address.lines()) or "—"


def render_card(summary: CustomerSummary) -> Group:
    customer = summary.customer
    head = Text()
    head.append(
        customer.name or customer.email or _("Customer {id}").format(id=customer.id), style="bold"
    )
    head.append(f"  #{customer.id}", style="dim")
    head.append(f" · {customer.role or _('no role')}")
    if customer.date_created is not None:
        head.append(" · " + _("since {day}").format(day=local_time(customer.date_created)[:10]))
    contact = Text(customer.email or _("no email"))
    phone = customer.billing.phone or customer.shipping.phone
    if phone:
        contact.append(f" · {phone}")
    if customer.username:
        contact.append(" · " + _("login {name}").format(name=customer.username), style="dim")
    totals = Text()
    totals.append(_("Orders") + " ", style="bold")
    totals.append(str(summary.order_count))
    totals.append("  " + _("Spent") + " ", style="bold")
    totals.append(format_money(summary.spent, summary.currency))
    totals.append(
        "  "
        + _("({n} counted: not pending/failed/cancelled; net of refunds)").format(
            n=len(summary.sales)
        ),
        style="dim",
    )
    billing = Text(_("Billing  "), style="bold")
    billing.append(one_line(customer.billing), style="not bold")
    shipping = Text(_("Ships to "), style="bold")
    same = customer.shipping.lines() == customer.billing.lines() or not customer.shipping.lines()
    shipping.append(_("same as billing") if same else one_line(customer.shipping), style="not bold")
    return Group(head, contact, totals, billing, shipping)


async def load_summary(shop, customer_id: int) -> CustomerSummary:  # shop: ShopClient
    customer_task = asyncio.create_task(shop.get_customer(customer_id))
    orders: list[Order] = []
    try:
        async for page in shop.iter_orders(OrderQuery(customer=customer_id, fields=HISTORY_FIELDS)):
            orders.extend(page)
    except BaseException:
        customer_task.cancel()
        raise
    customer = await customer_task
    orders.sort(key=lambda o: (o.date_created is not None, o.date_created, o.id), reverse=True)
    return CustomerSummary(customer, orders)


class CustomersScreen(Screen[None]):
    """Search on top, customers on the left, the chosen one on the right."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "back", "Back", id="customers.back"),
        Binding("slash", "search", "Search", id="customers.search"),
        Binding("ctrl+r", "reload", "Reload", id="customers.reload"),
        Binding("question_mark,f1", "app.help", "Help", id="customers.help"),
    ]

    class Found(Message):
        def __init__(self, customers: list[Customer], search: str) -> None:
            super().__init__()
            self.customers = customers
            self.search = search

    class Summarised(Message):
        def __init__(self, summary: CustomerSummary) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, customer_id: int | None = None, search: str = "") -> None:
        super().__init__()
        self.customer_id = customer_id
        self.initial_search = search
        self.customers: list[Customer] = []
        self.summary: CustomerSummary | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Customers"), id="customers-title", classes="screen-title")
        with Horizontal(id="customer-search-row"):
            yield Label(_("Search "), classes="search-label")
            yield Input(
                self.initial_search,
                placeholder=_("name or email… (/)"),
                id="customer-search",
                compact=True,
            )
        with Horizontal(id="customers-main"):
            yield OptionList(id="customer-list")
            with Vertical(id="customer-detail"):
                yield Static(_("Choose a customer (enter)."), id="customer-card")
                table: DataTable[Text | str] = DataTable(id="customer-orders", cursor_type="row")
                table.add_columns(_("Order"), _("Date"), _("Status"), _("Items"), _("Total"))
                yield table
        yield Footer()

    def on_mount(self) -> None:
        if self.initial_search or not self.customer_id:
            self.search(self.initial_search)
        if self.customer_id:
            self.show_customer(self.customer_id)
            self.query_one("#customer-orders").focus()
        else:
            self.query_one("#customer-search").focus()

    # ---- searching ------------------------------------------------------------------

    @work(exclusive=True, group="customers-search", exit_on_error=False)
    async def search(self, text: str) -> None:
        try:
            found = await self.app.shop.list_customers(  # type: ignore[attr-defined]
                search=text.strip(), per_page=SEARCH_LIMIT
            )
        except ShopError as error:
            self.notify(error_text(error), title=_("Customers"), severity="error")
            return
        self.post_message(self.Found(found, text))

    @on(Input.Changed, "#customer-search")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.25, lambda: self.search(event.value))

    @on(Input.Submitted, "#customer-search")
    def _search_done(self) -> None:
        self.query_one("#customer-list").focus()

    def on_customers_screen_found(self, message: Found) -> None:
        self.customers = message.customers
        options = self.query_one("#customer-list", OptionList)
        options.clear_options()
        for customer in message.customers:
            label = Text(customer.name or customer.email, style="bold")
            if customer.email and customer.name != customer.email:
                label.append(f"\n{customer.email}", style="dim")
            options.add_option(Option(label, id=str(customer.id)))
        if not message.customers:
            options.add_option(
                Option(Text(_(
                    "No customer matches {search!r}."
                ).format(search=message.search), style="dim"), disabled=True)
            )
        else:
            ids = [c.id for c in message.customers]
            chosen = self.customer_id if self.customer_id in ids else ids[0]
            options.highlighted = ids.index(chosen)

    @on(OptionList.OptionSelected, "#customer-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.customer_id = int(event.option.id)
        self.show_customer(self.customer_id)
        self.query_one("#customer-orders").focus()

    # ---- one customer ---------------------------------------------------------------

    @work(exclusive=True, group="customers-detail", exit_on_error=False)
    async def show_customer(self, customer_id: int) -> None:
        self.query_one("#customer-card", Static).update(_("Loading…"))
        try:
            summary = await load_summary(self.app.shop, customer_id)  # type: ignore[attr-defined]
        except ShopError as error:
            self.query_one("#customer-card", Static).update(_(
                "Could not load: {error}"
            ).format(error=error_text(error)))
            self.notify(error_text(error), title=_("Customer"), severity="error")
            return
        self.post_message(self.Summarised(summary))

    def on_customers_screen_summarised(self, message: Summarised) -> None:
        self.summary = summary = message.summary
        self.query_one("#customers-title", Static).update(
            _("Customers · {value}").format(value=summary.customer.name or summary.customer.email)
        )
        self.query_one("#customer-card", Static).update(render_card(summary))
        search = self.query_one("#customer-search", Input)
        if not self.customers and not search.value and summary.customer.email:
            # Opened on one customer: list them (and whoever shares the address).
            search.value = summary.customer.email
        table = self.query_one("#customer-orders", DataTable)
        table.clear()
        styles = self.app.status_styles  # type: ignore[attr-defined]
        for order in summary.orders:
            look = styles[order.status]
            status = Text(
                f"{look.symbol} {self.app.status_label(order.status)}",  # type: ignore[attr-defined]
                style=look.colour,
            )
            total = format_money(order.total, order.currency)
            if order.total_refunded:
                total += f" (−{format_money(order.total_refunded, order.currency)})"
            table.add_row(
                f"#{order.number}",
                local_time(order.date_created)[:10],
                status,
                str(order.item_count),
                total,
                key=str(order.id),
            )
        if not summary.orders:
            self.notify(_("No orders for this customer yet."))

    @on(DataTable.RowSelected, "#customer-orders")
    def _open_order(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.open_order(int(event.row_key.value))  # type: ignore[attr-defined]

    # ---- keys -----------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#customer-search", Input).focus()

    def action_reload(self) -> None:
        self.search(self.query_one("#customer-search", Input).value)
        if self.customer_id:
            self.show_customer(self.customer_id)

    def action_back(self) -> None:
        search = self.query_one("#customer-search", Input)
        if search.has_focus and self.customers:
            self.query_one("#customer-list").focus()
            return
        self.app.pop_screen()
