"""Faults the real shop cannot produce on demand, injected around it: rate limits, a
restarting proxy, dropped connections — and lost answers to writes that did land."""

from __future__ import annotations

from decimal import Decimal

import httpx

from client import OrderQuery, RefundRequest, WooCommerceClient
from tests.client.shop_harness import Shop


async def _refundable(client: WooCommerceClient) -> int:
    page = await client.list_orders(OrderQuery(status=("completed", "processing")), per_page=1)
    return page.orders[0].id


def _waits(shop: Shop, rule) -> tuple[WooCommerceClient, list[float], object]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    client, transport = shop.client(rule=rule, sleep=sleep)
    return client, waits, transport


async def test_429_retry_after_is_honoured(asgi_shop: Shop) -> None:
    def rule(request: httpx.Request, n: int):
        return httpx.Response(429, headers={"Retry-After": "2"}) if n == 0 else None

    client, waits, transport = _waits(asgi_shop, rule)
    page = await client.list_orders(per_page=5)
    assert len(page.orders) == 5 and waits == [2.0]
    assert len(transport.exchanges) == 2


async def test_503_then_success_for_a_read(asgi_shop: Shop) -> None:
    def rule(request: httpx.Request, n: int):
        return httpx.Response(503, text="upstream restarting") if n < 2 else None

    client, waits, _ = _waits(asgi_shop, rule)
    order_id = await _refundable(client)
    assert (await client.get_order(order_id)).id == order_id
    assert len(waits) == 2


async def test_connection_error_on_put_is_retried(asgi_shop: Shop) -> None:
    reader, _ = asgi_shop.client()
    order = (await reader.list_orders(OrderQuery(status=("processing",)), per_page=1)).orders[0]

    def rule(request: httpx.Request, n: int):
        if request.method == "PUT" and not rule.failed:  # type: ignore[attr-defined]
            rule.failed = True  # type: ignore[attr-defined]
            return httpx.ConnectError("[Errno 104] Connection reset by peer")
        return None

    rule.failed = False  # type: ignore[attr-defined]
    client, waits, transport = _waits(asgi_shop, rule)
    updated = await client.set_status(order.id, "completed")
    assert updated.status == "completed" and len(waits) == 1
    assert len(transport.requests("PUT")) == 2
    assert (await reader.get_order(order.id)).status == "completed"


async def test_refund_answer_lost_after_commit_makes_no_duplicate(asgi_shop: Shop) -> None:
    def rule(request: httpx.Request, n: int):
        if request.method == "POST" and request.url.path.endswith("/refunds"):
            return "drop"
        return None

    client, _, transport = _waits(asgi_shop, rule)
    order_id = await _refundable(client)
    refund = await client.create_refund(order_id, RefundRequest(Decimal("2.00"), reason="x"))
    refunds = await client.list_refunds(order_id)
    assert [r.id for r in refunds] == [refund.id]  # exactly one refund exists
    assert len(transport.requests("POST")) == 1  # found, not sent again


async def test_refund_lost_on_a_store_ignoring_idempotency_keys(asgi_shop: Shop) -> None:
    """Plain WooCommerce ignores Idempotency-Key: the meta marker still finds the refund."""

    def rule(request: httpx.Request, n: int):
        if "idempotency-key" in request.headers:
            del request.headers["idempotency-key"]
            return "drop"
        return None

    client, _, transport = _waits(asgi_shop, rule)
    order_id = await _refundable(client)
    refund = await client.create_refund(order_id, RefundRequest(Decimal("3.00")))
    assert [r.id for r in await client.list_refunds(order_id)] == [refund.id]
    assert len(transport.requests("POST")) == 1


async def test_refund_timing_out_before_the_shop_saw_it_is_sent_once_more(
    asgi_shop: Shop,
) -> None:
    def rule(request: httpx.Request, n: int):
        if request.method == "POST" and not rule.failed:  # type: ignore[attr-defined]
            rule.failed = True  # type: ignore[attr-defined]
            return httpx.ConnectTimeout("timed out")
        return None

    rule.failed = False  # type: ignore[attr-defined]
    client, _, transport = _waits(asgi_shop, rule)
    order_id = await _refundable(client)
    refund = await client.create_refund(order_id, RefundRequest(Decimal("2.50")))
    assert [r.id for r in await client.list_refunds(order_id)] == [refund.id]
    posts = transport.requests("POST")
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]


async def test_customer_note_answer_lost_sends_one_email(asgi_shop: Shop) -> None:
    from shop.outbox import read_outbox

    def rule(request: httpx.Request, n: int):
        if request.method == "POST" and request.url.path.endswith("/notes"):
            return "drop"
        return None

    client, _, transport = _waits(asgi_shop, rule)
    order_id = await _refundable(client)
    before = len(read_outbox(asgi_shop.db_path, order_id))
    note = await client.add_note(order_id, "Your parcel is on its way.", customer_note=True)
    notes = [n for n in await client.list_notes(order_id) if n.note == note.note]
    assert [n.id for n in notes] == [note.id]
    assert len(read_outbox(asgi_shop.db_path, order_id)) == before + 1
    assert len(transport.requests("POST")) == 1


async def test_coupon_answer_lost_finds_the_coupon(asgi_shop: Shop) -> None:
    def rule(request: httpx.Request, n: int):
        if request.method == "POST" and request.url.path.endswith("/coupons"):
            return "drop"
        return None

    client, _, transport = _waits(asgi_shop, rule)
    coupon = await client.create_coupon({"code": "welcome5", "amount": "5"})
    assert coupon.code == "welcome5"
    assert [c.code for c in await client.list_coupons(search="welcome5")] == ["welcome5"]
    assert len(transport.requests("POST")) == 1


async def test_put_with_if_match_whose_answer_was_lost(asgi_shop: Shop) -> None:
    """The PUT landed, its answer was lost; the retry's If-Match is stale by our own write."""

    def rule(request: httpx.Request, n: int):
        if request.method == "PUT" and not rule.dropped:  # type: ignore[attr-defined]
            rule.dropped = True  # type: ignore[attr-defined]
            return "drop"
        return None

    rule.dropped = False  # type: ignore[attr-defined]
    client, _, transport = _waits(asgi_shop, rule)
    order = (await client.list_orders(OrderQuery(status=("processing",)), per_page=1)).orders[0]
    loaded = await client.get_order(order.id)
    updated = await client.set_status(order.id, "completed", if_match=loaded.etag)
    assert updated.status == "completed"
    assert len(transport.requests("PUT")) == 2
