"""A refund is never applied twice and never lost, whatever breaks between console and shop.

Faults are injected at the transport around the real reference shop (see
tests/refunds/fault_transport.py). Each test goes through the functions the refund and
returns screens use (`send_refund`, `check_refund`), so what is asserted is what staff are
told: "landed" only when exactly one refund exists, never "refused" when one does.

A shop that ignores `Idempotency-Key` (plain WooCommerce) is played by stripping the
header: then only the client's meta marker (`_orderdesk_refund_key`) prevents duplicates.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from client import OrderQuery, RefundRequest, WooCommerceClient
from client.model import meta_value
from client.woocommerce import REFUND_KEY_META
from screens.refund import check_refund, new_key, send_refund
from tests.client.shop_harness import Keys, Shop
from tests.refunds.fault_transport import FAULTS, FaultTransport, no_wait, on_post_refund


def faulty(
    shop: Shop, rule=None, *, plain: bool = False, key: tuple[str, str] | None = None, **kwargs
) -> tuple[WooCommerceClient, FaultTransport]:
    transport = FaultTransport(shop.transport_factory(), rule, plain=plain, **kwargs)
    consumer_key, secret = key or shop.keys.read_write
    client = WooCommerceClient(shop.url, consumer_key, secret, transport=transport, sleep=no_wait)
    shop.clients.append(client)
    return client, transport


async def paid_orders(client: WooCommerceClient, payment: str | None = None) -> list:
    page = await client.list_orders(OrderQuery(status=("completed", "processing")), per_page=100)
    return [
        o
        for o in page.orders
        if o.date_paid and o.net_total > 1 and (payment is None or o.payment_method == payment)
    ]


async def refunds_with(client: WooCommerceClient, order_id: int, key: str) -> list:
    return [
        r
        for r in await client.list_refunds(order_id)
        if meta_value(r.meta_data, REFUND_KEY_META) == key
    ]


REQUEST = RefundRequest(Decimal("1.00"), reason="Chipped on arrival")


# ---------------------------------------------------------------- one fault at a time


@pytest.mark.parametrize("plain", [False, True], ids=["idempotent-shop", "plain-woocommerce"])
@pytest.mark.parametrize(
    ("fault", "posts"),
    [
        ("drop", 1),  # committed, answer lost: found by its key, not sent again
        ("500-after", 1),  # committed, then a 500: found, not sent again
        ("timeout", 2),  # never reached the shop: not found, sent once more
        ("500-before", 2),  # a proxy's 500, the shop never saw it: sent once more
        ("connect", 2),
    ],
)
async def test_each_fault_ends_with_exactly_one_refund_and_the_truth(
    asgi_shop: Shop, fault: str, posts: int, plain: bool
) -> None:
    client, transport = faulty(asgi_shop, on_post_refund(fault), plain=plain)
    order = (await paid_orders(client))[0]
    key = new_key()
    outcome = await send_refund(client, order.id, REQUEST, key)
    assert outcome.verdict == "landed"
    found = await refunds_with(client, order.id, key)
    assert [r.id for r in found] == [outcome.refund.id]
    assert found[0].amount == Decimal("1.00")
    assert len(transport.posts()) == posts
    assert transport.seen[fault] == 1


async def test_restart_with_the_shop_down_longer_than_the_check_is_uncertain_then_landed(
    asgi_shop: Shop,
) -> None:
    """The shop stops after committing and stays down through every retry of the check:
    the screen says "not known", sends nothing, and says "landed" once the shop is back."""
    client, transport = faulty(asgi_shop, on_post_refund("restart"), down_for=1000)
    order = (await paid_orders(client))[0]
    key = new_key()
    outcome = await send_refund(client, order.id, REQUEST, key)
    assert outcome.verdict == "uncertain"
    assert "not known" in outcome.message
    still_down = await check_refund(client, order.id, key)
    assert still_down.verdict == "uncertain"
    transport._down = 0  # the shop is back
    settled = await check_refund(client, order.id, key)
    assert settled.verdict == "landed"
    assert len(await refunds_with(client, order.id, key)) == 1
    assert len(transport.posts()) == 1


async def test_timeout_then_lost_retry_is_uncertain_and_the_check_finds_the_single_refund(
    asgi_shop: Shop,
) -> None:
    """First try never arrives, the retry lands but its answer is lost too."""
    faults = iter(["timeout", "drop"])

    def rule(request: httpx.Request, _n: int):
        if request.method == "POST":
            return next(faults, None)
        return None

    client, transport = faulty(asgi_shop, rule, plain=True)
    order = (await paid_orders(client))[0]
    key = new_key()
    outcome = await send_refund(client, order.id, REQUEST, key)
    assert outcome.verdict == "uncertain"
    assert (await check_refund(client, order.id, key)).verdict == "landed"
    assert len(await refunds_with(client, order.id, key)) == 1
    assert len(transport.posts()) == 2


async def test_both_tries_lost_before_the_shop_is_not_landed_and_the_same_key_sends_it_once(
    asgi_shop: Shop,
) -> None:
    client, transport = faulty(asgi_shop, on_post_refund("timeout", times=2), plain=True)
    order = (await paid_orders(client))[0]
    key = new_key()
    outcome = await send_refund(client, order.id, REQUEST, key)
    assert outcome.verdict == "uncertain"
    checked = await check_refund(client, order.id, key)
    assert checked.verdict == "not_landed" and "nothing was refunded" in checked.message
    assert await refunds_with(client, order.id, key) == []
    again = await send_refund(client, order.id, REQUEST, key)
    assert again.verdict == "landed"
    assert len(await refunds_with(client, order.id, key)) == 1
    assert len(transport.posts()) == 3


async def test_a_refusal_of_a_retry_whose_first_try_landed_is_reported_as_landed(
    asgi_shop: Shop,
) -> None:
    """On a plain store, resending a landed refund of everything left is refused ("more
    than what is left"); the screen still says the truth: it landed, once."""
    client, _ = faulty(asgi_shop, plain=True)
    order = (await paid_orders(client))[0]
    everything = RefundRequest(order.net_total, reason="all")
    key = new_key()
    first = await send_refund(client, order.id, everything, key)
    assert first.verdict == "landed"
    again = await send_refund(client, order.id, everything, key)
    assert again.verdict == "landed" and again.refund.id == first.refund.id
    assert len(await refunds_with(client, order.id, key)) == 1


async def test_gateway_that_cannot_refund_is_refused_and_nothing_is_recorded(
    asgi_shop: Shop,
) -> None:
    client, _ = faulty(asgi_shop)
    order = (await paid_orders(client, payment="cod"))[0]
    before = len(await client.list_refunds(order.id))
    request = RefundRequest(Decimal("1.00"), api_refund=True)
    outcome = await send_refund(client, order.id, request, new_key())
    assert outcome.verdict == "refused"
    assert "does not support automatic refunds" in outcome.message
    assert len(await client.list_refunds(order.id)) == before


async def test_read_only_key_is_known_before_sending_and_refused_if_sent(asgi_shop: Shop) -> None:
    client, _ = faulty(asgi_shop, key=asgi_shop.keys.read)
    caps = await client.capabilities()
    assert caps.can_write is False
    order = (await paid_orders(client))[0]
    before = len(await client.list_refunds(order.id))
    outcome = await send_refund(client, order.id, REQUEST, new_key())
    assert outcome.verdict == "refused" and "write permissions" in outcome.message
    assert len(await client.list_refunds(order.id)) == before


# ---------------------------------------------------------------- a real restart


async def test_real_shop_restart_between_send_and_answer(db_path: Path, keys: Keys) -> None:
    """Over loopback HTTP: the shop commits, is stopped before it answers, and comes back
    on the same port and database. First it is still down when the console checks
    (uncertain, nothing resent); then it is back and the check finds the one refund."""
    from shop.server import start_in_thread

    running = {"shop": start_in_thread(db_path)}
    port = running["shop"].port

    async def stop() -> None:
        await asyncio.to_thread(running["shop"].stop)

    transport = FaultTransport(
        httpx.AsyncHTTPTransport(), on_post_refund("restart"), on_restart=stop
    )
    client = WooCommerceClient(
        running["shop"].url, *keys.read_write, transport=transport, sleep=no_wait
    )
    try:
        order = (await paid_orders(client))[0]
        key = new_key()
        outcome = await send_refund(client, order.id, REQUEST, key)
        assert outcome.verdict == "uncertain"
        running["shop"] = await asyncio.to_thread(start_in_thread, db_path, port=port)
        settled = await check_refund(client, order.id, key)
        assert settled.verdict == "landed"
        assert len(await refunds_with(client, order.id, key)) == 1
        assert len(transport.posts()) == 1
    finally:
        await client.aclose()
        running["shop"].stop()


async def test_real_shop_back_before_the_check_reports_landed_at_once(
    db_path: Path, keys: Keys
) -> None:
    from shop.server import start_in_thread

    running = {"shop": start_in_thread(db_path)}
    port = running["shop"].port

    async def restart() -> None:
        await asyncio.to_thread(running["shop"].stop)
        running["shop"] = await asyncio.to_thread(start_in_thread, db_path, port=port)

    transport = FaultTransport(
        httpx.AsyncHTTPTransport(), on_post_refund("restart"), plain=True, on_restart=restart
    )
    client = WooCommerceClient(
        running["shop"].url, *keys.read_write, transport=transport, sleep=no_wait
    )
    try:
        order = (await paid_orders(client))[0]
        key = new_key()
        outcome = await send_refund(client, order.id, REQUEST, key)
        assert outcome.verdict == "landed"
        assert len(await refunds_with(client, order.id, key)) == 1
        assert len(transport.posts()) == 1
    finally:
        await client.aclose()
        running["shop"].stop()


# ---------------------------------------------------------------- 200 attempts


async def test_200_refund_attempts_through_random_faults_0_duplicates_0_lost(
    asgi_shop: Shop,
) -> None:
    rng = random.Random(20261123)

    def rule(request: httpx.Request, _n: int):
        return rng.choice(FAULTS) if rng.random() < 0.3 else None

    idempotent, t1 = faulty(asgi_shop, rule, down_for=5)
    plain, t2 = faulty(asgi_shop, rule, plain=True, down_for=5)
    clean, _ = asgi_shop.client()
    orders = await paid_orders(clean)
    verdicts: dict[str, tuple[int, str, int | None]] = {}
    first_verdicts: Counter[str] = Counter()
    for attempt in range(200):
        client = plain if attempt % 2 else idempotent
        order = orders[attempt % len(orders)]
        request = RefundRequest(Decimal(rng.randint(1, 40)) / 100, reason=f"attempt {attempt}")
        key = new_key()
        outcome = await send_refund(client, order.id, request, key)
        first_verdicts[outcome.verdict] += 1
        for _ in range(100):  # what staff do on the screen: check, or resend the same request
            if outcome.verdict == "uncertain":
                outcome = await check_refund(client, order.id, key)
            elif outcome.verdict == "not_landed":
                outcome = await send_refund(client, order.id, request, key)
            else:
                break
        refund_id = outcome.refund.id if outcome.refund else None
        verdicts[key] = (order.id, outcome.verdict, refund_id)

    found: Counter[str] = Counter()
    ids: dict[str, int] = {}
    for order in orders:
        for refund in await clean.list_refunds(order.id):
            key = meta_value(refund.meta_data, REFUND_KEY_META)
            if key in verdicts:
                found[key] += 1
                ids[key] = refund.id
    duplicates = [key for key, count in found.items() if count > 1]
    lost = [
        key
        for key, (_, verdict, refund_id) in verdicts.items()
        if (verdict == "landed") != (found[key] == 1)
        or (verdict == "landed" and ids.get(key) != refund_id)
    ]
    assert len(duplicates) == 0, duplicates
    assert len(lost) == 0, lost
    assert {verdict for _, verdict, _ in verdicts.values()} == {"landed"}
    assert sum(found.values()) == 200
    seen = t1.seen + t2.seen
    assert set(FAULTS) <= set(seen), seen
    assert first_verdicts["uncertain"] > 0  # some answers were really lost for a while


# ---------------------------------------------------------------- what kind of shop


class LooksLikeWordPress(httpx.AsyncBaseTransport):
    """The reference shop behind the discovery answers of a real WordPress + WooCommerce
    (which cannot run here): its site index, and the refund route's arguments."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, api_restock: bool) -> None:
        self.inner = inner
        self.api_restock = api_restock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/":
            index = {
                "name": "Boutique",
                "description": "Just another WordPress site",
                "namespaces": ["oembed/1.0", "wc/store/v1", "wc/v3", "wp/v2"],
            }
            return httpx.Response(200, json=index, request=request)
        if request.method == "OPTIONS" and request.url.path.endswith("/refunds"):
            args = {"amount": {}, "reason": {}, "api_refund": {}, "line_items": {}}
            if self.api_restock:
                args["api_restock"] = {"type": "boolean", "default": True}
            body = {
                "namespace": "wc/v3",
                "methods": ["GET", "POST"],
                "endpoints": [
                    {"methods": ["GET"], "args": {}},
                    {"methods": ["POST"], "args": args},
                ],
            }
            return httpx.Response(200, json=body, request=request)
        return await self.inner.handle_async_request(request)


async def test_the_reference_shop_is_recognised_once_and_then_cached(asgi_shop: Shop) -> None:
    client, transport = faulty(asgi_shop)
    caps = await client.capabilities()
    assert (caps.kind, caps.restock_choice, caps.idempotency_keys, caps.can_write) == (
        "reference",
        True,
        True,
        True,
    )
    asked = len(transport.requests)
    assert await client.capabilities() == caps
    assert len(transport.requests) == asked  # cached per client


@pytest.mark.parametrize("api_restock", [False, True])
async def test_a_woocommerce_store_restocks_by_choice_only_if_its_refund_route_says_so(
    asgi_shop: Shop, api_restock: bool
) -> None:
    transport = LooksLikeWordPress(asgi_shop.transport_factory(), api_restock=api_restock)
    client = WooCommerceClient(
        asgi_shop.url, *asgi_shop.keys.read_write, transport=transport, sleep=no_wait
    )
    asgi_shop.clients.append(client)
    caps = await client.capabilities()
    assert caps.kind == "woocommerce" and caps.idempotency_keys is False
    assert caps.restock_choice is api_restock and caps.can_write is True


async def test_an_unreachable_shop_is_assumed_plain_and_asked_again_later(asgi_shop: Shop) -> None:
    down = [True]

    def rule(request: httpx.Request, _n: int):
        return "connect" if down[0] else None

    client, _ = faulty(asgi_shop, rule)
    caps = await client.capabilities()
    assert caps.restock_choice is False and caps.can_write is None  # the safe side
    down[0] = False
    assert (await client.capabilities()).kind == "reference"
