"""Money as WooCommerce writes it: Decimal inside, strings with the store's decimals outside.

Three formats appear in wc/v3 and the reference shop reproduces each:
`money()` → `"65.75"` (totals), `raw()` → `"0.9"` (a line's `taxes[]`, unpadded) and
`price_number()` → `12.5` (a line's `price`, a JSON number).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

ZERO = Decimal("0")
CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a JSON string or number, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, str)):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return amount if amount.is_finite() else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


_QUANTA = {d: Decimal(1).scaleb(-d) for d in range(9)}


def round_money(amount: Decimal, decimals: int = 2) -> Decimal:
    return amount.quantize(_QUANTA[decimals], rounding=ROUND_HALF_UP)


@lru_cache(maxsize=8192)
def money(amount: Decimal, decimals: int = 2) -> str:
    """`"12.50"`; never `"-0.00"`. Cached: the same amounts recur across many orders."""
    value = round_money(amount, decimals)
    if value == 0:
        value = abs(value)
    return f"{value:f}"


def raw(amount: Decimal) -> str:
    """Unpadded (`"0.9"`, `"5"`), as WooCommerce writes a line's tax amounts."""
    if amount == 0:
        return "0"
    text = f"{amount.normalize():f}"
    return text


def price_number(total: Decimal, quantity: int) -> int | float:
    """A line's `price` (total / quantity) as the JSON number WooCommerce sends."""
    if not quantity:
        return 0
    value = total / quantity
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def tax_of(amount: Decimal, rate_percent: Decimal, decimals: int = 2) -> Decimal:
    return round_money(amount * rate_percent / 100, decimals)
