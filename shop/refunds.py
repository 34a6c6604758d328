"""Refunds: validation against what is left to refund, the refund document, side effects.

Bounds (checked before anything is written): the amount must be above zero and at most the
order's remaining refundable total; per line, the quantity at most what was bought minus
what was already refunded, and the line's refund total (and tax) at most what is left of
it. A real WooCommerce 10.0.2 answers an amount above the remainder with HTTP 500 and a
bare `"data": 500`; the reference shop answers 400 `woocommerce_rest_invalid_order_refund`
with `data.status` 400 instead (a documented extension: it is the client's mistake, not
the server's).

`api_refund` (default true) asks the payment gateway to pay the money back; only Stripe
can here, others fail with WooCommerce's 500 and nothing is written. `api_restock`
(default true) gives refunded quantities back to stock; `false` is our extension (a real
10.0.2 always restocks refunded quantities).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shop.context import Ctx
from shop.errors import ApiError
from shop.money import ZERO, money, price_number, raw
from shop.order_doc import Ids, item_meta
from shop.order_store import OrderRecord
from shop.outbox import queue_email
from shop.refund_request import RefundLineRequest, RefundRequest
from shop.settings import REFUNDING_GATEWAYS, Settings
from shop.stock import restock_refunded_line

AUTO_REFUND_REASON = (
    "Order status set to refunded. To return funds to the customer you will need to issue "
    "a refund through your payment gateway."
)


@dataclass
class Refunded:
    """How much of one order item has been refunded so far (positive numbers)."""

    quantity: int = 0
    total: Decimal = ZERO
    tax: Decimal = ZERO


def _invalid(message: str, **extra: Any) -> ApiError:
    return ApiError(400, "woocommerce_rest_invalid_order_refund", message, **extra)


def load_refunds(conn: sqlite3.Connection, order_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT doc FROM refunds WHERE order_id = ? ORDER BY id DESC", (order_id,)
    ).fetchall()
    return [json.loads(r["doc"]) for r in rows]


def refunded_items(refunds: list[dict[str, Any]]) -> dict[int, Refunded]:
    done: dict[int, Refunded] = defaultdict(Refunded)
    for refund in refunds:
        for key in ("line_items", "shipping_lines", "fee_lines"):
            for line in refund.get(key, []):
                target = next(
                    (m["value"] for m in line["meta_data"] if m["key"] == "_refunded_item_id"),
                    None,
                )
                if target is None:
                    continue
                entry = done[int(target)]
                entry.quantity += abs(int(line.get("quantity") or 0))
                entry.total += abs(Decimal(line["total"]))
                entry.tax += abs(Decimal(line["total_tax"]))
    return done


def refunded_total(rec: OrderRecord) -> Decimal:
    return sum((abs(Decimal(r["total"])) for r in rec.doc["refunds"]), ZERO)


def remaining_refundable(rec: OrderRecord) -> Decimal:
    return Decimal(rec.doc["total"]) - refunded_total(rec)


def order_items(doc: dict[str, Any]) -> dict[int, tuple[str, dict[str, Any]]]:
    """The order's refundable items by id: line items, shipping lines and fees."""
    items = {}
    for kind in ("line_items", "shipping_lines", "fee_lines"):
        for item in doc[kind]:
            items[item["id"]] = (kind, item)
    return items


def _check_bounds(ctx: Ctx, rec: OrderRecord, request: RefundRequest) -> Decimal:
    """Raise 400 on anything above what is left; returns the amount to refund."""
    symbol = ctx.settings.currency_symbol
    dp = ctx.settings.decimals
    items = order_items(rec.doc)
    done = refunded_items(load_refunds(ctx.conn, rec.id))
    seen: set[int] = set()
    for line in request.lines:
        if line.item_id not in items:
            raise _invalid(
                f"Order item {line.item_id} is not part of order {rec.id}: refund line_items "
                "take the ids of the order's line items, shipping lines or fees."
            )
        if line.item_id in seen:
            raise _invalid(f"Order item {line.item_id} appears twice in this refund.")
        seen.add(line.item_id)
        kind, item = items[line.item_id]
        name = item.get("name") or item.get("method_title") or f"item {line.item_id}"
        already = done.get(line.item_id, Refunded())
        if kind == "line_items":
            left = item["quantity"] - already.quantity
            if line.quantity > left:
                raise _invalid(
                    f"Cannot refund {line.quantity} × {name}: only {left} of "
                    f"{item['quantity']} left to refund on that line.",
                    remaining_quantity=left,
                )
        elif line.quantity:
            raise _invalid(f"{name} is not a product line; refund it by amount, not quantity.")
        left_total = Decimal(item["total"]) - already.total
        if line.total > left_total:
            raise _invalid(
                f"Cannot refund {symbol}{money(line.total, dp)} of {name}: only "
                f"{symbol}{money(left_total, dp)} of that line is left to refund.",
                remaining=money(left_total, dp),
            )
        left_tax = Decimal(item["total_tax"]) - already.tax
        if line.tax > left_tax:
            raise _invalid(
                f"Cannot refund {symbol}{money(line.tax, dp)} of tax on {name}: only "
                f"{symbol}{money(left_tax, dp)} of its tax is left to refund.",
                remaining=money(left_tax, dp),
            )
    amount = request.amount
    if amount is None:
        amount = sum((line.total + line.tax for line in request.lines), ZERO)
    remaining = remaining_refundable(rec)
    if amount <= 0:
        raise _invalid("The refund amount must be greater than zero.")
    if amount > remaining:
        raise _invalid(
            f"Cannot refund {symbol}{money(amount, dp)}: only {symbol}{money(remaining, dp)} "
            f"of order {rec.id} is left to refund.",
            remaining=money(remaining, dp),
        )
    return amount


