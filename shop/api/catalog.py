"""`/wc/v3/products`, `/wc/v3/customers`, `/wc/v3/coupons`."""

from __future__ import annotations

import json
from typing import Any

from shop.api.orders import fields_of
from shop.context import Ctx
from shop.coupons import create_coupon, render_coupon
from shop.customers import render_customer
from shop.errors import ApiError, ParamErrors
from shop.fields import apply_fields
from shop.money import to_decimal
from shop.paging import paging_headers, read_page
from shop.params import QueryReader, parse_bool, parse_int
from shop.products import (
    BACKORDERS,
    STOCK_STATUSES,
    get_product,
    render_product,
    slugify,
    stock_status_for,
    valid_price,
)
from shop.request import Call, Reply


def _listing(
    call: Call,
    ctx: Ctx,
    *,
    table: str,
    where: list[str],
    args: list[Any],
    sort: str,
    rest_base: str,
    reader: QueryReader,
    render: Any,
) -> Reply:
    page = read_page(reader)
    reader.errors.raise_if_any()
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    total = ctx.conn.execute(f"SELECT COUNT(*) FROM {table}{clause}", args).fetchone()[0]
    rows = ctx.conn.execute(
        f"SELECT * FROM {table}{clause} ORDER BY {sort} LIMIT ? OFFSET ?",
        [*args, page.per_page, page.skip],
    ).fetchall()
    fields = fields_of(call)
    body = [render(row) for row in rows]
    if fields:
        body = [apply_fields(item, fields) for item in body]
    return Reply(200, body, paging_headers(call, rest_base, page, total, len(body)))


def _in(column: str, values: list[Any], where: list[str], args: list[Any]) -> None:
    where.append(f"{column} IN ({','.join('?' * len(values))})")
    args.extend(values)


# Products


def list_products(call: Call, ctx: Ctx) -> Reply:
    reader = QueryReader(call.query)
    where: list[str] = []
    args: list[Any] = []
    skus = call.query.list("sku")
    if skus is not None:
        _in("sku", skus or [""], where, args)
    search = reader.string("search").strip()
    if search:
        where.append("instr(lower(name), ?) > 0")
        args.append(search.lower())
    include = reader.int_list("include")
    if include:
        _in("id", include, where, args)
    stock_status = reader.enum("stock_status", STOCK_STATUSES, "")
    if stock_status:
        where.append("stock_status = ?")
        args.append(stock_status)
    order = reader.enum("order", ("asc", "desc"), "desc")
    orderby = reader.enum(
        "orderby", ("date", "id", "include", "title", "slug", "modified", "price"), "date"
    )
    direction = "ASC" if order == "asc" else "DESC"
    column = {
        "id": "id",
        "title": "name",
        "slug": "slug",
        "modified": "date_modified_gmt",
        "price": "CAST(COALESCE(NULLIF(sale_price, ''), regular_price) AS REAL)",
    }.get(orderby, "date_created_gmt")
    return _listing(
        call,
        ctx,
        table="products",
        where=where,
        args=args,
        sort=f"{column} {direction}, id {direction}",
        rest_base="/products",
        reader=reader,
        render=lambda row: render_product(row, ctx.settings, call.base_url),
    )


def get_product_item(call: Call, ctx: Ctx) -> Reply:
    row = get_product(ctx.conn, call.route_id())
    if row is None:
        raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    return Reply(200, render_product(row, ctx.settings, call.base_url))


def _product_changes(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "rest_invalid_json", "The request body must be a JSON object.")
    errors = ParamErrors()
    changes: dict[str, Any] = {}
    for name in ("name", "sku", "global_unique_id", "description"):
        if name in body:
            if not isinstance(body[name], str) or (name == "name" and not body[name].strip()):
                errors.add(name, "rest_invalid_type", f"{name} is not of type string.")
            else:
                changes[name] = body[name].strip()
    for name in ("regular_price", "sale_price"):
        if name in body:
            price = valid_price(body[name])
            if price is None:
                errors.add(name, "rest_invalid_type", f"{name} is not a valid price.")
            else:
                changes[name] = price
    if "weight" in body:
        weight = to_decimal(body["weight"]) if body["weight"] != "" else None
        if body["weight"] != "" and (weight is None or weight < 0):
            errors.add("weight", "rest_invalid_type", "weight is not a valid weight.")
        else:
            changes["weight"] = "" if weight is None else f"{weight:f}"
    if "manage_stock" in body:
        manage = parse_bool(body["manage_stock"])
        if manage is None:
            errors.add("manage_stock", "rest_invalid_type", "manage_stock is not of type boolean.")
        else:
            changes["manage_stock"] = int(manage)
    for name in ("stock_quantity", "low_stock_amount", "inventory_delta"):
        if name in body:
            value = body[name]
            number = parse_int(value)
            if value is None and name != "inventory_delta":
                changes[name] = None
            elif number is None:
                errors.add(name, "rest_invalid_type", f"{name} is not of type integer.")
            else:
                changes[name] = number
    for name, allowed in (("stock_status", STOCK_STATUSES), ("backorders", BACKORDERS)):
        if name in body:
            if body[name] not in allowed:
                errors.add(
                    name,
                    "rest_not_in_enum",
                    f"{name} is not one of {', '.join(allowed[:-1])}, and {allowed[-1]}.",
                )
            else:
                changes[name] = body[name]
    errors.raise_if_any()
    return changes


