"""Field by field, the shop answers in the shapes a real WooCommerce 10.0.2 store answered.

Each answer is compared with a capture (tests/shop/captures/, copied from
shared/woocommerce-real/): same keys at every level (lists compared by their first element)
and the same JSON types where neither side is null. Money stays a string, `price` a number,
dates plain strings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.shop.conftest import Sql, new_order

CAPTURES = Path(__file__).parent / "captures"


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(theirs, dict) and isinstance(ours, dict):
        found += [f"missing {path}.{k}" for k in theirs if k not in ours]
        found += [f"extra {path}.{k}" for k in ours if k not in theirs]
        for key in theirs.keys() & ours.keys():
            found += differences(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(theirs, list) and isinstance(ours, list):
        if theirs and ours:
            found += differences(ours[0], theirs[0], f"{path}[0]")
    elif "null" not in (kind(ours), kind(theirs)) and kind(ours) != kind(theirs):
        found.append(f"{path}: ours {kind(ours)}, captured {kind(theirs)}")
    return found


def capture(name: str) -> Any:
    return json.loads((CAPTURES / f"{name}.body.json").read_text())


@pytest.fixture
async def refunded(client: httpx.AsyncClient) -> dict[str, Any]:
    """A customer's completed order with a partial line refund."""
    order = await new_order(client, status="completed", customer_id=2)
    line = order["line_items"][0]
    response = await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/refunds",
        json={
            "api_refund": False,
            "amount": "12.50",
            "reason": "Mug arrived broken",
            "line_items": [{"id": line["id"], "quantity": 1, "refund_total": "12.50"}],
        },
    )
    assert response.status_code == 201
    return {"order": order, "refund": response.json()}


async def test_order_matches_capture(client: httpx.AsyncClient, refunded: dict[str, Any]) -> None:
    order_id = refunded["order"]["id"]
    ours = (await client.get(f"/wp-json/wc/v3/orders/{order_id}")).json()
    for name in (
        "order_get_one",
        "order_get_after_partial_refund",
        "order_create",
        "order_put_status_cancelled",
    ):
        assert differences(ours, capture(name)) == [], name
    assert isinstance(ours["line_items"][0]["price"], (int, float))
    assert ours["total"].count(".") == 1 and len(ours["total"].split(".")[1]) == 2
    assert ours["refunds"][0]["total"].startswith("-")
    assert ours["currency"] == "EUR" and ours["currency_symbol"] == "€"


async def test_guest_order_with_fee_matches_capture(client: httpx.AsyncClient, sql: Sql) -> None:
    order_id = sql.value("SELECT id FROM orders WHERE customer_id = 0 LIMIT 1")
    ours = (await client.get(f"/wp-json/wc/v3/orders/{order_id}")).json()
    assert "customer" not in ours["_links"]
    theirs = capture("order_get_one_guest_fee")
    ours["fee_lines"] = ours["fee_lines"] or [dict(theirs["fee_lines"][0])]
    assert differences(ours, theirs) == []


async def test_seeded_orders_match_capture(client: httpx.AsyncClient) -> None:
    for order in (await client.get("/wp-json/wc/v3/orders", params={"per_page": 100})).json():
        theirs = capture("order_get_one")
        if not order["customer_id"]:
            theirs["_links"].pop("customer")
        assert differences(order, theirs) == [], order["id"]


async def test_refunds_match_capture(client: httpx.AsyncClient, refunded: dict[str, Any]) -> None:
    assert differences(refunded["refund"], capture("order_refund_post_partial")) == []
    order_id = refunded["order"]["id"]
    listed = (await client.get(f"/wp-json/wc/v3/orders/{order_id}/refunds")).json()
    assert differences(listed, capture("order_refunds_list")) == []
    store_wide = (await client.get("/wp-json/wc/v3/refunds")).json()
    assert differences(store_wide, capture("refunds_list_all")) == []


async def test_notes_match_capture(client: httpx.AsyncClient, refunded: dict[str, Any]) -> None:
    order_id = refunded["order"]["id"]
    made = (
        await client.post(
            f"/wp-json/wc/v3/orders/{order_id}/notes",
            json={"note": "Packed.", "customer_note": True},
        )
    ).json()
    assert differences(made, capture("order_note_post_customer")) == []
    listed = (await client.get(f"/wp-json/wc/v3/orders/{order_id}/notes")).json()
    assert differences(listed, capture("order_notes_list")) == []


async def test_catalog_matches_capture(client: httpx.AsyncClient) -> None:
    product = (await client.get("/wp-json/wc/v3/products/10")).json()
    assert differences(product, capture("product_get_one")) == []
    by_sku = (await client.get("/wp-json/wc/v3/products", params={"sku": "MUG-BLU"})).json()
    assert differences(by_sku, capture("products_list_by_sku")) == []
    customer = (await client.get("/wp-json/wc/v3/customers/2")).json()
    assert differences(customer, capture("customer_get_one")) == []
    customers = (await client.get("/wp-json/wc/v3/customers")).json()
    assert differences(customers, capture("customers_list")) == []
    coupon = (
        await client.post(
            "/wp-json/wc/v3/coupons",
            json={"code": "save10", "discount_type": "percent", "amount": "10"},
        )
    ).json()
    assert differences(coupon, capture("coupon_create")) == []


async def test_dates_are_local_and_gmt_without_offsets(client: httpx.AsyncClient) -> None:
    order = (await client.get("/wp-json/wc/v3/orders")).json()[0]
    for name in ("date_created", "date_created_gmt", "date_modified", "date_modified_gmt"):
        assert len(order[name]) == 19 and order[name][10] == "T", name
    assert order["date_created"] != order["date_created_gmt"]  # Europe/Paris
