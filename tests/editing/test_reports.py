"""Report aggregation: local days, which statuses count, refunds on their own day, top
products, the chart and the CSV."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from client.model import Order, Refund
from tui.reports import (
    buckets,
    build_report,
    check_range,
    column_chart,
    counts_as_sale,
    default_range,
    parse_day,
    range_bounds,
    write_daily_csv,
    write_products_csv,
)

PARIS = ZoneInfo("Europe/Paris")


def order(oid: int, status: str, created: str, total: str, *lines: Any, currency="EUR") -> Order:
    return Order.from_wc(
        {
            "id": oid,
            "status": status,
            "currency": currency,
            "date_created_gmt": created,
            "total": total,
            "line_items": [
                {
                    "id": oid * 10 + i,
                    "product_id": pid,
                    "name": name,
                    "sku": sku,
                    "quantity": qty,
                    "total": line_total,
                }
                for i, (pid, name, sku, qty, line_total) in enumerate(lines)
            ],
        }
    )


def refund(rid: int, created: str, amount: str) -> Refund:
    return Refund.from_wc({"id": rid, "date_created_gmt": created, "amount": amount})


MUG = (10, "Blue Mug", "MUG-BLU", 2, "20.00")
PEN = (20, "=Pen", "PEN", 1, "5.00")

ORDERS = [
    # 1 March 23:30 UTC is 2 March 00:30 in Paris: it belongs to the 2nd.
    order(1, "processing", "2026-03-01T23:30:00", "30.00", MUG),
    order(2, "completed", "2026-03-02T10:00:00", "12.00", PEN),
    order(3, "pending", "2026-03-02T11:00:00", "99.00", MUG),
    order(4, "cancelled", "2026-03-02T12:00:00", "99.00", MUG),
    order(5, "failed", "2026-03-02T12:30:00", "99.00", MUG),
    order(6, "refunded", "2026-03-03T09:00:00", "25.00", MUG, PEN),
    order(7, "ready-pickup", "2026-03-03T10:00:00", "5.00", PEN),
    order(8, "on-hold", "2026-03-03T11:00:00", "50.00", MUG, currency="USD"),
    order(9, "completed", "2026-02-27T10:00:00", "77.00", MUG),  # before the range
]
REFUNDS = [
    refund(100, "2026-03-03T15:00:00", "25.00"),
    refund(101, "2026-03-02T08:00:00", "4.50"),  # a refund of an older order
    refund(102, "2026-03-05T08:00:00", "1.00"),  # after the range
]


def report():
    return build_report(ORDERS, REFUNDS, date(2026, 3, 1), date(2026, 3, 3), tz=PARIS)


def test_sales_statuses() -> None:
    assert not any(counts_as_sale(s) for s in ("pending", "failed", "cancelled", "trash"))
    assert all(counts_as_sale(s) for s in ("processing", "on-hold", "completed", "refunded"))
    assert counts_as_sale("ready-pickup")


def test_per_day_rows_in_the_local_time_zone() -> None:
    days = {row.day.day: row for row in report().days}
    assert sorted(days) == [1, 2, 3]  # every day of the range, even an empty one
    assert (days[1].orders, days[1].revenue) == (0, Decimal(0))
    assert (days[2].orders, days[2].revenue) == (2, Decimal("42.00"))
    assert days[2].refunds == Decimal("4.50")
    assert days[2].net == Decimal("37.50")
    # The refunded order keeps its revenue; its refund is on its own day; USD left out.
    assert (days[3].orders, days[3].revenue, days[3].refunds) == (2, Decimal("30.00"), 25)
    assert days[3].net == Decimal("5.00")


def test_totals_currency_and_left_out() -> None:
    made = report()
    assert made.currency == "EUR"
    assert made.left_out == 1
    totals = made.totals
    assert (totals.orders, totals.revenue, totals.refunds) == (4, Decimal("72.00"), 29.5)
    assert totals.net == Decimal("42.50")


def test_top_products() -> None:
    made = report()
    by_quantity = made.top_by_quantity()
    assert [(p.sku, p.quantity, p.revenue) for p in by_quantity] == [
        ("MUG-BLU", 4, Decimal("40.00")),
        ("PEN", 3, Decimal("15.00")),
    ]
    assert made.top_by_revenue(1)[0].sku == "MUG-BLU"


def test_daily_and_products_csv(tmp_path: Path) -> None:
    made = report()
    daily = write_daily_csv(made, tmp_path / "out" / "daily.csv")
    rows = list(csv.reader(daily.open(encoding="utf-8")))
    assert rows[0] == ["date", "orders", "revenue", "refunds", "net", "currency"]
    assert rows[2] == ["2026-03-02", "2", "42.00", "4.50", "37.50", "EUR"]
    assert rows[-1] == ["total", "4", "72.00", "29.50", "42.50", "EUR"]
    products = write_products_csv(made, tmp_path / "products.csv")
    rows = list(csv.reader(products.open(encoding="utf-8")))
    assert rows[1] == ["10", "MUG-BLU", "Blue Mug", "4", "40.00", "EUR"]
    assert rows[2][2] == "'=Pen"  # a spreadsheet shows it, never runs it
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_dates_and_ranges() -> None:
    assert parse_day(" 2026-03-04 ") == date(2026, 3, 4)
    try:
        parse_day("04/03/2026")
    except ValueError as error:
        assert "YYYY-MM-DD" in str(error)
    else:  # pragma: no cover
        raise AssertionError("accepted a date in another format")
    assert default_range(date(2026, 3, 30)) == (date(2026, 3, 1), date(2026, 3, 30))
    assert "before the start" in str(check_range(date(2026, 3, 2), date(2026, 3, 1)))
    assert check_range(date(2025, 1, 1), date(2026, 6, 1)) is not None
    after, before = range_bounds(date(2026, 3, 1), date(2026, 3, 3), PARIS)
    assert after == datetime(2026, 2, 28, 22, 59, 59, tzinfo=UTC)
    assert before == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)


def test_column_chart_scales_to_the_highest_value() -> None:
    rows = column_chart([Decimal(0), Decimal(5), Decimal(10), Decimal(-3)], height=2)
    assert rows == ["  █ ", " ██ "]
    tiny = column_chart([Decimal("0.01"), Decimal(100)], height=1)
    assert tiny == ["▁█"]  # a small value still shows
    assert buckets([Decimal(1)] * 10, 4) == [Decimal(3), Decimal(3), Decimal(3), Decimal(1)]
    assert buckets([Decimal(1)] * 3, 4) == [Decimal(1)] * 3
