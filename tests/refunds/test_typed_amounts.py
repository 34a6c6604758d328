"""Amounts typed the French or the English way read the same, in either interface
language; a slip of the hand is refused, never read as another amount."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tui import i18n
from tui.amounts import canonical_amount
from tui.order_draft import parse_amount as parse_price
from tui.refund_plan import parse_amount

NNBSP, NBSP, THIN = "\u202f", "\u00a0", "\u2009"


@pytest.fixture(autouse=True, params=["en", "fr"])
def language(request) -> Iterator[str]:
    i18n.install(request.param)
    yield request.param
    i18n.install("en")


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12,50", "12.50"),
        ("12.50", "12.50"),
        (" 12,5 ", "12.5"),
        (f"1{NNBSP}234,50", "1234.50"),
        (f"1{NBSP}234,50", "1234.50"),
        (f"1{THIN}234.50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1 234 567,8", "1234567.8"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("+7", "7"),
    ],
)
def test_both_ways_of_writing_an_amount_are_read(typed: str, amount: str) -> None:
    assert parse_amount(typed, 2) == (Decimal(amount), "")
    assert parse_price(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["12 34", "1.2.3", "1,234,567", "12,3 4", "1 2,50", "abc"])
def test_misplaced_separators_are_refused(typed: str, language: str) -> None:
    amount, problem = parse_amount(typed, 2)
    assert amount is None
    assert problem == ("“{text}” is not an amount." if language == "en" else
                       "« {text} » n'est pas un montant.").format(text=typed)
    assert isinstance(parse_price(typed), str)


def test_a_single_separator_is_always_the_decimal_mark() -> None:
    """"1,234" is not read as 1234 in English: a money field refuses its three decimals."""
    assert canonical_amount("1,234") == "1.234"
    amount, problem = parse_amount("1,234", 2)
    assert amount is None and "2" in problem