def _check_gateway(rec: OrderRecord) -> None:
    method = rec.doc["payment_method"]
    if not method:
        message = "The payment gateway for this order does not exist."
    elif method not in REFUNDING_GATEWAYS:
        message = "The payment gateway for this order does not support automatic refunds."
    else:
        return
    raise ApiError(500, "woocommerce_rest_cannot_create_order_refund", message, data=500)


def refund_line(
    ids: Ids, settings: Settings, kind: str, item: dict[str, Any], line: RefundLineRequest
) -> dict[str, Any]:
    """One line of a refund: negative quantity and totals, `_refunded_item_id` meta."""
    dp = settings.decimals
    total, tax = -line.total, -line.tax
    taxes = [
        {"id": rate_id, "total": raw(-amount), "subtotal": raw(-amount)}
        for rate_id, amount in line.tax_given.items()
    ]
    meta = [item_meta(ids.meta_id(), "_refunded_item_id", str(item["id"]))]
    if kind == "line_items":
        return {
            "id": ids.item_id(),
            "name": item["name"],
            "product_id": item["product_id"],
            "variation_id": item.get("variation_id", 0),
            "quantity": -line.quantity,
            "tax_class": "",
            "subtotal": money(total, dp),
            "subtotal_tax": money(tax, dp),
            "total": money(total, dp),
            "total_tax": money(tax, dp),
            "taxes": taxes,
            "meta_data": meta,
            "sku": item.get("sku") or "",
            "price": price_number(total, -line.quantity) if line.quantity else 0,
            "image": {"id": "", "src": ""},
            "parent_name": None,
        }
    if kind == "shipping_lines":
        return {
            "id": ids.item_id(),
            "method_title": item["method_title"],
            "method_id": item["method_id"],
            "instance_id": item.get("instance_id", ""),
            "total": money(total, dp),
            "total_tax": money(tax, dp),
            "taxes": taxes,
            "tax_status": "taxable",
            "meta_data": meta,
        }
    return {
        "id": ids.item_id(),
        "name": item["name"],
        "tax_class": "",
        "tax_status": "taxable",
        "amount": "",
        "total": money(total, dp),
        "total_tax": money(tax, dp),
        "taxes": taxes,
        "meta_data": meta,
    }


def refund_document(
    ids: Ids,
    settings: Settings,
    refund_id: int,
    now: str,
    items: dict[int, tuple[str, dict[str, Any]]],
    request: RefundRequest,
    amount: Decimal,
    *,
    refunded_by: int = 1,
) -> dict[str, Any]:
    """The refund as stored and answered (without `_links`)."""
    sections: dict[str, list[dict[str, Any]]] = {
        "line_items": [],
        "shipping_lines": [],
        "fee_lines": [],
    }
    items_tax = shipping_tax = ZERO
    for line in request.lines:
        if not (line.quantity or line.total or line.tax):
            continue
        kind, item = items[line.item_id]
        sections[kind].append(refund_line(ids, settings, kind, item, line))
        if kind == "shipping_lines":
            shipping_tax += line.tax
        else:
            items_tax += line.tax
    dp = settings.decimals
    tax_lines = []
    if items_tax or shipping_tax:
        tax_lines.append(
            {
                "id": ids.item_id(),
                "rate_code": settings.tax_rate_code,
                "rate_id": settings.tax_rate_id,
                "label": settings.tax_label,
                "compound": False,
                "tax_total": money(-items_tax, dp),
                "shipping_tax_total": money(-shipping_tax, dp),
                "rate_percent": float(settings.tax_rate),
                "meta_data": [],
            }
        )
    return {
        "id": refund_id,
        "date_created": settings.local(now),
        "date_created_gmt": now,
        "amount": money(amount, dp),
        "reason": request.reason,
        "refunded_by": refunded_by,
        "refunded_payment": request.api_refund,
        "meta_data": [{"id": ids.meta_id(), "key": k, "value": v} for k, v in request.meta],
        "line_items": sections["line_items"],
        "shipping_lines": sections["shipping_lines"],
        "tax_lines": tax_lines,
        "fee_lines": sections["fee_lines"],
    }


