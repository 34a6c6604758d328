"""Our two documented extensions: Idempotency-Key and ETag/If-Match."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shop.server import RunningShop
from tests.shop.conftest import RW, WRITE, Sql, make_client, new_order

ORDERS = "/wp-json/wc/v3/orders"


@pytest.fixture
async def order(client: httpx.AsyncClient) -> dict[str, Any]:
    return await new_order(client, status="completed")


async def test_note_replay_returns_first_answer_and_writes_once(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql
) -> None:
    url = f"{ORDERS}/{order['id']}/notes"
    headers = {"Idempotency-Key": "note-1"}
    body = {"note": "Shipped today", "customer_note": True}
    first = await client.post(url, json=body, headers=headers)
    second = await client.post(url, json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["location"] == first.headers["location"]
    assert sql.value("SELECT COUNT(*) FROM order_notes WHERE note = 'Shipped today'") == 1
    assert (
        sql.value(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'customer_note' AND order_id = ?", order["id"]
        )
        == 1
    )


async def test_refund_replay_writes_one_refund(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql
) -> None:
    url = f"{ORDERS}/{order['id']}/refunds"
    body = {
        "amount": "5.00",
        "api_refund": False,
        "meta_data": [{"key": "_orderdesk_idempotency", "value": "r-1"}],
    }
    answers = [
        await client.post(url, json=body, headers={"Idempotency-Key": "r-1"}) for _ in range(3)
    ]
    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert sql.value("SELECT COUNT(*) FROM refunds WHERE order_id = ?", order["id"]) == 1


async def test_same_key_other_body_is_422(
    client: httpx.AsyncClient, order: dict[str, Any], sql: Sql
) -> None:
    url = f"{ORDERS}/{order['id']}/notes"
    await client.post(url, json={"note": "one"}, headers={"Idempotency-Key": "k"})
    before = sql.snapshot()
    clash = await client.post(url, json={"note": "two"}, headers={"Idempotency-Key": "k"})
    assert clash.status_code == 422
    assert clash.json()["code"] == "orderdesk_idempotency_mismatch"
    assert clash.json()["data"] == {"status": 422}
    assert sql.snapshot() == before


async def test_keys_are_scoped_per_api_key_and_path(
    app: Any, order: dict[str, Any], sql: Sql
) -> None:
    url = f"{ORDERS}/{order['id']}/notes"
    async with make_client(app, RW) as one, make_client(app, WRITE) as other:
        await one.post(url, json={"note": "scoped"}, headers={"Idempotency-Key": "same"})
        await other.post(url, json={"note": "scoped"}, headers={"Idempotency-Key": "same"})
        await one.post(
            f"{ORDERS}/1000/notes", json={"note": "scoped"}, headers={"Idempotency-Key": "same"}
        )
    assert sql.value("SELECT COUNT(*) FROM order_notes WHERE note = 'scoped'") == 3


async def test_failed_request_is_not_stored(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    url = f"{ORDERS}/{order['id']}/refunds"
    too_much = await client.post(
        url, json={"amount": "9999", "api_refund": False}, headers={"Idempotency-Key": "retry-me"}
    )
    assert too_much.status_code == 400
    again = await client.post(
        url, json={"amount": "9999", "api_refund": False}, headers={"Idempotency-Key": "retry-me"}
    )
    assert again.status_code == 400
    assert "idempotent-replayed" not in again.headers


async def test_put_replay_does_not_change_the_order_again(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    url = f"{ORDERS}/{order['id']}"
    first = await client.put(url, json={"status": "processing"}, headers={"Idempotency-Key": "p"})
    second = await client.put(url, json={"status": "processing"}, headers={"Idempotency-Key": "p"})
    assert second.json() == first.json()
    assert (await client.get(url)).headers["etag"] == first.headers["etag"]


async def test_concurrent_replays_write_once(live_shop: RunningShop, sql: Sql) -> None:
    async with httpx.AsyncClient(base_url=live_shop.url, auth=RW) as http:
        url = f"{ORDERS}/1000/notes"
        answers = await asyncio.gather(
            *[
                http.post(url, json={"note": "racing"}, headers={"Idempotency-Key": "race"})
                for _ in range(8)
            ]
        )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert sql.value("SELECT COUNT(*) FROM order_notes WHERE note = 'racing'") == 1


async def test_etag_changes_with_every_change(
    client: httpx.AsyncClient, order: dict[str, Any]
) -> None:
    url = f"{ORDERS}/{order['id']}"
    tags = [(await client.get(url)).headers["etag"]]
    tags.append((await client.put(url, json={"customer_note": "a"})).headers["etag"])
    await client.post(f"{url}/refunds", json={"amount": "1.00", "api_refund": False})
    tags.append((await client.get(url)).headers["etag"])
    assert len(set(tags)) == 3
    await client.post(f"{url}/notes", json={"note": "notes do not change the order"})
    assert (await client.get(url)).headers["etag"] == tags[-1]


async def test_if_match(client: httpx.AsyncClient, order: dict[str, Any], sql: Sql) -> None:
    url = f"{ORDERS}/{order['id']}"
    stale = (await client.get(url)).headers["etag"]
    fresh = await client.put(url, json={"customer_note": "first"}, headers={"If-Match": stale})
    assert fresh.status_code == 200
    before = sql.snapshot()
    conflict = await client.put(url, json={"status": "cancelled"}, headers={"If-Match": stale})
    assert conflict.status_code == 412
    body = conflict.json()
    assert body["code"] == "orderdesk_precondition_failed"
    assert body["data"]["status"] == 412
    assert body["data"]["etag"] == fresh.headers["etag"]
    deleting = await client.delete(url, headers={"If-Match": stale})
    assert deleting.status_code == 412
    assert sql.snapshot() == before
    assert (
        await client.put(url, json={"customer_note": "b"}, headers={"If-Match": "*"})
    ).status_code == 200
