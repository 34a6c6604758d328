"""A page of a sorted list without walking every row before it.

Why: `LIMIT 100 OFFSET 99900` makes SQLite step through 99,900 index entries before the
first row it returns (up to 90 ms at 100,000 orders, on every deep page of a full load).
wc/v3 has no cursor, so clients page by number; but the shop can remember where pages
ended. Each answer notes the sort key of its last row as the boundary of the next offset;
a later page starts from the nearest boundary at or before it (`(date, id) < (?, ?)`, an
index seek) and skips only the few rows between. The boundaries live in the connection's
`snapshot_memo`, so they are forgotten the moment the data changes and can never point
into a different set of rows.

Only for sorts on unique keys (date + id, modified date + id, id); `orderby=include`
pages the plain way.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Sequence
from typing import Any

from shop.db import snapshot_memo

#: Boundaries kept per list (a 100,000-order sweep at 100 per page needs 1,000).
MAX_BOUNDS = 20_000


class Bounds:
    """Offsets with the sort key of the row just before each, sorted by offset."""

    __slots__ = ("keys", "offsets")

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.keys: list[tuple[Any, ...]] = []

    def nearest(self, skip: int) -> tuple[int, tuple[Any, ...]] | None:
        """The known boundary with the greatest offset ≤ `skip`."""
        i = bisect.bisect_right(self.offsets, skip) - 1
        return (self.offsets[i], self.keys[i]) if i >= 0 else None

    def add(self, offset: int, key: tuple[Any, ...]) -> None:
        i = bisect.bisect_left(self.offsets, offset)
        if i < len(self.offsets) and self.offsets[i] == offset:
            return
        if len(self.offsets) >= MAX_BOUNDS:
            self.offsets.clear()
            self.keys.clear()
            i = 0
        self.offsets.insert(i, offset)
        self.keys.insert(i, key)


def page_rows(
    conn: sqlite3.Connection,
    *,
    select: str,
    table: str,
    where: str,
    args: Sequence[Any],
    sort: str,
    sort_args: Sequence[Any] = (),
    keyset: tuple[str, ...] | None,
    descending: bool,
    limit: int,
    skip: int,
) -> list[Any]:
    """`SELECT select FROM table where ORDER BY sort LIMIT limit OFFSET skip`, each row's
    first column the selected value; seeks from a remembered boundary when `keyset` (the
    sort's columns, unique together, in `sort`'s order and direction) allows."""
    memo = snapshot_memo(conn) if keyset else None
    if memo is None or keyset is None:
        return conn.execute(
            f"SELECT {select} FROM {table}{where} ORDER BY {sort} LIMIT ? OFFSET ?",
            [*args, *sort_args, limit, skip],
        ).fetchall()
    memo_key = ("bounds", table, where, sort, tuple(args))
    bounds = memo.get(memo_key)
    if bounds is None:
        bounds = memo[memo_key] = Bounds()
    columns = ", ".join(keyset)
    seek_where, seek_args, offset = where, list(args), skip
    found = bounds.nearest(skip) if skip else None
    if found is not None:
        at, key = found
        if len(keyset) == 1:
            condition = f"{columns} {'<' if descending else '>'} ?"
        else:
            marks = ", ".join("?" * len(keyset))
            condition = f"({columns}) {'<' if descending else '>'} ({marks})"
        seek_where = f"{where} AND {condition}" if where else f" WHERE {condition}"
        seek_args.extend(key)
        offset = skip - at
    rows = conn.execute(
        f"SELECT {select}, {columns} FROM {table}{seek_where} ORDER BY {sort} LIMIT ? OFFSET ?",
        [*seek_args, *sort_args, limit, offset],
    ).fetchall()
    if rows:
        bounds.add(skip + len(rows), tuple(rows[-1][1:]))
    return rows
