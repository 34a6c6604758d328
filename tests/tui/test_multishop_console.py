"""Several shops in one console: two reference shops on loopback, one queue.

The two shops are copies of one seed, so every order number exists in both: exactly the
case where a console that mixed them up would change the wrong customer's order.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from client.feed import FeedState, LiveFeed
from client.model import Order
from client.protocol import OrderQuery, ShopClient
from client.woocommerce import WooCommerceClient
from shop import keys as shop_keys
from shop.server import RunningShop, start_in_thread
from tests.shop_copies import private_copy
from tests.tui.helpers import eventually, screen_text, wait_until
from tui.app import OrderDeskApp
from tui.config import Config, ShopProfile
from tui.multishop import RoutingClient, ShopSet


async def _no_wait(_seconds: float) -> None:
    return None


@dataclass
class Shop:
    name: str
    db: Path
    key: tuple[str, str]
    running: RunningShop

    @property
    def url(self) -> str:
        return self.running.url

    def stop(self) -> None:
        self.running.stop()

    def restart(self) -> None:
        """Serve again on the same port, as a shop back after an outage."""
        self.running = start_in_thread(self.db, port=self.running.port)


@pytest.fixture
def two_shops(template_db: Path, tmp_path: Path) -> Iterator[dict[str, Shop]]:
    made: dict[str, Shop] = {}
    for name in ("main", "eu"):
        folder = tmp_path / name
        folder.mkdir()
        db = private_copy(template_db, folder)
        made[name] = Shop(name, db, shop_keys.create_key(db, "read_write"), start_in_thread(db))
    yield made
    for shop in made.values():
        shop.stop()


@pytest.fixture
async def apis(two_shops: dict[str, Shop]) -> AsyncIterator[dict[str, WooCommerceClient]]:
    """Each shop's own API, to check what really landed where."""
    clients = {
        name: WooCommerceClient(shop.url, *shop.key, name=f"api-{name}", sleep=_no_wait)
        for name, shop in two_shops.items()
    }
    yield clients
    for client in clients.values():
        await client.aclose()


def _quick_feed(
    name: str, client: ShopClient, on_state: Callable[[FeedState], None]
) -> LiveFeed:
    return LiveFeed(
        client, interval=0.3, max_backoff=0.6, offline_after=2, reconcile_every=1000,
        on_state=on_state,
    )


@pytest.fixture
def make_multi_app(two_shops: dict[str, Shop], config: Config, isolated_dirs: Path):
    def factory() -> OrderDeskApp:
        clients = {
            name: WooCommerceClient(shop.url, *shop.key, name=name, retries=0, sleep=_no_wait)
            for name, shop in two_shops.items()
        }
        shops = ShopSet(clients, feed_factory=_quick_feed)
        return OrderDeskApp(RoutingClient(shops), config=config, shop_label="main + eu")

    return factory


async def _loaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.loaded, what="the first load of both shops")
    await pilot.pause()


def _table(app):
    from tui.widgets.order_table import OrderTable

    return app.screen.query_one(OrderTable)


def _in_queue(app: OrderDeskApp, shop: str, number: str) -> Order:
    session = app.session
    assert session is not None
    return next(
        o for o in app.queue if o.number == number and session.shop_of(o.id) == shop
    )


async def _put_in(api: WooCommerceClient, status: str, *, skip: int = 0) -> Order:
    page = await api.list_orders(OrderQuery(status=("pending", "on-hold")), per_page=20)
    order = page.orders[skip]
    return order if order.status == status else await api.set_status(order.id, status)


async def _pick(pilot, text: str) -> None:
    await pilot.press("s")
    await pilot.pause(0.1)
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause(0.1)


async def test_the_queue_shows_both_shops_with_codes_search_and_a_shop_filter(
    make_multi_app,
):
    app = make_multi_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        main_orders = [o for o in app.queue if app.session.shop_of(o.id) == "main"]
        eu_orders = [o for o in app.queue if app.session.shop_of(o.id) == "eu"]
        assert len(main_orders) == len(eu_orders) > 0  # the same seed, kept apart
        text = screen_text(pilot)
        assert "Shop" in text and "MAIN-" in text and "EU-" in text
        assert "main ● live" in text and "eu ● live" in text

        # A code finds that shop's order only, typed in any case.
        number = main_orders[0].number
        await pilot.press("slash", *f"eu-{number}")
        await wait_until(pilot, lambda: len(app.queue.view) >= 1, what="the search")
        await pilot.pause(0.3)
        found = [app.queue.get(i) for i in app.queue.view]
        assert found and all(app.session.shop_of(o.id) == "eu" for o in found)
        assert any(o.number == number for o in found)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert len(app.queue.view) == len(app.queue)

        # S: the shop filter (space toggles the first shop, "main"; enter applies).
        await pilot.press("S")
        await pilot.pause(0.2)
        await pilot.press("space", "enter")
        await pilot.pause(0.2)
        assert len(app.queue.view) == len(main_orders)
        assert all(app.session.shop_of(i) == "main" for i in app.queue.view)
        assert "shop: main" in screen_text(pilot)
        # Sorting still works on the filtered view.
        await pilot.press("o")
        await pilot.pause(0.1)
        numbers = [int(app.queue.get(i).number) for i in app.queue.view]
        assert numbers == sorted(numbers, reverse=True)
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert len(app.queue.view) == len(app.queue)

        # At 80 columns the Shop column goes; the codes still say which shop.
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        narrow = screen_text(pilot)
        assert "MAIN-" in narrow or "EU-" in narrow
        header = next(line for line in narrow.splitlines() if "Order" in line)
        assert "Shop" not in header


