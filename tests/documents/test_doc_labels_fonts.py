"""Money and dates as printed, and the fonts the PDFs embed."""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tui.documents import FontMissing, ShopIdentity, fonts, invoice
from tui.documents.fonts import main_fonts, missing_glyphs
from tui.documents.labels import day, labels, money, quantity

D = Decimal


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "expected"),
    [
        (D("1234.5"), "EUR", "en", "€1,234.50"),
        (D("1234.5"), "EUR", "fr", "1\u00a0234,50\u00a0€"),
        (D("-5"), "EUR", "en", "-€5.00"),
        (D("-5"), "EUR", "fr", "-5,00\u00a0€"),
        (D("1234567.891"), "USD", "en", "$1,234,567.89"),
        (D("0.005"), "GBP", "en", "£0.01"),
        (D("1500"), "JPY", "en", "¥1,500"),
        (D("12"), "CHF", "en", "12.00\u00a0CHF"),
        (D("12"), "CHF", "fr", "12,00\u00a0CHF"),
        (D("1E+3"), "EUR", "en", "€1,000.00"),
        (D("-0.001"), "EUR", "en", "€0.00"),
    ],
)
def test_money(amount, currency, lang, expected):
    assert money(amount, currency, lang) == expected


def test_dates_are_the_shops_calendar_day():
    late = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    paris = ShopIdentity(name="S", timezone="Europe/Paris").tz
    assert day(late, "en") == "2026-03-04"
    assert day(late, "en", paris) == "2026-03-05"
    assert day(late, "fr", paris) == "05/03/2026"
    assert day(date(2026, 1, 2), "fr") == "02/01/2026"
    assert day(None, "en") == ""
    assert ShopIdentity(name="S", timezone="Mars/Olympus").tz is UTC


def test_quantities():
    assert quantity(D("4.420"), "en") == "4.42"
    assert quantity(D("2.5"), "fr") == "2,5"
    assert quantity(D("10"), "en") == "10"
    assert quantity(3, "fr") == "3"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="de"):
        labels("de")


def test_every_label_exists_in_both_languages():
    assert set(labels("en")) == set(labels("fr"))


def test_documents_use_a_unicode_font_from_the_project_dependencies():
    """Fira Sans comes with `pip install` (fontpkg-fira-sans), not from the machine."""
    assert main_fonts().source.startswith("Fira Sans")
    assert not missing_glyphs(["Élodie Lefèvre", "Ελένη Παπαδοπούλου", "Иван Петров", "€ № —"])


def test_pdfs_embed_only_truetype_fonts(order, shop):
    reader = PdfReader(io.BytesIO(invoice(order, shop, number="INV-1")))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0"  # embedded CID TrueType, not a core font
        assert "Helvetica" not in str(font["/BaseFont"])


@pytest.fixture
def without_fira(monkeypatch):
    """As on a machine where the fontpkg-fira-sans wheel is missing."""
    monkeypatch.setitem(sys.modules, "fontpkg_fira_sans", None)
    fonts.main_fonts.cache_clear()
    yield
    fonts.main_fonts.cache_clear()


@pytest.mark.skipif(
    not any((d / "DejaVuSans.ttf").is_file() for d in fonts._DEJAVU_DIRS),
    reason="no DejaVu Sans on this machine",
)
def test_falls_back_to_the_machines_dejavu(without_fira, order, shop, pdf_text):
    assert fonts.main_fonts().source.startswith("DejaVu Sans")
    assert "Élodie Lefèvre" in pdf_text(invoice(order, shop, number="INV-1"))


def test_no_unicode_font_at_all_says_what_to_install(without_fira, monkeypatch):
    monkeypatch.setattr(fonts, "_DEJAVU_DIRS", ())
    with pytest.raises(FontMissing, match="pip install fontpkg-fira-sans"):
        fonts.main_fonts()
