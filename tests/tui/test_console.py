"""The console on a real reference shop: queue, filter, search, status changes, live feed."""

from __future__ import annotations

from client.protocol import OrderQuery
from client.woocommerce import WooCommerceClient
from screens.order_detail import OrderDetailScreen
from screens.queue import QueueScreen
from tests.tui.conftest import SEEDED_ORDERS
from tests.tui.helpers import eventually, notifications, screen_text, wait_until
from tui.widgets.order_table import OrderTable


def _table(app) -> OrderTable:
    return app.screen.query_one(OrderTable)


async def _loaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.loaded, what="the first load")
    await pilot.pause()


async def _order_in(api: WooCommerceClient, status: str, *, skip: int = 0):
    """An order with lines, put into `status` through the API (not left to the seed's mix)."""
    orders = [o for o in await _all_orders(api) if o.line_items and o.status != "refunded"]
    order = orders[skip]
    if order.status != status:
        order = await api.set_status(order.id, status)
    return order


async def _all_orders(api: WooCommerceClient):
    orders = []
    async for page in api.iter_orders(OrderQuery()):
        orders.extend(page)
    return orders


async def test_queue_fills_with_every_order_newest_first(make_app, api):
    orders = await _all_orders(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        assert len(app.queue) == len(orders) == SEEDED_ORDERS
        newest = max(orders, key=lambda o: (o.date_created, o.id))
        assert _table(app).cursor_order_id == newest.id
        text = screen_text(pilot)
        assert f"#{newest.number}" in text
        assert "test shop" in text


async def test_number_key_filters_by_status_and_zero_shows_all(make_app, api):
    orders = await _all_orders(api)
    processing = {o.id for o in orders if o.status == "processing"}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        assert set(app.queue.view) == processing
        await pilot.press("0")
        await pilot.pause()
        assert len(app.queue.view) == len(orders)


async def test_search_narrows_by_customer_email_and_sku(make_app, api):
    orders = await _all_orders(api)
    target = next(o for o in orders if o.line_items and o.line_items[0].sku)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await pilot.press("slash")
        await pilot.press(*target.billing.email)
        await wait_until(pilot, lambda: app.queue.search == target.billing.email)
        assert target.id in app.queue.view and len(app.queue.view) < len(orders)
        assert all(app.queue.get(i).billing.email == target.billing.email for i in app.queue.view)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert len(app.queue.view) == len(orders)
        sku = target.line_items[0].sku
        await pilot.press("slash", *sku)
        await wait_until(pilot, lambda: app.queue.search == sku)
        assert target.id in app.queue.view and len(app.queue.view) < len(orders)
        assert all(
            any(line.sku == sku for line in app.queue.get(i).line_items) for i in app.queue.view
        )


async def _pick(pilot, text: str) -> None:
    await pilot.press("s")
    await pilot.pause(0.1)
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause(0.1)


async def test_status_change_from_queue_reaches_the_shop_and_takes_stock(make_app, api):
    pending = await _order_in(api, "pending")
    line = pending.line_items[0]
    before = (await api.get_product(line.product_id)).stock_quantity
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        _table(app).move_cursor_to_order(pending.id)
        await pilot.pause()
        await _pick(pilot, "processing")
        # The row shows the new status at once, before the shop has answered.
        assert app.queue.get(pending.id).status == "processing"

        async def confirmed() -> bool:
            return (await api.get_order(pending.id)).status == "processing"

        await eventually(confirmed, what="the shop to record processing")
        after = (await api.get_product(line.product_id)).stock_quantity
        assert after == before - sum(
            i.quantity for i in pending.line_items if i.product_id == line.product_id
        )
        notes = await api.list_notes(pending.id)
        assert any("alice" in n.note and "bench-1" in n.note for n in notes)


async def test_cancel_from_detail_asks_confirmation_and_gives_stock_back(make_app, api):
    held = await _order_in(api, "processing")
    line = held.line_items[0]
    before = (await api.get_product(line.product_id)).stock_quantity
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _loaded(pilot)
        _table(app).move_cursor_to_order(held.id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
        await wait_until(pilot, lambda: app.screen.details is not None, what="detail load")
        assert held.line_items[0].name in screen_text(pilot)
        await _pick(pilot, "cancel")
        assert "Set order" in screen_text(pilot)  # the confirmation
        await pilot.press("y")

        async def cancelled() -> bool:
            return (await api.get_order(held.id)).status == "cancelled"

        await eventually(cancelled, what="the shop to cancel")
        after = (await api.get_product(line.product_id)).stock_quantity
        assert after == before + sum(
            i.quantity for i in held.line_items if i.product_id == line.product_id
        )
        # The detail screen reloads and shows the new status and stock.
        await wait_until(
            pilot,
            lambda: (
                app.screen.details is not None and app.screen.details.order.status == "cancelled"
            ),
            what="detail reload",
        )
        assert "Cancelled" in screen_text(pilot)


async def test_bulk_change_on_three_marked_orders(make_app, api):
    for skip in range(3):
        await _order_in(api, "pending", skip=skip)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await pilot.press("1")  # pending only: all can go on-hold
        await pilot.pause()
        chosen = list(app.queue.view[:3])
        await pilot.press("space", "space", "space")
        assert _table(app).marked_ids == set(chosen)
        await _pick(pilot, "on-hold")
        assert "3 orders" in screen_text(pilot)
        await pilot.press("y")

        async def all_on_hold() -> bool:
            statuses = [(await api.get_order(i)).status for i in chosen]
            return statuses == ["on-hold"] * 3

        await eventually(all_on_hold, what="three orders on hold")


async def test_undo_restores_the_previous_status(make_app, api):
    order = await _order_in(api, "on-hold")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        _table(app).move_cursor_to_order(order.id)
        await _pick(pilot, "completed")

        async def status_is(wanted: str):
            async def check() -> bool:
                return (await api.get_order(order.id)).status == wanted

            return check

        await eventually(await status_is("completed"), what="completed")
        await wait_until(pilot, lambda: app.undo_entry is not None)
        await pilot.press("u")
        await eventually(await status_is("on-hold"), what="undo to on-hold")
        await wait_until(pilot, lambda: app.queue.get(order.id).status == "on-hold")


async def test_refused_change_rolls_back_with_a_message(make_app, shop, db_path, api):
    from shop import keys as shop_keys

    read_only = shop_keys.create_key(db_path, "read")
    order = await _order_in(api, "pending")
    app = make_app(key=read_only)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        _table(app).move_cursor_to_order(order.id)
        await _pick(pilot, "processing")
        await wait_until(
            pilot, lambda: any("stays" in n for n in notifications(pilot)), what="the refusal"
        )
        assert app.queue.get(order.id).status == "pending"
        assert (await api.get_order(order.id)).status == "pending"


async def test_new_and_changed_orders_appear_live_without_moving_the_cursor(make_app, api):
    orders = await _all_orders(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        table = _table(app)
        await pilot.press("j", "j", "j")
        under_cursor = table.cursor_order_id
        product = orders[0].line_items[0]
        created = await api.create_order(
            {
                "status": "processing",
                "billing": {
                    "first_name": "Zoé",
                    "last_name": "Nouvelle",
                    "email": "zoe@example.fr",
                },
                "line_items": [{"product_id": product.product_id, "quantity": 1}],
            }
        )
        await wait_until(pilot, lambda: app.queue.get(created.id) is not None, what="the new order")
        assert table.cursor_order_id == under_cursor
        assert any("Zoé" in n for n in notifications(pilot))
        other = next(o for o in orders if o.status != "failed" and o.id != under_cursor)
        await api.set_status(other.id, "failed")
        await wait_until(pilot, lambda: app.queue.get(other.id).status == "failed")
        assert table.cursor_order_id == under_cursor


async def test_read_only_key_still_shows_orders(make_app, db_path):
    from shop import keys as shop_keys

    app = make_app(key=shop_keys.create_key(db_path, "read"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert len(app.queue) == SEEDED_ORDERS


async def test_connection_indicator_follows_the_shop(make_app, shop):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await wait_until(pilot, lambda: "● live" in screen_text(pilot), what="live")
        assert "synced" in screen_text(pilot)
        shop.stop()
        await wait_until(
            pilot,
            lambda: app.connection in ("reconnecting", "offline"),
            timeout=15,
            what="the console to notice the shop is gone",
        )
        await pilot.pause(1.1)
        assert "reconnecting" in screen_text(pilot) or "offline" in screen_text(pilot)
        # The queue stays readable while the shop is away.
        assert len(app.queue) == SEEDED_ORDERS


async def test_help_lists_the_screens_keys_and_the_palette_runs_actions(make_app):
    from screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(pilot)
        for description in ("Search", "Status", "Undo", "Mark", "Open", "Sort"):
            assert description in text.split("Key", 1)[1]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen))
        # Every queue action is in the command palette too: run "Sort" from it.
        before = app.queue.sort_key
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"Sort (o)")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.queue.sort_key != before, what="sort from palette")


async def test_themes_from_config_including_high_contrast_and_light(make_app, config):
    import dataclasses

    for theme in ("orderdesk-high-contrast", "textual-light"):
        app = make_app(cfg=dataclasses.replace(config, theme=theme))
        async with app.run_test(size=(80, 24)) as pilot:
            await _loaded(pilot)
            assert app.theme == theme
    app = make_app(cfg=dataclasses.replace(config, theme="no-such-theme"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        assert any("Unknown theme" in n for n in notifications(pilot))
