"""The live feed against the reference shop: changes within one tick, deletions through
reconciliation, cheap idle ticks, outages and stores without `modified_after`."""

from __future__ import annotations

import httpx
import pytest

from client import FeedEvent, LiveFeed, OrderQuery, WooCommerceClient
from client.woocommerce import new_idempotency_key
from tests.client.shop_harness import SEEDED_ORDERS, Shop


async def _new_order(client: WooCommerceClient, status: str = "processing") -> int:
    product = (await client.list_products(per_page=1))[0]
    order = await client.create_order(
        {
            "status": status,
            "billing": {"first_name": "Grace", "last_name": "Hopper", "email": "g@example.com"},
            "line_items": [{"product_id": product.id, "quantity": 1}],
        },
        idempotency_key=new_idempotency_key(),
    )
    return order.id


def _by_kind(events: list[FeedEvent]) -> dict[str, FeedEvent]:
    kinds = [e.kind for e in events]
    assert len(kinds) == len(set(kinds)), kinds
    return {e.kind: e for e in events}


async def _loaded(feed: LiveFeed) -> FeedEvent:
    [event] = await feed.tick()
    assert event.kind == "loaded"
    return event


async def test_loads_everything_then_reports_created_and_changed_within_one_tick(
    asgi_shop: Shop,
) -> None:
    client, _ = asgi_shop.client()
    feed = LiveFeed(client)
    loaded = await _loaded(feed)
    assert len(loaded.orders) == SEEDED_ORDERS and feed.state == "live"
    assert feed.last_sync is not None

    new_id = await _new_order(client)
    events = _by_kind(await feed.tick())
    assert [o.id for o in events["created"].orders] == [new_id]

    target = next(o for o in loaded.orders if o.status == "processing")
    await client.set_status(target.id, "completed")
    events = _by_kind(await feed.tick())
    assert set(events) == {"changed"}
    [changed] = events["changed"].orders
    assert changed.id == target.id and changed.status == "completed"

    assert await feed.tick() == []  # nothing new: the overlap's repeats are dropped


async def test_deletion_is_found_by_reconciliation(asgi_shop: Shop) -> None:
    client, _ = asgi_shop.client()
    feed = LiveFeed(client, reconcile_every=3)
    loaded = await _loaded(feed)
    victim = loaded.orders[5].id
    await client.delete_order(victim, force=True)
    assert await feed.tick() == []
    assert await feed.tick() == []
    events = _by_kind(await feed.tick())  # third tick reconciles
    assert events["deleted"].deleted_ids == [victim]
    assert victim not in feed.known_ids


async def test_trashed_order_counts_as_deleted(asgi_shop: Shop) -> None:
    client, _ = asgi_shop.client()
    feed = LiveFeed(client, reconcile_every=1)
    loaded = await _loaded(feed)
    victim = loaded.orders[0].id
    await client.delete_order(victim)  # to the trash
    events = _by_kind(await feed.tick())
    assert events["deleted"].deleted_ids == [victim]


async def test_idle_tick_is_one_small_request(http_shop: Shop) -> None:
    client, transport = http_shop.client()
    feed = LiveFeed(client, reconcile_every=1000)
    await _loaded(feed)
    transport.clear()
    assert await feed.tick() == []
    [exchange] = transport.exchanges
    assert exchange.request.method == "GET"
    params = exchange.request.url.params
    assert params["orderby"] == "modified" and params["order"] == "asc"
    assert params["dates_are_gmt"] == "true" and "modified_after" in params
    total = exchange.request_bytes + exchange.response_bytes
    assert total < 2048, f"idle tick cost {total} bytes"


async def test_reconciliation_when_nothing_changed_is_one_tiny_request(asgi_shop: Shop) -> None:
    client, transport = asgi_shop.client()
    feed = LiveFeed(client, reconcile_every=1)
    await _loaded(feed)
    transport.clear()
    assert await feed.tick() == []
    count = [e for e in transport.exchanges if e.request.url.params.get("per_page") == "1"]
    assert len(transport.exchanges) == 2 and len(count) == 1
    assert count[0].request.url.params["_fields"] == "id"


async def test_order_leaving_the_status_filter_leaves_the_view(asgi_shop: Shop) -> None:
    client, _ = asgi_shop.client()
    feed = LiveFeed(client, query=OrderQuery(status=("processing",)))
    loaded = await _loaded(feed)
    assert loaded.orders and all(o.status == "processing" for o in loaded.orders)
    leaving = loaded.orders[0].id
    await client.set_status(leaving, "completed")
    events = _by_kind(await feed.tick())
    assert events["deleted"].deleted_ids == [leaving]
    await client.set_status(leaving, "processing")
    events = _by_kind(await feed.tick())
    assert [o.id for o in events["created"].orders] == [leaving]