def update_product_item(call: Call, ctx: Ctx) -> Reply:
    changes = _product_changes(call.body)
    product_id = call.route_id()
    row = get_product(ctx.conn, product_id)
    if row is None:
        raise ApiError(400, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    values = dict(row)
    delta = changes.pop("inventory_delta", None)
    values.update(changes)
    if (
        changes.get("sku")
        and ctx.conn.execute(
            "SELECT 1 FROM products WHERE sku = ? AND id != ?", (changes["sku"], product_id)
        ).fetchone()
    ):
        raise ApiError(400, "product_invalid_sku", "Invalid or duplicated SKU.")
    if "name" in changes:
        values["slug"] = slugify(changes["name"])
    if delta is not None and "stock_quantity" not in changes:
        values["stock_quantity"] = (values["stock_quantity"] or 0) + delta
    if values["manage_stock"]:
        if values["stock_quantity"] is None:
            values["stock_quantity"] = 0
        values["stock_status"] = stock_status_for(values["stock_quantity"], values["backorders"])
    values["date_modified_gmt"] = ctx.now
    columns = [k for k in values if k != "id"]
    ctx.conn.execute(
        f"UPDATE products SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
        [*(values[c] for c in columns), product_id],
    )
    updated = get_product(ctx.conn, product_id)
    return Reply(200, render_product(updated, ctx.settings, call.base_url))


# Customers


def list_customers(call: Call, ctx: Ctx) -> Reply:
    reader = QueryReader(call.query)
    where: list[str] = []
    args: list[Any] = []
    role = reader.string("role", "customer")
    if role != "all":
        where.append("role = ?")
        args.append(role)
    email = reader.string("email").strip()
    if email:
        where.append("lower(email) = ?")
        args.append(email.lower())
    search = reader.string("search").strip()
    if search:
        where.append("instr(search, ?) > 0")
        args.append(search.casefold())
    include = reader.int_list("include")
    if include:
        _in("id", include, where, args)
    order = reader.enum("order", ("asc", "desc"), "asc")
    orderby = reader.enum("orderby", ("id", "include", "name", "registered_date"), "name")
    direction = "ASC" if order == "asc" else "DESC"
    column = {"id": "id", "registered_date": "date_created_gmt"}.get(orderby, "username")
    return _listing(
        call,
        ctx,
        table="users",
        where=where,
        args=args,
        sort=f"{column} {direction}",
        rest_base="/customers",
        reader=reader,
        render=lambda row: render_customer(row, ctx.settings, call.base_url),
    )


def get_customer_item(call: Call, ctx: Ctx) -> Reply:
    row = ctx.conn.execute("SELECT * FROM users WHERE id = ?", (call.route_id(),)).fetchone()
    if row is None:
        raise ApiError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
    return Reply(200, render_customer(row, ctx.settings, call.base_url))


# Coupons


def list_coupons(call: Call, ctx: Ctx) -> Reply:
    reader = QueryReader(call.query)
    where: list[str] = []
    args: list[Any] = []
    search = reader.string("search").strip()
    if search:
        where.append("instr(code, ?) > 0")
        args.append(search.lower())
    code = reader.string("code").strip()
    if code:
        where.append("code = ?")
        args.append(code.lower())
    order = reader.enum("order", ("asc", "desc"), "desc")
    direction = "ASC" if order == "asc" else "DESC"
    return _listing(
        call,
        ctx,
        table="coupons",
        where=where,
        args=args,
        sort=f"date_created_gmt {direction}, id {direction}",
        rest_base="/coupons",
        reader=reader,
        render=lambda row: render_coupon(json.loads(row["doc"]), call.base_url),
    )


def get_coupon_item(call: Call, ctx: Ctx) -> Reply:
    row = ctx.conn.execute("SELECT doc FROM coupons WHERE id = ?", (call.route_id(),)).fetchone()
    if row is None:
        raise ApiError(404, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
    return Reply(200, render_coupon(json.loads(row["doc"]), call.base_url))


def create_coupon_item(call: Call, ctx: Ctx) -> Reply:
    doc = create_coupon(ctx, call.body)
    return Reply(
        201,
        render_coupon(doc, call.base_url),
        {"Location": call.url(f"/coupons/{doc['id']}")},
    )
