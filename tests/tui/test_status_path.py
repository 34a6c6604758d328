"""The status key's path: shown at once, checked as it is written, confirmed on the shop's
answer, notes afterwards; a change made meanwhile by someone else is never lost silently.

Where the shop must be slowed down to see an intermediate state, one client method is
held on an `asyncio.Event` (a fault the real shop cannot be asked to produce).
"""

from __future__ import annotations

import asyncio
import dataclasses

from screens.order_detail import OrderDetailScreen
from tests.tui.helpers import eventually, notifications, screen_text, wait_until
from tests.tui.test_console import _loaded, _order_in, _pick, _table


def _hold(app, method: str) -> asyncio.Event:
    """Make `app.shop.<method>` wait until the returned event is set."""
    release = asyncio.Event()
    real = getattr(app.shop, method)

    async def held(*args, **kwargs):
        await release.wait()
        return await real(*args, **kwargs)

    setattr(app.shop, method, held)
    return release


async def test_the_new_status_shows_before_the_shop_is_asked_and_is_confirmed_after(
    make_app, api
):
    order = await _order_in(api, "pending")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        release = _hold(app, "get_order")  # the check before the write waits
        _table(app).move_cursor_to_order(order.id)
        await _pick(pilot, "processing")
        await pilot.pause(0.2)
        assert app.queue.get(order.id).status == "processing"  # shown, not yet sent
        assert (await api.get_order(order.id)).status == "pending"
        assert app.undo_entry is None  # not confirmed yet
        release.set()
        await wait_until(pilot, lambda: app.undo_entry is not None, what="confirmation")
        assert (await api.get_order(order.id)).status == "processing"


async def test_the_row_is_confirmed_before_the_attribution_note_is_written(make_app, api):
    order = await _order_in(api, "pending")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        release = _hold(app, "add_note")
        _table(app).move_cursor_to_order(order.id)
        await _pick(pilot, "on hold")
        await wait_until(
            pilot,
            lambda: any("Press u to undo" in n for n in notifications(pilot)),
            what="the confirmation",
        )
        assert not any("alice" in n.note for n in await api.list_notes(order.id))
        release.set()

        async def noted() -> bool:
            return any("alice" in n.note for n in await api.list_notes(order.id))

        await eventually(noted, what="the attribution note")


async def test_a_stale_etag_is_refused_by_the_shop_and_the_person_is_asked(
    make_app, api, config
):
    """From the detail screen the order carries its ETag: the PUT goes with If-Match
    (no fetch first) and the shop's 412 leads to the same dialog as a fetched change."""
    order = await _order_in(api, "processing")
    app = make_app(cfg=dataclasses.replace(config, poll_interval=60))
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        _table(app).move_cursor_to_order(order.id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
        await wait_until(pilot, lambda: app.screen.details is not None, what="detail load")
        assert app.screen.details.order.etag  # loaded with the shop's version tag
        await api.set_status(order.id, "on-hold")  # someone else, meanwhile
        shown_tag = app.screen.details.order.etag
        puts: list[tuple[int, str | None]] = []
        update_order = app.shop.update_order

        async def recording_put(order_id: int, changes, *, if_match=None):
            puts.append((order_id, if_match))
            return await update_order(order_id, changes, if_match=if_match)

        app.shop.update_order = recording_put  # type: ignore[method-assign]
        await _pick(pilot, "completed")
        await wait_until(
            pilot, lambda: "Changed by someone else" in screen_text(pilot), what="dialog"
        )
        text = screen_text(pilot)
        assert "On hold" in text and "Processing" in text
        # The write went with the tag the person saw, and the shop refused it.
        assert puts == [(order.id, shown_tag)]
        assert (await api.get_order(order.id)).status == "on-hold"
        await pilot.press("y")  # apply anyway, knowingly

        async def completed() -> bool:
            return (await api.get_order(order.id)).status == "completed"

        await eventually(completed, what="the change applied anyway")


async def test_bulk_change_writes_the_untouched_orders_and_asks_about_the_changed_one(
    make_app, api, config
):
    for skip in range(3):
        await _order_in(api, "pending", skip=skip)
    app = make_app(cfg=dataclasses.replace(config, poll_interval=60))
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        await pilot.press("1")  # pending only
        await pilot.pause()
        chosen = list(app.queue.view[:3])
        await pilot.press("space", "space", "space")
        changed_meanwhile = chosen[1]
        await api.set_status(changed_meanwhile, "cancelled")  # someone else
        await _pick(pilot, "on-hold")
        await pilot.press("y")  # "Set 3 orders to On hold?"
        await wait_until(
            pilot, lambda: "Changed by someone else" in screen_text(pilot), what="dialog"
        )
        assert "Cancelled" in screen_text(pilot)
        await pilot.press("n")  # keep the other person's change

        async def settled() -> bool:
            statuses = [(await api.get_order(i)).status for i in chosen]
            return statuses == ["on-hold", "cancelled", "on-hold"]

        await eventually(settled, what="two written, one kept")
        await wait_until(
            pilot,
            lambda: app.queue.get(changed_meanwhile).status == "cancelled",
            what="the console to show the shop's version",
        )
        await pilot.pause(0.3)
        assert (await api.get_order(changed_meanwhile)).status == "cancelled"
