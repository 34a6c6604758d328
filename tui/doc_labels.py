"""Labels and number/date formats for documents, in English and French.

A small dict rather than gettext: documents are printed in the shop's language (or the
customer's), chosen per call, independent of the console's own UI language. A gettext
catalogue can replace `LABELS` later without touching the layouts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Lang = Literal["en", "fr"]

#: Non-breaking space: keeps "1 234,50 €" on one line when fpdf2 wraps text.
NBSP = "\u00a0"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "packing_slip": "Packing slip",
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "receipt": "Receipt",
        "pick_list": "Pick list",
        "order": "Order",
        "order_number": "Order number",
        "order_date": "Order date",
        "invoice_number": "Invoice number",
        "invoice_date": "Invoice date",
        "credit_note_number": "Credit note number",
        "credit_note_date": "Date",
        "original_order": "Original order",
        "original_invoice": "Original invoice",
        "payment_date": "Paid on",
        "payment_method": "Payment method",
        "shipping_method": "Shipping method",
        "ship_to": "Ship to",
        "bill_to": "Bill to",
        "customer": "Customer",
        "customer_note": "Customer note",
        "sku": "SKU",
        "product": "Product",
        "qty": "Qty",
        "packed": "Packed",
        "picked": "Picked",
        "unit_price": "Unit excl. tax",
        "line_total": "Total excl. tax",
        "tax": "Tax",
        "amount": "Amount",
        "subtotal": "Subtotal (excl. tax)",
        "discount": "Discount",
        "shipping": "Shipping",
        "fees": "Fees",
        "total": "Total",
        "total_incl_tax": "Total (incl. tax)",
        "incl_tax": "incl. tax",
        "refunded": "Refunded",
        "net_total": "Net total",
        "items": "Items",
        "total_weight": "Total weight",
        "lines_without_weight": "{n} line(s) without a weight not counted",
        "vat_number": "VAT number",
        "company_number": "Company number",
        "phone": "Phone",
        "email": "Email",
        "page": "Page",
        "reason": "Reason",
        "refund": "Refund",
        "other_amount": "Other amount refunded",
        "total_excl_tax": "Total (excl. tax)",
        "total_credited": "Total credited",
        "orders": "Orders",
        "generated": "Printed",
        "lines": "Lines",
        "thank_you": "Thank you for your order!",
    },
    "fr": {
        "packing_slip": "Bon de livraison",
        "invoice": "Facture",
        "credit_note": "Avoir",
        "receipt": "Reçu",
        "pick_list": "Liste de préparation",
        "order": "Commande",
        "order_number": "N° de commande",
        "order_date": "Date de commande",
        "invoice_number": "N° de facture",
        "invoice_date": "Date de facture",
        "credit_note_number": "N° d'avoir",
        "credit_note_date": "Date",
        "original_order": "Commande d'origine",
        "original_invoice": "Facture d'origine",
        "payment_date": "Payée le",
        "payment_method": "Moyen de paiement",
        "shipping_method": "Mode de livraison",
        "ship_to": "Livrer à",
        "bill_to": "Facturer à",
        "customer": "Client",
        "customer_note": "Note du client",
        "sku": "Réf.",
        "product": "Produit",
        "qty": "Qté",
        "packed": "Emballé",
        "picked": "Prélevé",
        "unit_price": "Prix unitaire HT",
        "line_total": "Total HT",
        "tax": "TVA",
        "amount": "Montant",
        "subtotal": "Sous-total HT",
        "discount": "Remise",
        "shipping": "Livraison",
        "fees": "Frais",
        "total": "Total",
        "total_incl_tax": "Total TTC",
        "incl_tax": "dont TVA",
        "refunded": "Remboursé",
        "net_total": "Total net",
        "items": "Articles",
        "total_weight": "Poids total",
        "lines_without_weight": "{n} ligne(s) sans poids non comptée(s)",
        "vat_number": "N° de TVA",
        "company_number": "SIRET",
        "phone": "Tél.",
        "email": "E-mail",
        "page": "Page",
        "reason": "Motif",
        "refund": "Remboursement",
        "other_amount": "Autre montant remboursé",
        "total_excl_tax": "Total HT",
        "total_credited": "Total de l'avoir",
        "orders": "Commandes",
        "generated": "Imprimé le",
        "lines": "Lignes",
        "thank_you": "Merci pour votre commande !",
    },
}

#: Currencies printed without minor units.
_ZERO_DECIMAL = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "XOF", "XAF", "XPF", "UGX", "PYG"})

#: One-character symbols worth printing instead of the ISO code.
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "RUB": "₽", "UAH": "₴"}


def labels(lang: str) -> Mapping[str, str]:
    """The label set for `lang` ("en" or "fr")."""
    try:
        return LABELS[lang]
    except KeyError:
        raise ValueError(f"unknown document language {lang!r}: use 'en' or 'fr'") from None


def colon(lang: str) -> str:
    """The label separator: "Total: " in English, "Total : " (non-breaking) in French."""
    return f"{NBSP}: " if lang == "fr" else ": "


def quantize(amount: Decimal, currency: str = "") -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (2 places unless told)."""
    places = Decimal(1) if currency.upper() in _ZERO_DECIMAL else Decimal("0.01")
    return amount.quantize(places, rounding=ROUND_HALF_UP)


def _group(digits: str, sep: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sep.join(groups)


def number(amount: Decimal, lang: str, currency: str = "") -> str:
    """A plain amount in the language's notation: "1,234.50" / "1 234,50" (never float)."""
    value = quantize(amount, currency)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, frac = text.partition(".")
    if lang == "fr":
        body = _group(whole, NBSP) + (f",{frac}" if frac else "")
    else:
        body = _group(whole, ",") + (f".{frac}" if frac else "")
    return sign + body


def money(amount: Decimal, currency: str, lang: str, symbol: str = "") -> str:
    """An amount with its currency: "€1,234.50" (en), "1 234,50 €" (fr), "12.00 CHF"."""
    code = currency.upper()
    sign = "-" if quantize(amount, code) < 0 else ""
    body = number(abs(amount), lang, code)
    sym = _SYMBOLS.get(code) or (symbol if 0 < len(symbol) <= 2 else "")
    if lang == "fr":
        return f"{sign}{body}{NBSP}{sym or code}".strip()
    if sym:
        return f"{sign}{sym}{body}"
    return f"{sign}{body}{NBSP}{code}".strip()


def quantity(value: Decimal | int, lang: str) -> str:
    """A count or a weight with its natural precision, in the language's notation."""
    if isinstance(value, int):
        return str(value)
    text = f"{value.normalize():f}"
    return text.replace(".", ",") if lang == "fr" else text


def day(moment: datetime | date | None, lang: str, tz: tzinfo = UTC) -> str:
    """A calendar date in the shop's timezone: 2026-03-04 (en) or 04/03/2026 (fr)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = moment.astimezone(tz).date() if moment.tzinfo else moment.date()
    return moment.strftime("%d/%m/%Y") if lang == "fr" else moment.isoformat()
