"""CSV export of orders, one row per order or one per line item.

Choices, and why:
- Dates are ISO 8601 in UTC ("2026-03-04T23:30:00+00:00"): unambiguous in any
  spreadsheet locale and equal to what the shop stores; the offset says it is UTC.
- Amounts are plain decimals with a dot and two places ("1234.50"): never a thousands
  separator, never scientific notation, never a float, so accounting imports read them.
- UTF-8, with an optional BOM (`bom=True`, "utf-8-sig") for Excel, which otherwise reads
  accents as Windows-1252.
- The file is written to a temp file beside the target and renamed at the end, so an
  error midway (the shop stops answering while orders are streamed) never leaves half a
  file: the old file, if any, stays as it was.
- Text cells a spreadsheet would run as a formula (starting with =, +, -, @) get a
  leading apostrophe: customer names and notes are typed by strangers.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from client.model import Order

ORDER_COLUMNS = (
    "number",
    "date",
    "status",
    "customer",
    "email",
    "items",
    "subtotal",
    "shipping",
    "tax",
    "discount",
    "total",
    "refunded",
    "net",
    "currency",
    "payment_method",
    "shipping_method",
    "country",
)

LINE_COLUMNS = (
    "order_number",
    "date",
    "status",
    "customer",
    "sku",
    "name",
    "quantity",
    "unit_price",
    "line_total",
    "currency",
)

#: Call the progress callback after this many rows (and once at the end).
PROGRESS_EVERY = 200

_CENT = Decimal("0.01")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def amount(value: Decimal) -> str:
    """A plain decimal with two places: "1234.50", "-5.00" (never "1,234.50" or "1E+3")."""
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):f}"


def text(value: str) -> str:
    """A text cell that a spreadsheet will show, not evaluate."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def iso_utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment else ""


def order_row(order: Order) -> list[str]:
    country = order.shipping.country or order.billing.country
    return [
        text(order.number),
        iso_utc(order.date_created),
        order.status,
        text(order.customer_name),
        text(order.email),
        str(order.item_count),
        amount(order.subtotal),
        amount(order.shipping_total),
        amount(order.total_tax),
        amount(order.discount_total),
        amount(order.total),
        amount(order.total_refunded),
        amount(order.net_total),
        order.currency,
        text(order.payment_method_title),
        text(order.shipping_method),
        country,
    ]


def line_rows(order: Order) -> list[list[str]]:
    """One row per line item: the price paid per unit and the line total, both after
    discounts and excluding tax (WooCommerce's `price` and `total`), so quantity × unit
    price gives the line total to the cent."""
    rows = []
    for item in order.line_items:
        unit = item.total / item.quantity if item.quantity else item.price
        rows.append(
            [
                text(order.number),
                iso_utc(order.date_created),
                order.status,
                text(order.customer_name),
                text(item.sku),
                text(item.name),
                str(item.quantity),
                amount(unit),
                amount(item.total),
                order.currency,
            ]
        )
    return rows


def export_orders_csv(
    orders: Iterable[Order],
    path: Path | str,
    *,
    per_line: bool = False,
    bom: bool = False,
    progress: Callable[[int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
    shop_of: Callable[[Order], str] | None = None,
) -> int:
    """Write `orders` to `path` as CSV and return the number of data rows written.

    With several shops open, `shop_of(order)` names each order's shop in a first "shop"
    column (order numbers repeat across shops).

    `orders` may be a generator that fetches pages as it goes; if it raises, the
    exception propagates and `path` is left untouched. `progress(rows_so_far)` is called
    every `progress_every` rows and once at the end.
    """
    if progress_every < 1:
        raise ValueError("progress_every must be at least 1")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}-", suffix=".tmp")
    rows = reported = 0
    try:
        os.chmod(temp, 0o644)  # mkstemp makes it private; an export is an ordinary file
        encoding = "utf-8-sig" if bom else "utf-8"
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
            header = list(LINE_COLUMNS if per_line else ORDER_COLUMNS)
            writer.writerow(["shop", *header] if shop_of is not None else header)
            for order in orders:
                batch = line_rows(order) if per_line else [order_row(order)]
                if shop_of is not None:
                    shop = text(shop_of(order))
                    batch = [[shop, *row] for row in batch]
                for row in batch:
                    writer.writerow(row)
                    rows += 1
                    if progress is not None and rows - reported >= progress_every:
                        progress(rows)
                        reported = rows
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    if progress is not None and (rows != reported or rows == 0):
        progress(rows)
    return rows
