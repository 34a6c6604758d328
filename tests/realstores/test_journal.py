"""The offline journal: what is queued stays queued across restarts, and replays land exactly
once — against the reference shop, with answers lost, orders changed meanwhile, and the shop
killed and restarted."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from client.feed import LiveFeed
from client.model import Order
from client.protocol import OrderQuery
from client.woocommerce import WooCommerceClient
from shop.server import RunningShop, start_in_thread
from tests.realstores.conftest import no_wait
from tui.journal import Journal, JournalEntry, RefundNotQueued, ReplayResult

# --------------------------------------------------------------------------- helpers


@dataclass
class FlakyTransport(httpx.AsyncBaseTransport):
    """Real loopback HTTP to the shop, with faults a test switches on: `down` refuses every
    connection (as a dead shop does), `drop(method, path_part)` lets the next matching request
    reach the shop and loses its answer; `strip_idempotency` removes the Idempotency-Key
    header, as a real WooCommerce ignores it."""

    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    down: bool = False
    strip_idempotency: bool = False
    drops: list[tuple[str, str]] = field(default_factory=list)
    sent: list[httpx.Request] = field(default_factory=list)

    def drop(self, method: str, path_part: str) -> None:
        self.drops.append((method, path_part))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if self.strip_idempotency and "idempotency-key" in request.headers:
            del request.headers["idempotency-key"]
        self.sent.append(request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        for rule in self.drops:
            if request.method == rule[0] and rule[1] in request.url.path:
                self.drops.remove(rule)
                # The shop did it; the answer is lost, and the shop is gone right after.
                self.down = True
                raise httpx.ReadError("connection reset", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def journal(tmp_path: Path) -> AsyncIterator[Journal]:
    made = Journal(tmp_path / "data" / "journal.sqlite3")
    yield made
    made.close()


@pytest.fixture
async def clients(
    running_shop: RunningShop, rw_key: tuple[str, str]
) -> AsyncIterator[Callable[..., WooCommerceClient]]:
    made: list[WooCommerceClient] = []

    def factory(transport: httpx.AsyncBaseTransport | None = None) -> WooCommerceClient:
        client = WooCommerceClient(
            running_shop.url, *rw_key, transport=transport, sleep=no_wait, retries=1
        )
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


async def order_in(api: WooCommerceClient, status: str) -> Order:
    """An order put in `status` through the API (the test's precondition, not the seed's)."""
    page = await api.list_orders(OrderQuery(status=("processing", "on-hold")), per_page=1)
    order = page.orders[0]
    if order.status != status:
        order = await api.set_status(order.id, status)
    return await api.get_order(order.id)


async def notes_with(api: WooCommerceClient, order_id: int, text: str) -> int:
    return sum(1 for n in await api.list_notes(order_id) if n.note.strip() == text)


# --------------------------------------------------------------------------- unit


def test_refunds_are_never_queued(journal: Journal) -> None:
    with pytest.raises(RefundNotQueued, match="never queued offline"):
        journal.add("main", "refund", 1000, {"amount": "5.00"})
    with pytest.raises(ValueError):
        journal.add("main", "delete", 1000, {})
    assert journal.pending("main") == []


def test_entries_survive_a_restart_in_order(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.sqlite3"
    first = Journal(path)
    seen = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    a = first.add("main", "status", 1001, {"status": "completed"}, based_on_modified=seen)
    b = first.add_note("main", 1001, "Left at the door")
    c = first.add_note("other", 7, "Different shop")
    first.close()

    again = Journal(path)
    pending = again.pending("main")
    assert [e.id for e in pending] == [a, b]
    assert pending[0].based_on_modified == seen
    assert pending[1].payload["note"] == "Left at the door"
    assert [e.id for e in again.pending("other")] == [c]
    assert again.pending_statuses("main") == {1001: "completed"}
    again.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_discard_and_retry(journal: Journal) -> None:
    entry = journal.add_note("main", 1, "x")
    journal.discard(entry)
    assert journal.pending("main") == []
    journal.retry(entry)  # a discarded entry does not come back
    assert journal.pending("main") == []


# --------------------------------------------------------------------------- replay


async def test_replay_applies_in_order_and_reports_each(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    order = await order_in(api, "processing")
    journal.add_status(
        "main", order, "completed", label="Completed",
        notes=[("Status changed by alice (offline)", False)],
    )
    journal.add_note("main", order.id, "Parcel handed to the carrier", number=order.number)
    results: list[ReplayResult] = []

    summary = await journal.replay("main", clients(), on_result=results.append)

    assert [r.outcome for r in results] == ["applied", "applied"]
    assert summary.stopped is None
    assert (await api.get_order(order.id)).status == "completed"
    assert await notes_with(api, order.id, "Status changed by alice (offline)") == 1
    assert await notes_with(api, order.id, "Parcel handed to the carrier") == 1
    assert journal.pending("main") == []
    assert [e.state for e in journal.entries("main")] == ["done", "done"]

    # A second replay has nothing to do.
    assert (await journal.replay("main", clients())).results == []


async def test_status_already_set_is_skipped_without_notes(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    order = await order_in(api, "processing")
    journal.add_status("main", order, "on-hold", notes=[("by alice", False)])
    await api.set_status(order.id, "on-hold")  # someone else did the same meanwhile

    summary = await journal.replay("main", clients())

    assert [r.outcome for r in summary.results] == ["skipped"]
    assert await notes_with(api, order.id, "by alice") == 0


async def test_lost_note_answer_never_makes_a_second_note(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    order = await order_in(api, "processing")
    journal.add_note("main", order.id, "Fragile: pack with care")
    # A real store: the Idempotency-Key header is ignored, only the check-first protects.
    flaky = FlakyTransport(strip_idempotency=True)
    flaky.drop("POST", "/notes")

    first = await journal.replay("main", clients(flaky))
    assert [r.outcome for r in first.results] == ["deferred"]
    assert await notes_with(api, order.id, "Fragile: pack with care") == 1  # it did land
    assert len(journal.pending("main")) == 1

    flaky.down = False
    second = await journal.replay("main", clients(flaky))
    assert [r.outcome for r in second.results] == ["skipped"]
    assert await notes_with(api, order.id, "Fragile: pack with care") == 1


async def test_lost_status_answer_still_adds_its_notes_once(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    order = await order_in(api, "processing")
    journal.add_status("main", order, "completed", notes=[("completed by bob", False)])
    flaky = FlakyTransport(strip_idempotency=True)
    flaky.drop("PUT", f"/orders/{order.id}")

    first = await journal.replay("main", clients(flaky))
    assert first.results[0].outcome == "deferred"
    assert (await api.get_order(order.id)).status == "completed"

    flaky.down = False
    second = await journal.replay("main", clients(flaky))
    # The status is ours (the PUT went out): recognised, not "already so", and the note
    # that follows it is added — once.
    assert [r.outcome for r in second.results] == ["applied"]
    assert await notes_with(api, order.id, "completed by bob") == 1
    third = await journal.replay("main", clients(flaky))
    assert third.results == []
    assert await notes_with(api, order.id, "completed by bob") == 1


async def test_changed_meanwhile_is_a_conflict_not_an_overwrite(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    shown = await order_in(api, "processing")
    entry_id = journal.add_status("main", shown, "completed")
    other = clients()
    await other.set_status(shown.id, "on-hold")  # another packer, while we were offline

    results: list[ReplayResult] = []
    await journal.replay("main", clients(), on_result=results.append)

    assert [r.outcome for r in results] == ["conflict"]
    assert "now On hold (was Processing)" in results[0].message
    assert (await api.get_order(shown.id)).status == "on-hold"  # their change kept
    assert [e.id for e in journal.conflicts("main")] == [entry_id]

    journal.retry(entry_id, force=True)  # the person saw it and chose to apply anyway
    again = await journal.replay("main", clients())
    assert [r.outcome for r in again.results] == ["applied"]
    assert (await api.get_order(shown.id)).status == "completed"


async def test_decide_callback_is_asked_on_conflict(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    first = await order_in(api, "processing")
    # As the packer saw it a few seconds before the admin's edit (dates are to the second).
    seen = replace(first, date_modified=first.date_modified - timedelta(seconds=5))
    journal.add_status("main", seen, "completed")
    await api.update_order(first.id, {"customer_note": "Leave with neighbour"})
    asked: list[tuple[JournalEntry, Order]] = []

    async def cancel(entry: JournalEntry, current: Order) -> bool:
        asked.append((entry, current))
        return False

    summary = await journal.replay("main", clients(), decide=cancel)
    assert [r.outcome for r in summary.results] == ["discarded"]
    assert asked[0][1].customer_note == "Leave with neighbour"
    assert (await api.get_order(first.id)).status == "processing"


async def test_two_queued_changes_on_one_order_are_not_a_conflict(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    shown = await order_in(api, "processing")
    journal.add_status("main", shown, "on-hold")
    # The console showed the order on-hold (optimistically) with the same date_modified.
    journal.add_status("main", replace(shown, status="on-hold"), "completed")

    summary = await journal.replay("main", clients())
    assert [r.outcome for r in summary.results] == ["applied", "applied"]
    assert (await api.get_order(shown.id)).status == "completed"


async def test_a_deleted_order_fails_alone(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    order = await order_in(api, "processing")
    journal.add_note("main", 999_999, "lost order")
    journal.add_note("main", order.id, "still here")
    summary = await journal.replay("main", clients())
    assert [r.outcome for r in summary.results] == ["failed", "applied"]
    assert "not found" in summary.results[0].entry.reason.lower()


async def test_a_claim_by_another_live_console_is_respected(
    journal: Journal, clients: Callable[..., WooCommerceClient]
) -> None:
    api = clients()
    order = await order_in(api, "processing")
    entry_id = journal.add_note("main", order.id, "claimed elsewhere")
    now = datetime.now(UTC)
    with sqlite3.connect(journal.path) as conn:
        conn.execute(
            "UPDATE entries SET state = 'sending', claimed_by = 'other', claim_pid = ?, "
            "claimed_at = ? WHERE id = ?",
            (os.getppid(), now.isoformat(), entry_id),
        )
    assert (await journal.replay("main", clients())).results == []
    with sqlite3.connect(journal.path) as conn:  # that console died long ago
        conn.execute(
            "UPDATE entries SET claimed_at = ? WHERE id = ?",
            ((now - timedelta(hours=1)).isoformat(), entry_id),
        )
    summary = await journal.replay("main", clients())
    assert [r.outcome for r in summary.results] == ["applied"]
    assert await notes_with(api, order.id, "claimed elsewhere") == 1


# --------------------------------------------------------------------------- kill and restart


async def test_shop_killed_and_restarted_changes_land_exactly_once(
    db_path: Path, rw_key: tuple[str, str], tmp_path: Path
) -> None:
    shop = start_in_thread(db_path)
    port = shop.port
    api = WooCommerceClient(shop.url, *rw_key, sleep=no_wait, retries=1)
    console = WooCommerceClient(shop.url, *rw_key, sleep=no_wait, retries=1)
    journal_path = tmp_path / "data" / "journal.sqlite3"
    try:
        first = await order_in(api, "processing")
        second = (await api.list_orders(OrderQuery(status=("completed",)), per_page=1)).orders[0]

        shop.stop()  # the shop dies under the running console
        journal = Journal(journal_path)
        journal.add_status("main", first, "completed", notes=[("done offline by alice", False)])
        journal.add_note("main", second.id, "Customer called: all fine")
        while_down = await journal.replay("main", console)
        assert [r.outcome for r in while_down.results] == ["deferred"]
        assert journal.pending_count("main") == 2
        journal.close()  # and the console is restarted too

        shop = start_in_thread(db_path, port=port)
        journal = Journal(journal_path)
        summary = await journal.replay("main", console)
        again = await journal.replay("main", console)
        journal.close()

        assert [r.outcome for r in summary.results] == ["applied", "applied"]
        assert again.results == []
        assert (await api.get_order(first.id)).status == "completed"
        assert await notes_with(api, first.id, "done offline by alice") == 1
        assert await notes_with(api, second.id, "Customer called: all fine") == 1
    finally:
        shop.stop()
        await api.aclose()
        await console.aclose()


async def test_replay_when_the_live_feed_comes_back(
    db_path: Path, rw_key: tuple[str, str], tmp_path: Path
) -> None:
    """The wiring the console uses: the feed's state goes "live" again → replay the journal."""
    shop = start_in_thread(db_path)
    port = shop.port
    console = WooCommerceClient(shop.url, *rw_key, sleep=no_wait, retries=0)
    api = WooCommerceClient(shop.url, *rw_key, sleep=no_wait)
    journal = Journal(tmp_path / "data" / "journal.sqlite3")
    replays: list[asyncio.Task[object]] = []
    states: list[str] = []

    def on_state(state: str) -> None:
        states.append(state)
        if state == "live" and journal.pending_count("main"):
            replays.append(asyncio.create_task(journal.replay("main", console)))

    feed = LiveFeed(console, interval=0.05, max_backoff=0.2, offline_after=2, on_state=on_state)

    async def follow() -> None:
        async for _event in feed.events():
            pass

    follower = asyncio.create_task(follow())
    try:
        order = await order_in(api, "processing")
        async with asyncio.timeout(15):
            while feed.state != "live":
                await asyncio.sleep(0.02)
        shop.stop()
        async with asyncio.timeout(15):
            while feed.state != "offline":
                await asyncio.sleep(0.02)
        # Offline: the packer's change goes to the journal.
        journal.add_status("main", order, "completed", notes=[("completed offline", False)])
        shop = start_in_thread(db_path, port=port)
        async with asyncio.timeout(15):
            while not (replays and replays[0].done()):
                await asyncio.sleep(0.02)
        assert states[-2:] == ["offline", "live"]
        assert (await api.get_order(order.id)).status == "completed"
        assert await notes_with(api, order.id, "completed offline") == 1
        assert journal.pending_count("main") == 0
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        for task in replays:
            await task
        journal.close()
        shop.stop()
        await console.aclose()
        await api.aclose()


def test_offline_banner_says_when_and_what_is_queued() -> None:
    from tui.journal import offline_banner

    now = datetime(2026, 3, 1, 12, 10, tzinfo=UTC)
    assert offline_banner("live", now, 3) is None
    text = offline_banner("offline", now - timedelta(minutes=4), 2, shop="main", now=now)
    assert text is not None
    assert text.startswith("main: Offline — last sync ")
    assert "4 minutes ago" in text
    assert "2 changes queued" in text and "Refunds wait" in text
    assert "not synced yet" in (offline_banner("connecting", None, 0) or "")
