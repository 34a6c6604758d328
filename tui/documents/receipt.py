"""Receipts for 80 mm thermal receipt/label printers.

The page is 80 mm wide with 4 mm side margins (72 mm printed, what 80 mm printer heads
cover) and exactly as tall as its content: the layout is drawn once on a tall scratch
page to measure it, then again on a page of that height, so the printer feeds no blank
paper and nothing is split across pages. Amounts include tax, as a customer reads them.
"""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from client.model import Order
from tui.documents._common import Money, order_texts
from tui.documents._layout import DocumentPDF, place_barcode
from tui.documents.identity import ShopIdentity
from tui.documents.labels import day

WIDTH = 80.0
SIDE = 4.0
_SCRATCH_HEIGHT = 3000.0
_MIN_HEIGHT = 60.0


def _row(pdf: DocumentPDF, left: str, right: str, *, bold: bool = False, size: float = 8.5):
    """A label at the left and an amount at the right of the same line."""
    pdf.font(size, bold=bold)
    width = pdf.epw
    amount_w = min(width * 0.45, pdf.get_string_width(right) + 2)
    y = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width - amount_w, y)
    pdf.cell(amount_w, 4.2, right, align="R")
    pdf.set_xy(pdf.l_margin, y)
    pdf.multi_cell(width - amount_w - 1, 4.2, left, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), y + 4.2))


def _dashes(pdf: DocumentPDF) -> None:
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.15)
    pdf.set_dash_pattern(dash=1, gap=1)
    y = pdf.get_y() + 1.5
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_dash_pattern()
    pdf.set_y(y + 1.5)


def _draw(pdf: DocumentPDF, order: Order, shop: ShopIdentity) -> None:
    t, lang = pdf.t, pdf.lang
    fmt = Money(order, lang)
    pdf.add_page()
    center = dict(align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(11, bold=True)
    pdf.multi_cell(pdf.epw, 5, shop.name, **center)
    pdf.font(7.5)
    for line in [*shop.address_lines, shop.phone, shop.email]:
        if line:
            pdf.multi_cell(pdf.epw, 3.4, line, **center)
    if shop.vat_number:
        pdf.multi_cell(pdf.epw, 3.4, pdf.pair(t["vat_number"], shop.vat_number), **center)
    _dashes(pdf)

    pdf.font(9, bold=True)
    pdf.multi_cell(pdf.epw, 4.5, f"{t['receipt']} — {t['order']} {order.number}", **center)
    pdf.font(8)
    pdf.multi_cell(pdf.epw, 3.8, day(order.date_created, lang, shop.tz), **center)
    if order.customer_name:
        pdf.multi_cell(pdf.epw, 3.8, order.customer_name, **center)
    _dashes(pdf)

    for item in order.line_items:
        pdf.font(8.5)
        pdf.multi_cell(pdf.epw, 4, item.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        gross = item.subtotal + item.subtotal_tax
        unit = fmt(gross / item.quantity) if item.quantity else ""
        _row(pdf, f"   {item.quantity} × {unit}", fmt(gross))
    _dashes(pdf)

    if order.discount_total or order.discount_tax:
        _row(pdf, t["discount"], fmt.minus(order.discount_total + order.discount_tax))
    for line in order.shipping_lines:
        _row(pdf, line.method_title or t["shipping"], fmt(line.total + line.total_tax))
    if not order.shipping_lines and order.shipping_total:
        _row(pdf, t["shipping"], fmt(order.shipping_total + order.shipping_tax))
    for fee in order.fee_lines:
        _row(pdf, fee.name or t["fees"], fmt(fee.total + fee.total_tax))
    _row(pdf, t["total"].upper(), fmt(order.total), bold=True, size=10.5)
    if order.total_tax:
        _row(pdf, t["incl_tax"], fmt(order.total_tax), size=7.5)
    if order.refunds:
        _row(pdf, t["refunded"], fmt.minus(order.total_refunded))
        _row(pdf, t["net_total"], fmt(order.net_total), bold=True)
    if order.payment_method_title:
        pdf.font(8)
        pdf.multi_cell(
            pdf.epw,
            3.8,
            pdf.pair(t["payment_method"], order.payment_method_title),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    _dashes(pdf)

    pdf.font(8.5)
    pdf.multi_cell(pdf.epw, 4.2, t["thank_you"], **center)
    pdf.set_y(pdf.get_y() + 2)
    place_barcode(pdf, order.number, center=pdf.w / 2, height=10, module=0.3)


def receipt(order: Order, shop: ShopIdentity, *, lang: str = "en") -> bytes:
    """A receipt 80 mm wide and as tall as its content, as PDF bytes."""
    texts = [*order_texts(order), *shop.texts()]

    def render(height: float) -> DocumentPDF:
        pdf = DocumentPDF(lang=lang, texts=texts, format=(WIDTH, height), margin=SIDE, bottom=0)
        pdf.set_auto_page_break(False)
        pdf.set_title(f"{pdf.t['receipt']} {order.number}")
        _draw(pdf, order, shop)
        return pdf

    measured = render(_SCRATCH_HEIGHT).get_y() + SIDE
    final = render(max(_MIN_HEIGHT, measured))
    return bytes(final.output())
