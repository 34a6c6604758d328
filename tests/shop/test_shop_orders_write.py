"""Creating, updating, deleting and batch-editing orders."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.shop.conftest import Sql, new_order

ORDERS = "/wp-json/wc/v3/orders"


async def test_create_answers_201_with_location(client: httpx.AsyncClient) -> None:
    response = await client.post(
        ORDERS,
        json={
            "customer_id": 2,
            "billing": {"first_name": "Jane", "email": "jane@example.com"},
            "line_items": [{"product_id": 10, "quantity": 2}, {"sku": "TSHIRT-RED", "quantity": 1}],
            "shipping_lines": [
                {"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}
            ],
        },
    )
    assert response.status_code == 201
    order = response.json()
    assert response.headers["location"] == f"http://shop.test{ORDERS}/{order['id']}"
    assert (order["status"], order["created_via"], order["customer_id"]) == (
        "pending",
        "rest-api",
        2,
    )
    assert [line["sku"] for line in order["line_items"]] == ["MUG-BLU", "TSHIRT-RED"]
    assert order["needs_payment"] is True and order["is_editable"] is True
    assert order["date_paid"] is None
    assert order["_links"]["customer"] == [{"href": "http://shop.test/wp-json/wc/v3/customers/2"}]


async def test_set_paid_makes_it_processing(client: httpx.AsyncClient, sql: Sql) -> None:
    order = await new_order(client, set_paid=True, transaction_id="pi_123")
    assert order["status"] == "processing"
    assert order["date_paid_gmt"] is not None
    assert order["transaction_id"] == "pi_123"
    notes = (await client.get(f"{ORDERS}/{order['id']}/notes")).json()
    assert "Order status changed from Pending payment to Processing." in [n["note"] for n in notes]


async def test_update_is_partial(client: httpx.AsyncClient) -> None:
    order = await new_order(client)
    response = await client.put(
        f"{ORDERS}/{order['id']}",
        json={
            "billing": {"phone": "+33 6 12 34 56 78"},
            "customer_note": "Sonnez deux fois",
            "meta_data": [{"key": "_packed_by", "value": "Hélène"}],
        },
    )
    updated = response.json()
    assert updated["billing"]["first_name"] == "Élodie"
    assert updated["billing"]["phone"] == "+33 6 12 34 56 78"
    assert updated["customer_note"] == "Sonnez deux fois"
    meta = updated["meta_data"]
    again = await client.patch(
        f"{ORDERS}/{order['id']}", json={"meta_data": [{"key": "_packed_by", "value": "Loïc"}]}
    )
    assert [(m["id"], m["value"]) for m in again.json()["meta_data"]] == [(meta[0]["id"], "Loïc")]
    assert again.json()["date_modified_gmt"] >= order["date_modified_gmt"]


async def test_post_to_an_order_updates_it(client: httpx.AsyncClient) -> None:
    order = await new_order(client)
    response = await client.post(f"{ORDERS}/{order['id']}", json={"status": "on-hold"})
    assert (response.status_code, response.json()["status"]) == (200, "on-hold")


async def test_line_item_changes_recompute_totals(client: httpx.AsyncClient) -> None:
    order = await new_order(client)
    line = order["line_items"][0]
    more = (
        await client.put(
            f"{ORDERS}/{order['id']}", json={"line_items": [{"id": line["id"], "quantity": 4}]}
        )
    ).json()
    assert more["line_items"][0]["total"] == "50.00"
    assert more["line_items"][0]["price"] == 12.5
    assert Decimal(more["total"]) == Decimal("50.00") + Decimal("10.00") + Decimal(
        "6.90"
    ) + Decimal("1.38")
    shipped = (
        await client.put(
            f"{ORDERS}/{order['id']}",
            json={"shipping_lines": [{"id": order["shipping_lines"][0]["id"], "total": "0.00"}]},
        )
    ).json()
    assert shipped["shipping_total"] == "0.00"


async def test_trash_and_force_delete(client: httpx.AsyncClient, sql: Sql) -> None:
    order = await new_order(client)
    await client.post(f"{ORDERS}/{order['id']}/notes", json={"note": "x"})
    trashed = await client.delete(f"{ORDERS}/{order['id']}")
    assert trashed.json()["status"] == "trash"
    assert (await client.get(f"{ORDERS}/{order['id']}")).json()["status"] == "trash"
    gone = await client.delete(f"{ORDERS}/{order['id']}", params={"force": "true"})
    assert gone.status_code == 200
    assert (await client.get(f"{ORDERS}/{order['id']}")).status_code == 404
    assert sql.value("SELECT COUNT(*) FROM order_notes WHERE order_id = ?", order["id"]) == 0


async def test_batch(client: httpx.AsyncClient, sql: Sql) -> None:
    keep = await new_order(client)
    doomed = await new_order(client)
    response = await client.post(
        f"{ORDERS}/batch",
        json={
            "create": [
                {"line_items": [{"product_id": 11, "quantity": 1}]},
                {"line_items": [{"product_id": 999999}]},
            ],
            "update": [
                {"id": keep["id"], "status": "on-hold"},
                {"id": 999999, "status": "failed"},
                {"id": keep["id"], "status": "bogus"},
            ],
            "delete": [doomed["id"], 999999],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["create", "update", "delete"]
    assert body["create"][0]["line_items"][0]["product_id"] == 11
    assert body["create"][1]["id"] == 0
    assert body["create"][1]["error"]["code"] == "woocommerce_rest_invalid_product_id"
    assert body["update"][0]["status"] == "on-hold"
    assert body["update"][1] == {
        "id": 999999,
        "error": {
            "code": "woocommerce_rest_shop_order_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 400},
        },
    }
    assert body["update"][2]["error"]["code"] == "rest_invalid_param"
    assert body["delete"][0]["id"] == doomed["id"]
    assert body["delete"][1]["error"]["data"]["status"] == 404
    # Batch delete is permanent, as in WooCommerce.
    assert sql.value("SELECT COUNT(*) FROM orders WHERE id = ?", doomed["id"]) == 0
    assert sql.value("SELECT status FROM orders WHERE id = ?", keep["id"]) == "on-hold"


async def test_batch_over_100_is_413_and_runs_nothing(client: httpx.AsyncClient, sql: Sql) -> None:
    before = sql.snapshot()
    response = await client.post(
        f"{ORDERS}/batch",
        json={"update": [{"id": 1000, "status": "completed"}] * 60, "delete": [1001] * 41},
    )
    assert response.status_code == 413
    assert response.json() == {
        "code": "woocommerce_rest_request_entity_too_large",
        "message": "Unable to accept more than 100 items for this request.",
        "data": {"status": 413},
    }
    assert sql.snapshot() == before
