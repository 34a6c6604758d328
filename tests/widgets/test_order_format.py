"""Cell text: money, ages, fitting, and which columns fit a width."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from rich.cells import cell_len

from tui.widgets.order_columns import layout
from tui.widgets.order_format import fit, format_age, format_money


@pytest.mark.parametrize(
    ("amount", "currency", "symbol", "expected"),
    [
        ("1234.5", "EUR", "", "€1,234.50"),
        ("0.005", "USD", "", "$0.01"),  # half-up, never float
        ("-12", "GBP", "", "-£12.00"),
        ("99.99", "CHF", "", "99.99 CHF"),  # no unambiguous symbol: the code
        ("10", "SEK", "kr", "10.00 kr"),  # letters-only symbol goes after
        ("10", "XYZ", "¤", "¤10.00"),  # the order's own symbol wins
        ("1000000", "", "", "1,000,000.00"),
    ],
)
def test_format_money(amount, currency, symbol, expected):
    assert format_money(Decimal(amount), currency, symbol) == expected


def test_format_age(now):
    assert format_age(now - timedelta(minutes=3), now) == "3 minutes ago"
    assert format_age(now - timedelta(days=2), now) == "2 days ago"
    assert format_age(now + timedelta(seconds=30), now) == "now"  # clocks a little apart
    assert (
        format_age(now - timedelta(days=400), now) == (now - timedelta(days=400)).date().isoformat()
    )
    assert format_age(None, now) == "—"


def test_fit_pads_or_cuts_with_an_ellipsis_counting_wide_characters():
    assert fit("Anna", 6) == "Anna  "
    assert fit("Anna", 6, "right") == "  Anna"
    assert fit("Élodie Dupont-Laurent", 10) == "Élodie Du…"
    cut = fit("山田太郎さま", 7)
    assert cell_len(cut) == 7 and cut.endswith("…")


def test_narrow_terminals_keep_the_essential_columns():
    keys80 = [p.column.key for p in layout(78)]  # 80 columns minus the scrollbar
    assert {"mark", "number", "age", "customer", "total", "status"} <= set(keys80)
    assert "email" not in keys80 and "created" not in keys80
    keys200 = [p.column.key for p in layout(198)]
    assert {"items", "email", "created"} <= set(keys200)
    for width in (40, 78, 120, 198):
        placed = layout(width)
        assert [p.x for p in placed] == sorted(p.x for p in placed)
        assert placed[-1].x + placed[-1].width <= max(width, 69)  # essentials never drop
