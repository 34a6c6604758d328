"""Creating and updating an order from a request body, WooCommerce's way.

`check_order_body` validates every field's type first and raises one 400 naming the bad
fields; `apply_order_body` then makes the changes in WooCommerce's order: plain fields, then
items (stock adjusted on orders that hold stock), totals, `set_paid`, and the status last so
its side effects see the new items. Everything runs inside the request's transaction, so a
later failure (an unknown product, say) leaves nothing half-written.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from shop.context import Ctx
from shop.errors import ApiError, ParamErrors, wp_list
from shop.lifecycle import change_status, mark_paid
from shop.money import to_decimal
from shop.order_doc import (
    BILLING_KEYS,
    PAYMENT_TITLES,
    SHIPPING_KEYS,
    fee_line,
    line_item,
    needs_payment,
    new_order,
    new_order_key,
    recalc_totals,
    retax_line,
    retax_shipping,
    shipping_line,
)
from shop.order_store import OrderRecord
from shop.params import parse_bool, parse_int
from shop.products import as_line_product, find_by_sku, get_product
from shop.stock import adjust_line_stock, note_adjustments

STRING_FIELDS = (
    "customer_note",
    "payment_method",
    "payment_method_title",
    "transaction_id",
    "currency",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _type_error(errors: ParamErrors, param: str, where: str, kind: str) -> None:
    errors.add(param, "rest_invalid_type", f"{where} is not of type {kind}.")


def check_order_body(body: Any, statuses: list[str]) -> dict[str, Any]:
    """Validate types and enums of an order body; returns it (a dict) or raises 400."""
    if not isinstance(body, dict):
        raise ApiError(400, "rest_invalid_json", "The request body must be a JSON object.")
    errors = ParamErrors()
    status = body.get("status")
    if status is not None:
        if not isinstance(status, str):
            _type_error(errors, "status", "status", "string")
        elif status not in statuses:
            errors.add("status", "rest_not_in_enum", f"status is not one of {wp_list(statuses)}.")
    for name in STRING_FIELDS:
        if body.get(name) is not None and not isinstance(body[name], str):
            _type_error(errors, name, name, "string")
    if body.get("customer_id") is not None:
        customer = parse_int(body["customer_id"])
        if customer is None or customer < 0:
            _type_error(errors, "customer_id", "customer_id", "integer")
    for name in ("set_paid", "manual_update"):
        if body.get(name) is not None and parse_bool(body[name]) is None:
            _type_error(errors, name, name, "boolean")
    for name, keys in (("billing", BILLING_KEYS), ("shipping", SHIPPING_KEYS)):
        _check_address(errors, name, body.get(name), keys)
    _check_meta(errors, body.get("meta_data"))
    _check_items(errors, body.get("line_items"))
    _check_shipping(errors, body.get("shipping_lines"))
    _check_fees(errors, body.get("fee_lines"))
    errors.raise_if_any()
    return body


def _check_address(errors: ParamErrors, name: str, value: Any, keys: tuple[str, ...]) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        _type_error(errors, name, name, "object")
        return
    for key, field_value in value.items():
        if key in keys and field_value is not None and not isinstance(field_value, str):
            _type_error(errors, name, f"{name}[{key}]", "string")
            return
    email = value.get("email")
    if name == "billing" and isinstance(email, str) and email and not _EMAIL.match(email):
        errors.add(
            "billing",
            "rest_invalid_email",
            f"billing[email] is not a valid email address: {email!r}.",
        )


def _check_meta(errors: ParamErrors, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        _type_error(errors, "meta_data", "meta_data", "array")
        return
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or not (
            isinstance(entry.get("key"), str) or parse_int(entry.get("id")) is not None
        ):
            errors.add(
                "meta_data",
                "rest_invalid_param",
                f"meta_data[{i}] needs a key (or the id of an existing entry).",
            )
            return


def _list_of_objects(errors: ParamErrors, name: str, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        _type_error(errors, name, name, "array")
        return []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            _type_error(errors, name, f"{name}[{i}]", "object")
            return []
    return value


def _check_int(errors: ParamErrors, name: str, where: str, value: Any, minimum: int) -> None:
    number = parse_int(value)
    if number is None:
        _type_error(errors, name, where, "integer")
    elif number < minimum:
        errors.add(
            name, "rest_out_of_bounds", f"{where} must be greater than or equal to {minimum}"
        )


def _check_amount(errors: ParamErrors, name: str, where: str, value: Any) -> None:
    if value is None:
        return
    amount = to_decimal(value)
    if amount is None or isinstance(value, bool):
        errors.add(name, "rest_invalid_type", f"{where} is not a valid amount.")


def _check_items(errors: ParamErrors, value: Any) -> None:
    for i, item in enumerate(_list_of_objects(errors, "line_items", value)):
        where = f"line_items[{i}]"
        for key in ("id", "product_id", "variation_id"):
            if item.get(key) is not None:
                _check_int(errors, "line_items", f"{where}[{key}]", item[key], 0)
        if item.get("quantity") is not None:
            _check_int(errors, "line_items", f"{where}[quantity]", item["quantity"], 0)
        if item.get("sku") is not None and not isinstance(item["sku"], str):
            _type_error(errors, "line_items", f"{where}[sku]", "string")
        for key in ("total", "subtotal"):
            _check_amount(errors, "line_items", f"{where}[{key}]", item.get(key))


def _check_shipping(errors: ParamErrors, value: Any) -> None:
    for i, item in enumerate(_list_of_objects(errors, "shipping_lines", value)):
        where = f"shipping_lines[{i}]"
        if item.get("id") is not None:
            _check_int(errors, "shipping_lines", f"{where}[id]", item["id"], 1)
        for key in ("method_id", "method_title", "instance_id"):
            if item.get(key) is not None and not isinstance(item[key], str):
                _type_error(errors, "shipping_lines", f"{where}[{key}]", "string")
        _check_amount(errors, "shipping_lines", f"{where}[total]", item.get("total"))


def _check_fees(errors: ParamErrors, value: Any) -> None:
    for i, item in enumerate(_list_of_objects(errors, "fee_lines", value)):
        where = f"fee_lines[{i}]"
        if item.get("id") is not None:
            _check_int(errors, "fee_lines", f"{where}[id]", item["id"], 1)
        if item.get("name") is not None and not isinstance(item["name"], str):
            _type_error(errors, "fee_lines", f"{where}[name]", "string")
        _check_amount(errors, "fee_lines", f"{where}[total]", item.get("total"))


def _invalid_item() -> ApiError:
    return ApiError(
        400,
        "woocommerce_rest_invalid_item_id",
        "Order item ID provided is not associated with order.",
    )


def _product_for(ctx: Ctx, item: dict[str, Any], where: str) -> dict[str, Any]:
    product_id = parse_int(item.get("product_id"))
    sku = item.get("sku")
    row = None
    if product_id:
        row = get_product(ctx.conn, product_id)
        if row is None:
            raise ApiError(
                400,
                "woocommerce_rest_invalid_product_id",
                f"{where}: product {product_id} does not exist.",
            )
    elif sku:
        row = find_by_sku(ctx.conn, sku)
        if row is None:
            raise ApiError(
                400, "woocommerce_rest_invalid_product_id", f"{where}: no product has SKU {sku!r}."
            )
    else:
        raise ApiError(
            400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required."
        )
    return as_line_product(row)


def _amount(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _apply_line_items(ctx: Ctx, rec: OrderRecord, items: list[dict[str, Any]]) -> list[str]:
    lines = rec.doc["line_items"]
    moves: list[str] = []
    for i, item in enumerate(items):
        where = f"line_items[{i}]"
        item_id = parse_int(item.get("id"))
        if item_id:
            line = next((x for x in lines if x["id"] == item_id), None)
            if line is None:
                raise _invalid_item()
            quantity = parse_int(item.get("quantity"))
            removing = quantity == 0 or ("product_id" in item and item["product_id"] is None)
            if removing:
                move = adjust_line_stock(ctx, rec, line, 0)
                lines.remove(line)
            else:
                old_quantity = line["quantity"]
                if quantity is not None and quantity != old_quantity:
                    unit_sub = Decimal(line["subtotal"]) / old_quantity
                    unit_tot = Decimal(line["total"]) / old_quantity
                    line["quantity"] = quantity
                    line["subtotal"] = f"{unit_sub * quantity:.{ctx.settings.decimals}f}"
                    line["total"] = f"{unit_tot * quantity:.{ctx.settings.decimals}f}"
                for key in ("subtotal", "total"):
                    amount = _amount(item.get(key))
                    if amount is not None:
                        line[key] = f"{amount:.{ctx.settings.decimals}f}"
                retax_line(line, ctx.settings)
                move = adjust_line_stock(ctx, rec, line, line["quantity"])
        else:
            quantity = parse_int(item.get("quantity", 1))
            if quantity is None or quantity < 1:
                raise ApiError(
                    400,
                    "rest_invalid_param",
                    f"{where}[quantity] must be at least 1 for a new line item.",
                    params={"line_items": f"{where}[quantity] must be at least 1."},
                )
            product = _product_for(ctx, item, where)
            line = line_item(
                ctx.item_id(),
                product,
                quantity,
                ctx.settings,
                subtotal=_amount(item.get("subtotal")),
                total=_amount(item.get("total")),
            )
            lines.append(line)
            move = adjust_line_stock(ctx, rec, line, quantity)
        if move:
            moves.append(move)
    return moves


def _apply_shipping(ctx: Ctx, rec: OrderRecord, items: list[dict[str, Any]]) -> None:
    lines = rec.doc["shipping_lines"]
    for item in items:
        item_id = parse_int(item.get("id"))
        if item_id:
            line = next((x for x in lines if x["id"] == item_id), None)
            if line is None:
                raise _invalid_item()
            if "method_id" in item and item["method_id"] is None:
                lines.remove(line)
                continue
            for key in ("method_id", "method_title", "instance_id"):
                if item.get(key) is not None:
                    line[key] = item[key]
            total = _amount(item.get("total"))
            if total is not None:
                line["total"] = f"{total:.{ctx.settings.decimals}f}"
            retax_shipping(line, ctx.settings)
        else:
            if not item.get("method_id"):
                raise ApiError(
                    400, "woocommerce_rest_invalid_shipping_item", "Shipping method ID is required."
                )
            lines.append(
                shipping_line(
                    ctx.item_id(),
                    item["method_id"],
                    item.get("method_title") or item["method_id"],
                    _amount(item.get("total")) or Decimal(0),
                    ctx.settings,
                    instance_id=item.get("instance_id") or "",
                )
            )


def _apply_fees(ctx: Ctx, rec: OrderRecord, items: list[dict[str, Any]]) -> None:
    lines = rec.doc["fee_lines"]
    for item in items:
        item_id = parse_int(item.get("id"))
        if item_id:
            line = next((x for x in lines if x["id"] == item_id), None)
            if line is None:
                raise _invalid_item()
            if "name" in item and item["name"] is None:
                lines.remove(line)
                continue
            name = item.get("name") or line["name"]
            total = _amount(item.get("total"))
            lines[lines.index(line)] = fee_line(
                line["id"],
                name,
                total if total is not None else Decimal(line["total"]),
                ctx.settings,
            )
        else:
            if not item.get("name"):
                raise ApiError(400, "woocommerce_rest_invalid_fee_item", "Fee name is required.")
            lines.append(
                fee_line(
                    ctx.item_id(),
                    item["name"],
                    _amount(item.get("total")) or Decimal(0),
                    ctx.settings,
                )
            )


def _apply_meta(ctx: Ctx, rec: OrderRecord, entries: list[dict[str, Any]]) -> None:
    """`update_meta_data`: by id when given, else the first entry with that key, else new."""
    meta = rec.doc["meta_data"]
    for entry in entries:
        meta_id = parse_int(entry.get("id"))
        target = None
        if meta_id:
            target = next((m for m in meta if m["id"] == meta_id), None)
        if target is None and isinstance(entry.get("key"), str):
            target = next((m for m in meta if m["key"] == entry["key"]), None)
        if target is None:
            if not isinstance(entry.get("key"), str):
                raise ApiError(
                    400,
                    "rest_invalid_param",
                    f"meta_data entry {meta_id} does not exist on this order.",
                )
            meta.append({"id": ctx.meta_id(), "key": entry["key"], "value": entry.get("value")})
        else:
            if isinstance(entry.get("key"), str):
                target["key"] = entry["key"]
            target["value"] = entry.get("value")


def _check_customer(ctx: Ctx, value: Any) -> int:
    customer_id = parse_int(value) or 0
    if (
        customer_id
        and ctx.conn.execute("SELECT 1 FROM users WHERE id = ?", (customer_id,)).fetchone() is None
    ):
        raise ApiError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.")
    return customer_id


def apply_order_body(
    ctx: Ctx, rec: OrderRecord, body: dict[str, Any], *, creating: bool = False
) -> None:
    doc = rec.doc
    if "customer_id" in body and body["customer_id"] is not None:
        doc["customer_id"] = _check_customer(ctx, body["customer_id"])
    for name, keys in (("billing", BILLING_KEYS), ("shipping", SHIPPING_KEYS)):
        if isinstance(body.get(name), dict):
            for key in keys:
                if key in body[name]:
                    doc[name][key] = body[name][key] or ""
    for name in STRING_FIELDS:
        if body.get(name) is not None:
            doc[name] = body[name]
    if body.get("payment_method") and not body.get("payment_method_title"):
        doc["payment_method_title"] = PAYMENT_TITLES.get(
            body["payment_method"], doc["payment_method_title"]
        )
    if body.get("meta_data"):
        _apply_meta(ctx, rec, body["meta_data"])
    items_changed = False
    if body.get("line_items"):
        moves = _apply_line_items(ctx, rec, body["line_items"])
        note_adjustments(ctx, rec, moves)
        items_changed = True
    if body.get("shipping_lines"):
        _apply_shipping(ctx, rec, body["shipping_lines"])
        items_changed = True
    if body.get("fee_lines"):
        _apply_fees(ctx, rec, body["fee_lines"])
        items_changed = True
    if items_changed or creating:
        recalc_totals(doc, ctx.settings, ctx)
    # As WooCommerce's save_object: the status first, then `set_paid`.
    if body.get("status"):
        change_status(ctx, rec, body["status"], by_user=bool(parse_bool(body.get("manual_update"))))
    if parse_bool(body.get("set_paid")) and (creating or needs_payment(doc)):
        mark_paid(ctx, rec, body.get("transaction_id") or "")


def new_record(ctx: Ctx) -> OrderRecord:
    doc = new_order(ctx.object_id(), ctx.settings, ctx.now, order_key=new_order_key())
    return OrderRecord(doc=doc)
