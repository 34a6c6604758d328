"""Invoices: one order's, or a batch (a date range) in one file.

The totals are laid out so they add up on paper, from WooCommerce's own figures:
subtotal (lines before discount, excl. tax) − discount + shipping + fees + tax = total;
refunds are shown under the total with the net amount. The invoice number comes from the
caller (`DocumentNumbers.next`), never from the order: WooCommerce has no invoice numbers,
and the legal sequence must not have gaps caused by a failed render.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from client.model import LineItem, Order
from tui.documents._common import Money, contact_lines, describe, order_texts, ship_to
from tui.documents._layout import (
    DocumentPDF,
    MetaRow,
    TotalRow,
    address_blocks,
    lines_table,
    shop_header,
    small_print,
    totals_block,
)
from tui.documents.identity import ShopIdentity
from tui.documents.labels import day, quantize


def unit_price(item: LineItem, currency: str = "") -> Decimal:
    """The price of one unit before discount, excl. tax (WooCommerce's `price` is after
    discount and a float on the wire, so it is derived from the subtotal instead)."""
    if item.quantity:
        return quantize(item.subtotal / item.quantity, currency)
    return quantize(item.price, currency)


def invoice_totals(order: Order, lang_labels: Mapping[str, str], fmt: Money) -> list[TotalRow]:
    """The totals rows of an invoice, each from the order's own amounts."""
    t = lang_labels
    rows = [TotalRow(t["subtotal"], fmt(order.subtotal))]
    if order.discount_total:
        codes = ", ".join(c.code for c in order.coupon_lines if c.code)
        label = f"{t['discount']} ({codes})" if codes else t["discount"]
        rows.append(TotalRow(label, fmt.minus(order.discount_total)))
    if order.shipping_lines:
        for line in order.shipping_lines:
            label = f"{t['shipping']} ({line.method_title})" if line.method_title else t["shipping"]
            rows.append(TotalRow(label, fmt(line.total)))
    elif order.shipping_total:
        rows.append(TotalRow(t["shipping"], fmt(order.shipping_total)))
    for fee in order.fee_lines:
        rows.append(TotalRow(fee.name or t["fees"], fmt(fee.total)))
    rows.append(TotalRow(t["tax"], fmt(order.total_tax)))
    rows.append(TotalRow(t["total_incl_tax"], fmt(order.total), strong=True))
    if order.refunds:
        for refund in order.refunds:
            label = f"{t['refunded']} ({refund.reason})" if refund.reason else t["refunded"]
            rows.append(TotalRow(label, fmt.minus(refund.total)))
        rows.append(TotalRow(t["net_total"], fmt(order.net_total), strong=True))
    return rows


def _draw_invoice(
    pdf: DocumentPDF,
    order: Order,
    shop: ShopIdentity,
    number: str,
    issued: date | datetime | None,
) -> None:
    t, lang, tz = pdf.t, pdf.lang, shop.tz
    fmt = Money(order, lang)
    pdf.begin_document(f"{shop.name} — {t['invoice']} {number}")

    meta = [
        MetaRow(t["invoice_number"], number),
        MetaRow(t["invoice_date"], day(issued or order.date_paid or order.date_created, lang, tz)),
        MetaRow(t["order_number"], order.number),
        MetaRow(t["order_date"], day(order.date_created, lang, tz)),
    ]
    if order.date_paid:
        meta.append(MetaRow(t["payment_date"], day(order.date_paid, lang, tz)))
    if order.payment_method_title:
        meta.append(MetaRow(t["payment_method"], order.payment_method_title))
    shop_header(pdf, shop, title=t["invoice"], meta=meta, legal=True)

    bill = [*order.billing.lines(), *contact_lines(order.billing)]
    blocks = [(t["bill_to"], bill)]
    destination = ship_to(order)
    if destination is not order.billing:
        blocks.append((t["ship_to"], destination.lines()))
    address_blocks(pdf, blocks)

    rows = []
    for item in order.line_items:
        description = describe(item)
        if item.sku:
            description += f"\n{t['sku']} {item.sku}"
        rows.append(
            (
                description,
                fmt(unit_price(item, order.currency)),
                str(item.quantity),
                fmt(item.subtotal_tax),
                fmt(item.subtotal),
            )
        )
    lines_table(
        pdf,
        (t["product"], t["unit_price"], t["qty"], t["tax"], t["line_total"]),
        rows,
        widths=(78, 28, 12, 24, 32),
        align=("L", "R", "R", "R", "R"),
    )
    totals_block(pdf, invoice_totals(order, t, fmt))
    small_print(pdf, shop.legal_mentions)
    pdf.end_document()


def invoice(
    order: Order,
    shop: ShopIdentity,
    *,
    number: str,
    issued: date | datetime | None = None,
    lang: str = "en",
) -> bytes:
    """One order's invoice (A4) as PDF bytes.

    `issued` is the invoice date; by default the payment date, else the order date.
    """
    pdf = DocumentPDF(lang=lang, texts=[*order_texts(order), *shop.texts(), number])
    pdf.set_title(f"{pdf.t['invoice']} {number}")
    _draw_invoice(pdf, order, shop, number, issued)
    return bytes(pdf.output())


def invoices(
    orders: Iterable[Order],
    shop: ShopIdentity,
    *,
    numbers: Mapping[int, str],
    issued: date | datetime | None = None,
    lang: str = "en",
) -> bytes:
    """Invoices for many orders (say, a month's) in one PDF, each starting on a new page
    with its own page count. `numbers` maps `order.id` to its invoice number; an order
    without one is refused before anything is drawn, so no batch comes out half-numbered.
    """
    batch = list(orders)
    if not batch:
        raise ValueError("no orders to invoice")
    missing = [o.number for o in batch if o.id not in numbers]
    if missing:
        raise ValueError(f"no invoice number for order(s) {', '.join(missing)}")
    texts = [*shop.texts(), *numbers.values()]
    for order in batch:
        texts += order_texts(order)
    pdf = DocumentPDF(lang=lang, texts=texts)
    pdf.set_title(pdf.t["invoice"])
    for order in batch:
        _draw_invoice(pdf, order, shop, numbers[order.id], issued)
    return bytes(pdf.output())
