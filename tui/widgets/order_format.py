"""Text for the queue's cells: order number, age, money, and fitting text to a width.

Why separate from the widget: these are pure functions of an order and a clock, easy to
test and cheap enough to call for every visible row on every paint.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import humanize
from rich.cells import cell_len, set_cell_size

from tui.i18n import _, current_language

#: Non-breaking space: French thousands separator, and between amount and symbol.
NBSP = "\u00a0"

ELLIPSIS = "…"
_CENT = Decimal("0.01")

#: Symbols for common currencies when the order does not carry its own
#: (the queue's list request leaves `currency_symbol` out to stay small).
#: Ambiguous ones (kr, Fr) are left to the code.
CURRENCY_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "NGN": "₦",
    "PHP": "₱",
    "PLN": "zł",
    "RUB": "₽",
    "TRY": "₺",
    "UAH": "₴",
    "VND": "₫",
    "BRL": "R$",
    "AUD": "A$",
    "CAD": "C$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "MXN": "MX$",
    "ZAR": "R",
}

#: Ages beyond this show as a date: "1 year, 2 months ago" is long and vague.
_MAX_NATURAL_AGE = timedelta(days=300)


def order_number(number: str) -> str:
    """`#1234` as the shop's staff say it."""
    return f"#{number}"


def format_money(amount: Decimal, currency: str = "", symbol: str = "") -> str:
    """`€1,234.50`, or `1,234.50 CHF` when the currency has no unambiguous symbol.

    Always two decimals, rounded half-up, thousands separated by commas. `symbol` (the
    order's own `currency_symbol`) wins over the table when it is a real symbol; a
    symbol made only of letters ("CHF", "kr") goes after the amount like a code.
    """
    quantised = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if quantised < 0 else ""
    digits = f"{abs(quantised):,.2f}"
    mark = symbol.strip() or CURRENCY_SYMBOLS.get(currency.upper(), "")
    if current_language() == "fr":  # "1 234,50 €": grouped by spaces, symbol after
        digits = digits.replace(",", NBSP).replace(".", ",")
        return f"{sign}{digits}{NBSP}{mark or currency.upper()}".rstrip()
    if mark and not mark.isalpha():
        return f"{sign}{mark}{digits}"
    code = mark or currency.upper()
    return f"{sign}{digits} {code}" if code else f"{sign}{digits}"


def format_age(created: datetime | None, now: datetime) -> str:
    """`3 minutes ago` for recent orders, the date (`2024-03-01`) for old ones."""
    if created is None:
        return "—"
    delta = now - created
    if delta > _MAX_NATURAL_AGE:
        return created.date().isoformat()
    if timedelta(minutes=-5) < delta < timedelta(0):
        # Clocks disagree a little (the shop's vs ours): "now" reads better than "from now".
        return _("now")
    return short_age(humanize.naturaltime(delta))


#: French ages shortened to fit the age column ("il y a 12 minutes" -> "il y a 12 min").
_SHORT_FRENCH = (
    (" une seconde", " 1 s"), (" secondes", " s"), (" une minute", " 1 min"),
    (" minutes", " min"), (" une heure", " 1 h"), (" heures", " h"),
)


def short_age(text: str) -> str:
    """humanize's age, with French time units abbreviated (English is already short)."""
    if current_language() == "fr":
        for long, short in _SHORT_FRENCH:
            text = text.replace(long, short)
    return text


def format_created(created: datetime | None) -> str:
    """Local date and time of creation, minute precision: `2025-11-23 14:05`."""
    if created is None:
        return "—"
    return created.astimezone().strftime(_("%Y-%m-%d %H:%M"))


def fit(text: str, width: int, align: str = "left") -> str:
    """Exactly `width` cells: padded, or cut with `…` (wide characters counted right)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    if length == width:
        return text
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding
