"""Stock follows the order as in WooCommerce: reduced once, given back, taken again."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shop.server import RunningShop
from tests.shop.conftest import RW, Sql, new_order

MUG = 10  # Blue Enamel Mug, MUG-BLU, managed stock


async def set_stock(client: httpx.AsyncClient, product_id: int, quantity: int) -> None:
    response = await client.put(
        f"/wp-json/wc/v3/products/{product_id}",
        json={"manage_stock": True, "stock_quantity": quantity},
    )
    assert response.status_code == 200, response.text


async def notes(client: httpx.AsyncClient, order_id: int) -> list[str]:
    response = await client.get(f"/wp-json/wc/v3/orders/{order_id}/notes")
    return [n["note"] for n in response.json()]


async def put(client: httpx.AsyncClient, order_id: int, **body: object) -> dict:
    response = await client.put(f"/wp-json/wc/v3/orders/{order_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_pending_order_holds_no_stock(client: httpx.AsyncClient, sql: Sql) -> None:
    await set_stock(client, MUG, 20)
    await new_order(client, status="pending")
    assert sql.stock(MUG) == 20


async def test_processing_reduces_once_and_notes_it(client: httpx.AsyncClient, sql: Sql) -> None:
    await set_stock(client, MUG, 20)
    order = await new_order(client)
    done = await put(client, order["id"], status="processing")
    assert sql.stock(MUG) == 18
    line = done["line_items"][0]
    assert {"key": "_reduced_stock", "value": "2"}.items() <= line["meta_data"][0].items()
    # Moving between holding statuses does not take stock again.
    await put(client, order["id"], status="on-hold")
    await put(client, order["id"], status="completed")
    assert sql.stock(MUG) == 18
    texts = await notes(client, order["id"])
    assert "Stock levels reduced: Blue Enamel Mug (MUG-BLU) 20&rarr;18" in texts
    assert sum(t.startswith("Stock levels reduced") for t in texts) == 1


async def test_cancel_gives_back_and_reopen_takes_again(
    client: httpx.AsyncClient, sql: Sql
) -> None:
    await set_stock(client, MUG, 20)
    order = await new_order(client, status="processing")
    assert sql.stock(MUG) == 18
    cancelled = await put(client, order["id"], status="cancelled")
    assert sql.stock(MUG) == 20
    assert cancelled["line_items"][0]["meta_data"] == []
    assert "Stock levels increased: Blue Enamel Mug (MUG-BLU) 18&rarr;20" in await notes(
        client, order["id"]
    )
    await put(client, order["id"], status="processing")
    assert sql.stock(MUG) == 18


async def test_back_to_pending_gives_stock_back(client: httpx.AsyncClient, sql: Sql) -> None:
    await set_stock(client, MUG, 5)
    order = await new_order(client, status="on-hold")
    assert sql.stock(MUG) == 3
    await put(client, order["id"], status="pending")
    assert sql.stock(MUG) == 5


@pytest.mark.parametrize("force", [False, True])
async def test_delete_gives_back_held_stock(
    client: httpx.AsyncClient, sql: Sql, force: bool
) -> None:
    await set_stock(client, MUG, 20)
    order = await new_order(client, status="completed")
    assert sql.stock(MUG) == 18
    response = await client.delete(
        f"/wp-json/wc/v3/orders/{order['id']}", params={"force": str(force).lower()}
    )
    assert response.status_code == 200
    assert sql.stock(MUG) == 20
    if force:
        assert sql.value("SELECT COUNT(*) FROM orders WHERE id = ?", order["id"]) == 0
    else:
        assert response.json()["status"] == "trash"


async def test_stock_status_follows_quantity(client: httpx.AsyncClient) -> None:
    await set_stock(client, MUG, 2)
    await new_order(client, status="processing")
    product = (await client.get(f"/wp-json/wc/v3/products/{MUG}")).json()
    assert (product["stock_quantity"], product["stock_status"]) == (0, "outofstock")
    await set_stock(client, MUG, 1)
    product = (await client.get(f"/wp-json/wc/v3/products/{MUG}")).json()
    assert product["stock_status"] == "instock"


async def test_line_edits_on_held_order_adjust_stock(client: httpx.AsyncClient, sql: Sql) -> None:
    await set_stock(client, MUG, 20)
    await set_stock(client, 11, 10)
    order = await new_order(client, status="processing")
    line_id = order["line_items"][0]["id"]
    await put(client, order["id"], line_items=[{"id": line_id, "quantity": 5}])
    assert sql.stock(MUG) == 15
    updated = await put(client, order["id"], line_items=[{"sku": "MUG-RED", "quantity": 3}])
    assert sql.stock(11) == 7
    assert updated["total"] != order["total"]
    await put(client, order["id"], line_items=[{"id": line_id, "quantity": 0}])
    assert sql.stock(MUG) == 20
    texts = await notes(client, order["id"])
    assert "Adjusted stock: Blue Enamel Mug (MUG-BLU) 18&rarr;15" in texts


async def test_line_edit_on_pending_order_leaves_stock(client: httpx.AsyncClient, sql: Sql) -> None:
    await set_stock(client, MUG, 20)
    order = await new_order(client)
    await put(client, order["id"], line_items=[{"id": order["line_items"][0]["id"], "quantity": 4}])
    assert sql.stock(MUG) == 20


async def test_refund_with_restock_gives_back_refunded_quantity(
    client: httpx.AsyncClient, sql: Sql
) -> None:
    await set_stock(client, MUG, 20)
    order = await new_order(client, status="completed", items=[{"product_id": MUG, "quantity": 3}])
    line = order["line_items"][0]
    response = await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/refunds",
        json={
            "api_refund": False,
            "line_items": [{"id": line["id"], "quantity": 1, "refund_total": "12.50"}],
        },
    )
    assert response.status_code == 201, response.text
    assert sql.stock(MUG) == 18
    after = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}")).json()
    meta = {m["key"]: m["value"] for m in after["line_items"][0]["meta_data"]}
    assert meta == {"_reduced_stock": "2", "_restock_refunded_items": "1"}
    assert f"Item #{MUG} stock increased from 17 to 18." in await notes(client, order["id"])
    # Cancelling afterwards gives back only what is still held.
    await put(client, order["id"], status="cancelled")
    assert sql.stock(MUG) == 20


async def test_refund_without_restock_keeps_stock(client: httpx.AsyncClient, sql: Sql) -> None:
    await set_stock(client, MUG, 20)
    order = await new_order(client, status="completed")
    line = order["line_items"][0]
    response = await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/refunds",
        json={
            "api_refund": False,
            "api_restock": False,
            "line_items": [{"id": line["id"], "quantity": 1, "refund_total": "12.50"}],
        },
    )
    assert response.status_code == 201
    assert response.json()["line_items"][0]["quantity"] == -1
    assert sql.stock(MUG) == 18


async def test_concurrent_writers_serialise(live_shop: RunningShop, sql: Sql) -> None:
    """Twenty clients take stock at once over real HTTP: no lost update, no lock error."""
    async with httpx.AsyncClient(base_url=live_shop.url, auth=RW, timeout=30) as http:
        await set_stock(http, 11, 100)
        answers = await asyncio.gather(
            *[
                http.post(
                    "/wp-json/wc/v3/orders",
                    json={
                        "status": "processing",
                        "line_items": [{"product_id": 11, "quantity": 1}],
                    },
                )
                for _ in range(20)
            ]
        )
        assert [a.status_code for a in answers] == [201] * 20
        reads = await asyncio.gather(*[http.get("/wp-json/wc/v3/orders/1000") for _ in range(10)])
        assert {r.status_code for r in reads} == {200}
    assert sql.stock(11) == 80
    ids = ",".join(str(a.json()["id"]) for a in answers)
    moves = sql.rows(
        f"SELECT note FROM order_notes WHERE order_id IN ({ids}) "
        "AND note LIKE 'Stock levels reduced%'"
    )
    assert sorted(m[0].rsplit(" ", 1)[1] for m in moves) == sorted(
        f"{n}&rarr;{n - 1}" for n in range(81, 101)
    )
