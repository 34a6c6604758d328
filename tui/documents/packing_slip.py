"""The packing slip: what goes in the parcel and where it goes — and no prices.

Prices are left out on purpose: the slip travels inside the parcel, which may be a gift,
and packers need SKUs and quantities, not amounts. The order number is printed as a
Code 128 barcode so the packing station can scan the slip to open the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from client.model import LineItem, Order
from tui.documents._common import contact_lines, describe, order_texts, ship_to
from tui.documents._layout import (
    TICK,
    DocumentPDF,
    MetaRow,
    address_blocks,
    lines_table,
    note_box,
    shop_header,
)
from tui.documents.identity import ShopIdentity
from tui.documents.labels import day, quantity


def _weight_of(item: LineItem, weights: Mapping[int, Decimal]) -> Decimal | None:
    """The line's weight in kg: a variation's own weight first, else its product's."""
    for key in (item.variation_id, item.product_id):
        if key and key in weights:
            return weights[key] * item.quantity
    return None


def total_weight(order: Order, weights: Mapping[int, Decimal]) -> tuple[Decimal, int]:
    """Total weight in kg of the lines whose weight is known, and how many are not."""
    total, unknown = Decimal(0), 0
    for item in order.line_items:
        weight = _weight_of(item, weights)
        if weight is None:
            unknown += 1
        else:
            total += weight
    return total, unknown


def packing_slip(
    order: Order,
    shop: ShopIdentity,
    *,
    weights: Mapping[int, Decimal] | None = None,
    lang: str = "en",
) -> bytes:
    """A one-order packing slip (A4) as PDF bytes.

    `weights` maps product or variation ids to a unit weight in kg (from
    `Product.weight`); the total is printed when at least one line's weight is known.
    """
    pdf = DocumentPDF(lang=lang, texts=[*order_texts(order), *shop.texts()])
    t = pdf.t
    pdf.set_title(f"{t['packing_slip']} {order.number}")
    pdf.begin_document(f"{t['packing_slip']} — {t['order']} {order.number}")

    meta = [
        MetaRow(t["order_number"], order.number),
        MetaRow(t["order_date"], day(order.date_created, lang, shop.tz)),
    ]
    if order.shipping_method:
        meta.append(MetaRow(t["shipping_method"], order.shipping_method))
    shop_header(pdf, shop, title=t["packing_slip"], meta=meta, barcode=order.number)

    destination = ship_to(order)
    shipping_lines = [*destination.lines(), *([destination.phone] if destination.phone else [])]
    customer = [order.billing.name or order.customer_name, *contact_lines(order.billing)]
    address_blocks(pdf, [(t["ship_to"], shipping_lines), (t["customer"], customer)])
    note_box(pdf, t["customer_note"], order.customer_note)

    rows = [(item.sku, describe(item), str(item.quantity), TICK) for item in order.line_items]
    lines_table(
        pdf,
        (t["sku"], t["product"], t["qty"], t["packed"]),
        rows,
        widths=(26, 104, 14, 16),
        align=("L", "L", "R", "C"),
    )

    pdf.font(10, bold=True)
    pdf.line_at(pdf.l_margin, pdf.epw, pdf.pair(t["items"], order.item_count), 5.5)
    if weights:
        weight, unknown = total_weight(order, weights)
        if unknown < len(order.line_items):
            text = pdf.pair(t["total_weight"], f"{quantity(weight, lang)} kg")
            pdf.line_at(pdf.l_margin, pdf.epw, text, 5.5)
            if unknown:
                pdf.font(9, muted=True)
                note = t["lines_without_weight"].format(n=unknown)
                pdf.line_at(pdf.l_margin, pdf.epw, f"({note})", 4.5)
    pdf.end_document()
    return bytes(pdf.output())
