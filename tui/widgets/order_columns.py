"""The queue's columns: a fixed schema, and which of them fit a given width.

Why a schema and no measuring: measuring 100,000 rows is what makes Textual's DataTable
take seconds. Widths here depend only on the terminal width, never on the data; text
longer than its column is cut with `…`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from tui.i18n import N_

#: One space between columns.
GAP = 1


@dataclass(frozen=True, slots=True)
class Column:
    """One column. `priority` 0 never drops; higher numbers drop first when narrow.

    A column with `max_width > width` is flexible: it takes spare width up to its max.
    `sort_key` names the `QueueModel` sort this column shows (for the header arrow).
    """

    key: str
    label: str
    width: int
    priority: int
    align: str = "left"
    max_width: int = 0
    sort_key: str | None = None

    @property
    def flexible(self) -> bool:
        return self.max_width > self.width


#: In display order. At 80 columns the essentials fit: mark, number, age, customer
#: (cut with …), total and status; items, email and the creation time join when wider.
COLUMNS: tuple[Column, ...] = (
    Column("mark", "", 1, 0),
    Column("number", N_("Order"), 8, 0, sort_key="number"),
    Column("age", N_("Age"), 14, 0, sort_key="date"),
    Column("customer", N_("Customer"), 14, 0, max_width=32),
    Column("items", N_("Items"), 5, 2, align="right"),
    Column("total", N_("Total"), 13, 0, align="right", sort_key="total"),
    Column("status", N_("Status"), 14, 0, sort_key="status"),
    Column("email", N_("Email"), 20, 3, max_width=34),
    Column("created", N_("Created"), 16, 4, sort_key="date"),
)


#: The status column never grows past this for long custom labels (they are cut with …).
MAX_STATUS_WIDTH = 22


def with_status_width(columns: tuple[Column, ...], badge_width: int) -> tuple[Column, ...]:
    """`columns` with the status column wide enough for the configured badges.

    Config is schema, not data: a shop that names a status "awaiting pickup" gets a wider
    column once, at start-up; nothing is measured per order.
    """
    return tuple(
        replace(c, width=min(max(c.width, badge_width), MAX_STATUS_WIDTH))
        if c.key == "status"
        else c
        for c in columns
    )


@dataclass(frozen=True, slots=True)
class Placed:
    """A column placed on screen: its cell offset and final width."""

    column: Column
    x: int
    width: int


@lru_cache(maxsize=32)
def layout(width: int, columns: tuple[Column, ...] = COLUMNS) -> tuple[Placed, ...]:
    """The columns that fit in `width` cells, with their offsets and widths.

    Drops the highest `priority` first until the minimum widths fit, then hands spare
    cells to flexible columns in display order, each up to its `max_width`. Priority-0
    columns always stay, even if the total overflows a very narrow terminal (the line is
    cut at the right edge then).
    """
    kept = list(columns)

    def needed(cols: list[Column]) -> int:
        return sum(c.width for c in cols) + GAP * max(len(cols) - 1, 0)

    for priority in sorted({c.priority for c in columns if c.priority > 0}, reverse=True):
        if needed(kept) <= width:
            break
        kept = [c for c in kept if c.priority != priority]

    widths = {c.key: c.width for c in kept}
    spare = width - needed(kept)
    for column in kept:
        if spare <= 0:
            break
        if column.flexible:
            extra = min(spare, column.max_width - column.width)
            widths[column.key] += extra
            spare -= extra

    placed: list[Placed] = []
    x = 0
    for column in kept:
        placed.append(Placed(column, x, widths[column.key]))
        x += widths[column.key] + GAP
    return tuple(placed)
