"""A WooCommerce shop and a PrestaShop shop open together (`--all` over both kinds).

The reference shop plays the WooCommerce store over loopback; the PrestaShop one is the
fake built from the real captures. What a person would notice: PrestaShop's rows keep
their shop's state names and colours, the core statuses both shops share take the
console's names, and the status picker offers an order only the statuses its own shop has.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from client.feed import FeedState, LiveFeed
from client.prestashop import PrestaShopClient
from client.protocol import ShopClient
from client.woocommerce import WooCommerceClient
from shop.server import RunningShop
from tests.prestashop.fake import KEY, FakePrestaShop
from tests.tui.helpers import wait_until
from tui.app import OrderDeskApp
from tui.config import Config
from tui.multishop import RoutingClient, ShopSet


async def _no_wait(_seconds: float) -> None:
    return None


def _quick_feed(
    name: str, client: ShopClient, on_state: Callable[[FeedState], None]
) -> LiveFeed:
    return LiveFeed(client, interval=0.3, max_backoff=0.6, offline_after=2, on_state=on_state)


@pytest.fixture
def fake() -> FakePrestaShop:
    return FakePrestaShop.seeded()


@pytest.fixture
def app(
    shop: RunningShop, key_pair: tuple[str, str], fake: FakePrestaShop, config: Config,
    isolated_dirs: Path,
) -> OrderDeskApp:
    clients: dict[str, ShopClient] = {
        "woo": WooCommerceClient(shop.url, *key_pair, name="woo", retries=0, sleep=_no_wait),
        "ps": PrestaShopClient(
            "http://ps.test", KEY, name="ps", transport=fake.transport(),
            timezone="America/New_York",
        ),
    }
    router = RoutingClient(ShopSet(clients, feed_factory=_quick_feed))
    return OrderDeskApp(router, config=config, shop_label="woo + ps")


async def _loaded(pilot) -> None:
    app = pilot.app
    await wait_until(
        pilot, lambda: app.loaded and set(app.status_slugs_by_shop) == {"woo", "ps"},
        what="both shops' orders and statuses",
    )


def _order_of(app: OrderDeskApp, shop: str, status: str):
    return next(
        o for o in app.queue if app.session.shop_of(o.id) == shop and o.status == status
    )


async def _picker_offers(pilot, *orders) -> list[str]:
    """Open the status picker on `orders` and read the slugs it offers (then close it)."""
    pilot.app.pick_status(list(orders))
    await wait_until(pilot, lambda: pilot.app.screen.query("#status-options"))
    await pilot.pause()
    options = pilot.app.screen.query_one("#status-options", OptionList)
    offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return offered


async def test_badges_keep_each_shops_names_and_colours(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        # PrestaShop's own states, as its back office shows them.
        assert app.status_label("ps-5") == "Delivered"
        assert app.status_styles["ps-5"].colour == "#01B887"
        # "processing" is PrestaShop's "Payment accepted" but WooCommerce's Processing:
        # shared by both, it is called what is right for both.
        assert app.status_label("processing") == "Processing"
        # The status filter lists the statuses of both shops.
        slugs = [slug for slug, _ in app.statuses()]
        assert {"ps-3", "ps-5", "pending", "on-hold", "failed"} <= set(slugs)


async def test_the_picker_offers_each_order_its_own_shops_statuses(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        woo_order = _order_of(app, "woo", "pending")
        ps_order = _order_of(app, "ps", "ps-3")

        woo_offer = await _picker_offers(pilot, woo_order)
        assert "ps-5" not in woo_offer and "ps-3" not in woo_offer
        assert {"pending", "processing", "on-hold", "completed", "cancelled"} <= set(woo_offer)

        ps_offer = await _picker_offers(pilot, ps_order)
        assert {"ps-3", "ps-5", "completed"} <= set(ps_offer)

        # Both marked: only what both shops have.
        both = await _picker_offers(pilot, woo_order, ps_order)
        assert "ps-5" not in both and "completed" in both

        # A PrestaShop-only state chosen for the PrestaShop order lands there.
        app.pick_status([ps_order])
        await wait_until(pilot, lambda: app.screen.query("#status-filter"))
        app.screen.query_one("#status-filter", Input).value = "Delivered"
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake.written("order_histories"), what="status sent")
        history = fake.written("order_histories")[0]
        assert history.fields["id_order_state"] == "5"
        await wait_until(pilot, lambda: app.queue.get(ps_order.id).status == "ps-5")



async def test_a_shop_that_cannot_list_its_statuses_leaves_the_others_theirs(
    shop: RunningShop, key_pair: tuple[str, str], fake: FakePrestaShop
) -> None:
    """A refused PrestaShop key: the WooCommerce shop's statuses still come; the
    PrestaShop orders keep the console's names (nothing narrows the picker for them)."""
    clients: dict[str, ShopClient] = {
        "woo": WooCommerceClient(shop.url, *key_pair, name="woo", retries=0, sleep=_no_wait),
        "ps": PrestaShopClient(
            "http://ps.test", "WRONG" + KEY[5:], name="ps", transport=fake.transport(),
        ),
    }
    router = RoutingClient(ShopSet(clients, feed_factory=_quick_feed))
    try:
        found = await router.statuses_by_shop()
        assert list(found) == ["woo"]
        assert [s.slug for s in await router.list_statuses()][:3] == [
            "pending", "processing", "on-hold",
        ]
    finally:
        await router.aclose()
