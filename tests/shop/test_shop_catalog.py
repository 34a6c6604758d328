"""Products, customers, coupons, reports and discovery."""

from __future__ import annotations

import httpx

from shop.statuses import add_status
from tests.shop.conftest import Sql, new_order

API = "/wp-json/wc/v3"


async def test_products_by_sku_search_and_stock_status(client: httpx.AsyncClient) -> None:
    one = await client.get(f"{API}/products", params={"sku": "MUG-BLU"})
    assert [p["sku"] for p in one.json()] == ["MUG-BLU"]
    assert one.headers["x-wp-total"] == "1"
    two = await client.get(f"{API}/products", params={"sku": "MUG-BLU,MUG-RED"})
    assert {p["sku"] for p in two.json()} == {"MUG-BLU", "MUG-RED"}
    assert (await client.get(f"{API}/products", params={"sku": "MUG"})).json() == []
    found = await client.get(f"{API}/products", params={"search": "crème brûlée"})
    assert found.json() and all("Crème Brûlée" in p["name"] for p in found.json())
    await client.put(f"{API}/products/10", json={"stock_quantity": 0})
    out = (
        await client.get(f"{API}/products", params={"stock_status": "outofstock", "per_page": 100})
    ).json()
    assert 10 in [p["id"] for p in out]
    assert all(p["stock_status"] == "outofstock" for p in out)


async def test_seeded_products_look_real(client: httpx.AsyncClient) -> None:
    products = (await client.get(f"{API}/products", params={"per_page": 100})).json()
    assert len(products) >= 60
    for product in products:
        gtin = product["global_unique_id"]
        if gtin:
            digits = [int(d) for d in gtin]
            assert len(digits) == 13
            assert sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
        if product["manage_stock"]:
            assert product["stock_quantity"] >= 0
            assert float(product["weight"]) > 0
    assert len({p["sku"] for p in products}) == len(products)


async def test_product_stock_update_and_delta(client: httpx.AsyncClient, sql: Sql) -> None:
    response = await client.put(f"{API}/products/12", json={"stock_quantity": 7})
    assert response.json()["stock_quantity"] == 7
    delta = await client.put(f"{API}/products/12", json={"inventory_delta": -3})
    assert delta.json()["stock_quantity"] == 4
    backorders = await client.put(
        f"{API}/products/12", json={"stock_quantity": 0, "backorders": "notify"}
    )
    assert backorders.json()["stock_status"] == "onbackorder"
    assert backorders.json()["backorders_allowed"] is True
    bad = await client.put(f"{API}/products/12", json={"stock_quantity": "lots"})
    assert bad.status_code == 400
    assert bad.json()["data"]["params"] == {
        "stock_quantity": "stock_quantity is not of type integer."
    }
    dup = await client.put(f"{API}/products/12", json={"sku": "MUG-BLU"})
    assert (dup.status_code, dup.json()["code"]) == (400, "product_invalid_sku")
    assert sql.stock(12) == 0


async def test_customers(client: httpx.AsyncClient) -> None:
    page = await client.get(f"{API}/customers", params={"per_page": 5})
    assert page.headers["x-wp-total"] == "1500"
    assert all(c["role"] == "customer" for c in page.json())
    everyone = await client.get(f"{API}/customers", params={"role": "all", "per_page": 1})
    assert int(everyone.headers["x-wp-total"]) > 1500
    first = page.json()[0]
    by_email = (await client.get(f"{API}/customers", params={"email": first["email"]})).json()
    assert [c["id"] for c in by_email] == [first["id"]]
    french = (
        await client.get(f"{API}/customers", params={"search": "lefèvre", "per_page": 100})
    ).json()
    assert french and all(c["last_name"] == "Lefèvre" for c in french)
    missing = await client.get(f"{API}/customers/999999")
    assert missing.status_code == 404


async def test_customers_are_english_and_french(client: httpx.AsyncClient) -> None:
    customers = (await client.get(f"{API}/customers", params={"per_page": 100})).json()
    countries = {c["billing"]["country"] for c in customers}
    assert {"FR", "GB"} <= countries
    names = " ".join(
        f"{c['first_name']} {c['last_name']} {c['billing']['city']}" for c in customers
    )
    assert any(ch in names for ch in "éèêëïôç")


async def test_coupons(client: httpx.AsyncClient) -> None:
    made = await client.post(
        f"{API}/coupons",
        json={
            "code": "SORRY-ELODIE",
            "amount": "10",
            "discount_type": "fixed_cart",
            "email_restrictions": ["elodie@example.fr"],
            "usage_limit": 1,
            "description": "Goodwill for order 1000",
        },
    )
    assert made.status_code == 201
    coupon = made.json()
    assert (coupon["code"], coupon["amount"], coupon["usage_limit"]) == ("sorry-elodie", "10.00", 1)
    assert coupon["email_restrictions"] == ["elodie@example.fr"]
    again = await client.post(f"{API}/coupons", json={"code": "sorry-elodie", "amount": "5"})
    assert (again.status_code, again.json()["code"]) == (
        400,
        "woocommerce_rest_coupon_code_already_exists",
    )
    bad_type = await client.post(f"{API}/coupons", json={"code": "x", "discount_type": "free"})
    assert bad_type.status_code == 400
    listed = (await client.get(f"{API}/coupons", params={"search": "sorry"})).json()
    assert [c["id"] for c in listed] == [coupon["id"]]
    assert (await client.get(f"{API}/coupons/{coupon['id']}")).json()["code"] == "sorry-elodie"


async def test_order_totals_report_and_custom_status(
    client: httpx.AsyncClient, db: object, sql: Sql
) -> None:
    report = (await client.get(f"{API}/reports/orders/totals")).json()
    assert [r["slug"] for r in report] == [
        "pending",
        "processing",
        "on-hold",
        "completed",
        "cancelled",
        "refunded",
        "failed",
    ]
    assert sum(r["total"] for r in report) == sql.value(
        "SELECT COUNT(*) FROM orders WHERE status != 'trash'"
    )
    assert report[0]["name"] == "Pending payment"
    add_status(db, "awaiting-pickup", "Awaiting pickup", holds_stock=True)
    order = await new_order(client)
    moved = await client.put(f"{API}/orders/{order['id']}", json={"status": "awaiting-pickup"})
    assert moved.status_code == 200
    notes = [n["note"] for n in (await client.get(f"{API}/orders/{order['id']}/notes")).json()]
    assert "Order status changed from Pending payment to Awaiting pickup." in notes
    assert any(n.startswith("Stock levels reduced") for n in notes)
    report = (await client.get(f"{API}/reports/orders/totals")).json()
    assert {"slug": "awaiting-pickup", "name": "Awaiting pickup", "total": 1} in report


async def test_discovery(client: httpx.AsyncClient) -> None:
    index = (await client.get("/wp-json/")).json()
    assert index["name"] == "orderdesk demo shop"
    assert index["timezone_string"] == "Europe/Paris"
    assert index["gmt_offset"] in (1, 2)
    assert "wc/v3" in index["namespaces"]
    routes = (await client.get("/wp-json/wc/v3")).json()["routes"]
    assert "/wc/v3/orders/{id}" in routes
    options = await client.options(f"{API}/orders")
    assert options.status_code == 200
    assert options.headers["allow"] == "GET, POST"
