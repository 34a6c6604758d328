"""Orders, refunds and a shop identity for the document, printing and export tests.

Built with `client.model.Order(...)` directly, as the console hands them over, with
French accents and Greek and Cyrillic names: the PDFs must carry them intact.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from client.model import (
    Address,
    CouponLine,
    FeeLine,
    LineItem,
    MetaData,
    Order,
    Refund,
    RefundLine,
    RefundSummary,
    ShippingLine,
)
from tui.documents import ShopIdentity

D = Decimal


def _pages(data: bytes) -> list[str]:
    """Each page's text, non-breaking spaces read as spaces, accents composed (NFC)."""
    reader = PdfReader(io.BytesIO(data))
    return [
        unicodedata.normalize("NFC", page.extract_text().replace("\u00a0", " "))
        for page in reader.pages
    ]


@pytest.fixture
def pdf_pages() -> Callable[[bytes], list[str]]:
    """Reads a PDF's pages back as text (pypdf), as a person copying it would."""
    return _pages


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """Reads a whole PDF back as one text."""
    return lambda data: "\n".join(_pages(data))


@pytest.fixture
def shop() -> ShopIdentity:
    return ShopIdentity(
        name="Atelier Lefèvre & Fils",
        address_lines=("12 rue de la République", "42000 Saint-Étienne", "France"),
        vat_number="FR12345678901",
        company_number="123 456 789 00012",
        email="contact@atelier-lefevre.example",
        phone="+33 4 77 00 00 00",
        legal_mentions=(
            "SAS au capital de 10 000 €, RCS Saint-Étienne 123 456 789.",
            "Pénalités de retard : trois fois le taux d'intérêt légal.",
        ),
        timezone="Europe/Paris",
    )


@pytest.fixture
def order() -> Order:
    """A French order: accents, a coupon, a fee, shipping, tax, a partial refund, a note."""
    return Order(
        id=4321,
        number="10482",
        status="processing",
        currency="EUR",
        currency_symbol="€",
        date_created=datetime(2026, 3, 4, 23, 30, tzinfo=UTC),  # 5 March in Paris
        date_paid=datetime(2026, 3, 4, 23, 31, tzinfo=UTC),
        customer_note="Merci de ne pas plier — c'est un cadeau pour Noël.",
        billing=Address(
            first_name="Élodie",
            last_name="Lefèvre",
            address_1="3 place Jean-Jaurès",
            city="Saint-Étienne",
            postcode="42000",
            country="FR",
            email="elodie.lefevre@example.fr",
            phone="+33 6 12 34 56 78",
        ),
        shipping=Address(
            first_name="Élodie",
            last_name="Lefèvre",
            company="Boulangerie Crème Brûlée",
            address_1="18 chemin des Écoliers",
            city="Saint-Étienne",
            postcode="42100",
            country="FR",
        ),
        payment_method="bacs",
        payment_method_title="Virement bancaire",
        discount_total=D("5.00"),
        discount_tax=D("1.00"),
        shipping_total=D("6.90"),
        shipping_tax=D("1.38"),
        cart_tax=D("246.40"),
        total=D("1487.88"),
        total_tax=D("247.98"),
        line_items=(
            LineItem(
                id=1,
                name="Théière en fonte « Hōjō »",
                product_id=11,
                quantity=2,
                sku="TEA-POT-01",
                price=D("450.00"),
                subtotal=D("900.00"),
                subtotal_tax=D("180.00"),
                total=D("900.00"),
                total_tax=D("180.00"),
                meta_data=(MetaData(1, "pa_couleur", "noir"), MetaData(2, "_reduced_stock", "2")),
            ),
            LineItem(
                id=2,
                name="Tasse en grès",
                product_id=12,
                quantity=6,
                sku="CUP-GRES",
                price=D("53.33"),
                subtotal=D("325.00"),
                subtotal_tax=D("65.00"),
                total=D("320.00"),
                total_tax=D("64.00"),
            ),
            LineItem(
                id=3,
                name="Carte cadeau",
                product_id=13,
                quantity=1,
                sku="",
                price=D("12.00"),
                subtotal=D("12.00"),
                subtotal_tax=D("2.40"),
                total=D("12.00"),
                total_tax=D("2.40"),
            ),
        ),
        shipping_lines=(
            ShippingLine(id=9, method_title="Colissimo", total=D("6.90"), total_tax=D("1.38")),
        ),
        fee_lines=(FeeLine(id=10, name="Emballage cadeau", total=D("1.00"), total_tax=D("0.20")),),
        coupon_lines=(
            CouponLine(id=11, code="printemps5", discount=D("5.00"), discount_tax=D("1.00")),
        ),
        refunds=(RefundSummary(id=77, reason="Tasse ébréchée", total=D("-64.80")),),
    )


@pytest.fixture
def greek_order() -> Order:
    return Order(
        id=5000,
        number="10483",
        status="completed",
        currency="EUR",
        date_created=datetime(2026, 3, 6, 9, 0, tzinfo=UTC),
        billing=Address(
            first_name="Ελένη",
            last_name="Παπαδοπούλου",
            city="Αθήνα",
            address_1="Οδός Ερμού 25",
            postcode="105 63",
            country="GR",
            email="eleni@example.gr",
        ),
        shipping=Address(
            first_name="Ελένη",
            last_name="Παπαδοπούλου",
            city="Αθήνα",
            address_1="Οδός Ερμού 25",
            postcode="105 63",
            country="GR",
        ),
        payment_method_title="Carte bancaire",
        total=D("108.00"),
        total_tax=D("18.00"),
        cart_tax=D("18.00"),
        line_items=(
            LineItem(
                id=1,
                name="Tasse en grès",
                product_id=12,
                quantity=3,
                sku="CUP-GRES",
                price=D("30.00"),
                subtotal=D("90.00"),
                subtotal_tax=D("18.00"),
                total=D("90.00"),
                total_tax=D("18.00"),
            ),
        ),
    )


@pytest.fixture
def cyrillic_order() -> Order:
    return Order(
        id=5001,
        number="10484",
        status="processing",
        currency="EUR",
        date_created=datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
        billing=Address(
            first_name="Иван",
            last_name="Петров",
            city="Москва",
            address_1="ул. Тверская, 7",
            country="RU",
        ),
        total=D("24.00"),
        line_items=(
            LineItem(
                id=1,
                name="Théière en fonte « Hōjō »",
                product_id=11,
                quantity=1,
                sku="TEA-POT-01",
                subtotal=D("20.00"),
                total=D("20.00"),
                subtotal_tax=D("4.00"),
                total_tax=D("4.00"),
            ),
            LineItem(
                id=2, name="Carte cadeau", product_id=13, quantity=2, subtotal=D("0"), total=D("0")
            ),
        ),
    )


@pytest.fixture
def refund() -> Refund:
    """The order's partial refund: one chipped cup, its tax, part of the shipping."""
    return Refund(
        id=77,
        amount=D("64.80"),
        reason="Tasse ébréchée",
        date_created=datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
        line_items=(
            RefundLine(
                id=78,
                name="Tasse en grès",
                product_id=12,
                sku="CUP-GRES",
                quantity=1,
                total=D("53.33"),
                total_tax=D("10.67"),
                refunded_item_id=2,
            ),
        ),
        shipping_lines=(RefundLine(id=79, name="Colissimo", total=D("0.67"), total_tax=D("0.13")),),
    )
