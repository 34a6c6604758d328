"""Synthetic orders for the queue widget and model tests.

Orders are built with `client.model.Order(...)` directly: the widget must work with what
the client hands it, and building 100,000 of them this way is fast enough for a test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.message import Message

from client.model import Address, LineItem, Order
from tui.queue_model import QueueModel
from tui.widgets.order_table import OrderTable

#: The fixed "now" every test uses, so ages ("3 minutes ago") are deterministic.
NOW = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)

FIRST = ("Anna", "Élodie", "Jürgen", "Marta", "Olaf", "Zoë", "Bram", "Chen", "Søren", "Ines")
LAST = ("Smith", "Dupont", "Müller", "García", "Nowak", "Rossi", "de Vries", "Wang", "Berg")
STATUSES = ("processing", "pending", "on-hold", "completed", "cancelled", "refunded", "failed")

OrderFactory = Callable[..., Order]


def make_order(
    order_id: int,
    *,
    number: str | None = None,
    status: str = "processing",
    first: str = "Anna",
    last: str = "Smith",
    email: str | None = None,
    company: str = "",
    total: str | Decimal = "10.00",
    currency: str = "EUR",
    minutes_ago: float | None = None,
    created: datetime | None = None,
    skus: tuple[str, ...] = ("SKU-1",),
    quantity: int = 1,
) -> Order:
    """One order, created `order_id` minutes before NOW unless `minutes_ago`/`created` say."""
    if created is None:
        created = NOW - timedelta(minutes=order_id if minutes_ago is None else minutes_ago)
    return Order(
        id=order_id,
        number=str(order_id) if number is None else number,
        status=status,
        currency=currency,
        date_created=created,
        total=Decimal(total),
        billing=Address(
            first_name=first,
            last_name=last,
            company=company,
            email=email if email is not None else f"{first.lower()}{order_id}@example.com",
        ),
        line_items=tuple(
            LineItem(id=order_id * 10 + n, name=f"Item {sku}", sku=sku, quantity=quantity)
            for n, sku in enumerate(skus)
        ),
    )


def many_orders(n: int) -> list[Order]:
    """`n` varied orders: ids 1..n, newest = highest id, statuses and names cycling."""
    orders = []
    for i in range(1, n + 1):
        orders.append(
            make_order(
                i,
                status=STATUSES[i % len(STATUSES)],
                first=FIRST[i % len(FIRST)],
                last=LAST[i % len(LAST)],
                total=Decimal(i % 997) + Decimal("0.99"),
                minutes_ago=(n - i) * 3,
                skus=(f"SKU-{i % 50:03d}",),
                quantity=1 + i % 4,
            )
        )
    return orders


@pytest.fixture
def order_factory() -> OrderFactory:
    return make_order


@pytest.fixture
def orders_factory() -> Callable[[int], list[Order]]:
    return many_orders


@pytest.fixture(scope="session")
def hundred_thousand() -> list[Order]:
    """Built once per session: 100,000 orders take a couple of seconds to build."""
    return many_orders(100_000)


class TableApp(App[None]):
    """The smallest app around an `OrderTable`: the table alone, focused."""

    def __init__(
        self, model: QueueModel, table_class: type[OrderTable] = OrderTable, **table_kwargs: Any
    ) -> None:
        super().__init__()
        self.model = model
        self.table_class = table_class
        self.table_kwargs = {"now": lambda: NOW, "age_refresh_seconds": 0, **table_kwargs}
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.table_class(self.model, id="orders", **self.table_kwargs)

    def on_mount(self) -> None:
        self.query_one(OrderTable).focus()

    def on_order_table_cursor_moved(self, message: OrderTable.CursorMoved) -> None:
        self.messages.append(message)

    def on_order_table_opened(self, message: OrderTable.Opened) -> None:
        self.messages.append(message)

    def on_order_table_mark_changed(self, message: OrderTable.MarkChanged) -> None:
        self.messages.append(message)

    @property
    def table(self) -> OrderTable:
        return self.query_one(OrderTable)


@pytest.fixture
def table_app() -> Callable[..., TableApp]:
    """`table_app(orders_or_model, **OrderTable kwargs)` -> a TableApp to `run_test`."""

    def build(source: QueueModel | list[Order], **table_kwargs: Any) -> TableApp:
        model = source if isinstance(source, QueueModel) else QueueModel(source)
        return TableApp(model, **table_kwargs)

    return build


def screen_lines(app: App[Any]) -> list[str]:
    """The text on the terminal right now, one string per line (what a person reads)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.fixture
def read_screen() -> Callable[[App[Any]], list[str]]:
    return screen_lines


@pytest.fixture
def now() -> datetime:
    """The fixed instant the tables' clocks read."""
    return NOW
