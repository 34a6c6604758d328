"""Orders in the database: load, save (re-rendering the stored document), delete, output.

Saving an order bumps its `version` (the ETag) and, unless told otherwise, its
`date_modified`: every change a client can see moves both, so `modified_after` polling and
`If-Match` both notice it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from shop.context import Ctx
from shop.order_doc import all_items, finalize, search_text


@dataclass
class OrderRecord:
    doc: dict[str, Any]
    stock_reduced: bool = False
    trashed_from: str | None = None
    version: int = 0

    @property
    def id(self) -> int:
        return self.doc["id"]

    @property
    def status(self) -> str:
        return self.doc["status"]

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.version}"'


def load_order(conn: sqlite3.Connection, order_id: int) -> OrderRecord | None:
    row = conn.execute(
        "SELECT doc, stock_reduced, trashed_from, version FROM orders WHERE id = ?", (order_id,)
    ).fetchone()
    if row is None:
        return None
    return OrderRecord(
        doc=json.loads(row["doc"]),
        stock_reduced=bool(row["stock_reduced"]),
        trashed_from=row["trashed_from"],
        version=row["version"],
    )


def order_row(rec: OrderRecord) -> tuple[Any, ...]:
    """The `orders` row for a record, in `ORDER_COLUMNS` order."""
    doc = rec.doc
    return (
        doc["id"],
        doc["status"],
        doc["customer_id"],
        doc["date_created_gmt"],
        doc["date_modified_gmt"],
        search_text(doc),
        int(rec.stock_reduced),
        rec.trashed_from,
        rec.version,
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
    )


ORDER_COLUMNS = (
    "id, status, customer_id, date_created_gmt, date_modified_gmt, search, stock_reduced, "
    "trashed_from, version, doc"
)
ORDER_INSERT = f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
ITEM_INSERT = "INSERT INTO order_items (id, order_id, product_id, kind) VALUES (?, ?, ?, ?)"


def item_rows(doc: dict[str, Any]) -> list[tuple[int, int, int, str]]:
    return [
        (item["id"], doc["id"], item.get("product_id", 0) or 0, kind)
        for kind, item in all_items(doc)
    ]


def save_order(ctx: Ctx, rec: OrderRecord, *, touch: bool = True, new: bool = False) -> None:
    """Write the order back (insert when `new`), refreshing derived fields."""
    if touch:
        rec.doc["date_modified_gmt"] = ctx.now
    finalize(rec.doc, ctx.settings)
    rec.version += 1
    conn = ctx.conn
    if new:
        conn.execute(ORDER_INSERT, order_row(rec))
    else:
        conn.execute(
            f"REPLACE INTO orders ({ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            order_row(rec),
        )
        conn.execute("DELETE FROM order_items WHERE order_id = ?", (rec.id,))
    conn.executemany(ITEM_INSERT, item_rows(rec.doc))


def delete_order_rows(conn: sqlite3.Connection, order_id: int) -> None:
    """Remove an order for good, with its items, notes and refunds (emails stay sent)."""
    conn.execute("DELETE FROM refunds WHERE order_id = ?", (order_id,))
    conn.execute("DELETE FROM order_items WHERE order_id = ?", (order_id,))
    conn.execute("DELETE FROM order_notes WHERE order_id = ?", (order_id,))
    conn.execute("DELETE FROM orders WHERE id = ?", (order_id,))


def render_order(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The order as the API answers it: the stored document plus host-dependent links."""
    api = f"{base_url}/wp-json/wc/v3"
    order_id = doc["id"]
    out = dict(doc)
    out["payment_url"] = (
        f"{base_url}/checkout/order-pay/{order_id}/?pay_for_order=true&key={doc['order_key']}"
    )
    links: dict[str, Any] = {
        "self": [
            {
                "href": f"{api}/orders/{order_id}",
                "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
            }
        ],
        "collection": [{"href": f"{api}/orders"}],
        "email_templates": [
            {"embeddable": True, "href": f"{api}/orders/{order_id}/actions/email_templates"}
        ],
    }
    if doc.get("customer_id"):
        links["customer"] = [{"href": f"{api}/customers/{doc['customer_id']}"}]
    if doc.get("parent_id"):
        links["up"] = [{"href": f"{api}/orders/{doc['parent_id']}"}]
    out["_links"] = links
    return out
