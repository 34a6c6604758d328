"""Order statuses: the core seven plus any custom ones a shop registers.

Statuses live in a table, not in code, because real shops add their own (`wc-awaiting-
shipment`…) and a client must take the list from the shop. `holds_stock` says whether an
order in that status keeps its items' stock reduced (WooCommerce: processing, on-hold,
completed).

Custom statuses follow their `holds_stock` flag both ways: entering one that holds stock
reduces it (as processing does), entering one that does not gives reduced stock back (as
pending and cancelled do). Core statuses keep WooCommerce's own rules (failed and refunded
neither take nor give back).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from shop.db import open_connection, write_tx

#: (slug, label, holds stock) in WooCommerce's order, with its labels.
CORE_STATUSES: tuple[tuple[str, str, bool], ...] = (
    ("pending", "Pending payment", False),
    ("processing", "Processing", True),
    ("on-hold", "On hold", True),
    ("completed", "Completed", True),
    ("cancelled", "Cancelled", False),
    ("refunded", "Refunded", False),
    ("failed", "Failed", False),
)

#: Statuses a `PUT` to `pending`/`cancelled` gives stock back from (WooCommerce's
#: `wc_maybe_increase_stock_levels` hooks).
RESTOCK_STATUSES = frozenset({"pending", "cancelled"})

CORE_SLUGS = frozenset(slug for slug, _, _ in CORE_STATUSES)

#: Statuses that mark an order paid (`date_paid` is set on entering them).
PAID_STATUSES = frozenset({"processing", "completed"})


@dataclass(frozen=True, slots=True)
class Statuses:
    """The registered statuses, in display order."""

    labels: dict[str, str]
    holding: frozenset[str]

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Statuses:
        rows = conn.execute(
            "SELECT slug, label, holds_stock FROM order_statuses ORDER BY position, slug"
        ).fetchall()
        return cls(
            labels={r["slug"]: r["label"] for r in rows},
            holding=frozenset(r["slug"] for r in rows if r["holds_stock"]),
        )

    def releases_stock(self, slug: str) -> bool:
        """Whether entering `slug` gives an order's reduced stock back."""
        if slug in CORE_SLUGS:
            return slug in RESTOCK_STATUSES
        return slug in self.labels and slug not in self.holding

    def label(self, slug: str) -> str:
        if slug == "trash":
            return "Trash"
        return self.labels.get(slug, slug)

    @property
    def slugs(self) -> list[str]:
        return list(self.labels)


def add_status(db_path: str | Path, slug: str, label: str, holds_stock: bool = False) -> None:
    """Register a custom order status (slug without the `wc-` prefix).

    A running server reads statuses per request, so the new one is usable at once.
    """
    slug = slug.removeprefix("wc-")
    if not slug or slug in ("any", "trash") or len(slug) > 20:
        raise ValueError(f"invalid status slug {slug!r}")
    conn = open_connection(db_path)
    try:
        with write_tx(conn):
            position = conn.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM order_statuses"
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO order_statuses (slug, label, holds_stock, position) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET label = excluded.label, "
                "holds_stock = excluded.holds_stock",
                (slug, label, int(holds_stock), position),
            )
    finally:
        conn.close()