async def test_status_changes_reach_the_right_shop_alone_and_in_bulk(make_multi_app, apis):
    eu_order = await _put_in(apis["eu"], "pending")
    main_twin = await apis["main"].get_order(eu_order.id)  # same number, other shop
    assert main_twin.number == eu_order.number
    app = make_multi_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        table = _table(app)
        target = _in_queue(app, "eu", eu_order.number)
        table.move_cursor_to_order(target.id)
        await _pick(pilot, "on hold")

        async def eu_landed() -> bool:
            return (await apis["eu"].get_order(eu_order.id)).status == "on-hold"

        await eventually(eu_landed, what="the change in shop eu")
        assert (await apis["main"].get_order(main_twin.id)).status == main_twin.status

        # Bulk: one order of each shop, marked, changed in one go.
        main_pick = await _put_in(apis["main"], "on-hold", skip=1)
        eu_pick = await _put_in(apis["eu"], "on-hold", skip=2)
        await wait_until(
            pilot,
            lambda: _in_queue(app, "main", main_pick.number).status == "on-hold"
            and _in_queue(app, "eu", eu_pick.number).status == "on-hold",
            what="the queue to show both orders on hold",
        )
        twins = {
            (name, order.id): (await apis[name].get_order(order.id)).status
            for name, order in (("eu", main_pick), ("main", eu_pick))
            if main_pick.id != eu_pick.id
        }
        for shop, order in (("main", main_pick), ("eu", eu_pick)):
            table.toggle_mark(_in_queue(app, shop, order.number).id)
        await _pick(pilot, "completed")
        await wait_until(pilot, lambda: "Set 2 orders" in screen_text(pilot), what="confirm")
        await pilot.press("y")

        async def both_landed() -> bool:
            main_now = await apis["main"].get_order(main_pick.id)
            eu_now = await apis["eu"].get_order(eu_pick.id)
            return main_now.status == eu_now.status == "completed"

        await eventually(both_landed, what="the bulk change in both shops")
        # Undo puts each order back in its own shop.
        await wait_until(pilot, lambda: app.undo_entry is not None, what="the undo entry")
        await pilot.press("u")

        async def both_undone() -> bool:
            main_now = await apis["main"].get_order(main_pick.id)
            eu_now = await apis["eu"].get_order(eu_pick.id)
            return main_now.status == eu_now.status == "on-hold"

        await eventually(both_undone, what="undo in both shops")
        # Their twins in the other shop are untouched.
        for (name, order_id), status in twins.items():
            assert (await apis[name].get_order(order_id)).status == status


