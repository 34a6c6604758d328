"""`/wc/v3/orders`: list, get, create, update, delete, batch."""

from __future__ import annotations

import json
from typing import Any

from shop.context import Ctx
from shop.db import cached_count, savepoint
from shop.errors import ApiError, invalid_order_id
from shop.fields import apply_fields, parse_fields
from shop.order_projection import order_projection
from shop.order_store import (
    OrderRecord,
    delete_order_rows,
    load_order,
    render_order,
    save_order,
)
from shop.order_write import apply_order_body, check_order_body, new_record
from shop.page_seek import page_rows
from shop.paging import paging_headers, read_page
from shop.params import QueryReader, parse_bool, parse_int
from shop.request import Call, RawJson, Reply
from shop.stock import restore_order_stock

ORDERBY = ("date", "id", "include", "title", "slug", "modified")
BATCH_LIMIT = 100


def fields_of(call: Call) -> Any:
    raw = call.query.raw("_fields")
    return parse_fields(list(raw.values()) if isinstance(raw, dict) else raw)


def _out(call: Call, doc: dict[str, Any], fields: Any = None) -> dict[str, Any]:
    rendered = render_order(doc, call.base_url)
    return apply_fields(rendered, fields) if fields else rendered


def list_orders(call: Call, ctx: Ctx) -> Reply:
    reader = QueryReader(call.query)
    page = read_page(reader)
    search = reader.string("search").strip()
    gmt = reader.boolean("dates_are_gmt")
    dates = {
        name: reader.date(name, ctx.settings, gmt)
        for name in ("after", "before", "modified_after", "modified_before")
    }
    order = reader.enum("order", ("asc", "desc"), "desc")
    orderby = reader.enum("orderby", ORDERBY, "date")
    statuses = reader.enum_list("status", ["any", "trash", *ctx.statuses.slugs])
    customer = reader.integer("customer")
    product = reader.integer("product")
    include = reader.int_list("include")
    exclude = reader.int_list("exclude")
    reader.integer("dp")
    reader.enum("context", ("view", "edit"), "view")
    reader.errors.raise_if_any()

    where: list[str] = []
    args: list[Any] = []
    if not statuses or "any" in statuses:
        if "trash" not in (statuses or []):
            where.append("status != 'trash'")
    else:
        where.append(f"status IN ({','.join('?' * len(statuses))})")
        args.extend(statuses)
    if search:
        clause = "instr(search, ?) > 0"
        args.append(search.casefold())
        if search.lstrip("#").isdigit():
            clause += " OR id = ?"
            args.append(int(search.lstrip("#")))
        where.append(f"({clause})")
    for name, column, op in (
        ("after", "date_created_gmt", ">"),
        ("before", "date_created_gmt", "<"),
        ("modified_after", "date_modified_gmt", ">"),
        ("modified_before", "date_modified_gmt", "<"),
    ):
        if dates[name]:
            where.append(f"{column} {op} ?")
            args.append(dates[name])
    if customer is not None:
        where.append("customer_id = ?")
        args.append(customer)
    if product is not None:
        where.append(
            "id IN (SELECT order_id FROM order_items WHERE product_id = ? AND kind = 'line_item')"
        )
        args.append(product)
    if include:
        where.append(f"id IN ({','.join('?' * len(include))})")
        args.extend(include)
    if exclude:
        where.append(f"id NOT IN ({','.join('?' * len(exclude))})")
        args.extend(exclude)
    direction = "ASC" if order == "asc" else "DESC"
    sort_args: list[Any] = []
    keyset: tuple[str, ...] | None
    if orderby == "include" and include:
        cases = " ".join("WHEN ? THEN ?" for _ in include)
        sort = f"CASE id {cases} END"
        keyset = None
        for i, order_id in enumerate(include):
            sort_args.extend((order_id, i))
    elif orderby == "modified":
        keyset = ("date_modified_gmt", "id")
    elif orderby in ("id", "title", "slug"):
        keyset = ("id",)
    else:
        keyset = ("date_created_gmt", "id")
    if keyset:
        sort = ", ".join(f"{column} {direction}" for column in keyset)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    fields = fields_of(call)
    projection = order_projection(fields) if fields else None
    rows = page_rows(
        ctx.conn,
        select=projection or "doc",
        table="orders",
        where=clause,
        args=args,
        sort=sort,
        sort_args=sort_args,
        keyset=keyset,
        descending=direction == "DESC",
        limit=page.per_page,
        skip=page.skip,
    )
    total = cached_count(ctx.conn, f"SELECT COUNT(*) FROM orders{clause}", args)
    body: list[Any] | RawJson
    if projection:
        body = RawJson(f"[{','.join(row[0] for row in rows)}]")
    else:
        body = [_out(call, json.loads(row[0]), fields) for row in rows]
    headers = paging_headers(
        call,
        "/orders",
        page,
        total,
        len(rows),
        arrays={"status": statuses or ["any"]},
        defaults=(("dp", "2"), ("context", "view")),
    )
    return Reply(200, body, headers)


def _load(ctx: Ctx, order_id: int, *, missing_status: int = 404) -> OrderRecord:
    rec = load_order(ctx.conn, order_id)
    if rec is None:
        raise invalid_order_id(missing_status)
    return rec


