"""Coupons: created and listed, in the shape of wc/v3's coupon JSON.

The console creates coupons as goodwill gestures (a code for one customer's email); the
shop stores them and answers like WooCommerce. Codes are unique, compared in lower case
(WooCommerce lower-cases codes).
"""

from __future__ import annotations

import json
from typing import Any

from shop.context import Ctx
from shop.errors import ApiError, ParamErrors, missing_params
from shop.money import money, to_decimal
from shop.params import parse_bool, parse_int

DISCOUNT_TYPES = ("percent", "fixed_cart", "fixed_product")


def _parse(body: dict[str, Any]) -> dict[str, Any]:
    if not body.get("code"):
        raise missing_params(["code"])
    errors = ParamErrors()
    code = body["code"]
    if not isinstance(code, str) or not code.strip():
        errors.add("code", "rest_invalid_type", "code is not of type string.")
    amount = to_decimal(body.get("amount", "0") or "0")
    if amount is None or amount < 0:
        errors.add("amount", "rest_invalid_type", "amount is not a valid amount.")
    discount_type = body.get("discount_type", "fixed_cart")
    if discount_type not in DISCOUNT_TYPES:
        errors.add(
            "discount_type",
            "rest_not_in_enum",
            "discount_type is not one of percent, fixed_cart, and fixed_product.",
        )
    emails = body.get("email_restrictions", [])
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        errors.add(
            "email_restrictions", "rest_invalid_type", "email_restrictions is not of type array."
        )
    usage_limit = body.get("usage_limit")
    if usage_limit is not None and (parse_int(usage_limit) is None or parse_int(usage_limit) < 0):
        errors.add("usage_limit", "rest_invalid_type", "usage_limit is not of type integer.")
    description = body.get("description", "")
    if not isinstance(description, str):
        errors.add("description", "rest_invalid_type", "description is not of type string.")
    individual = parse_bool(body.get("individual_use", False))
    if individual is None:
        errors.add("individual_use", "rest_invalid_type", "individual_use is not of type boolean.")
    errors.raise_if_any()
    return {
        "code": code.strip().lower(),
        "amount": amount,
        "discount_type": discount_type,
        "email_restrictions": emails,
        "usage_limit": parse_int(usage_limit) if usage_limit is not None else None,
        "description": description,
        "individual_use": bool(individual),
    }


def create_coupon(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    values = _parse(body)
    if ctx.conn.execute("SELECT 1 FROM coupons WHERE code = ?", (values["code"],)).fetchone():
        raise ApiError(
            400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists"
        )
    now = ctx.now
    cur = ctx.conn.execute(
        "INSERT INTO coupons (code, doc, date_created_gmt) VALUES (?, '{}', ?)",
        (values["code"], now),
    )
    coupon_id = int(cur.lastrowid or 0)
    doc = {
        "id": coupon_id,
        "code": values["code"],
        "amount": money(values["amount"], ctx.settings.decimals),
        "status": "publish",
        "date_created": ctx.settings.local(now),
        "date_created_gmt": now,
        "date_modified": ctx.settings.local(now),
        "date_modified_gmt": now,
        "discount_type": values["discount_type"],
        "description": values["description"],
        "date_expires": None,
        "date_expires_gmt": None,
        "usage_count": 0,
        "individual_use": values["individual_use"],
        "product_ids": [],
        "excluded_product_ids": [],
        "usage_limit": values["usage_limit"],
        "usage_limit_per_user": None,
        "limit_usage_to_x_items": None,
        "free_shipping": False,
        "product_categories": [],
        "excluded_product_categories": [],
        "exclude_sale_items": False,
        "minimum_amount": "0.00",
        "maximum_amount": "0.00",
        "email_restrictions": values["email_restrictions"],
        "used_by": [],
        "meta_data": [],
    }
    ctx.conn.execute(
        "UPDATE coupons SET doc = ? WHERE id = ?", (json.dumps(doc, ensure_ascii=False), coupon_id)
    )
    return doc


def render_coupon(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    api = f"{base_url}/wp-json/wc/v3/coupons"
    out = dict(doc)
    out["_links"] = {
        "self": [
            {
                "href": f"{api}/{doc['id']}",
                "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
            }
        ],
        "collection": [{"href": api}],
    }
    return out
