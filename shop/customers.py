"""Customers (WordPress users) in the shape of wc/v3's customer JSON."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from shop.settings import Settings

#: Customer JSON orders address fields differently from orders (postcode before country).
CUSTOMER_BILLING_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "postcode",
    "country",
    "state",
    "email",
    "phone",
)
CUSTOMER_SHIPPING_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "postcode",
    "country",
    "state",
    "phone",
)


def render_customer(row: sqlite3.Row, settings: Settings, base_url: str) -> dict[str, Any]:
    api = f"{base_url}/wp-json/wc/v3/customers"
    billing = json.loads(row["billing"])
    shipping = json.loads(row["shipping"])
    digest = hashlib.sha256(row["email"].strip().lower().encode()).hexdigest()
    allow = ["GET", "POST", "PUT", "PATCH"]
    if row["role"] == "customer":
        allow.append("DELETE")
    return {
        "id": row["id"],
        "date_created": settings.local(row["date_created_gmt"]),
        "date_created_gmt": row["date_created_gmt"],
        "date_modified": settings.local(row["date_modified_gmt"]),
        "date_modified_gmt": row["date_modified_gmt"],
        "email": row["email"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "role": row["role"],
        "username": row["username"],
        "billing": {k: billing.get(k, "") for k in CUSTOMER_BILLING_KEYS},
        "shipping": {k: shipping.get(k, "") for k in CUSTOMER_SHIPPING_KEYS},
        "is_paying_customer": bool(row["is_paying_customer"]),
        "avatar_url": f"https://secure.gravatar.com/avatar/{digest}?s=96&d=mm&r=g",
        "meta_data": [],
        "_links": {
            "self": [{"href": f"{api}/{row['id']}", "targetHints": {"allow": allow}}],
            "collection": [{"href": api}],
        },
    }


def customer_search_text(first: str, last: str, email: str, username: str) -> str:
    return "\n".join((f"{first} {last}", email, username)).casefold()