async def test_outage_is_a_state_not_an_exception(asgi_shop: Shop) -> None:
    down = {"on": False}

    def rule(request: httpx.Request, _n: int):
        return httpx.ConnectError("[Errno 111] Connection refused") if down["on"] else None

    client, _ = asgi_shop.client(rule=rule, retries=0)
    states: list[str] = []
    feed = LiveFeed(client, interval=2.0, max_backoff=10.0, on_state=states.append)
    await _loaded(feed)
    down["on"] = True
    delays = []
    for _ in range(4):
        assert await feed.tick() == []
        delays.append(feed.next_delay())
    assert states == ["live", "reconnecting", "offline"]
    assert feed.state == "offline" and "connection refused" in str(feed.last_error)
    assert delays == [4.0, 8.0, 10.0, 10.0]  # capped backoff

    writer, _ = asgi_shop.client()
    new_id = await _new_order(writer)
    down["on"] = False
    events = _by_kind(await feed.tick())
    assert [o.id for o in events["created"].orders] == [new_id]
    assert feed.state == "live" and states[-1] == "live" and feed.next_delay() == 2.0


async def test_store_without_modified_after_falls_back_to_full_compare(asgi_shop: Shop) -> None:
    """WooCommerce before 5.8 refuses `modified_after` with a 400 rest_invalid_param."""
    refusal = {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): modified_after",
        "data": {"status": 400, "params": {"modified_after": "Invalid parameter."}},
    }

    def rule(request: httpx.Request, _n: int):
        if "modified_after" in request.url.params:
            return httpx.Response(400, json=refusal)
        return None

    client, _ = asgi_shop.client(rule=rule)
    feed = LiveFeed(client)
    loaded = await _loaded(feed)
    new_id = await _new_order(client)
    target = next(o for o in loaded.orders if o.status == "processing")
    await client.set_status(target.id, "on-hold")
    await client.delete_order(loaded.orders[-1].id, force=True)
    events = _by_kind(await feed.tick())
    assert feed.mode == "full-compare"
    assert [o.id for o in events["created"].orders] == [new_id]
    assert [o.id for o in events["changed"].orders] == [target.id]
    assert events["changed"].orders[0].status == "on-hold"
    assert events["deleted"].deleted_ids == [loaded.orders[-1].id]


async def test_store_ignoring_modified_after_falls_back_too(asgi_shop: Shop) -> None:
    """WordPress ignores parameters it does not know: an old store answers as if unfiltered."""

    def rule(request: httpx.Request, _n: int):
        if "modified_after" in request.url.params:
            request.url = request.url.copy_remove_param("modified_after")
        return None

    client, _ = asgi_shop.client(rule=rule)
    feed = LiveFeed(client)
    loaded = await _loaded(feed)
    target = next(o for o in loaded.orders if o.status == "processing")
    await client.set_status(target.id, "completed")
    events = _by_kind(await feed.tick())
    assert feed.mode == "full-compare"
    assert [o.id for o in events["changed"].orders] == [target.id]
    assert await feed.tick() == []


async def test_events_stream_loads_then_follows(http_shop: Shop) -> None:
    """The async iterator end to end over real HTTP; `sleep` is where the world changes."""
    client, _ = http_shop.client()
    changed: dict[str, int] = {}

    async def sleep(_seconds: float) -> None:
        if not changed:
            page = await client.list_orders(OrderQuery(status=("processing",)), per_page=1)
            await client.set_status(page.orders[0].id, "completed")
            changed["id"] = page.orders[0].id

    feed = LiveFeed(client, sleep=sleep)
    seen: list[FeedEvent] = []
    async for event in feed.events():
        seen.append(event)
        if event.kind != "loaded":
            break
    loaded = [e for e in seen if e.kind == "loaded"]
    # The first load arrives page by page, the last event marking it complete.
    assert [e.complete for e in loaded] == [False] * (len(loaded) - 1) + [True]
    assert sum(len(e.orders) for e in loaded) == await client.count_orders(OrderQuery())
    assert seen[-1].kind == "changed"
    assert [o.id for o in seen[-1].orders] == [changed["id"]]


async def test_feed_keeps_the_fields_it_needs(asgi_shop: Shop) -> None:
    client, transport = asgi_shop.client()
    feed = LiveFeed(client, fields=("id", "total"))
    await _loaded(feed)
    fields = transport.exchanges[0].request.url.params["_fields"].split(",")
    assert {"id", "status", "date_modified_gmt", "total"} <= set(fields)


@pytest.mark.parametrize("fields", [(), ("id", "number")])
async def test_feed_with_whole_or_trimmed_orders_still_sees_changes(
    asgi_shop: Shop, fields: tuple[str, ...]
) -> None:
    client, _ = asgi_shop.client()
    feed = LiveFeed(client, fields=fields)
    loaded = await _loaded(feed)
    target = next(o for o in loaded.orders if o.status == "processing")
    await client.update_order(target.id, {"customer_note": "ring twice"})
    events = _by_kind(await feed.tick())
    assert [o.id for o in events["changed"].orders] == [target.id]