async def test_one_shop_offline_leaves_the_other_working_and_its_change_lands_once(
    make_multi_app, two_shops, apis
):
    main_order = await _put_in(apis["main"], "pending")
    eu_order = await _put_in(apis["eu"], "pending", skip=1)
    app = make_multi_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        two_shops["main"].stop()
        await wait_until(
            pilot,
            lambda: app.session.state("main") == "offline",
            timeout=20,
            what="the console to see shop main offline",
        )
        await pilot.pause(1.1)
        assert "main ✖ offline" in screen_text(pilot)
        assert app.session.state("eu") == "live"

        # Shop eu goes on: a new order appears, a change lands.
        page = await apis["eu"].list_orders(per_page=20)
        sample = next(o for o in page.orders if o.line_items)
        created = await apis["eu"].create_order(
            {
                "status": "processing",
                "billing": {"first_name": "Ana", "last_name": "Nueva", "email": "ana@x.es"},
                "line_items": [{"product_id": sample.line_items[0].product_id, "quantity": 1}],
            }
        )
        await wait_until(
            pilot,
            lambda: any(o.number == created.number and app.session.shop_of(o.id) == "eu"
                        for o in app.queue),
            what="shop eu's new order",
        )
        table = _table(app)
        table.move_cursor_to_order(_in_queue(app, "eu", eu_order.number).id)
        await _pick(pilot, "processing")

        async def eu_landed() -> bool:
            return (await apis["eu"].get_order(eu_order.id)).status == "processing"

        await eventually(eu_landed, what="shop eu's change while main is away")

        # Shop main's order: still shown, the change is queued in main's journal.
        main_row = _in_queue(app, "main", main_order.number)
        table.move_cursor_to_order(main_row.id)
        await _pick(pilot, "processing")
        await wait_until(
            pilot, lambda: app.queued_by_shop()["main"] == 1, what="the change queued for main"
        )
        assert app.queued_by_shop()["eu"] == 0
        assert app.queue.get(main_row.id).status == "processing"

        two_shops["main"].restart()

        async def main_landed() -> bool:
            return (await apis["main"].get_order(main_order.id)).status == "processing"

        await eventually(main_landed, timeout=30, what="the queued change to land in main")
        await wait_until(pilot, lambda: app.queued_changes() == 0, timeout=20)
        notes = await apis["main"].list_notes(main_order.id)
        assert len([n for n in notes if "bench-1" in n.note]) == 1  # exactly once
        # Shop eu's twin of that order was never touched by the replay.
        twin = await apis["eu"].get_order(main_order.id)
        assert twin.status != "processing" or twin.id == eu_order.id


async def test_scanning_a_code_opens_that_shops_order_and_a_bare_number_asks(
    make_multi_app,
):
    from screens.pack import PackScreen

    app = make_multi_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        order = next(o for o in app.queue if app.session.shop_of(o.id) == "eu")
        await pilot.press("colon")
        await pilot.pause(0.1)
        await pilot.press(*f"EU-{order.number}", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PackScreen), what="pack screen")
        assert app.screen.order_id == order.id
        await pilot.press("escape")
        await pilot.pause(0.2)

        await pilot.press("colon")
        await pilot.pause(0.1)
        await pilot.press(*order.number, "enter")
        await wait_until(
            pilot, lambda: "several shops" in screen_text(pilot), what="which shop?"
        )
        text = screen_text(pilot)
        assert f"MAIN-{order.number}" in text and f"EU-{order.number}" in text
        await pilot.press("down", "enter")  # the second: shop eu
        await wait_until(pilot, lambda: isinstance(app.screen, PackScreen), what="pack screen")
        assert app.screen.order_id == order.id


def _args(**values) -> argparse.Namespace:
    base = {"url": None, "key": None, "secret": None, "shop": None, "all": False,
            "auth": None, "poll": None, "config": None}
    return argparse.Namespace(**{**base, **values})


def test_all_with_no_profiles_says_how_to_add_one(isolated_dirs: Path) -> None:
    from tui.launch import LaunchError, run_console

    with pytest.raises(LaunchError, match="orderdesk shops add"):
        run_console(_args(all=True))


def test_all_opens_every_profile_through_one_routing_client(
    two_shops: dict[str, Shop], isolated_dirs: Path
) -> None:
    from tui.launch import build_multi_app

    profiles = {
        name: ShopProfile(name=name, url=shop.url, key=shop.key[0], secret=shop.key[1])
        for name, shop in two_shops.items()
    }
    app = build_multi_app(None, Config(shops=profiles))
    assert app.session is not None and app.session.names == ["main", "eu"]
    assert isinstance(app.shop, RoutingClient)
    one = build_multi_app(["eu"], Config(shops=profiles))
    assert one.session is not None and one.session.names == ["eu"]


