"""Credit notes (avoirs): the document that cancels all or part of an invoice after a
refund.

It names the original order (and invoice, when known) and lists what was refunded. A
refund by amount only (no lines, as a real WooCommerce store does to refund without
restocking) prints as a single "Refund" line, and any amount the lines do not explain is
shown as "Other amount refunded", so the printed total always equals `refund.amount`.
"""

from __future__ import annotations

from decimal import Decimal

from client.model import Order, Refund
from tui.documents._common import Money, contact_lines, order_texts, refund_texts
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
from tui.documents.labels import day

ZERO = Decimal(0)


def credit_note(
    order: Order,
    refund: Refund,
    shop: ShopIdentity,
    *,
    number: str,
    invoice_number: str = "",
    lang: str = "en",
) -> bytes:
    """The credit note for `refund` of `order` (A4) as PDF bytes."""
    texts = [*order_texts(order), *refund_texts(refund), *shop.texts(), number, invoice_number]
    pdf = DocumentPDF(lang=lang, texts=texts)
    t, tz = pdf.t, shop.tz
    fmt = Money(order, lang)
    pdf.set_title(f"{t['credit_note']} {number}")
    pdf.begin_document(f"{shop.name} — {t['credit_note']} {number}")

    meta = [
        MetaRow(t["credit_note_number"], number),
        MetaRow(t["credit_note_date"], day(refund.date_created, lang, tz)),
        MetaRow(t["original_order"], order.number),
        MetaRow(t["order_date"], day(order.date_created, lang, tz)),
    ]
    if invoice_number:
        meta.insert(2, MetaRow(t["original_invoice"], invoice_number))
    shop_header(pdf, shop, title=t["credit_note"], meta=meta, legal=True)
    address_blocks(pdf, [(t["bill_to"], [*order.billing.lines(), *contact_lines(order.billing)])])

    rows = []
    lines_excl, lines_tax = ZERO, ZERO
    for line in refund.line_items:
        name = f"{line.name}\n{t['sku']} {line.sku}" if line.sku else line.name
        rows.append(
            (
                name,
                str(line.quantity) if line.quantity else "",
                fmt(line.total_tax),
                fmt(line.total),
            )
        )
        lines_excl += line.total
        lines_tax += line.total_tax
    for line in refund.shipping_lines:
        name = f"{t['shipping']} ({line.name})" if line.name else t["shipping"]
        rows.append((name, "", fmt(line.total_tax), fmt(line.total)))
        lines_excl += line.total
        lines_tax += line.total_tax
    itemised = bool(rows)
    if not itemised:
        # Refunded by amount: the tax share is unknown, so the amount is shown as given.
        rows.append((refund.reason or t["refund"], "", "", fmt(refund.amount)))
    lines_table(
        pdf,
        (t["product"], t["qty"], t["tax"], t["line_total"] if itemised else t["amount"]),
        rows,
        widths=(104, 14, 28, 28),
        align=("L", "R", "R", "R"),
    )

    totals: list[TotalRow] = []
    if itemised:
        totals += [
            TotalRow(t["total_excl_tax"], fmt(lines_excl)),
            TotalRow(t["tax"], fmt(lines_tax)),
        ]
        other = refund.amount - lines_excl - lines_tax
        if other:
            totals.append(TotalRow(t["other_amount"], fmt(other)))
    totals.append(TotalRow(t["total_credited"], fmt(refund.amount), strong=True))
    totals_block(pdf, totals)

    if refund.reason:
        pdf.font(9.5)
        pdf.line_at(pdf.l_margin, pdf.epw, pdf.pair(t["reason"], refund.reason), 5)
    small_print(pdf, shop.legal_mentions)
    pdf.end_document()
    return bytes(pdf.output())
