"""What a person reads on each document: read back from the PDF with pypdf."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from client.model import Address, LineItem, Refund
from tui.documents import (
    aggregate_pick_list,
    credit_note,
    invoice,
    invoices,
    packing_slip,
    pick_list,
    receipt,
)
from tui.documents.fonts import _FALLBACK_CANDIDATES

D = Decimal
MM = 72 / 25.4
AMOUNT = re.compile(r"\d[\d,. ]*[.,]\d\d\b")


def page_sizes_mm(data: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(data))
    return [
        (round(float(p.mediabox.width) / MM, 1), round(float(p.mediabox.height) / MM, 1))
        for p in reader.pages
    ]


# -- packing slip ------------------------------------------------------------------------


def test_packing_slip_says_what_to_pack_and_where(order, shop, pdf_text):
    text = pdf_text(packing_slip(order, shop))
    for expected in (
        "PACKING SLIP",
        "10482",
        "Atelier Lefèvre & Fils",
        "Élodie Lefèvre",
        "Boulangerie Crème Brûlée",
        "18 chemin des Écoliers",
        "42100 Saint-Étienne",
        "Colissimo",
        "Merci de ne pas plier — c'est un cadeau pour Noël.",
        "TEA-POT-01",
        "Théière en fonte « Hōjō »",
        "Couleur: noir",  # the variation attribute, not the hidden _reduced_stock
        "CUP-GRES",
        "Items: 9",
    ):
        assert expected in text, expected
    assert "_reduced_stock" not in text
    assert "2026-03-05" in text  # 23:30 UTC on 4 March is 5 March in Paris


def test_packing_slip_has_no_prices(order, shop, pdf_text):
    text = pdf_text(packing_slip(order, shop))
    assert "€" not in text and "EUR" not in text
    assert not AMOUNT.findall(text), AMOUNT.findall(text)
    for amount in ("450", "1487", "247", "6.90"):
        assert amount not in text


def test_packing_slip_totals_known_weights(order, shop, pdf_text):
    weights = {11: D("1.250"), 12: D("0.320")}  # the gift card (13) has none
    text = pdf_text(packing_slip(order, shop, weights=weights))
    assert "Total weight: 4.42 kg" in text  # 2 × 1.25 + 6 × 0.32
    assert "1 line(s) without a weight not counted" in text
    assert "weight" not in pdf_text(packing_slip(order, shop)).lower()


def test_packing_slip_in_french(order, shop, pdf_text):
    text = pdf_text(packing_slip(order, shop, weights={11: D("1.25")}, lang="fr"))
    assert "BON DE LIVRAISON" in text
    assert "Livrer à" in text or "LIVRER À" in text
    assert "05/03/2026" in text
    assert "Poids total : 2,5 kg" in text


def test_packing_slip_ships_to_billing_address_when_no_shipping_one(cyrillic_order, shop, pdf_text):
    text = pdf_text(packing_slip(cyrillic_order, shop))
    assert "Иван Петров" in text
    assert "ул. Тверская, 7" in text
    assert "Москва" in text


def test_greek_names_print(greek_order, shop, pdf_text):
    text = pdf_text(packing_slip(greek_order, shop))
    assert "Ελένη Παπαδοπούλου" in text
    assert "Οδός Ερμού 25" in text
    assert "105 63 Αθήνα" in text


def test_long_orders_continue_on_more_pages_with_headings(order, shop, pdf_pages):
    items = tuple(
        LineItem(id=i, name=f"Article {i}", product_id=i, quantity=1, sku=f"SKU-{i:03d}")
        for i in range(1, 91)
    )
    pages = pdf_pages(packing_slip(replace(order, line_items=items), shop))
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert "SKU" in page and "Qty" in page  # headings repeat
        assert f"Page {number}/{len(pages)}" in page
    text = "\n".join(pages)
    assert all(f"SKU-{i:03d}" in text for i in range(1, 91))


# -- invoice -----------------------------------------------------------------------------


def test_invoice_lists_lines_and_totals_that_add_up(order, shop, pdf_text):
    text = pdf_text(invoice(order, shop, number="INV-2026-000123"))
    for expected in (
        "INVOICE",
        "INV-2026-000123",
        "VAT number: FR12345678901",
        "Company number: 123 456 789 00012",
        "Élodie Lefèvre",
        "3 place Jean-Jaurès",
        "Boulangerie Crème Brûlée",
        "Virement bancaire",
        "€450.00",  # unit price of the teapot
        "€900.00",
        "€54.17",  # 325.00 / 6, rounded half up
        "Discount (printemps5)",
        "-€5.00",
        "Shipping (Colissimo)",
        "€6.90",
        "Emballage cadeau",
        "€247.98",
        "€1,487.88",
        "Refunded (Tasse ébréchée)",
        "-€64.80",
        "Net total",
        "€1,423.08",
        "Pénalités de retard : trois fois le taux d'intérêt légal.",
    ):
        assert expected in text, expected
    assert "Invoice date 2026-03-05" in text


def test_invoice_in_french_uses_french_number_format(order, shop, pdf_text):
    text = pdf_text(invoice(order, shop, number="FA-2026-000001", lang="fr"))
    assert "FACTURE" in text
    assert "1 487,88 €" in text
    assert "Total TTC" in text
    assert "Sous-total HT" in text
    assert "N° de TVA : FR12345678901" in text


def test_invoice_date_can_be_given(order, shop, pdf_text):
    text = pdf_text(invoice(order, shop, number="INV-9", issued=datetime(2026, 4, 1, tzinfo=UTC)))
    assert "Invoice date 2026-04-01" in text


def test_invoices_for_a_range_number_each_one_and_its_pages(
    order, greek_order, cyrillic_order, shop, pdf_pages
):
    numbers = {
        order.id: "INV-2026-000001",
        greek_order.id: "INV-2026-000002",
        cyrillic_order.id: "INV-2026-000003",
    }
    pages = pdf_pages(invoices([order, greek_order, cyrillic_order], shop, numbers=numbers))
    assert len(pages) == 3
    assert "INV-2026-000001" in pages[0] and "Élodie Lefèvre" in pages[0]
    assert "INV-2026-000002" in pages[1] and "Ελένη Παπαδοπούλου" in pages[1]
    assert "INV-2026-000003" in pages[2] and "Иван Петров" in pages[2]
    assert all("Page 1/1" in page for page in pages)


def test_invoices_refuse_an_order_without_a_number(order, greek_order, shop):
    with pytest.raises(ValueError, match="10483"):
        invoices([order, greek_order], shop, numbers={order.id: "INV-1"})
    with pytest.raises(ValueError):
        invoices([], shop, numbers={})


# -- receipt -----------------------------------------------------------------------------


def test_receipt_is_80_mm_wide_and_as_tall_as_its_content(order, shop, pdf_text):
    data = receipt(order, shop)
    ((width, height),) = page_sizes_mm(data)
    assert width == 80.0
    assert 60 <= height < 297
    more = replace(order, line_items=order.line_items * 8)
    ((_, taller),) = page_sizes_mm(receipt(more, shop))
    assert taller > height + 50  # grows with the lines, still one page
    text = pdf_text(data)
    assert "Élodie Lefèvre" in text
    assert "TOTAL" in text and "€1,487.88" in text
    assert "2 × €540.00" in text  # unit price with tax
    assert "Thank you for your order!" in text


def test_receipt_content_fits_the_printable_width(order, shop):
    """Every character is drawn between 4 mm and 76 mm (72 mm printable)."""
    reader = PdfReader(io.BytesIO(receipt(order, shop)))
    xs: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            xs.append((tm[4] * cm[0] + cm[4]) / MM)

    reader.pages[0].extract_text(visitor_text=visit)
    assert xs and min(xs) >= 3.9 and max(xs) <= 76.1


# -- credit note -------------------------------------------------------------------------


def test_credit_note_lists_refunded_lines_and_original_order(order, refund, shop, pdf_text):
    data = credit_note(
        order, refund, shop, number="AV-2026-000007", invoice_number="FA-2026-000123", lang="fr"
    )
    text = pdf_text(data)
    for expected in (
        "AVOIR",
        "AV-2026-000007",
        "FA-2026-000123",
        "Commande d'origine 10482",
        "05/03/2026",  # original order date
        "10/03/2026",  # credit note date
        "Tasse en grès",
        "CUP-GRES",
        "53,33 €",
        "10,67 €",
        "Livraison (Colissimo)",
        "Total HT 54,00 €",
        "Total de l'avoir 64,80 €",
        "Motif : Tasse ébréchée",
        "Élodie Lefèvre",
    ):
        assert expected in text, expected


def test_credit_note_for_an_amount_only_refund(order, shop, pdf_text):
    refund = Refund(
        id=80, amount=D("20.00"), reason="", date_created=datetime(2026, 3, 12, tzinfo=UTC)
    )
    text = pdf_text(credit_note(order, refund, shop, number="AV-2026-000008"))
    assert "CREDIT NOTE" in text and "AV-2026-000008" in text
    assert "Refund" in text and "Amount" in text
    assert "Total credited €20.00" in text


def test_credit_note_shows_an_amount_its_lines_do_not_explain(order, refund, shop, pdf_text):
    text = pdf_text(credit_note(order, replace(refund, amount=D("70.00")), shop, number="AV-9"))
    assert "Other amount refunded €5.20" in text
    assert "Total credited €70.00" in text


# -- pick list ---------------------------------------------------------------------------


def test_pick_list_aggregates_by_sku(order, greek_order, cyrillic_order):
    entries = aggregate_pick_list([order, greek_order, cyrillic_order])
    assert [(e.sku, e.quantity, e.orders) for e in entries] == [
        ("CUP-GRES", 9, ("10482", "10483")),
        ("TEA-POT-01", 3, ("10482", "10484")),
        ("", 3, ("10482", "10484")),  # the gift card: no SKU, grouped by product id
    ]
    assert entries[2].name == "Carte cadeau" and entries[2].product_id == 13


def test_pick_list_groups_custom_lines_by_name_and_skips_zero_quantities(order):
    custom = (
        LineItem(id=1, name="Gravure personnalisée", quantity=1),
        LineItem(id=2, name="gravure personnalisée ", quantity=2),
        LineItem(id=3, name="Rien", quantity=0, sku="NONE"),
    )
    entries = aggregate_pick_list([replace(order, line_items=custom)])
    assert [(e.name, e.quantity) for e in entries] == [("Gravure personnalisée", 3)]


def test_pick_list_pdf(order, greek_order, cyrillic_order, pdf_text):
    entries = aggregate_pick_list([order, greek_order, cyrillic_order])
    text = pdf_text(pick_list(entries, title="Vague du matin", printed=datetime(2026, 3, 6, 8, 0)))
    assert "Vague du matin" in text
    assert "CUP-GRES Tasse en grès 9 10482, 10483" in text
    assert "Théière en fonte « Hōjō » 3 10482, 10484" in text
    assert "Orders: 3" in text and "Items: 15" in text


# -- scripts beyond Fira Sans ------------------------------------------------------------


def _have(name: str) -> bool:
    return any(n == name and f.path.is_file() for n, f in _FALLBACK_CANDIDATES)


@pytest.mark.skipif(
    not (_have("FallbackDroid") or _have("FallbackNotoCJK") or _have("FallbackWqyZen")),
    reason="no CJK font on this machine",
)
def test_cjk_names_print_and_text_after_them_stays_intact(order, shop, pdf_text):
    """A line starting with a fallback glyph must not garble the lines after it (the
    fpdf2 bug worked around in DocumentPDF)."""
    shipping = Address(
        first_name="山田",
        last_name="太郎",
        address_1="18 chemin des Écoliers",
        postcode="42100",
        city="Saint-Étienne",
        country="JP",
    )
    text = pdf_text(packing_slip(replace(order, shipping=shipping), shop))
    assert "山田 太郎\n18 chemin des Écoliers\n42100 Saint-Étienne" in text


@pytest.mark.skipif(not _have("FallbackDejaVu"), reason="no DejaVu Sans on this machine")
def test_symbols_from_the_fallback_font_keep_following_lines_intact(order, shop, pdf_text):
    shipping = Address(
        first_name="✓", last_name="Zoë", address_1="3 rue d'Austerlitz", city="Besançon"
    )
    text = pdf_text(packing_slip(replace(order, shipping=shipping), shop))
    assert "✓ Zoë\n3 rue d'Austerlitz\nBesançon" in text
