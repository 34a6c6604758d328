"""Customers, reports and custom statuses, driven by keys on a real reference shop and checked
against it."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from decimal import Decimal

from client.model import Order
from client.protocol import OrderQuery, RefundRequest
from client.woocommerce import WooCommerceClient
from screens.customers import CustomersScreen
from screens.order_detail import OrderDetailScreen
from screens.reports import ReportsScreen
from screens.status_filter import StatusFilterPicker
from shop.statuses import add_status
from tests.tui.helpers import eventually, notifications, screen_text, wait_until
from tui.config import Config, StatusSetting
from tui.paths import documents_dir
from tui.render import format_money
from tui.widgets.order_table import OrderTable


async def _loaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.loaded, what="the first load")
    await pilot.pause()


async def _orders(api: WooCommerceClient, query: OrderQuery | None = None) -> list[Order]:
    found: list[Order] = []
    async for page in api.iter_orders(query or OrderQuery()):
        found.extend(page)
    return found


def _flat(pilot) -> str:
    return " ".join(screen_text(pilot).split())


# --------------------------------------------------------------------------- customers


async def test_customer_pane_from_an_order_shows_totals_and_opens_their_orders(make_app, api):
    orders = await _orders(api)
    counts: dict[int, int] = {}
    for order in orders:
        counts[order.customer_id] = counts.get(order.customer_id, 0) + 1
    customer_id = max((c for c in counts if c), key=lambda c: counts[c])
    theirs = [o for o in orders if o.customer_id == customer_id]
    customer = await api.get_customer(customer_id)
    not_sales = {"pending", "failed", "cancelled"}
    spent = sum((o.net_total for o in theirs if o.status not in not_sales), Decimal(0))
    newest = max(theirs, key=lambda o: (o.date_created, o.id))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_order(theirs[0].id)
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.details is not None,
            what="the order",
        )
        await pilot.press("C")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, CustomersScreen) and app.screen.summary is not None,
            what="the customer pane",
        )
        await pilot.pause()
        pane = app.screen
        text = _flat(pilot)
        assert customer.name in text and customer.email in text
        assert f"Orders {len(theirs)}" in text
        assert f"Spent {format_money(spent, 'EUR')}" in text
        assert customer.role in text
        assert customer.billing.city in text
        table = pane.query_one("#customer-orders")
        assert table.row_count == len(theirs)
        assert f"#{newest.number}" in text
        # Opened on one customer, the list shows them too.
        await wait_until(pilot, lambda: any(c.id == customer_id for c in pane.customers))
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.order_id == newest.id,
            what="the order to open",
        )


async def test_customers_are_searched_by_name_and_email(make_app, api):
    customers = await api.list_customers(per_page=100)
    target = next(c for c in customers if c.last_name and c.email)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_customers()
        await wait_until(pilot, lambda: isinstance(app.screen, CustomersScreen))
        pane = app.screen
        await wait_until(pilot, lambda: bool(pane.customers), what="the first list")
        pane.query_one("#customer-search").value = target.email.upper()
        await wait_until(
            pilot,
            lambda: [c.id for c in pane.customers] == [target.id],
            what="the email search",
        )
        pane.query_one("#customer-search").value = target.last_name
        await wait_until(
            pilot,
            lambda: (
                pane.customers
                and all(target.last_name.casefold() in c.name.casefold() for c in pane.customers)
                and target.id in [c.id for c in pane.customers]
            ),
            what="the name search",
        )
        assert len(pane.customers) < len(customers)
        pane.query_one("#customer-search").focus()
        await pilot.press("enter")  # to the list
        await pilot.press("enter")  # open the highlighted customer
        await wait_until(pilot, lambda: pane.summary is not None, what="the customer")
        assert pane.summary.customer.id == pane.customers[0].id
        pane.query_one("#customer-search").value = "nobody-by-that-name"
        await wait_until(pilot, lambda: not pane.customers)
        assert "No customer matches" in _flat(pilot)


# --------------------------------------------------------------------------- reports


async def _report_for(pilot, start: date, end: date) -> ReportsScreen:
    screen = pilot.app.screen
    previous = screen.report
    screen.query_one("#report-from").value = start.isoformat()
    screen.query_one("#report-to").value = end.isoformat()
    screen.query_one("#report-from").focus()
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: (
            screen.report is not previous
            and screen.report is not None
            and (screen.report.start, screen.report.end) == (start, end)
        ),
        what="the report",
    )
    await pilot.pause()
    return screen


async def test_report_counts_orders_revenue_and_refunds_per_day_and_exports_csv(make_app, api):
    today = date.today()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.action_reports()
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ReportsScreen) and app.screen.report is not None,
            what="the default report",
        )
        screen = app.screen
        assert (screen.report.start, screen.report.end) == (today - timedelta(days=29), today)
        # Independent count over the same 30 days: orders that are sales, by local day.
        zone = datetime.now().astimezone().tzinfo
        sales = [
            o
            for o in await _orders(api)
            if o.status not in ("pending", "failed", "cancelled")
            and screen.report.start <= o.date_created.astimezone(zone).date() <= today
        ]
        assert screen.report.totals.orders == len(sales)
        assert screen.report.totals.revenue == sum((o.total for o in sales), Decimal(0))

        before = {d.day: d for d in screen.report.days}[today]
        products = await api.list_products(per_page=100)
        product = next(p for p in products if p.manage_stock and (p.stock_quantity or 0) > 5)
        paid = await api.create_order(
            {"line_items": [{"product_id": product.id, "quantity": 2}], "set_paid": True}
        )
        older = next(
            o for o in await _orders(api, OrderQuery(status=("completed",))) if o.total > 10
        )
        await api.create_refund(older.id, RefundRequest(amount=Decimal("7.50"), reason="test"))
        screen = await _report_for(pilot, today, today)
        (row,) = screen.report.days
        assert row.orders == before.orders + 1
        assert row.revenue == before.revenue + paid.total
        assert row.refunds == before.refunds + Decimal("7.50")
        assert row.net == row.revenue - row.refunds
        text = _flat(pilot)
        assert f"Net {format_money(row.net, 'EUR')}" in text
        assert "except pending, failed and cancelled" in text
        assert product.name in text  # top products

        await pilot.press("x")
        await wait_until(
            pilot, lambda: any("exported" in (n or "") for n in _titles(pilot)), what="export"
        )
        folder = documents_dir() / "reports"
        daily = folder / f"report-daily-{today}-to-{today}.csv"
        rows = list(csv.reader(daily.open(encoding="utf-8")))
        assert rows[0] == ["date", "orders", "revenue", "refunds", "net", "currency"]
        assert rows[1][:2] == [today.isoformat(), str(row.orders)]
        assert Decimal(rows[1][4]) == row.net
        assert (folder / f"report-products-{today}-to-{today}.csv").exists()


def _titles(pilot) -> list[str]:
    return [n.title for n in pilot.app._notifications]


async def test_report_refuses_a_wrong_date_and_keeps_the_last_report(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        app.action_reports()
        await wait_until(
            pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.report is not None
        )
        screen = app.screen
        shown = screen.report
        screen.query_one("#report-from").value = "2026-13-01"
        screen.query_one("#report-from").focus()
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert "'2026-13-01' is not a date; write it as YYYY-MM-DD." in _flat(pilot)
        screen.query_one("#report-from").value = "2026-03-10"
        screen.query_one("#report-to").value = "2026-03-01"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert "is before the start" in _flat(pilot)
        assert screen.report is shown


# --------------------------------------------------------------------------- custom statuses


async def test_custom_status_is_offered_applied_in_the_shop_and_filtered_like_core_ones(
    make_app, api, db_path
):
    add_status(db_path, "ready-pickup", "Ready for pickup", holds_stock=True)
    config = Config(
        staff="alice",
        workstation="bench-1",
        poll_interval=0.5,
        bell=False,
        statuses={
            "ready-pickup": StatusSetting(
                slug="ready-pickup",
                label="Ready for pickup",
                colour="#8a2be2",
                symbol="⌂",
                holds_stock=True,
            )
        },
    )
    order = next(o for o in await _orders(api) if o.status == "processing" and o.line_items)
    line = order.line_items[0]
    stock = (await api.get_product(line.product_id)).stock_quantity
    app = make_app(cfg=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        table = app.screen.query_one(OrderTable)
        assert table.move_cursor_to_order(order.id)
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause(0.2)
        assert "Ready for pickup" in screen_text(pilot)  # the picker offers it
        await pilot.press(*"ready")
        await pilot.press("enter")

        async def in_shop() -> bool:
            return (await api.get_order(order.id)).status == "ready-pickup"

        await wait_until(pilot, lambda: app.queue.get(order.id).status == "ready-pickup")
        await eventually(in_shop, what="the shop to record the custom status")
        assert any("Ready for pickup" in n for n in notifications(pilot))
        # It holds stock: moving from processing took nothing more and gave nothing back.
        assert (await api.get_product(line.product_id)).stock_quantity == stock
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, StatusFilterPicker))
        assert "Ready for pickup" in screen_text(pilot)
        await pilot.press("end", "space", "enter")
        await wait_until(pilot, lambda: list(app.queue.view) == [order.id], what="the filter")
        assert "Ready for pickup" in screen_text(pilot)
        # Let the live feed see the change before the app closes (a feed event arriving
        # while the queue screen is torn down is the queue's business, not this test's).
        for _ in range(2):
            synced = app.feed.last_sync
            await wait_until(pilot, lambda since=synced: app.feed.last_sync != since)
