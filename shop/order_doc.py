"""An order as a wc/v3 JSON document: building lines, computing totals and taxes.

Pure functions over plain dicts in WooCommerce's field order and formats (money strings,
unpadded tax amounts, a numeric `price`). The server and the seeder both build orders with
them, so a seeded order and one created over the API have the same shape.

Prices exclude tax; one tax rate applies to line items, fees and shipping. Taxes are
rounded per line to the store's decimals.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from shop.money import ZERO, money, price_number, raw, tax_of, to_decimal
from shop.settings import Settings

BILLING_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)
SHIPPING_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "phone",
)
EDITABLE_STATUSES = frozenset({"pending", "on-hold", "auto-draft"})
PAYABLE_STATUSES = frozenset({"pending", "failed"})
DATE_NAMES = ("created", "modified", "completed", "paid")

PAYMENT_TITLES = {
    "bacs": "Direct bank transfer",
    "cheque": "Check payments",
    "cod": "Cash on delivery",
    "stripe": "Credit Card (Stripe)",
}


class Ids(Protocol):
    def item_id(self) -> int: ...
    def meta_id(self) -> int: ...


def address(data: Mapping[str, Any] | None, keys: Iterable[str]) -> dict[str, str]:
    data = data or {}
    return {k: str(data.get(k) or "") for k in keys}


def new_order_key() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "wc_order_" + "".join(secrets.choice(alphabet) for _ in range(13))


def new_order(
    order_id: int,
    settings: Settings,
    now: str,
    *,
    order_key: str,
    status: str = "pending",
    created_via: str = "rest-api",
) -> dict[str, Any]:
    """An empty order in WooCommerce's field order (`payment_url`/`_links` filled on output)."""
    return {
        "id": order_id,
        "parent_id": 0,
        "status": status,
        "currency": settings.currency,
        "version": settings.version,
        "prices_include_tax": False,
        "date_created": None,
        "date_modified": None,
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": "0.00",
        "total_tax": "0.00",
        "customer_id": 0,
        "order_key": order_key,
        "billing": address(None, BILLING_KEYS),
        "shipping": address(None, SHIPPING_KEYS),
        "payment_method": "",
        "payment_method_title": "",
        "transaction_id": "",
        "customer_ip_address": "",
        "customer_user_agent": "",
        "created_via": created_via,
        "customer_note": "",
        "date_completed": None,
        "date_paid": None,
        "cart_hash": "",
        "number": str(order_id),
        "meta_data": [],
        "line_items": [],
        "tax_lines": [],
        "shipping_lines": [],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
        "payment_url": "",
        "is_editable": True,
        "needs_payment": False,
        "needs_processing": True,
        "date_created_gmt": now,
        "date_modified_gmt": now,
        "date_completed_gmt": None,
        "date_paid_gmt": None,
        "currency_symbol": settings.currency_symbol,
    }


def item_meta(meta_id: int, key: str, value: Any) -> dict[str, Any]:
    return {"id": meta_id, "key": key, "value": value, "display_key": key, "display_value": value}


