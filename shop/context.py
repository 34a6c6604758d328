"""What the business rules need to know about the request they run in.

One `Ctx` per request: the connection (inside the request's transaction), the store's
settings and statuses, the request's single "now" (so every date a request writes is the
same second), and who acts (for `added_by_user` notes and `refunded_by`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from shop.db import next_ids
from shop.settings import Settings, now_gmt
from shop.statuses import Statuses

SYSTEM_AUTHOR = "WooCommerce"


@dataclass
class Ctx:
    conn: sqlite3.Connection
    settings: Settings
    statuses: Statuses
    now: str
    user_id: int = 1
    user_name: str = SYSTEM_AUTHOR

    @classmethod
    def open(
        cls,
        conn: sqlite3.Connection,
        settings: Settings,
        *,
        statuses: Statuses | None = None,
        user_id: int = 1,
        user_name: str = SYSTEM_AUTHOR,
    ) -> Ctx:
        return cls(
            conn=conn,
            settings=settings,
            statuses=statuses or Statuses.load(conn),
            now=now_gmt(),
            user_id=user_id,
            user_name=user_name,
        )

    def item_id(self) -> int:
        """A new order item id (line items, shipping, tax and refund lines share them)."""
        return next_ids(self.conn, "item")

    def meta_id(self) -> int:
        return next_ids(self.conn, "meta")

    def object_id(self) -> int:
        """A new order or refund id (they share WooCommerce's order table)."""
        return next_ids(self.conn, "object")
