"""Sales reports over a date range: per day orders, revenue, refunds and net; top products.

Definitions (shown on the screen and written in the CSV header's spirit):
- A day is a calendar day in the console's local time zone (`tz`), as every date the
  console shows. An order counts on the day it was created, a refund on the day it was
  made — so a refund of last month's order lowers today's net, as in a till.
- Orders and revenue count only orders that are sales: every status except pending
  payment, failed, cancelled, draft and trash — WooCommerce Analytics' default "excluded
  statuses". So processing, on hold, completed, refunded and custom statuses count; a
  refunded order keeps its revenue on its day and its refund shows on the refund's day.
- Revenue is the order total as the customer paid it (items, shipping, fees and tax,
  after discounts). Refunds are the refund amounts of the day (whatever the order's
  status: money returned is money returned). Net = revenue − refunds.
- Top products: line items of the counted orders, by quantity and by line total
  (excluding tax), refunds not deducted.
- One currency: orders in another currency than the range's main one are left out and
  counted in `left_out` (the screen says so).

The aggregation is pure (`build_report`); `fetch_report` reads the shop with light
`_fields` pages and the store-wide refunds list.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from client.model import Order, Refund
from client.protocol import OrderQuery, ShopClient
from tui.i18n import _

ZERO = Decimal(0)

#: Statuses whose orders are not sales (WooCommerce Analytics' default exclusions).
NOT_SALES: frozenset[str] = frozenset(
    {"pending", "failed", "cancelled", "trash", "checkout-draft", "auto-draft"}
)

#: What the report needs of an order (`_fields`): a few hundred bytes instead of kilobytes.
REPORT_FIELDS: tuple[str, ...] = (
    "id",
    "status",
    "currency",
    "date_created_gmt",
    "total",
    "line_items.product_id",
    "line_items.name",
    "line_items.sku",
    "line_items.quantity",
    "line_items.total",
)

DEFAULT_DAYS = 30
_CENT = Decimal("0.01")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def counts_as_sale(status: str) -> bool:
    return status not in NOT_SALES


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    orders: int = 0
    revenue: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.revenue - self.refunds


@dataclass(frozen=True, slots=True)
class ProductRow:
    product_id: int
    name: str
    sku: str
    quantity: int
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class Report:
    start: date
    end: date
    currency: str
    days: tuple[DayRow, ...]
    products: tuple[ProductRow, ...]
    #: Orders of the range in another currency, not counted.
    left_out: int = 0

    @property
    def totals(self) -> DayRow:
        return DayRow(
            day=self.end,
            orders=sum(d.orders for d in self.days),
            revenue=sum((d.revenue for d in self.days), ZERO),
            refunds=sum((d.refunds for d in self.days), ZERO),
        )

    def top_by_quantity(self, count: int = 10) -> list[ProductRow]:
        return sorted(self.products, key=lambda p: (-p.quantity, -p.revenue, p.name))[:count]

    def top_by_revenue(self, count: int = 10) -> list[ProductRow]:
        return sorted(self.products, key=lambda p: (-p.revenue, -p.quantity, p.name))[:count]


# --------------------------------------------------------------------------- dates


def parse_day(text: str) -> date:
    """A day typed as YYYY-MM-DD (ValueError with a sentence otherwise)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date; write it as YYYY-MM-DD.") from None


def default_range(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last `days` days, today included."""
    return today - timedelta(days=days - 1), today


def check_range(start: date, end: date) -> str | None:
    """Why a range cannot be reported (None when it can)."""
    if end < start:
        return _("The end ({end}) is before the start ({start}).").format(end=end, start=start)
    if (end - start).days > 366:
        return _("Choose at most a year (366 days).")
    return None


def range_bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants just before `start`'s first second and at `end`'s midnight after,
    for the shop's strict `after`/`before` filters."""
    first = datetime.combine(start, time(0), tz).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time(0), tz).astimezone(UTC)
    return first - timedelta(seconds=1), last


def _local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


# --------------------------------------------------------------------------- aggregation


