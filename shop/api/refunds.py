"""`/wc/v3/orders/{id}/refunds` and the store-wide `/wc/v3/refunds`."""

from __future__ import annotations

import json

from shop.api.orders import fields_of
from shop.context import Ctx
from shop.errors import ApiError
from shop.fields import apply_fields
from shop.order_store import OrderRecord, load_order, save_order
from shop.paging import paging_headers, read_page
from shop.params import QueryReader, parse_bool
from shop.refund_request import parse_refund_request
from shop.refunds import create_refund, delete_refund, get_refund, render_refund
from shop.request import Call, Reply


def _order(ctx: Ctx, order_id: int) -> OrderRecord:
    rec = load_order(ctx.conn, order_id)
    if rec is None:
        raise ApiError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
    return rec


def _invalid_refund() -> ApiError:
    return ApiError(404, "woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.")


def _paged(
    call: Call,
    ctx: Ctx,
    conditions: list[str],
    args: list[object],
    rest_base: str,
    *,
    with_parent: bool,
) -> Reply:
    reader = QueryReader(call.query)
    page = read_page(reader)
    order = reader.enum("order", ("asc", "desc"), "desc")
    gmt = reader.boolean("dates_are_gmt")
    conditions, args = list(conditions), list(args)
    # WooCommerce's collection parameters: created strictly after / before.
    for name, op in (("after", ">"), ("before", "<")):
        value = reader.date(name, ctx.settings, gmt)
        if value:
            conditions.append(f"date_created_gmt {op} ?")
            args.append(value)
    reader.errors.raise_if_any()
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    direction = "ASC" if order == "asc" else "DESC"
    total = ctx.conn.execute(f"SELECT COUNT(*) FROM refunds {where}", args).fetchone()[0]
    rows = ctx.conn.execute(
        f"SELECT order_id, doc FROM refunds {where} ORDER BY date_created_gmt {direction}, "
        f"id {direction} LIMIT ? OFFSET ?",
        [*args, page.per_page, page.skip],
    ).fetchall()
    fields = fields_of(call)
    body = []
    for row in rows:
        out = render_refund(
            json.loads(row["doc"]), row["order_id"], call.base_url, with_parent=with_parent
        )
        body.append(apply_fields(out, fields) if fields else out)
    return Reply(
        200,
        body,
        paging_headers(
            call, rest_base, page, total, len(body), defaults=(("dp", "2"), ("context", "view"))
        ),
    )


def list_order_refunds(call: Call, ctx: Ctx) -> Reply:
    rec = _order(ctx, call.route_id("order_id"))
    return _paged(
        call, ctx, ["order_id = ?"], [rec.id], f"/orders/{rec.id}/refunds", with_parent=False
    )


def list_all_refunds(call: Call, ctx: Ctx) -> Reply:
    return _paged(call, ctx, [], [], "/refunds", with_parent=True)


def get_order_refund(call: Call, ctx: Ctx) -> Reply:
    rec = _order(ctx, call.route_id("order_id"))
    doc = get_refund(ctx.conn, rec.id, call.route_id())
    if doc is None:
        raise _invalid_refund()
    return Reply(200, render_refund(doc, rec.id, call.base_url))


def create_order_refund(call: Call, ctx: Ctx) -> Reply:
    request = parse_refund_request(call.body)
    rec = load_order(ctx.conn, call.route_id("order_id"))
    if rec is None:
        # As WooCommerce's refunds controller: HTTP 500 with a bare number as data.
        raise ApiError(500, "woocommerce_rest_invalid_order_id", "Invalid order ID.", data=404)
    doc = create_refund(ctx, rec, request)
    save_order(ctx, rec)
    return Reply(
        201,
        render_refund(doc, rec.id, call.base_url),
        {"Location": call.url(f"/orders/{rec.id}/refunds/{doc['id']}")},
    )


def delete_order_refund(call: Call, ctx: Ctx) -> Reply:
    if not parse_bool(call.param("force") or False):
        raise ApiError(
            501, "woocommerce_rest_trash_not_supported", "Refunds do not support trashing."
        )
    rec = _order(ctx, call.route_id("order_id"))
    doc = get_refund(ctx.conn, rec.id, call.route_id())
    if doc is None:
        raise _invalid_refund()
    out = render_refund(doc, rec.id, call.base_url)
    delete_refund(ctx, rec, doc["id"])
    save_order(ctx, rec)
    return Reply(200, out)