def refund_summary(refund: dict[str, Any], decimals: int) -> dict[str, Any]:
    """The order's `refunds[]` entry for a refund (total negative)."""
    return {
        "id": refund["id"],
        "reason": refund["reason"],
        "total": money(-Decimal(refund["amount"]), decimals),
    }


def create_refund(ctx: Ctx, rec: OrderRecord, request: RefundRequest) -> dict[str, Any]:
    """Validate, then write the refund and its effects; returns the refund document."""
    amount = _check_bounds(ctx, rec, request)
    if request.api_refund:
        _check_gateway(rec)
    items = order_items(rec.doc)
    doc = refund_document(
        ctx,
        ctx.settings,
        ctx.object_id(),
        ctx.now,
        items,
        request,
        amount,
        refunded_by=ctx.user_id,
    )
    if request.api_refund:
        gateway_id = "re_" + secrets.token_hex(12)
        doc["meta_data"].append(
            {"id": ctx.meta_id(), "key": "_stripe_refund_id", "value": gateway_id}
        )
    ctx.conn.execute(
        "INSERT INTO refunds (id, order_id, date_created_gmt, doc) VALUES (?, ?, ?, ?)",
        (doc["id"], rec.id, ctx.now, json.dumps(doc, ensure_ascii=False)),
    )
    if request.api_restock:
        for line in request.lines:
            kind, item = items[line.item_id]
            if kind == "line_items" and line.quantity:
                restock_refunded_line(ctx, rec, item, line.quantity)
    _record_on_order(ctx, rec, doc)
    return doc


def _record_on_order(ctx: Ctx, rec: OrderRecord, refund: dict[str, Any]) -> None:
    """Add the refund to the order's summary; a refund of all that is left makes it refunded."""
    from shop.lifecycle import change_status  # lifecycle calls back into this module

    rec.doc["refunds"].insert(0, refund_summary(refund, ctx.settings.decimals))
    if remaining_refundable(rec) <= 0:
        if rec.status != "refunded":
            change_status(ctx, rec, "refunded")
        queue_email(ctx, rec.doc, "customer_refunded_order")
    else:
        queue_email(ctx, rec.doc, "customer_partially_refunded_order")


def refund_remaining(ctx: Ctx, rec: OrderRecord) -> None:
    """Setting an order `refunded` by hand refunds what is left, without the gateway or
    restocking (WooCommerce's `wc_order_fully_refunded`)."""
    remaining = remaining_refundable(rec)
    if remaining <= 0:
        return
    request = RefundRequest(
        amount=remaining,
        reason=AUTO_REFUND_REASON,
        api_refund=False,
        api_restock=False,
        lines=[],
        meta=[],
    )
    create_refund(ctx, rec, request)


def delete_refund(ctx: Ctx, rec: OrderRecord, refund_id: int) -> None:
    ctx.conn.execute("DELETE FROM refunds WHERE id = ?", (refund_id,))
    rec.doc["refunds"] = [r for r in rec.doc["refunds"] if r["id"] != refund_id]


def get_refund(conn: sqlite3.Connection, order_id: int, refund_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT doc FROM refunds WHERE id = ? AND order_id = ?", (refund_id, order_id)
    ).fetchone()
    return json.loads(row["doc"]) if row else None


def render_refund(
    doc: dict[str, Any], order_id: int, base_url: str, *, with_parent: bool = False
) -> dict[str, Any]:
    api = f"{base_url}/wp-json/wc/v3/orders/{order_id}"
    out: dict[str, Any] = {"id": doc["id"]}
    if with_parent:
        out["parent_id"] = order_id
    out.update((k, v) for k, v in doc.items() if k != "id")
    out["_links"] = {
        "self": [
            {"href": f"{api}/refunds/{doc['id']}", "targetHints": {"allow": ["GET", "DELETE"]}}
        ],
        "collection": [{"href": f"{api}/refunds"}],
        "up": [{"href": api}],
    }
    return out