def build_report(
    orders: Iterable[Order],
    refunds: Iterable[Refund],
    start: date,
    end: date,
    *,
    tz: tzinfo,
) -> Report:
    """Aggregate orders and refunds into one row per day of [start, end], and products."""
    orders = [o for o in orders if o.date_created is not None]
    in_range = [o for o in orders if start <= _local_day(o.date_created, tz) <= end]  # type: ignore[arg-type]
    currencies = Counter(o.currency for o in in_range if o.currency)
    currency = currencies.most_common(1)[0][0] if currencies else ""
    counted = [o for o in in_range if counts_as_sale(o.status)]
    left_out = sum(1 for o in counted if currency and o.currency and o.currency != currency)
    counted = [o for o in counted if not (currency and o.currency and o.currency != currency)]

    day_orders: Counter[date] = Counter()
    day_revenue: dict[date, Decimal] = {}
    day_refunds: dict[date, Decimal] = {}
    for order in counted:
        day = _local_day(order.date_created, tz)  # type: ignore[arg-type]
        day_orders[day] += 1
        day_revenue[day] = day_revenue.get(day, ZERO) + order.total
    for refund in refunds:
        if refund.date_created is None:
            continue
        day = _local_day(refund.date_created, tz)
        if start <= day <= end:
            day_refunds[day] = day_refunds.get(day, ZERO) + abs(refund.amount)
    days = tuple(
        DayRow(
            day=day,
            orders=day_orders.get(day, 0),
            revenue=day_revenue.get(day, ZERO),
            refunds=day_refunds.get(day, ZERO),
        )
        for day in (start + timedelta(days=i) for i in range((end - start).days + 1))
    )

    quantities: Counter[tuple[int, str]] = Counter()
    revenue: dict[tuple[int, str], Decimal] = {}
    names: dict[tuple[int, str], tuple[str, str]] = {}
    for order in counted:
        for line in order.line_items:
            key = (line.product_id, "" if line.product_id else line.name)
            quantities[key] += line.quantity
            revenue[key] = revenue.get(key, ZERO) + line.total
            names.setdefault(key, (line.name, line.sku))
    products = tuple(
        ProductRow(
            product_id=key[0],
            name=names[key][0],
            sku=names[key][1],
            quantity=quantities[key],
            revenue=revenue[key],
        )
        for key in quantities
    )
    return Report(start, end, currency, days, products, left_out)


async def fetch_report(
    shop: ShopClient, start: date, end: date, *, tz: tzinfo | None = None
) -> Report:
    """Read the range's orders (light pages, every page) and refunds, and aggregate."""
    zone = tz or local_zone()
    after, before = range_bounds(start, end, zone)
    query = OrderQuery(
        after=after, before=before, orderby="date", order="asc", fields=REPORT_FIELDS
    )
    orders: list[Order] = []
    async for page in shop.iter_orders(query):
        orders.extend(page)
    refunds = await shop.list_all_refunds(after=after, before=before)
    return build_report(orders, refunds, start, end, tz=zone)


# --------------------------------------------------------------------------- chart


def buckets(values: Sequence[Decimal], width: int) -> list[Decimal]:
    """`values` summed into at most `width` consecutive buckets (one per column)."""
    if width <= 0 or not values:
        return []
    if len(values) <= width:
        return list(values)
    size = -(-len(values) // width)  # ceiling
    return [sum(values[i : i + size], ZERO) for i in range(0, len(values), size)]


_EIGHTHS = " ▁▂▃▄▅▆▇█"


def column_chart(values: Sequence[Decimal], height: int) -> list[str]:
    """A column chart of non-negative `values`, `height` rows from top to bottom, one
    character per value, in eighths of a row (negative values are drawn as zero)."""
    if height <= 0:
        return []
    peak = max((v for v in values if v > 0), default=ZERO)
    levels = [
        int((v / peak * height * 8).to_integral_value(ROUND_HALF_UP)) if peak and v > 0 else 0
        for v in values
    ]
    # A non-zero value never disappears: at least one eighth.
    levels = [max(level, 1) if v > 0 else 0 for level, v in zip(levels, values, strict=True)]
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        rows.append("".join(_EIGHTHS[min(max(level - floor, 0), 8)] for level in levels))
    return rows


# --------------------------------------------------------------------------- CSV


def _amount(value: Decimal) -> str:
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):f}"


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Path:
    """UTF-8 CSV written beside `path` and renamed into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        os.chmod(temp, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return path


def report_filename(report: Report, kind: str = "daily") -> str:
    return f"report-{kind}-{report.start.isoformat()}-to-{report.end.isoformat()}.csv"


def write_daily_csv(report: Report, path: Path) -> Path:
    """One row per day (date, orders, revenue, refunds, net, currency) and a total row."""
    rows = [
        [
            d.day.isoformat(),
            str(d.orders),
            _amount(d.revenue),
            _amount(d.refunds),
            _amount(d.net),
            report.currency,
        ]
        for d in report.days
    ]
    total = report.totals
    rows.append(
        [
            "total",
            str(total.orders),
            _amount(total.revenue),
            _amount(total.refunds),
            _amount(total.net),
            report.currency,
        ]
    )
    header = ("date", "orders", "revenue", "refunds", "net", "currency")
    return _write_csv(path, header, rows)


def write_products_csv(report: Report, path: Path) -> Path:
    """Every product sold in the range, by quantity (product_id, sku, name, quantity,
    revenue excluding tax, currency)."""
    rows = [
        [
            str(p.product_id),
            _text(p.sku),
            _text(p.name),
            str(p.quantity),
            _amount(p.revenue),
            report.currency,
        ]
        for p in report.top_by_quantity(len(report.products))
    ]
    header = ("product_id", "sku", "name", "quantity", "revenue", "currency")
    return _write_csv(path, header, rows)
