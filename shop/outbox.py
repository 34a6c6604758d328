"""The emails the shop would have sent, kept in an `outbox` table instead of sent.

WooCommerce emails the customer by itself on some status changes, on refunds and when a
customer note is added; a console that changes statuses should let its user see that. The
reference shop records each such email (recipient = billing email; none without one) with
a `kind` naming WooCommerce's email: customer_note, customer_processing_order,
customer_on_hold_order, customer_completed_order, customer_refunded_order (full refund),
customer_partially_refunded_order.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from shop.context import Ctx
from shop.db import open_connection

SUBJECTS = {
    "customer_note": "Note added to your {shop} order from {date}",
    "customer_processing_order": "Your {shop} order has been received!",
    "customer_on_hold_order": "Your {shop} order has been received!",
    "customer_completed_order": "Your {shop} order is now complete",
    "customer_refunded_order": "Your {shop} order #{number} has been refunded",
    "customer_partially_refunded_order": "Your {shop} order #{number} has been partially refunded",
}

INTROS = {
    "customer_note": "The following note has been added to your order:\n\n{note}",
    "customer_processing_order": (
        "Just to let you know — we've received your order #{number}, and it is now being processed."
    ),
    "customer_on_hold_order": (
        "Thanks for your order. It's on-hold until we confirm that payment has been received."
    ),
    "customer_completed_order": "We have finished processing your order.",
    "customer_refunded_order": (
        "Your order on {shop} has been refunded. There are more details below for your reference."
    ),
    "customer_partially_refunded_order": (
        "Your order on {shop} has been partially refunded. "
        "There are more details below for your reference."
    ),
}


def _long_date(local: str | None) -> str:
    """WordPress's default date format, "F j, Y" (November 23, 2026)."""
    if not local:
        return ""
    dt = datetime.fromisoformat(local)
    return f"{dt:%B} {dt.day}, {dt.year}"


def _summary(ctx: Ctx, doc: dict[str, Any]) -> str:
    symbol = ctx.settings.currency_symbol
    created = _long_date(ctx.settings.local(doc["date_created_gmt"]))
    lines = [f"Order #{doc['number']} ({created})", ""]
    for item in doc["line_items"]:
        sku = f" ({item['sku']})" if item.get("sku") else ""
        lines.append(f"{item['quantity']} × {item['name']}{sku}: {symbol}{item['total']}")
    for ship in doc["shipping_lines"]:
        lines.append(f"Shipping: {ship['method_title']} {symbol}{ship['total']}")
    if doc["total_tax"] != "0.00":
        lines.append(f"Tax: {symbol}{doc['total_tax']}")
    lines.append(f"Total: {symbol}{doc['total']}")
    return "\n".join(lines)


def queue_email(ctx: Ctx, doc: dict[str, Any], kind: str, *, note: str = "") -> int | None:
    """Record the email WooCommerce would send for `kind`; None when there is no address."""
    recipient = doc["billing"].get("email") or ""
    if not recipient:
        return None
    shop = ctx.settings.name
    values = {
        "shop": shop,
        "number": doc["number"],
        "date": _long_date(ctx.settings.local(doc["date_created_gmt"])),
        "note": note,
    }
    subject = SUBJECTS[kind].format(**values)
    name = doc["billing"].get("first_name") or "there"
    body = "\n\n".join(
        [f"Hi {name},", INTROS[kind].format(**values), _summary(ctx, doc), f"— {shop}"]
    )
    cur = ctx.conn.execute(
        "INSERT INTO outbox (order_id, recipient, subject, body, kind, created_at_gmt) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (doc["id"], recipient, subject, body, kind, ctx.now),
    )
    return int(cur.lastrowid or 0)


def read_outbox(db_path: str | Path, order_id: int | None = None) -> list[dict[str, Any]]:
    """The recorded emails, oldest first (all of them, or one order's)."""
    conn = open_connection(db_path)
    try:
        sql = "SELECT id, order_id, recipient, subject, body, kind, created_at_gmt FROM outbox"
        args: tuple[Any, ...] = ()
        if order_id is not None:
            sql += " WHERE order_id = ?"
            args = (order_id,)
        return [dict(row) for row in conn.execute(sql + " ORDER BY id", args)]
    finally:
        conn.close()
