"""Several shops: two reference shops on loopback, one merged feed, codes that stay unique,
every call routed to the right shop — and one shop stopping midway stops nothing else."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from contextlib import aclosing
from pathlib import Path

import pytest

from client.errors import Unavailable
from client.feed import FeedState, LiveFeed
from client.model import Order
from client.protocol import FeedEvent, OrderQuery, ShopClient
from client.woocommerce import WooCommerceClient
from shop import keys as shop_keys
from shop.server import RunningShop, start_in_thread
from tests.realstores.conftest import no_wait
from tui.multishop import RoutingClient, ShopSet, code_prefix, order_code, parse_code

Shops = dict[str, tuple[RunningShop, tuple[str, str]]]


@pytest.fixture
def two_shops(make_db: Callable[[str], Path]) -> Iterator[Shops]:
    made: Shops = {}
    for name in ("main", "eu-store"):
        db = make_db(name)
        made[name] = (start_in_thread(db), shop_keys.create_key(db, "read_write"))
    yield made
    for running, _ in made.values():
        running.stop()


def clients_for(shops: Shops) -> dict[str, WooCommerceClient]:
    return {
        name: WooCommerceClient(running.url, *key, name=name, sleep=no_wait, retries=0)
        for name, (running, key) in shops.items()
    }


def quick_feed(name: str, client: ShopClient, on_state: Callable[[FeedState], None]) -> LiveFeed:
    return LiveFeed(
        client, interval=0.05, max_backoff=0.2, offline_after=2, reconcile_every=1000,
        on_state=on_state,
    )


class Collector:
    """Reads a ShopSet's merged stream in the background; tests wait on what it saw."""

    def __init__(self, shops: ShopSet) -> None:
        self.seen: list[tuple[str, FeedEvent]] = []
        self._shops = shops
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Collector:
        async def read() -> None:
            async with aclosing(self._shops.events()) as stream:
                async for item in stream:
                    self.seen.append(item)

        self._task = asyncio.create_task(read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        async with asyncio.timeout(15):
            while not condition():
                if self._task is not None and self._task.done():
                    raise AssertionError(f"the stream ended before {what}")
                await asyncio.sleep(0.02)

    def loaded(self, name: str) -> bool:
        return any(n == name and e.kind == "loaded" and e.complete for n, e in self.seen)

    def orders_of(self, name: str) -> set[int]:
        return {o.id for n, e in self.seen if n == name for o in e.orders}


# --------------------------------------------------------------------------- codes


def test_codes_are_unique_and_read_back() -> None:
    order = Order(id=5, number="1234")
    assert order_code("main", order) == "MAIN-1234"
    assert order_code("eu-store", "77") == "EU-STORE-77"
    names = ["eu", "eu-store", "main"]
    assert parse_code("eu-store-77", names) == ("eu-store", "77")
    assert parse_code("#EU-77", names) == ("eu", "77")
    assert parse_code(" main-1234 ", names) == ("main", "1234")
    assert parse_code("1234", names) is None
    assert parse_code("MAIN-", names) is None
    assert code_prefix("shop 2") == "SHOP-2"


def test_profiles_that_would_share_codes_are_refused() -> None:
    class Dummy:
        name = "x"

    with pytest.raises(ValueError, match="share order codes"):
        ShopSet({"Main": Dummy(), "main": Dummy()})  # type: ignore[dict-item]


# --------------------------------------------------------------------------- feeds


async def test_merged_feed_keeps_going_when_one_shop_stops(
    two_shops: Shops,
) -> None:
    clients = clients_for(two_shops)
    states: list[tuple[str, FeedState]] = []
    shops = ShopSet(clients, feed_factory=quick_feed, on_state=lambda n, s: states.append((n, s)))
    api = WooCommerceClient(two_shops["main"][0].url, *two_shops["main"][1], sleep=no_wait)
    try:
        async with Collector(shops) as feed:
            await feed.until(lambda: feed.loaded("main") and feed.loaded("eu-store"), "loads")
            # Both shops load the same seed: the same ids, told apart by their shop.
            assert feed.orders_of("main") and feed.orders_of("main") == feed.orders_of("eu-store")

            two_shops["eu-store"][0].stop()  # the EU store goes down
            await feed.until(lambda: shops.state("eu-store") == "offline", "EU offline")

            page = await api.list_orders(OrderQuery(status=("processing", "on-hold")), per_page=1)
            target = page.orders[0]
            new_status = "completed" if target.status != "completed" else "on-hold"
            await api.set_status(target.id, new_status)

            def main_changed() -> bool:
                return any(
                    n == "main" and e.kind == "changed" and
                    any(o.id == target.id and o.status == new_status for o in e.orders)
                    for n, e in feed.seen
                )

            await feed.until(main_changed, "the main shop's change")
            assert shops.state("main") == "live"
            assert shops.state("eu-store") == "offline"
            assert ("eu-store", "offline") in states
    finally:
        await shops.aclose()
        await api.aclose()


async def test_a_refused_key_ends_only_that_shops_feed(
    two_shops: Shops,
) -> None:
    running, _ = two_shops["eu-store"]
    clients = clients_for(two_shops)
    clients["eu-store"] = WooCommerceClient(running.url, "ck_revoked", "cs_x", sleep=no_wait)
    failures: list[str] = []
    shops = ShopSet(clients, feed_factory=quick_feed, on_error=lambda n, e: failures.append(n))
    try:
        async with Collector(shops) as feed:
            await feed.until(lambda: feed.loaded("main") and failures == ["eu-store"], "both")
            assert "eu-store" in shops.errors
            assert shops.state("main") == "live"
    finally:
        await shops.aclose()


# --------------------------------------------------------------------------- routing


async def test_every_call_goes_to_the_right_shop(
    two_shops: Shops,
) -> None:
    clients = clients_for(two_shops)
    shops = ShopSet(clients, feed_factory=quick_feed)
    routed = RoutingClient(shops)
    own = {
        name: WooCommerceClient(r.url, *key, sleep=no_wait) for name, (r, key) in two_shops.items()
    }
    try:
        shop_order = (await own["main"].list_orders(
            OrderQuery(status=("processing", "on-hold")), per_page=1)).orders[0]
        in_main = shops.global_id("main", shop_order.id)
        in_eu = shops.global_id("eu-store", shop_order.id)
        assert in_main != in_eu
        assert shops.split_id(in_eu) == ("eu-store", shop_order.id)

        fetched = await routed.get_order(in_eu)
        assert fetched.id == in_eu and fetched.number == shop_order.number
        updated = await routed.set_status(in_eu, "completed")
        assert updated.id == in_eu
        assert (await own["eu-store"].get_order(shop_order.id)).status == "completed"
        assert (await own["main"].get_order(shop_order.id)).status == shop_order.status

        note = await routed.add_note(in_main, "packed at bench 2")
        assert note.note == "packed at bench 2"
        main_notes = await own["main"].list_notes(shop_order.id)
        assert any(n.note == "packed at bench 2" for n in main_notes)
        assert not any(
            n.note == "packed at bench 2" for n in await own["eu-store"].list_notes(shop_order.id)
        )

        # Lists and pages come back with global ids of their shop.
        routed.current = "eu-store"
        page = await routed.list_orders(OrderQuery(include=(in_main,)), per_page=5)
        assert [o.id for o in page.orders] == [in_main]
        async for batch in routed.iter_orders(OrderQuery(status=("completed",))):
            assert all(shops.split_id(o.id)[0] == "eu-store" for o in batch)
            break

        # One shop down: its calls fail as Unavailable, the other's still work.
        two_shops["eu-store"][0].stop()
        with pytest.raises(Unavailable):
            await routed.get_order(in_eu)
        assert (await routed.get_order(in_main)).id == in_main
    finally:
        await shops.aclose()
        for client in own.values():
            await client.aclose()


async def test_batch_is_split_per_shop(
    two_shops: Shops,
) -> None:
    shops = ShopSet(clients_for(two_shops), feed_factory=quick_feed)
    routed = RoutingClient(shops)
    try:
        order = (await shops.client("main").list_orders(
            OrderQuery(status=("processing", "on-hold")), per_page=1)).orders[0]
        updates = [
            {"id": shops.global_id(name, order.id), "status": "completed"}
            for name in ("main", "eu-store")
        ]
        result = await routed.batch_update_orders(updates)
        assert sorted(o.id for o in result.updated) == sorted(u["id"] for u in updates)
        assert result.errors == []
        for name in ("main", "eu-store"):
            assert (await shops.client(name).get_order(order.id)).status == "completed"
    finally:
        await shops.aclose()


# --------------------------------------------------------------------------- from config


async def test_open_profiles_for_all(
    two_shops: Shops, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.config import Config, ConfigError, ShopProfile
    from tui.multishop import open_profiles

    monkeypatch.setenv("EU_SECRET", two_shops["eu-store"][1][1])
    (main_shop, (main_key, main_secret)), (eu_shop, (eu_key, _)) = (
        two_shops["main"], two_shops["eu-store"]
    )
    config = Config(shops={
        "main": ShopProfile("main", main_shop.url, key=main_key, secret=main_secret),
        "eu-store": ShopProfile("eu-store", eu_shop.url, key=eu_key, secret_env="EU_SECRET"),
    })
    shops = open_profiles(config)
    try:
        assert shops.names == ["main", "eu-store"]
        for name in shops.names:
            page = await shops.client(name).list_orders(per_page=1)
            assert page.total
    finally:
        await shops.aclose()

    with pytest.raises(ConfigError, match="no shop profile named 'nope'"):
        open_profiles(config, ["main", "nope"])
    monkeypatch.delenv("EU_SECRET")
    with pytest.raises(ConfigError, match="EU_SECRET"):
        open_profiles(config)
