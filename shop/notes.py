"""Order notes: the system's own (status changes, stock moves) and those a client adds.

Author is "WooCommerce" for notes the shop writes and for API notes without
`added_by_user` (as the real store answers); with `added_by_user: true` it is the display
name of the API key's user. A customer note also queues the email the shop would send.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from shop.context import SYSTEM_AUTHOR, Ctx


def add_note(
    ctx: Ctx,
    order_id: int,
    text: str,
    *,
    customer_note: bool = False,
    by_user: bool = False,
) -> int:
    author = ctx.user_name if by_user else SYSTEM_AUTHOR
    cur = ctx.conn.execute(
        "INSERT INTO order_notes (order_id, author, note, customer_note, added_by_user, "
        "date_created_gmt) VALUES (?, ?, ?, ?, ?, ?)",
        (order_id, author, text, int(customer_note), int(by_user), ctx.now),
    )
    return int(cur.lastrowid or 0)


def get_note(conn: sqlite3.Connection, order_id: int, note_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM order_notes WHERE id = ? AND order_id = ?", (note_id, order_id)
    ).fetchone()


def list_notes(conn: sqlite3.Connection, order_id: int, kind: str = "any") -> list[sqlite3.Row]:
    """Newest first; notes of the same second in the order they were written (as captured)."""
    where = {"any": "", "customer": " AND customer_note = 1", "internal": " AND customer_note = 0"}
    return conn.execute(
        "SELECT * FROM order_notes WHERE order_id = ?"
        + where[kind]
        + " ORDER BY date_created_gmt DESC, id ASC",
        (order_id,),
    ).fetchall()


def render_note(ctx: Ctx, row: sqlite3.Row, base_url: str) -> dict[str, Any]:
    api = f"{base_url}/wp-json/wc/v3/orders/{row['order_id']}/notes"
    return {
        "id": row["id"],
        "author": row["author"],
        "date_created": ctx.settings.local(row["date_created_gmt"]),
        "date_created_gmt": row["date_created_gmt"],
        "note": row["note"],
        "customer_note": bool(row["customer_note"]),
        "_links": {
            "self": [{"href": f"{api}/{row['id']}", "targetHints": {"allow": ["GET", "DELETE"]}}],
            "collection": [{"href": api}],
            "up": [{"href": f"{base_url}/wp-json/wc/v3/orders/{row['order_id']}"}],
        },
    }
