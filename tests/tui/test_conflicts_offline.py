"""Two consoles on one order, and a shop that goes away under a running console."""

from __future__ import annotations

import dataclasses

from shop.server import start_in_thread
from tests.tui.helpers import eventually, screen_text, wait_until
from tests.tui.test_console import _loaded, _order_in, _pick, _table


async def test_two_consoles_changing_one_order_never_lose_an_update_silently(
    make_app, api, config
):
    order = await _order_in(api, "processing")
    # Console A polls rarely, so it still shows the order as it was when B changes it.
    slow = dataclasses.replace(config, poll_interval=60)
    console_a, console_b = make_app(cfg=slow), make_app()
    async with console_a.run_test(size=(120, 40)) as pilot_a:
        await _loaded(pilot_a)
        async with console_b.run_test(size=(120, 40)) as pilot_b:
            await _loaded(pilot_b)
            _table(console_b).move_cursor_to_order(order.id)
            await _pick(pilot_b, "on hold")

            async def b_landed() -> bool:
                return (await api.get_order(order.id)).status == "on-hold"

            await eventually(b_landed, what="console B's change")
        assert console_a.queue.get(order.id).status == "processing"  # A has not seen it
        _table(console_a).move_cursor_to_order(order.id)
        await _pick(pilot_a, "completed")
        await wait_until(
            pilot_a, lambda: "Changed by someone else" in screen_text(pilot_a), what="dialog"
        )
        text = screen_text(pilot_a)
        assert "On hold" in text and "Processing" in text  # what changed, before and after
        await pilot_a.press("n")
        await pilot_a.pause(0.3)
        # Cancelled: the shop keeps B's change, and A now shows it.
        assert (await api.get_order(order.id)).status == "on-hold"
        await wait_until(pilot_a, lambda: console_a.queue.get(order.id).status == "on-hold")
        # Asked again, A applies anyway, knowingly: no dialog, since A now shows on-hold.
        await _pick(pilot_a, "completed")

        async def a_landed() -> bool:
            return (await api.get_order(order.id)).status == "completed"

        await eventually(a_landed, what="console A's change")


async def test_changes_made_while_the_shop_is_down_land_exactly_once(
    make_app, api, shop, db_path
):
    order = await _order_in(api, "pending")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        port = shop.port
        shop.stop()
        await wait_until(
            pilot,
            lambda: app.connection in ("reconnecting", "offline"),
            timeout=20,
            what="the console to see the shop gone",
        )
        _table(app).move_cursor_to_order(order.id)
        await _pick(pilot, "processing")
        await wait_until(pilot, lambda: app.queued_changes() == 1, what="the change queued")
        assert app.queue.get(order.id).status == "processing"  # shown, queued
        await pilot.pause(1.1)
        assert "queued change" in screen_text(pilot)

        restarted = start_in_thread(db_path, port=port)
        try:

            async def landed() -> bool:
                return (await api.get_order(order.id)).status == "processing"

            await eventually(landed, timeout=60, what="the queued change to land")
            await wait_until(pilot, lambda: app.queued_changes() == 0, timeout=20)
            notes = await api.list_notes(order.id)
            attributions = [n for n in notes if "bench-1" in n.note]
            assert len(attributions) == 1
        finally:
            restarted.stop()


async def test_a_refund_is_refused_while_offline_not_queued(make_app, api, shop):
    from screens.refund import RefundScreen
    from tests.tui.helpers import notifications

    order = await _order_in(api, "processing")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        _table(app).move_cursor_to_order(order.id)
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, RefundScreen) and app.screen.context is not None,
            what="the refund screen",
        )
        await pilot.press("ctrl+f")
        shop.stop()
        await wait_until(
            pilot, lambda: app.connection in ("reconnecting", "offline"), timeout=20
        )
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert any("never queued offline" in n for n in notifications(pilot))
        assert app.queued_changes() == 0


async def test_a_message_written_offline_is_queued_and_sent_once(make_app, api, shop, db_path):
    from screens.messages import MessagesScreen
    from shop.outbox import read_outbox

    order = await _order_in(api, "processing")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        port = shop.port
        _table(app).move_cursor_to_order(order.id)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MessagesScreen))
        await pilot.pause(0.5)
        shop.stop()
        await wait_until(
            pilot, lambda: app.connection in ("reconnecting", "offline"), timeout=20
        )
        app.screen.query_one("#compose").focus()
        await pilot.press(*"Parcel leaves tomorrow")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.queued_changes() >= 1, what="queued note")
        restarted = start_in_thread(db_path, port=port)
        try:

            async def sent() -> bool:
                notes = await api.list_notes(order.id)
                return any(n.note == "Parcel leaves tomorrow" for n in notes)

            await eventually(sent, timeout=60, what="the queued message")
            await wait_until(pilot, lambda: app.queued_changes() == 0, timeout=20)
            notes = await api.list_notes(order.id)
            assert [n.note for n in notes].count("Parcel leaves tomorrow") == 1
            mails = [m for m in read_outbox(db_path, order.id) if "Parcel leaves" in m["body"]]
            assert len(mails) == 1
        finally:
            restarted.stop()