def get_meta(meta: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((m for m in meta if m.get("key") == key), None)


def set_item_meta(ids: Ids, meta: list[dict[str, Any]], key: str, value: str | None) -> None:
    """Set (or with None, delete) a line item's meta entry, keeping its id."""
    entry = get_meta(meta, key)
    if value is None:
        if entry is not None:
            meta.remove(entry)
        return
    if entry is None:
        meta.append(item_meta(ids.meta_id(), key, value))
    else:
        entry["value"] = entry["display_value"] = value


def _taxes(
    amount_total: Decimal, amount_subtotal: Decimal | None, settings: Settings
) -> tuple[Decimal, Decimal, list[dict[str, Any]]]:
    rate = settings.tax_rate
    total_tax = tax_of(amount_total, rate, settings.decimals)
    subtotal_tax = (
        tax_of(amount_subtotal, rate, settings.decimals) if amount_subtotal is not None else ZERO
    )
    if not rate:
        return total_tax, subtotal_tax, []
    entry = {
        "id": settings.tax_rate_id,
        "total": raw(total_tax),
        "subtotal": raw(subtotal_tax) if amount_subtotal is not None else "",
    }
    return total_tax, subtotal_tax, [entry]


def line_item(
    item_id: int,
    product: Mapping[str, Any],
    quantity: int,
    settings: Settings,
    *,
    subtotal: Decimal | None = None,
    total: Decimal | None = None,
) -> dict[str, Any]:
    """A line item for `quantity` of `product` (a mapping with id, name, sku, price)."""
    unit = to_decimal(product.get("price")) or ZERO
    sub = subtotal if subtotal is not None else unit * quantity
    tot = total if total is not None else sub
    line = {
        "id": item_id,
        "name": product["name"],
        "product_id": product["id"],
        "variation_id": 0,
        "quantity": quantity,
        "tax_class": "",
        "subtotal": money(sub, settings.decimals),
        "subtotal_tax": "0.00",
        "total": money(tot, settings.decimals),
        "total_tax": "0.00",
        "taxes": [],
        "meta_data": [],
        "sku": product.get("sku") or "",
        "price": 0,
        "image": {"id": "", "src": ""},
        "parent_name": None,
    }
    retax_line(line, settings)
    return line


def retax_line(line: dict[str, Any], settings: Settings) -> None:
    """Recompute a line item's taxes and `price` from its subtotal, total and quantity."""
    sub = Decimal(line["subtotal"])
    tot = Decimal(line["total"])
    total_tax, subtotal_tax, taxes = _taxes(tot, sub, settings)
    line["subtotal_tax"] = money(subtotal_tax, settings.decimals)
    line["total_tax"] = money(total_tax, settings.decimals)
    line["taxes"] = taxes
    line["price"] = price_number(tot, line["quantity"])


def shipping_line(
    item_id: int,
    method_id: str,
    method_title: str,
    total: Decimal,
    settings: Settings,
    *,
    instance_id: str = "",
) -> dict[str, Any]:
    line = {
        "id": item_id,
        "method_title": method_title,
        "method_id": method_id,
        "instance_id": instance_id,
        "total": money(total, settings.decimals),
        "total_tax": "0.00",
        "taxes": [],
        "tax_status": "taxable",
        "meta_data": [],
    }
    retax_shipping(line, settings)
    return line


def retax_shipping(line: dict[str, Any], settings: Settings) -> None:
    total_tax, _, taxes = _taxes(Decimal(line["total"]), None, settings)
    line["total_tax"] = money(total_tax, settings.decimals)
    line["taxes"] = taxes


def fee_line(item_id: int, name: str, total: Decimal, settings: Settings) -> dict[str, Any]:
    total_tax, _, taxes = _taxes(total, total, settings)
    return {
        "id": item_id,
        "name": name,
        "tax_class": "",
        "tax_status": "taxable",
        "amount": "",
        "total": money(total, settings.decimals),
        "total_tax": money(total_tax, settings.decimals),
        "taxes": taxes,
        "meta_data": [],
    }


def _sum(lines: Iterable[Mapping[str, Any]], key: str) -> Decimal:
    return sum((Decimal(line[key]) for line in lines), ZERO)


def recalc_totals(doc: dict[str, Any], settings: Settings, ids: Ids) -> None:
    """Order totals from its lines (WooCommerce's `calculate_totals`)."""
    dp = settings.decimals
    items = doc["line_items"]
    fees = doc["fee_lines"]
    shipping = doc["shipping_lines"]
    items_subtotal = _sum(items, "subtotal")
    items_total = _sum(items, "total")
    discount_tax = _sum(items, "subtotal_tax") - _sum(items, "total_tax")
    cart_tax = _sum(items, "total_tax") + _sum(fees, "total_tax")
    shipping_total = _sum(shipping, "total")
    shipping_tax = _sum(shipping, "total_tax")
    total_tax = cart_tax + shipping_tax
    doc["discount_total"] = money(items_subtotal - items_total, dp)
    doc["discount_tax"] = money(discount_tax, dp)
    doc["shipping_total"] = money(shipping_total, dp)
    doc["shipping_tax"] = money(shipping_tax, dp)
    doc["cart_tax"] = money(cart_tax, dp)
    doc["total_tax"] = money(total_tax, dp)
    doc["total"] = money(items_total + _sum(fees, "total") + shipping_total + total_tax, dp)
    if settings.tax_rate and (items or shipping or fees):
        existing = doc["tax_lines"][0] if doc["tax_lines"] else None
        doc["tax_lines"] = [
            {
                "id": existing["id"] if existing else ids.item_id(),
                "rate_code": settings.tax_rate_code,
                "rate_id": settings.tax_rate_id,
                "label": settings.tax_label,
                "compound": False,
                "tax_total": money(cart_tax, dp),
                "shipping_tax_total": money(shipping_tax, dp),
                "rate_percent": float(settings.tax_rate),
                "meta_data": [],
            }
        ]
    else:
        doc["tax_lines"] = []


def finalize(doc: dict[str, Any], settings: Settings) -> None:
    """Refresh the fields derived from others: local dates, number, payment flags."""
    for name in DATE_NAMES:
        doc[f"date_{name}"] = settings.local(doc.get(f"date_{name}_gmt"))
    doc["number"] = str(doc["id"])
    doc["is_editable"] = doc["status"] in EDITABLE_STATUSES
    doc["needs_payment"] = needs_payment(doc)


def needs_payment(doc: Mapping[str, Any]) -> bool:
    return doc["status"] in PAYABLE_STATUSES and Decimal(doc["total"]) > 0


def search_text(doc: Mapping[str, Any]) -> str:
    """What `search` matches: number, names, emails, companies and item names (not SKUs)."""
    billing = doc["billing"]
    shipping = doc["shipping"]
    parts = [
        doc["number"],
        f"{billing['first_name']} {billing['last_name']}",
        billing["company"],
        billing["email"],
        f"{shipping['first_name']} {shipping['last_name']}",
        shipping["company"],
    ]
    parts.extend(line["name"] for line in doc["line_items"])
    return "\n".join(p for p in parts if p.strip()).casefold()


def all_items(doc: Mapping[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """Every item of the order with its kind, as stored in `order_items`."""
    for kind, key in (
        ("line_item", "line_items"),
        ("shipping", "shipping_lines"),
        ("fee", "fee_lines"),
        ("tax", "tax_lines"),
    ):
        for item in doc[key]:
            yield kind, item
