"""The queue kept on disk between runs: shown at once, then caught up with the shop.

What a user would notice if it were wrong: an order changed, created or deleted while the
console was closed showing as it was; another shop's orders; a console that will not start
because the file is damaged.
"""

from __future__ import annotations

import asyncio
import logging
import marshal
from pathlib import Path

import pytest

from client.woocommerce import WooCommerceClient
from tests.tui.helpers import wait_until
from tests.tui.test_console import _all_orders, _loaded
from tui import paths
from tui import snapshot as snapshot_module
from tui.app import OrderDeskApp
from tui.snapshot import MAGIC, QueueSnapshot, identity_for


def _console(shop, key_pair, config) -> OrderDeskApp:
    """The app as `tui.launch.build_app` builds it: its snapshot in the data dir."""
    key, secret = key_pair
    client = WooCommerceClient(shop.url, key, secret, name="test shop")
    snapshot = QueueSnapshot.in_dir(paths.data_dir(), identity_for(shop.url, key))
    return OrderDeskApp(client, config=config, shop_label="test shop", snapshot=snapshot)


def _shown(app: OrderDeskApp) -> dict[int, str]:
    return {order.id: order.status for order in app.queue}


async def _shop_now(api: WooCommerceClient) -> dict[int, str]:
    return {order.id: order.status for order in await _all_orders(api)}


async def test_changes_made_while_the_console_was_closed_show_after_start(
    shop, key_pair, config, api, isolated_dirs
):
    first = _console(shop, key_pair, config)
    async with first.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        at_exit = _shown(first)
    snapshot = first.snapshot_keeper.store
    assert snapshot.path.exists()  # written at exit

    # While the console is closed: a status change, a new order, a trashed order and
    # an order deleted for good.
    orders = await _all_orders(api)
    changed, trashed, deleted = orders[3], orders[10], orders[20]
    await api.set_status(changed.id, "completed" if changed.status != "completed" else "failed")
    product = next(o for o in orders if o.line_items).line_items[0]
    created = await api.create_order(
        {
            "status": "on-hold",
            "billing": {"first_name": "Closed", "last_name": "Meanwhile"},
            "line_items": [{"product_id": product.product_id, "quantity": 1}],
        }
    )
    await api.delete_order(trashed.id)
    await api.delete_order(deleted.id, force=True)

    second = _console(shop, key_pair, config)
    release = asyncio.Event()
    list_orders = second.shop.list_orders

    async def held(*args, **kwargs):  # the catch-up request waits until we have looked
        await release.wait()
        return await list_orders(*args, **kwargs)

    second.shop.list_orders = held  # type: ignore[method-assign]
    async with second.run_test(size=(120, 40)) as pilot:
        # The saved queue shows before the shop has been asked anything.
        await wait_until(pilot, lambda: second.queue.total == len(at_exit), what="the snapshot")
        assert _shown(second) == at_exit
        assert not second.loaded
        release.set()
        await _loaded(pilot)
        now = await _shop_now(api)
        assert _shown(second) == now
        assert created.id in now and trashed.id not in now and deleted.id not in now


async def test_the_first_screenful_is_on_screen_before_the_rest_is_decoded(
    shop, key_pair, config, isolated_dirs, monkeypatch: pytest.MonkeyPatch
):
    """Decoding the rest holds the GIL for a while: the newest rows must not wait for it."""
    first = _console(shop, key_pair, config)
    async with first.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        total = first.queue.total
    first_rows = 30  # a screenful of the test shop's 120 orders (200 of a real queue)
    assert total > first_rows
    monkeypatch.setattr(snapshot_module, "FIRST_ROWS", first_rows)
    monkeypatch.setattr(OrderDeskApp, "FIRST_PAINT_WAIT", 60.0)  # waits for the paint only
    second = _console(shop, key_pair, config)
    shown: list[tuple[int, bool]] = []
    show_saved = second._show_saved

    def recording(orders):  # type: ignore[no-untyped-def]
        shown.append((len(orders), second._first_rows_painted.is_set()))
        show_saved(orders)

    second._show_saved = recording  # type: ignore[method-assign]
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(shown) == 2, what="the whole snapshot")
    assert shown == [(first_rows, False), (total - first_rows, True)]


async def test_a_damaged_or_foreign_snapshot_is_ignored_and_the_queue_loads(
    shop, key_pair, config, api, caplog, isolated_dirs
):
    key, _ = key_pair
    mine = QueueSnapshot.in_dir(paths.data_dir(), identity_for(shop.url, key))
    mine.path.parent.mkdir(parents=True)
    mine.path.write_bytes(MAGIC + b"\x05\x00\x00\x00garbage and more garbage")
    caplog.set_level(logging.INFO, logger="orderdesk.snapshot")
    app = _console(shop, key_pair, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        assert _shown(app) == await _shop_now(api)
    assert any("ignored" in record.message for record in caplog.records)
    # The exit rewrote it, readable again.
    assert mine.load() is not None

    # Another shop's snapshot in this file's place (same name, other identity): ignored.
    other = QueueSnapshot(mine.path, identity_for("http://127.0.0.1:1", "ck_other"))
    assert other.load() is None
    assert any("another shop" in record.message for record in caplog.records)


def test_a_snapshot_from_another_version_is_ignored(tmp_path: Path, caplog):
    snapshot = QueueSnapshot(tmp_path / "q.snapshot", "shop\nhttp://x\nck")
    header = marshal.dumps({"format": 0, "model": "old", "identity": snapshot.identity})
    snapshot.path.write_bytes(MAGIC + len(header).to_bytes(4, "little") + header + b"\x00")
    caplog.set_level(logging.INFO, logger="orderdesk.snapshot")
    assert snapshot.load() is None
    assert any("another version" in record.message for record in caplog.records)
