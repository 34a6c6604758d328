"""Bad requests get WordPress-shaped errors naming the field, and change nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shop.app import create_app
from shop.server import RunningShop
from tests.shop.conftest import RW, Sql, make_client, new_order

ORDERS = "/wp-json/wc/v3/orders"


@pytest.fixture
async def order(client: httpx.AsyncClient) -> dict[str, Any]:
    return await new_order(client, status="processing")


async def test_invalid_json_is_400(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql
) -> None:
    before = sql.snapshot()
    response = await client.put(
        f"{ORDERS}/{order['id']}",
        content=b'{"status": "completed",',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_json"
    assert response.json()["data"]["status"] == 400
    assert sql.snapshot() == before


@pytest.mark.parametrize(
    ("body", "param", "needle"),
    [
        ({"status": 5}, "status", "status is not of type string."),
        (
            {"status": "bogus"},
            "status",
            "status is not one of pending, processing, on-hold, completed, cancelled, refunded, "
            "and failed.",
        ),
        (
            {"line_items": [{"product_id": 10, "quantity": "abc"}]},
            "line_items",
            "line_items[0][quantity] is not of type integer.",
        ),
        (
            {"line_items": [{"product_id": 10, "quantity": -2}]},
            "line_items",
            "line_items[0][quantity] must be greater than or equal to 0",
        ),
        ({"billing": {"email": 42}}, "billing", "billing[email] is not of type string."),
        ({"billing": "Élodie"}, "billing", "billing is not of type object."),
        ({"customer_id": "x"}, "customer_id", "customer_id is not of type integer."),
        (
            {"shipping_lines": [{"method_id": "flat_rate", "total": "abc"}]},
            "shipping_lines",
            "shipping_lines[0][total] is not a valid amount.",
        ),
        ({"set_paid": "maybe"}, "set_paid", "set_paid is not of type boolean."),
    ],
)
async def test_wrong_types_name_the_field(
    client: httpx.AsyncClient,
    order: dict[str, Any],
    sql: Sql,
    body: dict[str, Any],
    param: str,
    needle: str,
) -> None:
    before = sql.snapshot()
    response = await client.put(f"{ORDERS}/{order['id']}", json={"customer_note": "x", **body})
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["code"] == "rest_invalid_param"
    assert error["message"] == f"Invalid parameter(s): {param}"
    assert error["data"]["params"][param] == needle
    assert sql.snapshot() == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"line_items": [{"product_id": 999999, "quantity": 1}]},
            "woocommerce_rest_invalid_product_id",
        ),
        (
            {"line_items": [{"sku": "NO-SUCH-SKU", "quantity": 1}]},
            "woocommerce_rest_invalid_product_id",
        ),
        ({"line_items": [{"quantity": 1}]}, "woocommerce_rest_required_product_reference"),
        ({"line_items": [{"id": 999999, "quantity": 1}]}, "woocommerce_rest_invalid_item_id"),
        ({"shipping_lines": [{"total": "3.00"}]}, "woocommerce_rest_invalid_shipping_item"),
        ({"customer_id": 999999}, "woocommerce_rest_invalid_customer_id"),
    ],
)
async def test_later_failures_leave_nothing_half_written(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql, body: dict[str, Any], code: str
) -> None:
    """Billing, status and a first line change come before the failing part: all undone."""
    before = sql.snapshot()
    first_line = order["line_items"][0]["id"]
    response = await client.put(
        f"{ORDERS}/{order['id']}",
        json={
            "billing": {"first_name": "Changed"},
            "status": "completed",
            "line_items": [{"id": first_line, "quantity": 7}, *body.get("line_items", [])],
            **{k: v for k, v in body.items() if k != "line_items"},
        },
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert sql.snapshot() == before


async def test_failed_create_writes_nothing(client: httpx.AsyncClient, sql: Sql) -> None:
    before = sql.snapshot()
    response = await client.post(
        ORDERS,
        json={
            "status": "processing",
            "line_items": [
                {"product_id": 10, "quantity": 1},
                {"product_id": 999999, "quantity": 1},
            ],
        },
    )
    assert response.status_code == 400
    assert sql.snapshot() == before


async def test_unknown_order_ids(client: httpx.AsyncClient) -> None:
    expected = {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID."}
    got = await client.get(f"{ORDERS}/999999")
    assert (got.status_code, got.json()) == (404, {**expected, "data": {"status": 404}})
    put = await client.put(f"{ORDERS}/999999", json={"status": "completed"})
    assert (put.status_code, put.json()) == (400, {**expected, "data": {"status": 400}})
    deleted = await client.delete(f"{ORDERS}/999999", params={"force": "true"})
    assert deleted.status_code == 404


async def test_oversize_body_is_413(app: Any, order: dict[str, Any], sql: Sql) -> None:
    before = sql.snapshot()
    async with make_client(app) as client:
        big = {"customer_note": "x" * 1_100_000}
        response = await client.put(f"{ORDERS}/{order['id']}", json=big)
    assert response.status_code == 413
    assert response.json()["code"] == "orderdesk_request_too_large"
    assert "1048576" in response.json()["message"]
    assert sql.snapshot() == before


async def test_body_limit_is_configurable_and_checked_over_http(db: Any) -> None:
    small = create_app(db, max_body=100)
    async with make_client(small) as client:
        response = await client.post(f"{ORDERS}", json={"customer_note": "y" * 200})
        assert response.status_code == 413
        ok = await client.post(f"{ORDERS}/1000/notes", json={"note": "short"})
        assert ok.status_code == 201
    small.state.shop.close()


async def test_oversize_over_real_http(live_shop: RunningShop) -> None:
    async with httpx.AsyncClient(base_url=live_shop.url, auth=RW) as http:
        response = await http.post(
            f"{ORDERS}/1000/notes",
            content=b"{" + b" " * 2_000_000 + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert (await http.get(f"{ORDERS}/1000")).status_code == 200


async def test_unexpected_failure_is_json_without_traceback(
    client: httpx.AsyncClient, sql: Sql, db: Any
) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE orders SET doc = '{broken' WHERE id = 1000")
    conn.commit()
    conn.close()
    response = await client.get(f"{ORDERS}/1000")
    assert response.status_code == 500
    assert response.json() == {
        "code": "orderdesk_internal_error",
        "message": "The shop hit an unexpected error; nothing was changed.",
        "data": {"status": 500},
    }
    assert "Traceback" not in response.text