async def test_marked_orders_of_both_shops_are_fetched_printed_and_exported_together(
    two_shops: dict[str, Shop], apis: dict[str, WooCommerceClient], tmp_path: Path
) -> None:
    """Print, pick list and export ask for the marked orders in one `include` query: the
    router splits it per shop and answers in the order asked; the CSV names each shop."""
    import csv

    from tui.export import export_orders_csv
    from tui.print_jobs import fetch_orders
    from tui.shop_session import ShopSession

    clients = {
        name: WooCommerceClient(shop.url, *shop.key, name=name, sleep=_no_wait)
        for name, shop in two_shops.items()
    }
    router = RoutingClient(ShopSet(clients))
    session = ShopSession(router)
    try:
        main_first = (await apis["main"].list_orders(per_page=2)).orders
        eu_first = (await apis["eu"].list_orders(per_page=2)).orders
        g = router.shops.global_id
        wanted = [g("eu", eu_first[1].id), g("main", main_first[0].id), g("eu", eu_first[0].id)]
        orders = await fetch_orders(router, wanted)
        assert [o.id for o in orders] == wanted
        assert [session.shop_of(o.id) for o in orders] == ["eu", "main", "eu"]
        assert orders[1].number == main_first[0].number

        product_ids = sorted({i.product_id for o in orders for i in o.line_items})
        products = await router.list_products(include=product_ids, per_page=100)
        assert {p.id for p in products} == set(product_ids)

        path = tmp_path / "orders.csv"
        export_orders_csv(orders, path, shop_of=session.shop_of_order)
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert rows[0][:2] == ["shop", "number"]
        assert [(r[0], r[1]) for r in rows[1:]] == [
            ("eu", eu_first[1].number), ("main", main_first[0].number), ("eu", eu_first[0].number)
        ]

        # An edit adds a line by (global) product id: it lands in the order's own shop.
        target = await _put_in(apis["eu"], "pending")
        product = next(p for p in products if session.shop_of(p.id) == "eu")
        router.current = "main"  # whatever shop was current, the order's id decides
        edited = await router.update_order(
            g("eu", target.id), {"line_items": [{"product_id": product.id, "quantity": 1}]}
        )
        assert session.shop_of(edited.id) == "eu"
        own_product = router.shops.split_id(product.id)[1]
        after = await apis["eu"].get_order(target.id)
        assert len(after.line_items) == len(target.line_items) + 1
        assert after.line_items[-1].product_id == own_product
    finally:
        await router.aclose()


def _profiles(two_shops: dict[str, Shop]) -> dict[str, ShopProfile]:
    return {
        name: ShopProfile(name=name, url=shop.url, key=shop.key[0], secret=shop.key[1])
        for name, shop in two_shops.items()
    }


def _recording_saved(app: OrderDeskApp) -> list[list[Order]]:
    """What the app takes from its queue snapshots, batch by batch."""
    shown: list[list[Order]] = []
    show_saved = app._show_saved

    def recording(orders: list[Order]) -> None:
        shown.append(list(orders))
        show_saved(orders)

    app._show_saved = recording  # type: ignore[method-assign]
    return shown


async def test_several_shops_start_from_their_saved_queues_and_catch_up(
    two_shops: dict[str, Shop], apis: dict[str, WooCommerceClient], isolated_dirs: Path
) -> None:
    """The queue of every shop is kept at exit, shown at the next start before anything is
    asked, and caught up: a change made meanwhile lands on the right shop's order only.
    Each file is the shop's own, so opening it alone later starts from it too."""
    from tui.launch import Target, build_app, build_multi_app

    config = Config(shops=_profiles(two_shops), poll_interval=0.5, bell=False)
    first = build_multi_app(None, config)
    async with first.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        per_shop = {
            name: sum(1 for o in first.queue if first.session.shop_of(o.id) == name)
            for name in ("main", "eu")
        }
        at_exit = {o.id: o.status for o in first.queue}
    assert all(keeper.store.path.exists() for keeper in first.snapshot_keepers.values())
    assert set(first.snapshot_keepers) == {"main", "eu"}

    # While the console is closed, one order of "eu" changes; "main" has the same order
    # (same number, same id: a copy of one seed) and leaves it alone.
    changed = await _put_in(apis["eu"], "on-hold")
    await apis["eu"].set_status(changed.id, "completed")
    twin_status = (await apis["main"].get_order(changed.id)).status
    assert twin_status != "completed"

    second = build_multi_app(None, config)
    shown = _recording_saved(second)
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: sum(map(len, shown)) > 0, what="the saved queues")
        # Shown from the files: every order of both shops, the change not yet known.
        saved = [o for batch in shown for o in batch]
        assert {second.session.shop_of(o.id) for o in saved} == {"main", "eu"}
        assert len(saved) == sum(per_shop.values())
        eu_saved = next(
            o for o in saved if o.number == changed.number and second.session.shop_of(o.id) == "eu"
        )
        assert eu_saved.status == at_exit[eu_saved.id] != "completed"
        await _loaded(pilot)
        await wait_until(
            pilot,
            lambda: _in_queue(second, "eu", changed.number).status == "completed",
            what="the change made while closed",
        )
        assert _in_queue(second, "main", changed.number).status == twin_status

    alone = build_app(
        Target(label="eu", url=two_shops["eu"].url, key=two_shops["eu"].key[0],
               secret=two_shops["eu"].key[1]),
        config,
    )  # fmt: skip
    shown_alone = _recording_saved(alone)
    async with alone.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: alone.loaded, what="the one shop's start")
    eu_ids = {o.id async for page in apis["eu"].iter_orders() for o in page}
    assert {o.id for batch in shown_alone for o in batch} == eu_ids  # its own ids
