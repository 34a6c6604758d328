"""Shared page furniture for A4 documents: the PDF class, header, address blocks, tables,
totals and per-document page footers.

Why one place: a warehouse prints packing slips, invoices and credit notes side by side;
they should look like one family, and a fix to the header (a long shop name, a wrapped
address) should fix all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tui.documents.barcode import BarcodeError, code128_modules, draw_code128
from tui.documents.fonts import FAMILY, setup_fonts
from tui.documents.identity import ShopIdentity
from tui.documents.labels import colon, labels

MARGIN = 15.0
INK = (20, 20, 20)
MUTED = (95, 95, 95)
RULE = (170, 170, 170)
HEAD_FILL = (232, 232, 232)


class DocumentPDF(FPDF):
    """An FPDF set up for orderdesk documents: Unicode fonts, margins, metadata."""

    def __init__(
        self,
        *,
        lang: str,
        texts: Iterable[str] = (),
        format: str | tuple[float, float] = "A4",
        margin: float = MARGIN,
        bottom: float = 18.0,
    ) -> None:
        super().__init__(orientation="P", unit="mm", format=format)
        self.lang = lang
        self.t = labels(lang)
        self.set_margins(margin, margin, margin)
        self.set_auto_page_break(True, margin=bottom)
        self.set_creator("orderdesk")
        self.set_lang(lang)
        setup_fonts(self, texts)
        self.set_text_color(*INK)
        self.set_font(FAMILY, "", 10)
        self._doc_start = 1
        self._doc_footer = ""

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        """Pin the main font on the page before each line of text.

        Works around an fpdf2 2.8.9 bug (py-pdf/fpdf2 #1772's fix is incomplete): when a
        line starts with a fallback-font glyph (a CJK name, a ✓) while the page has no
        font set yet, fpdf2 sets the main font inside the line's own `q … Q` and then
        believes it is set for the page; the following lines come out in the previous
        font, garbled. Setting the font at page level first keeps every line right; it is
        harmless on fpdf2 versions without the bug.
        """
        if (
            self.page
            and self.current_font is not None
            and not getattr(self, "current_font_is_set_on_page", True)
            and hasattr(self, "_set_font_for_page")
        ):
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)

    # -- per-document footers ----------------------------------------------------------
    def begin_document(self, footer: str) -> None:
        """Start one document (several may share the file): a new page, its own footer."""
        self.add_page()
        self._doc_start = self.page_no()
        self._doc_footer = footer

    def end_document(self) -> None:
        """Write "footer · Page i/n" on each page of the current document.

        Written after the content so `n` counts this document's pages only, not the whole
        file (a batch of invoices numbers each invoice's pages from 1).
        """
        last = self.page_no()
        total = last - self._doc_start + 1
        auto, bottom = self.auto_page_break, self.b_margin
        self.set_auto_page_break(False)
        for page in range(self._doc_start, last + 1):
            self.page = page
            # fpdf2 skips set_font when nothing changed, but each page's stream left off
            # in its own font: switch away and back so the footer's font is written.
            self.set_font(FAMILY, "B", 7.5)
            self.set_font(FAMILY, "", 7.5)
            self.set_text_color(*MUTED)
            self.set_xy(self.l_margin, self.h - 11)
            text = f"{self._doc_footer} · {self.t['page']} {page - self._doc_start + 1}/{total}"
            self.cell(self.epw, 4, text, align="C")
        self.page = last
        self.set_auto_page_break(auto, margin=bottom)
        self.set_text_color(*INK)

    # -- text helpers ----------------------------------------------------------------------
    def font(self, size: float, bold: bool = False, muted: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*(MUTED if muted else INK))

    def line_at(self, x: float, w: float, text: str, h: float, align: str = "L") -> None:
        """One wrapped paragraph at column `x`, leaving the cursor below it."""
        self.set_x(x)
        self.multi_cell(w, h, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def pair(self, label: str, value: object) -> str:
        """ "Label: value", with French spacing ("Label : value") in French."""
        return f"{label}{colon(self.lang)}{value}"

    def rule(self, gap: float = 3.0) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        y = self.get_y() + gap / 2
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(y + gap / 2)


@dataclass(frozen=True, slots=True)
class MetaRow:
    label: str
    value: str


def shop_header(
    pdf: DocumentPDF,
    shop: ShopIdentity,
    *,
    title: str,
    meta: Sequence[MetaRow],
    legal: bool = False,
    barcode: str | None = None,
) -> None:
    """The top band: the shop at left, the document's title, numbers and barcode at right."""
    top = pdf.get_y()
    left_w = pdf.epw * 0.52
    right_x = pdf.l_margin + left_w + 4
    right_w = pdf.w - pdf.r_margin - right_x

    pdf.font(14, bold=True)
    pdf.line_at(pdf.l_margin, left_w, shop.name, 6.5)
    pdf.font(9)
    for line in shop.address_lines:
        pdf.line_at(pdf.l_margin, left_w, line, 4.3)
    contact = [f"{pdf.t['phone']} {shop.phone}" if shop.phone else "", shop.email, shop.website]
    for line in filter(None, contact):
        pdf.line_at(pdf.l_margin, left_w, line, 4.3)
    if legal:
        pdf.font(8.5, muted=True)
        if shop.vat_number:
            pdf.line_at(pdf.l_margin, left_w, pdf.pair(pdf.t["vat_number"], shop.vat_number), 4)
        if shop.company_number:
            number = pdf.pair(pdf.t["company_number"], shop.company_number)
            pdf.line_at(pdf.l_margin, left_w, number, 4)
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    pdf.font(18, bold=True)
    pdf.line_at(right_x, right_w, title.upper(), 8, align="R")
    pdf.set_y(pdf.get_y() + 1)
    label_w = right_w * 0.5
    for row in meta:
        y = pdf.get_y()
        pdf.font(9, muted=True)
        pdf.set_xy(right_x, y)
        pdf.cell(label_w, 4.8, row.label, align="R")
        pdf.font(9.5, bold=True)
        pdf.set_xy(right_x + label_w, y)
        pdf.multi_cell(
            right_w - label_w, 4.8, row.value, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT
        )
    if barcode:
        pdf.set_y(pdf.get_y() + 2)
        place_barcode(pdf, barcode, right=pdf.w - pdf.r_margin, height=13)
    right_bottom = pdf.get_y()
    pdf.set_y(max(left_bottom, right_bottom) + 5)
    pdf.font(10)


def place_barcode(
    pdf: DocumentPDF,
    text: str,
    *,
    right: float | None = None,
    center: float | None = None,
    height: float = 13,
    module: float = 0.33,
) -> bool:
    """Draw `text` as Code 128 with its digits under it, aligned right or centred.

    The caller keeps 10 modules clear each side (the page margin does, at the right edge).

    Returns False (and draws nothing) for text Code 128 cannot carry, e.g. an order
    "number" with non-ASCII letters from a numbering plugin: the number is printed as text
    elsewhere, so the document is still usable.
    """
    try:
        modules = code128_modules(text)
    except BarcodeError:
        return False
    width = modules * module
    if center is not None:
        x = center - width / 2
    else:
        x = (right if right is not None else pdf.w - pdf.r_margin) - width
    y = pdf.get_y()
    draw_code128(pdf, text, x, y, height=height, module=module)
    pdf.font(8)
    pdf.set_xy(x, y + height + 0.5)
    pdf.cell(width, 3.5, text, align="C")
    pdf.set_y(y + height + 4.5)
    return True


def address_blocks(pdf: DocumentPDF, blocks: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Side-by-side address boxes ("Bill to", "Ship to"), as many as given (1 to 3)."""
    if not blocks:
        return
    top = pdf.get_y()
    gap = 6.0
    width = (pdf.epw - gap * (len(blocks) - 1)) / len(blocks)
    bottom = top
    for i, (title, lines) in enumerate(blocks):
        x = pdf.l_margin + i * (width + gap)
        pdf.set_y(top)
        pdf.font(8, bold=True, muted=True)
        pdf.line_at(x, width, title.upper(), 4.5)
        pdf.font(10)
        for line in lines:
            pdf.line_at(x, width, line, 4.8)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom + 5)


def note_box(pdf: DocumentPDF, title: str, text: str) -> None:
    """A framed paragraph for the customer's note (packers must not miss it)."""
    if not text.strip():
        return
    pdf.font(8, bold=True, muted=True)
    pdf.line_at(pdf.l_margin, pdf.epw, title.upper(), 4.5)
    pdf.font(10)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.3)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(
        pdf.epw, 5, text.strip(), border=1, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_y(pdf.get_y() + 5)


#: A cell of `lines_table` drawn as an empty box to tick by hand (packed, picked).
TICK = "\u2610"


def _row_height(
    pdf: DocumentPDF, texts: Sequence[str], widths: Sequence[float], line_h: float, pad: float
) -> float:
    lines = 1
    for text, width in zip(texts, widths, strict=True):
        if text and text != TICK:
            wrapped = pdf.multi_cell(width - 2 * pad, line_h, text, dry_run=True, output="LINES")
            lines = max(lines, len(wrapped))
    return lines * line_h + 2 * pad


def _draw_row(
    pdf: DocumentPDF,
    texts: Sequence[str],
    widths: Sequence[float],
    align: Sequence[str],
    *,
    line_h: float,
    pad: float,
    heading: bool = False,
) -> None:
    height = _row_height(pdf, texts, widths, line_h, pad)
    x, y = pdf.l_margin, pdf.get_y()
    if heading:
        pdf.set_fill_color(*HEAD_FILL)
        pdf.rect(x, y, sum(widths), height, style="F")
    for text, width, how in zip(texts, widths, align, strict=True):
        if text == TICK:
            side = min(4.0, line_h)
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.3)
            pdf.rect(x + (width - side) / 2, y + pad + (line_h - side) / 2, side, side)
        elif text:
            pdf.set_xy(x + pad, y + pad)
            pdf.multi_cell(
                width - 2 * pad, line_h, text, align=how, new_x=XPos.RIGHT, new_y=YPos.TOP
            )
        x += width
    pdf.set_draw_color(*(INK if heading else RULE))
    pdf.set_line_width(0.3 if heading else 0.2)
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
    pdf.set_xy(pdf.l_margin, y + height)


def lines_table(
    pdf: DocumentPDF,
    headings: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    widths: Sequence[float],
    align: Sequence[str],
    size: float = 9.5,
) -> None:
    """The document's lines as a ruled table; headings repeat on each new page, a row is
    never split across pages, and a cell holding `TICK` is drawn as an empty box.

    `widths` are relative: they are scaled to the page's printable width. `align` takes
    "L", "R" or "C" per column.
    """
    scale = pdf.epw / sum(widths)
    cols = [w * scale for w in widths]
    line_h, pad = size * 0.5, 1.4

    def head() -> None:
        pdf.font(size - 0.5, bold=True)
        _draw_row(pdf, headings, cols, align, line_h=line_h, pad=pad, heading=True)
        pdf.font(size)

    head()
    for values in rows:
        height = _row_height(pdf, values, cols, line_h, pad)
        if pdf.will_page_break(height):
            pdf.add_page()
            head()
        _draw_row(pdf, values, cols, align, line_h=line_h, pad=pad)
    pdf.set_y(pdf.get_y() + 4)


@dataclass(frozen=True, slots=True)
class TotalRow:
    label: str
    value: str
    strong: bool = False


def totals_block(pdf: DocumentPDF, rows: Sequence[TotalRow], *, width: float = 95) -> None:
    """Right-aligned label/amount pairs under the lines; `strong` rows are ruled and bold."""
    x = pdf.w - pdf.r_margin - width
    label_w = width * 0.62
    if pdf.will_page_break(5.5 * len(rows) + 4):
        pdf.add_page()
    for row in rows:
        if row.strong:
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.3)
            y = pdf.get_y() + 0.5
            pdf.line(x, y, x + width, y)
            pdf.set_y(y + 0.8)
        y = pdf.get_y()
        pdf.font(10.5 if row.strong else 9.5, bold=row.strong)
        pdf.set_xy(x, y)
        pdf.multi_cell(label_w, 5.5, row.label, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
        label_bottom = pdf.get_y()
        pdf.set_xy(x + label_w, y)
        pdf.multi_cell(width - label_w, 5.5, row.value, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_y(max(label_bottom, pdf.get_y(), y + 5.5))
    pdf.set_y(pdf.get_y() + 4)
    pdf.font(10)


def small_print(pdf: DocumentPDF, paragraphs: Iterable[str]) -> None:
    """Legal mentions and other fine print under a thin rule, across the full width."""
    texts = [p for p in paragraphs if p.strip()]
    if not texts:
        return
    pdf.set_y(pdf.get_y() + 2)
    pdf.rule(2)
    pdf.font(8, muted=True)
    for text in texts:
        pdf.line_at(pdf.l_margin, pdf.epw, text, 3.8)
    pdf.font(10)
