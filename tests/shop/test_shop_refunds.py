"""Refunds: bounds per line and in total, full refund → refunded, gateways, deletion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from shop.outbox import read_outbox
from tests.shop.conftest import Sql, new_order

MUG = 10


async def refund(client: httpx.AsyncClient, order_id: int, **body: Any) -> httpx.Response:
    body.setdefault("api_refund", False)
    return await client.post(f"/wp-json/wc/v3/orders/{order_id}/refunds", json=body)


@pytest.fixture
async def order(client: httpx.AsyncClient) -> dict[str, Any]:
    """Completed: 2 × Blue Enamel Mug (12.50 + 20 % tax) and Colissimo 6.90 (+ tax)."""
    return await new_order(client, status="completed", items=[{"product_id": MUG, "quantity": 2}])


async def test_order_totals_carry_tax(order: dict[str, Any]) -> None:
    assert order["line_items"][0]["total"] == "25.00"
    assert order["line_items"][0]["total_tax"] == "5.00"
    assert order["shipping_lines"][0]["total_tax"] == "1.38"
    assert order["total"] == "38.28"
    assert order["tax_lines"][0]["tax_total"] == "5.00"


async def test_partial_refund_shapes_and_keeps_status(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql, db: Any
) -> None:
    line = order["line_items"][0]
    response = await refund(
        client,
        order["id"],
        amount="15.00",
        reason="Mug arrived broken",
        line_items=[
            {
                "id": line["id"],
                "quantity": 1,
                "refund_total": 12.5,
                "refund_tax": [{"id": 1, "refund_total": 2.5}],
            }
        ],
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["amount"] == "15.00"
    refund_line = made["line_items"][0]
    assert (refund_line["quantity"], refund_line["total"], refund_line["total_tax"]) == (
        -1,
        "-12.50",
        "-2.50",
    )
    assert refund_line["meta_data"][0]["key"] == "_refunded_item_id"
    assert refund_line["meta_data"][0]["value"] == str(line["id"])
    assert response.headers["location"].endswith(f"/orders/{order['id']}/refunds/{made['id']}")
    after = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}")).json()
    assert after["status"] == "completed"
    assert after["total"] == order["total"]
    assert after["refunds"] == [
        {"id": made["id"], "reason": "Mug arrived broken", "total": "-15.00"}
    ]
    assert after["date_modified_gmt"] >= order["date_modified_gmt"]
    kinds = [e["kind"] for e in read_outbox(db, order["id"])]
    assert kinds[-1] == "customer_partially_refunded_order"


async def test_full_refund_sets_refunded_with_note_and_email(
    client: httpx.AsyncClient, order: dict[str, Any], db: Any
) -> None:
    response = await refund(client, order["id"], amount=order["total"], reason="All broken")
    assert response.status_code == 201
    after = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}")).json()
    assert after["status"] == "refunded"
    notes = [
        n["note"] for n in (await client.get(f"/wp-json/wc/v3/orders/{order['id']}/notes")).json()
    ]
    assert "Order status changed from Completed to Refunded." in notes
    emails = read_outbox(db, order["id"])
    assert emails[-1]["kind"] == "customer_refunded_order"
    assert emails[-1]["subject"] == (
        f"Your orderdesk demo shop order #{order['number']} has been refunded"
    )


async def test_two_partials_reaching_total_make_it_refunded(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    total = Decimal(order["total"])
    assert (await refund(client, order["id"], amount="10.00")).status_code == 201
    assert (await refund(client, order["id"], amount=str(total - 10))).status_code == 201
    after = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}")).json()
    assert after["status"] == "refunded"
    assert len(after["refunds"]) == 2


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"amount": "99999.00"}, "left to refund"),
        ({"amount": "0"}, "greater than zero"),
        ({"line_items": [{"id": "LINE", "quantity": 3, "refund_total": "1.00"}]}, "only 2"),
        (
            {"line_items": [{"id": "LINE", "quantity": 1, "refund_total": "25.01"}]},
            "of that line is left",
        ),
        (
            {
                "line_items": [
                    {
                        "id": "LINE",
                        "quantity": 0,
                        "refund_total": "1.00",
                        "refund_tax": [{"id": 1, "refund_total": "5.01"}],
                    }
                ]
            },
            "tax",
        ),
        ({"line_items": [{"id": "SHIP", "refund_total": "6.91"}]}, "Colissimo"),
        ({"line_items": [{"id": 999999, "refund_total": "1.00"}]}, "not part of order"),
    ],
)
async def test_bounds_are_400_and_write_nothing(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql, body: dict[str, Any], needle: str
) -> None:
    ids = {"LINE": order["line_items"][0]["id"], "SHIP": order["shipping_lines"][0]["id"]}
    for line in body.get("line_items", []):
        line["id"] = ids.get(line["id"], line["id"])
    before = sql.snapshot()
    response = await refund(client, order["id"], **body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["code"] == "woocommerce_rest_invalid_order_refund"
    assert error["data"]["status"] == 400
    assert needle in error["message"]
    assert sql.snapshot() == before


async def test_bounds_count_earlier_refunds(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    line = order["line_items"][0]
    first = await refund(
        client, order["id"], line_items=[{"id": line["id"], "quantity": 2, "refund_total": "20.00"}]
    )
    assert first.status_code == 201
    assert first.json()["amount"] == "20.00"  # computed from the lines
    again = await refund(
        client, order["id"], line_items=[{"id": line["id"], "quantity": 1, "refund_total": "1.00"}]
    )
    assert again.status_code == 400
    assert "only 0 of 2" in again.json()["message"]
    rest = await refund(
        client, order["id"], line_items=[{"id": line["id"], "refund_total": "5.01"}]
    )
    assert rest.status_code == 400


async def test_shipping_refund_within_bounds(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    ship = order["shipping_lines"][0]
    response = await refund(
        client,
        order["id"],
        line_items=[
            {
                "id": ship["id"],
                "refund_total": "6.90",
                "refund_tax": [{"id": 1, "refund_total": "1.38"}],
            }
        ],
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["amount"] == "8.28"
    assert made["shipping_lines"][0]["total"] == "-6.90"
    assert made["tax_lines"][0]["shipping_tax_total"] == "-1.38"


async def test_gateway_refund_needs_a_refunding_gateway(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql
) -> None:
    before = sql.snapshot()
    response = await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/refunds", json={"amount": "5.00"}
    )  # api_refund defaults to true
    assert response.status_code == 500
    assert response.json() == {
        "code": "woocommerce_rest_cannot_create_order_refund",
        "message": "The payment gateway for this order does not support automatic refunds.",
        "data": 500,
    }
    assert sql.snapshot() == before


async def test_stripe_refunds_through_the_gateway(client: httpx.AsyncClient) -> None:
    order = await new_order(client, status="processing", payment_method="stripe")
    response = await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/refunds", json={"amount": "5.00"}
    )
    assert response.status_code == 201
    assert response.json()["refunded_payment"] is True


async def test_refund_meta_is_kept(client: httpx.AsyncClient, order: dict[str, Any]) -> None:
    response = await refund(
        client,
        order["id"],
        amount="1.00",
        meta_data=[{"key": "_orderdesk_request", "value": "abc"}],
    )
    listed = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}/refunds")).json()
    assert listed[0]["id"] == response.json()["id"]
    assert [(m["key"], m["value"]) for m in listed[0]["meta_data"]] == [
        ("_orderdesk_request", "abc")
    ]


async def test_refund_lists_get_and_delete(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    made = (await refund(client, order["id"], amount="3.00")).json()
    one = await client.get(f"/wp-json/wc/v3/orders/{order['id']}/refunds/{made['id']}")
    assert one.json()["amount"] == "3.00"
    listed = await client.get(f"/wp-json/wc/v3/orders/{order['id']}/refunds")
    assert listed.headers["x-wp-total"] == "1"
    store_wide = await client.get("/wp-json/wc/v3/refunds", params={"per_page": 100})
    assert {"id": made["id"], "parent_id": order["id"]}.items() <= store_wide.json()[0].items()
    refused = await client.delete(f"/wp-json/wc/v3/orders/{order['id']}/refunds/{made['id']}")
    assert refused.status_code == 501
    gone = await client.delete(
        f"/wp-json/wc/v3/orders/{order['id']}/refunds/{made['id']}", params={"force": "true"}
    )
    assert gone.status_code == 200
    after = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}")).json()
    assert after["refunds"] == []
    missing = await client.get(f"/wp-json/wc/v3/orders/{order['id']}/refunds/{made['id']}")
    assert missing.status_code == 404


async def test_refund_on_unknown_order_answers_like_woocommerce(client: httpx.AsyncClient) -> None:
    response = await refund(client, 999999, amount="1.00")
    assert response.status_code == 500
    assert response.json() == {
        "code": "woocommerce_rest_invalid_order_id",
        "message": "Invalid order ID.",
        "data": 404,
    }


async def test_setting_refunded_by_hand_refunds_the_rest(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    await refund(client, order["id"], amount="5.00")
    response = await client.put(f"/wp-json/wc/v3/orders/{order['id']}", json={"status": "refunded"})
    after = response.json()
    assert after["status"] == "refunded"
    total_refunded = sum(-Decimal(r["total"]) for r in after["refunds"])
    assert total_refunded == Decimal(order["total"])
