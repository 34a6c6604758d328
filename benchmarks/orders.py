"""Orders as the console holds them, without going through HTTP.

Why: the search benchmark needs 100,000 queue orders; when no earlier benchmark of the run
loaded them through the client, reading them straight from the shop's database with the
same `_fields` trimming gives the same `Order` objects in a few seconds instead of a full
load.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from client.feed import LiveFeed
from client.model import Order
from shop.fields import apply_fields, parse_fields


def feed_fields() -> tuple[str, ...]:
    """The `_fields` the live feed asks for (LIST_FIELDS plus what the feed itself needs)."""
    return LiveFeed(client=None).fields  # type: ignore[arg-type]


def light_orders_from_db(db: Path) -> list[Order]:
    """Every non-trashed order, newest first, trimmed to the feed's fields, as `Order`s."""
    tree = parse_fields(list(feed_fields()))
    assert tree is not None
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT doc FROM orders WHERE status != 'trash' ORDER BY date_created_gmt DESC, id DESC"
        ).fetchall()
    finally:
        conn.close()
    return [Order.from_wc(apply_fields(json.loads(doc), tree)) for (doc,) in rows]
