"""Client calls behind editing and reports: store-wide refunds by date, order edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from client import WooCommerceClient
from client.protocol import OrderQuery
from tests.client.shop_harness import Shop


async def _refunded_orders(client: WooCommerceClient) -> dict[int, list]:
    found = {}
    async for page in client.iter_orders(OrderQuery(fields=("id", "refunds"))):
        for order in page:
            if order.refunds:
                found[order.id] = await client.list_refunds(order.id)
    return found


async def test_all_refunds_of_the_store_and_by_date(shop: Shop) -> None:
    client, transport = shop.client()
    per_order = await _refunded_orders(client)
    expected = {r.id: r for refunds in per_order.values() for r in refunds}
    assert len(expected) >= 2
    everything = await client.list_all_refunds()
    assert {r.id for r in everything} == set(expected)
    assert {r.id: r.amount for r in everything} == {i: r.amount for i, r in expected.items()}

    dates = sorted({r.date_created for r in everything})
    cut = dates[len(dates) // 2] - timedelta(seconds=1)
    transport.clear()
    newer = await client.list_all_refunds(after=cut)
    older = await client.list_all_refunds(before=cut)
    assert {r.id for r in newer} == {r.id for r in everything if r.date_created > cut}
    assert {r.id for r in older} == {r.id for r in everything if r.date_created < cut}
    sent = transport.requests("GET", "/refunds")[0].url.params
    assert sent["after"] == cut.strftime("%Y-%m-%dT%H:%M:%S")
    assert sent["dates_are_gmt"] == "true"


async def test_all_refunds_are_filtered_even_when_the_store_ignores_dates() -> None:
    """An older store answers every refund whatever `after` says: the client still keeps only
    the range, and stops paging once the newest-first list reaches back past `after`."""

    def refund(refund_id: int, day: int) -> dict:
        return {
            "id": refund_id,
            "parent_id": 1,
            "amount": "5.00",
            "date_created_gmt": f"2026-03-{day:02d}T10:00:00",
        }

    full_page = [refund(1000 - i, 28) for i in range(100)]  # all on the 28th
    second_page = [refund(500, 20), refund(499, 10)]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        page = int(request.url.params.get("page", "1"))
        body = full_page if page == 1 else second_page
        return httpx.Response(200, json=body, headers={"X-WP-TotalPages": "5"})

    client = WooCommerceClient(
        "https://shop.example", "ck_x", "cs_x", transport=httpx.MockTransport(handler)
    )
    try:
        after = datetime(2026, 3, 15, tzinfo=UTC)
        found = await client.list_all_refunds(after=after)
    finally:
        await client.aclose()
    assert [r.id for r in found] == [r["id"] for r in full_page] + [500]
    assert len(seen) == 2  # page 2 reached back past the 15th: pages 3–5 never asked


async def test_editing_an_order_moves_stock_and_recomputes_totals(shop: Shop) -> None:
    """What the edit screen relies on: line quantity, removal and a new line in one PUT."""
    client, _ = shop.client()
    products = await client.list_products(per_page=100)
    managed = [p for p in products if p.manage_stock and (p.stock_quantity or 0) > 10]
    first, second = managed[0], managed[1]
    order = await client.create_order(
        {
            "status": "on-hold",
            "line_items": [
                {"product_id": first.id, "quantity": 1},
                {"product_id": second.id, "quantity": 1},
            ],
        }
    )
    # (products were read before the order: on hold took one of each since)
    stock_before = {p.id: p.stock_quantity for p in (first, second)}
    line_first, line_second = order.line_items
    third = managed[2]
    third_stock = third.stock_quantity
    edited = await client.update_order(
        order.id,
        {
            "line_items": [
                {"id": line_first.id, "quantity": 3},
                {"id": line_second.id, "quantity": 0},
                {"product_id": third.id, "quantity": 2},
            ]
        },
        if_match=order.etag,
    )
    assert [(line.product_id, line.quantity) for line in edited.line_items] == [
        (first.id, 3),
        (third.id, 2),
    ]
    lines_total = sum((line.total_with_tax for line in edited.line_items), Decimal(0))
    assert edited.total == lines_total + edited.shipping_total + edited.shipping_tax
    assert edited.total != order.total
    changed = await client.list_products(include=[first.id, second.id, third.id])
    after = {p.id: p.stock_quantity for p in changed}
    assert after[first.id] == stock_before[first.id] - 1 - 2
    assert after[second.id] == stock_before[second.id] - 1 + 1
    assert after[third.id] == third_stock - 2
