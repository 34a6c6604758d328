"""Pick lists: what to take off the shelves for a batch of orders, one line per product.

The aggregation is a pure function so the console can show the same list on screen that
it prints. Lines are grouped by SKU (a warehouse picks by SKU); lines without one are
grouped by product/variation id, or by name for lines with neither (custom lines added
by hand in the shop's admin).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from client.model import Order
from tui.documents._layout import TICK, DocumentPDF, lines_table
from tui.documents.labels import day

#: Order numbers printed per pick line before "+N" (a popular SKU may go to 300 orders).
MAX_ORDERS_SHOWN = 24


@dataclass(frozen=True, slots=True)
class PickEntry:
    """One product to pick: how many in all, and for which orders (in first-seen order)."""

    sku: str
    name: str
    quantity: int
    orders: tuple[str, ...]
    product_id: int = 0
    variation_id: int = 0


@dataclass(slots=True)
class _Group:
    sku: str
    name: str
    product_id: int
    variation_id: int
    quantity: int = 0
    orders: dict[str, None] = field(default_factory=dict)  # an ordered set


def aggregate_pick_list(orders: Iterable[Order]) -> list[PickEntry]:
    """Sum the orders' lines per SKU; SKU'd entries first in SKU order, then the rest by
    name. Lines with a zero quantity are skipped (nothing to pick)."""
    groups: dict[tuple[str, object], _Group] = {}
    for order in orders:
        for item in order.line_items:
            if item.quantity <= 0:
                continue
            sku = item.sku.strip()
            if sku:
                key: tuple[str, object] = ("sku", sku)
            elif item.product_id or item.variation_id:
                key = ("id", (item.product_id, item.variation_id))
            else:
                key = ("name", item.name.strip().casefold())
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(sku, item.name, item.product_id, item.variation_id)
            group.quantity += item.quantity
            group.orders[order.number] = None
    entries = [
        PickEntry(g.sku, g.name, g.quantity, tuple(g.orders), g.product_id, g.variation_id)
        for g in groups.values()
    ]
    return sorted(entries, key=lambda e: (not e.sku, e.sku, e.name.casefold(), e.product_id))


def _orders_text(numbers: Sequence[str]) -> str:
    shown = ", ".join(numbers[:MAX_ORDERS_SHOWN])
    more = len(numbers) - MAX_ORDERS_SHOWN
    return f"{shown} +{more}" if more > 0 else shown


def pick_list(
    entries: Sequence[PickEntry],
    *,
    title: str,
    printed: datetime | None = None,
    lang: str = "en",
) -> bytes:
    """The pick list (A4) as PDF bytes: SKU, product, quantity, orders, a box to tick."""
    texts = [title]
    for entry in entries:
        texts += [entry.sku, entry.name, *entry.orders]
    pdf = DocumentPDF(lang=lang, texts=texts)
    t = pdf.t
    pdf.set_title(title)
    pdf.begin_document(f"{t['pick_list']} — {title}")

    pdf.font(18, bold=True)
    pdf.line_at(pdf.l_margin, pdf.epw, title, 8)
    all_orders = {number for entry in entries for number in entry.orders}
    summary = [
        pdf.pair(t["lines"], len(entries)),
        pdf.pair(t["items"], sum(e.quantity for e in entries)),
        pdf.pair(t["orders"], len(all_orders)),
    ]
    if printed is not None:
        summary.append(pdf.pair(t["generated"], f"{day(printed, lang)} {printed:%H:%M}"))
    pdf.font(9.5, muted=True)
    pdf.line_at(pdf.l_margin, pdf.epw, "   ·   ".join(summary), 5)
    pdf.set_y(pdf.get_y() + 4)

    rows = [
        (entry.sku, entry.name, str(entry.quantity), _orders_text(entry.orders), TICK)
        for entry in entries
    ]
    lines_table(
        pdf,
        (t["sku"], t["product"], t["qty"], t["orders"], t["picked"]),
        rows,
        widths=(28, 64, 12, 60, 16),
        align=("L", "L", "R", "L", "C"),
    )
    pdf.end_document()
    return bytes(pdf.output())