def _check_if_match(call: Call, rec: OrderRecord) -> None:
    """`If-Match` (our extension): refuse to change an order someone changed since."""
    wanted = call.headers.get("if-match")
    if not wanted:
        return
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if "*" in tags or rec.etag in tags:
        return
    raise ApiError(
        412,
        "orderdesk_precondition_failed",
        f"Order {rec.id} has changed since you read it; its current ETag is {rec.etag}. "
        "Fetch it again and reapply your change.",
        etag=rec.etag,
    )


def get_order(call: Call, ctx: Ctx) -> Reply:
    rec = _load(ctx, call.route_id())
    return Reply(200, _out(call, rec.doc, fields_of(call)), {"ETag": rec.etag})


def create_one(call: Call, ctx: Ctx, body: Any) -> OrderRecord:
    body = check_order_body(body, ctx.statuses.slugs)
    rec = new_record(ctx)
    apply_order_body(ctx, rec, body, creating=True)
    save_order(ctx, rec, new=True)
    return rec


def create_order(call: Call, ctx: Ctx) -> Reply:
    rec = create_one(call, ctx, call.body)
    return Reply(
        201,
        _out(call, rec.doc),
        {"Location": call.url(f"/orders/{rec.id}"), "ETag": rec.etag},
    )


def update_one(call: Call, ctx: Ctx, order_id: int, body: Any, *, if_match: bool) -> OrderRecord:
    rec = _load(ctx, order_id, missing_status=400)
    if if_match:
        _check_if_match(call, rec)
    body = check_order_body(body, ctx.statuses.slugs)
    apply_order_body(ctx, rec, body)
    save_order(ctx, rec)
    return rec


def update_order(call: Call, ctx: Ctx) -> Reply:
    rec = update_one(call, ctx, call.route_id(), call.body, if_match=True)
    return Reply(200, _out(call, rec.doc, fields_of(call)), {"ETag": rec.etag})


def delete_one(
    call: Call, ctx: Ctx, order_id: int, *, force: bool, if_match: bool
) -> dict[str, Any]:
    rec = _load(ctx, order_id)
    if if_match:
        _check_if_match(call, rec)
    if rec.stock_reduced:
        restore_order_stock(ctx, rec)
    if force:
        out = _out(call, rec.doc)
        delete_order_rows(ctx.conn, rec.id)
        return out
    if rec.status == "trash":
        raise ApiError(
            410, "woocommerce_rest_already_trashed", "The shop_order has already been deleted."
        )
    rec.trashed_from = rec.status
    rec.doc["status"] = "trash"
    save_order(ctx, rec)
    return _out(call, rec.doc)


def delete_order(call: Call, ctx: Ctx) -> Reply:
    force = bool(parse_bool(call.param("force") or False))
    return Reply(200, delete_one(call, ctx, call.route_id(), force=force, if_match=True))


def _error_entry(item_id: int, error: ApiError) -> dict[str, Any]:
    return {"id": item_id, "error": error.body()}


def batch_orders(call: Call, ctx: Ctx) -> Reply:
    """Up to 100 creates/updates/deletes, each on its own; failures reported inline."""
    body = call.body
    if not isinstance(body, dict):
        raise ApiError(400, "rest_invalid_json", "The request body must be a JSON object.")
    sections = {}
    for name in ("create", "update", "delete"):
        if name in body:
            if not isinstance(body[name], list):
                raise ApiError(
                    400,
                    "rest_invalid_param",
                    f"{name} must be a list.",
                    params={name: f"{name} is not of type array."},
                )
            sections[name] = body[name]
    if sum(len(items) for items in sections.values()) > BATCH_LIMIT:
        raise ApiError(
            413,
            "woocommerce_rest_request_entity_too_large",
            f"Unable to accept more than {BATCH_LIMIT} items for this request.",
        )
    result: dict[str, list[dict[str, Any]]] = {}
    if "create" in sections:
        result["create"] = []
        for item in sections["create"]:
            try:
                with savepoint(ctx.conn):
                    rec = create_one(call, ctx, item)
                result["create"].append(_out(call, rec.doc))
            except ApiError as error:
                result["create"].append(_error_entry(0, error))
    if "update" in sections:
        result["update"] = []
        for item in sections["update"]:
            order_id = parse_int(item.get("id")) if isinstance(item, dict) else None
            try:
                if not order_id:
                    raise invalid_order_id(400)
                with savepoint(ctx.conn):
                    rec = update_one(call, ctx, order_id, item, if_match=False)
                result["update"].append(_out(call, rec.doc))
            except ApiError as error:
                result["update"].append(_error_entry(order_id or 0, error))
    if "delete" in sections:
        result["delete"] = []
        for item in sections["delete"]:
            order_id = parse_int(item.get("id") if isinstance(item, dict) else item)
            try:
                if not order_id:
                    raise invalid_order_id(404)
                with savepoint(ctx.conn):
                    out = delete_one(call, ctx, order_id, force=True, if_match=False)
                result["delete"].append(out)
            except ApiError as error:
                result["delete"].append(_error_entry(order_id or 0, error))
    return Reply(200, result)
