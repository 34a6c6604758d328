"""The orderdesk Textual app: one shop, its live order queue, and the changes staff make.

The App owns what outlives a screen: the shop client, the queue model fed by the live feed,
status-change workers and the undo entry. Screens read the model and ask the App to act.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from client.errors import ShopError, Unavailable
from client.feed import LiveFeed
from client.model import Order
from client.protocol import FeedEvent, ShopClient, ShopStatus
from tui.config import Config
from tui.error_text import error_text
from tui.i18n import N_, _, install, ngettext
from tui.journal import Journal, JournalEntry, ReplayResult
from tui.queue_model import QueueModel
from tui.render import STATUS_LABELS, status_label
from tui.start_trace import ENABLED as tracing
from tui.start_trace import mark
from tui.status_changes import (
    SHOP_EMAILS_ON,
    Attribution,
    ChangeOutcome,
    StatusChanger,
    UndoEntry,
)
from tui.status_style import StatusStyles
from tui.themes import THEMES
from tui.widgets.order_table import OrderTable

if TYPE_CHECKING:
    from tui.shop_session import ShopSession
    from tui.snapshot import QueueSnapshot, SnapshotKeeper

ConnectionState = Literal["connecting", "live", "reconnecting", "offline"]

#: Automatic garbage collection, paused while the console starts (`tui.cli.main`), is back
#: after this many seconds even if the first load never completes (an unreachable shop).
GC_PAUSE_LIMIT = 20.0
#: While the queue loads, the pages after the first (which shows at once) go into the
#: queue together, once a second: each batch re-sorts the queue and repaints, so batching
#: more often slowed the load it reported on (100,000 orders: 5.9 s with batches every
#: 0.25 s, 5.0 s every second; 10,000 orders: ~0.07 s).
LOAD_FLUSH_SECONDS = 1.0

#: Document kinds as the console names them in messages.
DOCUMENT_NAMES = {
    "packing_slip": N_("packing slip"),
    "invoice": N_("invoice"),
    "receipt": N_("receipt"),
    "pick_list": N_("pick list"),
    "credit_note": N_("credit note"),
}


def document_name(kind: str) -> str:
    """A document kind ("packing_slip") as words in the interface language."""
    return _(DOCUMENT_NAMES.get(kind, kind.replace("_", " ")))


class FeedArrived(Message):
    def __init__(self, event: FeedEvent, shop: str | None = None) -> None:
        super().__init__()
        self.event = event
        #: With several shops open: whose event it is (its ids are global already).
        self.shop = shop


class ConnectionChanged(Message):
    def __init__(self, state: ConnectionState, shop: str | None = None) -> None:
        super().__init__()
        self.state = state
        #: With several shops open: whose connection changed.
        self.shop = shop


class StatusApplied(Message):
    def __init__(
        self,
        outcome: ChangeOutcome,
        previous: dict[int, Order],
        undoing: bool,
        *,
        notify: bool = False,
    ) -> None:
        super().__init__()
        self.outcome = outcome
        self.previous = previous
        self.undoing = undoing
        self.notify = notify


class OrderDeskApp(App[None]):
    """The console on one shop."""

    CSS_PATH = [Path(__file__).parent / "styles" / "app.tcss"]
    TITLE = "orderdesk"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        # F1 also from dialogs (whose own keys hide the app's) and from text fields.
        Binding("f1", "help", "Help", priority=True, id="app.help_anywhere"),
        Binding("f2,colon", "scan", "Scan", id="app.scan"),
    ]

    def __init__(
        self,
        shop: ShopClient,
        *,
        config: Config | None = None,
        shop_label: str = "",
        demo: bool = False,
        feed: LiveFeed | None = None,
        snapshot: QueueSnapshot | None = None,
        snapshots: Mapping[str, QueueSnapshot] | None = None,
    ) -> None:
        """`snapshot`: where this shop's queue is kept between runs (None: not kept);
        `snapshots`: the same for several shops, by profile name (those not named: not
        kept). Each shop's file is the one it has when opened alone."""
        super().__init__()
        self.shop = shop
        self.config = config or Config()
        # Before any screen is built: every _() from here on answers in this language.
        install(self.config.lang)
        self.demo = demo
        #: Several shops open at once (`shop` is a `tui.multishop.RoutingClient`), else None.
        self.session: ShopSession | None = None
        if hasattr(shop, "shops") and hasattr(shop, "for_shop"):
            from tui.shop_session import ShopSession

            self.session = ShopSession(shop)  # type: ignore[arg-type]
            self.session.shops.on_state = self._shop_state_changed
            self.session.shops.on_error = self._shop_stopped
            feed = feed or self.session.shops.feed(self.session.names[0])
        self.shop_label = shop_label or getattr(shop, "name", "shop")
        self.queue = (
            QueueModel(shop_of=self.session.shop_of, code_of=self.session.code)
            if self.session is not None
            else QueueModel()
        )
        self.status_styles = StatusStyles.from_config(self.config.status_style_entries())
        #: The shop's own statuses (names, colours), once `list_statuses` answered.
        self.shop_statuses: dict[str, ShopStatus] = {}
        #: Several shops open: the status slugs each shop has (see `statuses`).
        self.status_slugs_by_shop: dict[str, frozenset[str]] = {}
        self.orders_changed: Signal[set[int]] = Signal(self, "orders-changed")
        self.connection_changed: Signal[ConnectionState] = Signal(self, "connection-changed")
        self.connection: ConnectionState = "connecting"
        self.loaded = False
        self._pending_load: list[Order] = []
        self._pending_flush = False
        self._settle_due = False
        self._language_asked = False
        #: Set when the queue's first rows are on screen (`_painted`).
        self._first_rows_painted = asyncio.Event()
        self.undo_entry: UndoEntry | None = None
        self.feed = feed or LiveFeed(
            shop, interval=self.config.poll_interval, on_state=self._feed_state_changed
        )
        #: The queue snapshots kept, by shop name ("" when one shop is open).
        self.snapshot_keepers: dict[str, SnapshotKeeper] = {}
        stores: Mapping[str, QueueSnapshot] = (
            (snapshots or {})
            if self.session is not None
            else {"": snapshot} if snapshot is not None else {}
        )
        if stores:
            from tui.snapshot import SnapshotKeeper

            for name, store in stores.items():
                shop_feed = self.feed if self.session is None else self.session.shops.feed(name)
                keeper = self.snapshot_keepers[name] = SnapshotKeeper(store, shop_feed)
                keeper.start()  # read while Textual starts
        from tui.notifications import StatusNotifier

        self.changer = StatusChanger(
            shop,
            label=self.status_label,
            attribution=Attribution(self.config.staff, self.config.workstation)
            if self.config.attribute_changes
            else None,
            customer_message=StatusNotifier(self),
        )
        for theme in THEMES:
            self.register_theme(theme)
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                self.call_later(
                    self.notify,
                    _("Unknown theme {theme!r} in config; choose one with ctrl+p → Theme.").format(
                        theme=self.config.theme
                    ),
                    severity="warning",
                )

    # ---- start and stop -------------------------------------------------------------

    def on_mount(self) -> None:
        from screens.queue import QueueScreen

        mark("mounted")
        self.title = _("orderdesk — {shop_label}").format(shop_label=self.shop_label)
        self.push_screen(QueueScreen())
        mark("queue screen pushed")
        self.set_timer(GC_PAUSE_LIMIT, gc.enable)
        self.load_shop_statuses()
        self.follow_feed()
        if self.snapshot_keepers:
            from tui.snapshot import SAVE_EVERY

            self.set_interval(SAVE_EVERY, self._save_snapshot)

    def learn_customer_language(self) -> None:
        """Ask the shop its language once, so messages and documents can follow it.

        Asked when the first load is complete (it would otherwise compete with the load
        for the CPU), or sooner if something needs the language first."""
        if not self._language_asked:
            self._language_asked = True
            self._ask_customer_language()

    @work(group="shop-language", exit_on_error=False, description="shop language")
    async def _ask_customer_language(self) -> None:
        from tui.shop_language import customer_language

        await customer_language(self.shop, self.config.lang)

    @property
    def customer_lang(self) -> str:
        """The language of what customers read (messages, documents): the shop's own,
        else the interface language until the shop has said."""
        from tui.shop_language import customer_language_now

        self.learn_customer_language()
        return customer_language_now(self.shop, self.config.lang)

    async def on_unmount(self) -> None:
        for keeper in self.snapshot_keepers.values():
            keeper.save_now()
        await self.shop.aclose()

    @property
    def snapshot_keeper(self) -> SnapshotKeeper | None:
        """The queue snapshot of the one shop open (None with several, or none kept)."""
        return self.snapshot_keepers.get("")

    def _save_snapshot(self) -> None:
        if self.snapshot_keepers:
            self.run_worker(self._save_snapshots(), group="snapshot", exclusive=True)

    async def _save_snapshots(self) -> None:
        for keeper in self.snapshot_keepers.values():
            await keeper.save_later()

    # ---- the live feed --------------------------------------------------------------

    @work(exclusive=True, group="feed", exit_on_error=False, description="live order feed")
    async def follow_feed(self) -> None:
        if self.session is not None:
            for name, keeper in self.snapshot_keepers.items():
                # Before the feeds start: a restored feed resumes instead of loading.
                await keeper.restore(self._saved_shower(name), self._painted)
            async for name, event in self.session.events():
                self.post_message(FeedArrived(event, shop=name))
            return
        if self.snapshot_keeper is not None:
            # The queue as the last run left it, at once; the feed catches up from there.
            await self.snapshot_keeper.restore(self._show_saved, self._painted)
        async for event in self.feed.events():
            self.post_message(FeedArrived(event))

    #: Seconds the snapshot's restore waits for the first rows to be painted (never stuck).
    FIRST_PAINT_WAIT = 1.0

    async def _painted(self) -> None:
        """Until the queue's first rows are on screen (at most `FIRST_PAINT_WAIT`)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_rows_painted.wait(), self.FIRST_PAINT_WAIT)

    @on(OrderTable.RowsPainted)
    def _rows_painted(self, message: OrderTable.RowsPainted) -> None:
        from screens.queue import QueueScreen

        if isinstance(message.control.screen, QueueScreen):
            self._first_rows_painted.set()

    def _saved_shower(self, name: str) -> Callable[[list[Order]], None]:
        """`_show_saved` for one of several shops: its orders given global ids first."""
        session = self.session
        assert session is not None

        def show(orders: list[Order]) -> None:
            self._show_saved(list(session.router.encode(name, orders)))

        return show

    def _show_saved(self, orders: list[Order]) -> None:
        """Orders from the queue snapshot: into the model now (the feed resumes after)."""
        if orders:
            self._pending_load.extend(orders)
            self._flush_load(complete=False)

    def _shop_state_changed(self, name: str, state: ConnectionState) -> None:
        """One shop's feed (several shops open) went live, reconnecting or offline."""
        self.post_message(ConnectionChanged(state, shop=name))

    def _shop_stopped(self, name: str, error: ShopError) -> None:
        """One shop's feed ended for good (its key refused): the others go on."""
        if self.session is not None:
            self.session.stopped(name, error)
        self.post_message(ConnectionChanged("offline", shop=name))
        self.notify(
            _("{shop}: {error}").format(shop=name, error=error),
            title=_("Shop stopped"),
            severity="error",
            timeout=15,
        )

    def _feed_state_changed(self, state: ConnectionState) -> None:
        """Called by the feed (on this loop) whenever it goes live, reconnecting or offline."""
        self.post_message(ConnectionChanged(state))

    @on(ConnectionChanged)
    def _connection(self, message: ConnectionChanged) -> None:
        if message.shop is not None and self.session is not None:
            self._shop_connection(message.shop, message.state)
            return
        if message.state != self.connection:
            self.connection = message.state
            self.connection_changed.publish(message.state)
            if message.state == "live" and self.queued_changes():
                self.replay_journal()

    def _shop_connection(self, name: str, state: ConnectionState) -> None:
        """Several shops: each has its own state, replay and load; the console goes on."""
        assert self.session is not None
        changed = self.session.set_state(name, state)
        self.connection = self.session.overall()
        if changed:
            self.connection_changed.publish(self.connection)
        if state == "live" and self.journal.pending_count(name):
            self.replay_shop_journal(name)
        if not self.loaded and self.session.all_loaded:
            self._flush_load(complete=True)

    @on(FeedArrived)
    def _feed(self, message: FeedArrived) -> None:
        event = message.event
        if message.shop is not None and self.session is not None and event.kind == "loaded":
            if event.complete:
                self.session.mark_loaded(message.shop)
            event = FeedEvent("loaded", orders=event.orders, complete=self.session.all_loaded)
        if event.kind == "loaded":
            self._loading_pages(event)
            return
        if event.kind == "deleted":
            result = self.queue.remove(event.deleted_ids)
            changed_ids = set(event.deleted_ids)
        else:
            result = self.queue.upsert(event.orders)
            changed_ids = {o.id for o in event.orders}
        self.orders_changed.publish(changed_ids)
        screen = self._queue_screen()
        if screen is not None:
            screen.feed_applied(event, result)

    def _loading_pages(self, event: FeedEvent) -> None:
        """Show the first page at once; batch the rest (`LOAD_FLUSH_SECONDS`) so 1,000 pages
        are not 1,000 re-sorts and redraws."""
        self._pending_load.extend(event.orders)
        first_page = self.queue.total == 0 and not self._pending_flush
        if event.complete or first_page:
            self._flush_load(complete=event.complete)
        elif not self._pending_flush:
            self._pending_flush = True
            self.set_timer(LOAD_FLUSH_SECONDS, lambda: self._flush_load(complete=False))

    def _flush_load(self, *, complete: bool) -> None:
        self._pending_flush = False
        batch, self._pending_load = self._pending_load, []
        if complete:
            self.loaded = True
            self.learn_customer_language()
        if not batch and not complete:
            return
        result = self.queue.upsert(batch)
        mark(f"{len(batch)} orders in the model (complete={complete})")
        if tracing:
            self.call_after_refresh(mark, f"painted after {len(batch)} orders")
        if not self._settle_due:
            # After the paint: the first collection walks everything Textual allocated
            # while starting (tens of ms), which used to delay the first rows.
            self._settle_due = True
            self.call_after_refresh(self._settle_memory)
        self.orders_changed.publish({o.id for o in batch})
        screen = self._queue_screen()
        if screen is not None:
            screen.feed_applied(FeedEvent("loaded", orders=batch, complete=complete), result)

    def _settle_memory(self) -> None:
        """Loaded orders live as long as the app: move them (and everything allocated so
        far) out of the collector's sight, so a full collection never walks 100,000 orders
        (0.5-0.9 s pauses while typing otherwise); see RESULTS.md fix 5. The collection
        first only walks what was allocated since the last freeze (a few ms) and keeps the
        batch's cyclic garbage (requests, messages) from being frozen too.

        Automatic collection is off while the console starts (`tui.cli.main`): these
        collections are the only ones until the first load is complete, when it is turned
        back on (or after `GC_PAUSE_LIMIT` seconds, for a shop that never finishes).

        The very first settle, while the load goes on, only freezes: collecting then walks
        everything the imports left (30 ms of a first launch, competing with the pages)
        to free ~4,000 objects of import-time garbage, which stay frozen instead."""
        self._settle_due = False
        if self.loaded or gc.get_freeze_count():
            gc.collect()
        gc.freeze()
        if self.loaded:
            gc.enable()
        mark("memory settled")

    def _queue_screen(self):  # -> QueueScreen | None
        from screens.queue import QueueScreen

        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                return screen
        return None

    # ---- statuses -------------------------------------------------------------------

    @work(group="shop-statuses", exit_on_error=False, description="shop statuses")
    async def load_shop_statuses(self) -> None:
        """Ask the shop for its statuses once (a PrestaShop's order states, with names and
        colours); the console keeps its own until they arrive, or if they cannot be had."""
        try:
            if self.session is not None:
                statuses = await self._load_statuses_of_each_shop(self.session)
            else:
                statuses = await self.shop.list_statuses()
        except (ShopError, AttributeError):
            return
        self.apply_shop_statuses(statuses)

    async def _load_statuses_of_each_shop(self, session: ShopSession) -> list[ShopStatus]:
        """Several shops: every shop's statuses for badges and filters, and which shop has
        which, so the picker offers an order only its own shop's statuses."""
        from tui.status_sets import merge_statuses

        per_shop = await session.router.statuses_by_shop()
        self.status_slugs_by_shop = {
            name: frozenset(s.slug for s in found) for name, found in per_shop.items()
        }
        return merge_statuses(per_shop)

    def apply_shop_statuses(self, statuses: Iterable[ShopStatus]) -> None:
        """The shop's statuses become the console's: its names and badge colours, under
        whatever config.toml says about the same slugs."""
        self.shop_statuses = {s.slug: s for s in statuses}
        entries: dict[str, dict[str, str]] = {}
        for status in self.shop_statuses.values():
            entry = {"label": status.label} if status.label else {}
            if status.colour:
                entry["colour"] = status.colour
            entries[status.slug] = entry
        for slug, entry in self.config.status_style_entries().items():
            entries[slug] = {**entries.get(slug, {}), **entry}
        self.status_styles = StatusStyles.from_config(entries)
        screen = self._queue_screen()
        if screen is not None and screen.is_attached:
            screen.table.status_styles = self.status_styles

    def statuses(self, for_orders: Iterable[Order] = ()) -> list[tuple[str, str]]:
        """The shop's statuses (else the core ones) and the custom ones from config, as
        (slug, label). With `for_orders` (several shops open), only the statuses every
        shop of those orders has."""
        if self.shop_statuses:
            allowed = self._statuses_for(for_orders)
            pairs = [
                (slug, self.status_label(slug))
                for slug in self.shop_statuses
                if allowed is None or slug in allowed
            ]
        else:
            pairs = [
                (slug, _(label))
                for slug, label in STATUS_LABELS.items()
                if slug not in ("trash", "checkout-draft")
            ]
        for slug, style in self.config.statuses.items():
            label = style.label or self.status_label(slug)
            pairs = [(s, lbl) for s, lbl in pairs if s != slug] + [(slug, label)]
        return pairs

    def _statuses_for(self, orders: Iterable[Order]) -> frozenset[str] | None:
        """The slugs the shops of `orders` all have; None when there is nothing to narrow
        (one shop open, or no shop of theirs said which it has)."""
        from tui.status_sets import common_slugs

        if self.session is None or not self.status_slugs_by_shop:
            return None
        shops = {self.session.shop_of(o.id) for o in orders}
        return common_slugs(
            self.status_slugs_by_shop[name] for name in shops if name in self.status_slugs_by_shop
        )

    def status_label(self, status: str) -> str:
        custom = {slug: s.label for slug, s in self.shop_statuses.items() if s.label}
        custom.update({slug: s.label for slug, s in self.config.statuses.items() if s.label})
        return status_label(status, custom)

    async def _status_emails(self) -> bool:
        """Whether the shop e-mails the customer itself when a status change asks it to
        (asked only of a shop that answers, and not for long: it only words a hint)."""
        if self.connection != "live":
            return False
        try:
            return (await asyncio.wait_for(self.shop.capabilities(), 3.0)).status_emails
        except (ShopError, AttributeError, TimeoutError):
            return False

    @work(group="status-pick", exit_on_error=False)
    async def pick_status(self, orders: list[Order]) -> None:
        """Choose a status for `orders`, confirm when it is risky, then apply it."""
        from screens.confirm import ConfirmScreen
        from screens.status_picker import StatusPicker

        if not orders:
            self.notify(_("No order selected."), severity="warning")
            return
        bulk = len(orders) > 1
        title = (
            _("Status for {count} marked orders").format(count=len(orders))
            if bulk
            else _("Status for {ref}").format(ref=self.order_ref(orders[0]))
        )
        choice = await self.push_screen_wait(
            StatusPicker(
                self.statuses(orders),
                title=title,
                current=None if bulk else orders[0].status,
                notify=self.config.notify_customer_default,
                shop_emails_on=frozenset() if await self._status_emails() else SHOP_EMAILS_ON,
            )
        )
        if choice is None:
            return
        targets = [o for o in orders if o.status != choice.status]
        if not targets:
            self.notify(_(
                "Already {status_label}."
            ).format(status_label=self.status_label(choice.status)))
            return
        label = self.status_label(choice.status)
        if bulk or choice.status == "cancelled":
            what = (
                ngettext("{n} order", "{n} orders", len(targets)).format(n=len(targets))
                if bulk
                else _("order {ref}").format(ref=self.order_ref(targets[0]))
            )
            question = _("Set {what} to {label}?").format(what=what, label=label)
            if choice.notify:
                question += " " + _("The customer is notified.")
            ok = await self.push_screen_wait(ConfirmScreen(question, title=_("Change status")))
            if not ok:
                return
        # Shown at once; each order is checked against the shop as it is written.
        self.apply_status(targets, choice.status, notify=choice.notify, check=True)

    def apply_status(
        self,
        orders: list[Order],
        status: str,
        *,
        notify: bool,
        undoing: bool = False,
        check: bool = False,
    ) -> Worker[None]:
        """Show the new status at once, then confirm it with the shop (or roll back).

        With `check`, an order someone else changed since it was shown is not written:
        the person is asked (`tui.status_flow.ask_about_conflicts`).
        """
        previous = {o.id: self.queue.get(o.id) or o for o in orders}
        optimistic = [dataclasses.replace(previous[o.id], status=status) for o in orders]
        self._apply_local(optimistic)
        return self._send_status(orders, status, notify, previous, undoing, check)

    @work(group="writes", exit_on_error=False, description="status change")
    async def _send_status(
        self,
        orders: list[Order],
        status: str,
        notify: bool,
        previous: dict[int, Order],
        undoing: bool,
        check: bool = False,
    ) -> None:
        away = [o for o in orders if self.connection_of(o.id) in ("offline", "reconnecting")]
        reachable = [o for o in orders if o not in away]
        if reachable:
            outcome = await self.changer.write(reachable, status, check=check, notify=notify)
        else:
            outcome = ChangeOutcome(new_status=status)
        outcome.failed.extend(
            (o, Unavailable("the shop is offline", code="orderdesk_offline")) for o in away
        )
        # Confirmed rows show now; the notes follow (they never undo a change).
        self._status_applied(StatusApplied(outcome, previous, undoing, notify=notify))
        if outcome.written:
            await self.changer.write_notes(outcome, notify=notify)
            for warning in outcome.warnings:
                self.notify(warning, severity="warning")

    def _status_applied(self, message: StatusApplied) -> None:
        outcome, previous = message.outcome, message.previous
        label = self.status_label(outcome.new_status)
        self._apply_local(outcome.confirmed)
        if outcome.conflicts:
            from tui.status_flow import ask_about_conflicts

            # The rows show the shop's version while the person decides.
            self._apply_local([report.current for report in outcome.conflicts])
            self.run_worker(
                ask_about_conflicts(self, outcome.conflicts, outcome.new_status, message.notify),
                group="status-pick",
                exit_on_error=False,
            )
        unreachable = [(o, e) for o, e in outcome.failed if isinstance(e, Unavailable)]
        if unreachable:
            outcome.failed = [(o, e) for o, e in outcome.failed if not isinstance(e, Unavailable)]
            self._journal_statuses(
                [previous[o.id] for o, _ in unreachable], outcome.new_status, message.notify
            )
        if outcome.failed:
            self._apply_local([previous[order.id] for order, _ in outcome.failed])
            first_order, first_error = outcome.failed[0]
            kept = self.status_label(previous[first_order.id].status)
            more = (
                " " + _("(and {n} more)").format(n=len(outcome.failed) - 1)
                if len(outcome.failed) > 1
                else ""
            )
            self.notify(
                _("{ref} stays {kept}: {error}").format(
                    ref=self.order_ref(first_order), kept=kept, error=error_text(first_error)
                )
                + more,
                title=_("Status not changed"),
                severity="error",
                timeout=8,
            )
        if outcome.confirmed:
            if message.undoing:
                self.undo_entry = None
                count = len(outcome.confirmed)
                self.notify(
                    ngettext(
                        "Undone: {n} order restored.", "Undone: {n} orders restored.", count
                    ).format(n=count)
                )
            else:
                self.undo_entry = UndoEntry(
                    previous={o.id: previous[o.id].status for o in outcome.confirmed},
                    new_status=outcome.new_status,
                    made_at=time.monotonic(),
                )
                count = len(outcome.confirmed)
                what = (
                    self.order_ref(outcome.confirmed[0])
                    if count == 1
                    else ngettext("{n} order", "{n} orders", count).format(n=count)
                )
                self.notify(_(
                    "{what} → {label}. Press u to undo (10 s)."
                ).format(what=what, label=label), title=_("Status changed"))

    def _apply_local(self, orders: Iterable[Order]) -> None:
        orders = list(orders)
        if not orders:
            return
        result = self.queue.upsert(orders)
        self.orders_changed.publish({o.id for o in orders})
        screen = self._queue_screen()
        if screen is not None:
            screen.local_applied(result)

    # ---- offline journal -------------------------------------------------------------

    @functools.cached_property
    def journal(self) -> Journal:
        """Changes made while the shop is unreachable; kept on disk across restarts."""
        return Journal()

    def _journal_statuses(self, orders: list[Order], status: str, notify: bool) -> None:
        """Keep the new status on screen, queued, and send it when the shop is back."""
        label = self.status_label(status)
        for order in orders:
            notes = self.changer.follow_up_notes(order, status, notify=notify)
            shop_name, own = self.journal_order(order)
            self.journal.add_status(shop_name, own, status, label=label, notes=notes)
        what = (
            self.order_ref(orders[0])
            if len(orders) == 1
            else ngettext("{n} order", "{n} orders", len(orders)).format(n=len(orders))
        )
        self.notify(
            _(
                "{what} → {label} queued: the shop is unreachable. It is sent when the shop is "
                "back (and checked against the shop first)."
            ).format(what=what, label=label),
            title=_("Offline"),
            severity="warning",
            timeout=8,
        )
        self.connection_changed.publish(self.connection)

    def queued_changes(self) -> int:
        if self.session is not None:
            return sum(self.queued_by_shop().values())
        return self.journal.pending_count(self.shop_label)

    def queued_by_shop(self) -> dict[str, int]:
        """Several shops: each one's changes waiting in the journal."""
        names = self.session.names if self.session is not None else [self.shop_label]
        return {name: self.journal.pending_count(name) for name in names}

    # ---- one shop or several -----------------------------------------------------------

    def order_ref(self, order: Order) -> str:
        """How messages name an order: `#1234`, or `MAIN-1234` with several shops open."""
        if self.session is not None:
            return self.session.code(order)
        return f"#{order.number}"

    def shop_name_of(self, order_id: int) -> str:
        """The name of the shop an order belongs to (the profile's, with several)."""
        if self.session is not None:
            return self.session.shop_of(order_id)
        return self.shop_label

    def connection_of(self, order_id: int) -> ConnectionState:
        """The connection of the shop this order belongs to: with several shops open, one
        shop going offline leaves the others' orders live."""
        if self.session is not None:
            return self.session.state_of(order_id)
        return self.connection

    def journal_key(self, order_id: int) -> tuple[str, int]:
        """(journal shop name, the shop's own order id) for queuing a change offline."""
        if self.session is not None:
            return self.session.local_id(order_id)
        return self.shop_label, order_id

    def journal_order(self, order: Order) -> tuple[str, Order]:
        if self.session is not None:
            return self.session.local(order)
        return self.shop_label, order

    def replay_shop_journal(self, name: str) -> None:
        """Several shops: send one shop's queued changes (others replay on their own)."""
        assert self.session is not None
        session = self.session
        self.run_worker(
            self._replay(name, session.shops.client(name), lambda o: session.encode(name, o)),
            group=f"journal-replay-{name}",
            exclusive=True,
            exit_on_error=False,
            description=f"replay {name}",
        )

    @work(exclusive=True, group="journal-replay", exit_on_error=False, description="replay")
    async def replay_journal(self) -> None:
        if self.session is not None:
            for name in self.session.names:
                if self.session.state(name) == "live":
                    self.replay_shop_journal(name)
            return
        await self._replay(self.shop_label, self.shop, lambda order: order)

    async def _replay(
        self, shop_name: str, client: ShopClient, encode: Callable[[Order], object]
    ) -> None:
        from screens.confirm import ConfirmScreen
        from tui.multishop import order_code

        ref = (
            (lambda number: order_code(shop_name, number))
            if self.session is not None
            else (lambda number: f"#{number}")
        )

        async def decide(entry: JournalEntry, current: Order) -> bool:
            return bool(
                await self.push_screen_wait(
                    ConfirmScreen(
                        _(
                            "While offline you set {ref} to {value}; meanwhile it became "
                            "{status_label} in the shop. Apply your change anyway?"
                        ).format(
                            ref=ref(entry.number),
                            value=entry.payload.get("label") or entry.payload.get("status"),
                            status_label=self.status_label(current.status),
                        ),
                        title=_("Changed by someone else"),
                        yes_label=_("Apply"),
                    )
                )
            )

        def settled(result: ReplayResult) -> None:
            if result.order is not None:
                self._apply_local([encode(result.order)])  # type: ignore[list-item]
            severity = "information" if result.outcome in ("applied", "skipped") else "warning"
            self.notify(result.message, title=_("Queued change"), severity=severity)

        summary = await self.journal.replay(shop_name, client, on_result=settled, decide=decide)
        if summary.stopped is None and summary.results:
            count = len(summary.results)
            self.notify(
                ngettext(
                    "{n} queued change settled with the shop.",
                    "{n} queued changes settled with the shop.",
                    count,
                ).format(n=count)
            )
        self.connection_changed.publish(self.connection)

    def action_undo(self) -> None:
        entry = self.undo_entry
        if entry is None or entry.expired():
            self.undo_entry = None
            self.notify(_("Nothing to undo (undo works for 10 seconds)."), severity="warning")
            return
        by_status: dict[str, list[Order]] = {}
        for order_id, old_status in entry.previous.items():
            order = self.queue.get(order_id)
            if order is not None:
                by_status.setdefault(old_status, []).append(order)
        self.undo_entry = None
        for old_status, orders in by_status.items():
            self.apply_status(orders, old_status, notify=False, undoing=True)

    # ---- other screens on one order ---------------------------------------------------
    # Screens are imported when opened: start-up only pays for the queue.

    def work_on(self, order_id: int) -> None:
        """Several shops: calls without an id (product search, customers) go to the shop
        of the order (or customer) being worked on."""
        if self.session is not None:
            self.session.focus(order_id)

    def open_order(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.order_detail import OrderDetailScreen

        self.push_screen(OrderDetailScreen(order_id))

    def open_messages(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.messages import MessagesScreen

        self.push_screen(MessagesScreen(order_id))

    def open_refund(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.refund import RefundScreen

        self.push_screen(RefundScreen(order_id))

    def open_return(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.returns import ReturnScreen

        self.push_screen(ReturnScreen(order_id))

    def open_pack(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.pack import PackScreen

        self.push_screen(PackScreen(order_id))

    def open_edit(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.order_edit import OrderEditScreen

        self.push_screen(OrderEditScreen(order_id))

    def open_delete(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.delete_order import DeleteOrderScreen

        self.push_screen(DeleteOrderScreen(order_id))

    def open_payment_link(self, order_id: int) -> None:
        self.work_on(order_id)
        from screens.payment_link import PaymentLinkScreen

        self.push_screen(PaymentLinkScreen(order_id))

    def open_customers(self, customer_id: int | None = None, *, search: str = "") -> None:
        if customer_id:
            self.work_on(customer_id)
        from screens.customers import CustomersScreen

        self.push_screen(CustomersScreen(customer_id=customer_id, search=search))

    def action_add_shop(self) -> None:
        from screens.shop_form import ShopFormScreen
        from tui import paths

        def saved(profile: object) -> None:
            if profile is not None:
                name = getattr(profile, "name", "")
                self.notify(_(
                    "Saved. Open it with: orderdesk --shop {name}"
                ).format(name=name), title=_("Shop added"))

        self.push_screen(ShopFormScreen(paths.config_file()), saved)

    def action_invoice_range(self) -> None:
        from screens.export import InvoiceRangeScreen

        self.push_screen(InvoiceRangeScreen())

    def action_customers(self) -> None:
        self.open_customers()

    def action_reports(self) -> None:
        from screens.reports import ReportsScreen

        self.push_screen(ReportsScreen())

    def print_documents(self, kind: str, order_ids: list[int]) -> None:
        """Make `kind` ("packing_slip", "invoice", "receipt", "pick_list") and print or save it."""
        self._print_worker(kind, order_ids)

    @work(group="print", exit_on_error=False, description="print documents")
    async def _print_worker(self, kind: str, order_ids: list[int]) -> None:
        from tui.print_jobs import produce_and_print

        self.notify(_("Preparing {document}…").format(document=document_name(kind)), timeout=2)
        result = await produce_and_print(self.shop, self.config, kind, order_ids)
        self.notify(
            result.message,
            title=_("Printed")
            if result.printed
            else (_("Saved") if result.ok else _("Not printed")),
            severity="information" if result.ok else "error",
            timeout=8,
        )

    def action_shop_filter(self) -> None:
        screen = self._queue_screen()
        if screen is not None:
            screen.action_pick_shop()

    def filter_shops(self, shops: frozenset[str]) -> None:
        """Several shops: show only these shops' orders in the queue (empty: every shop)."""
        screen = self._queue_screen()
        if screen is not None:
            screen.set_shop_filter(shops)

    def action_scan(self) -> None:
        from screens.scan import ScanScreen

        if not isinstance(self.screen, ScanScreen):
            self.push_screen(ScanScreen())

    def action_message_manager(self) -> None:
        from screens.message_manager import MessageManagerScreen

        self.push_screen(MessageManagerScreen())

    # ---- help, palette, errors ------------------------------------------------------

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 toggles, as it did before F1 became app-wide
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the interface language."""
        from tui.widgets.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(placeholder=_("Search for commands…"), id="--command-palette"))

    def search_themes(self) -> None:
        """Textual's theme picker (palette command "Theme"), in the interface language."""
        from textual.theme import ThemeProvider

        from tui.widgets.palette import Palette

        self.push_screen(Palette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def action_help_quit(self) -> None:
        """ctrl+c (Textual's reminder that it does not quit), in the interface language."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    _("Press [b]{key}[/b] to quit the app").format(key=key),
                    title=_("Do you want to quit?"),
                )
                return

    @on(events.DeliveryComplete)
    @on(events.DeliveryFailed)
    def _screenshot_delivered(self, event: events.DeliveryComplete) -> None:
        """Textual's "Saved screenshot" (palette command "Screenshot"), translated: handled
        here first, so Textual's English handler is skipped."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        if isinstance(event, events.DeliveryFailed):
            self.notify(_("Failed to save screenshot"), title=_("Screenshot"), severity="error")
        elif event.path is None:
            self.notify(_("Saved screenshot"), title=_("Screenshot"))
        else:
            self.notify(
                _("Saved screenshot to {path}").format(path=event.path), title=_("Screenshot")
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # Textual's own commands (Theme, Quit, Keys...): ids listed in tui.textual_texts.
            yield command._replace(title=_(command.title), help=_(command.help))
        yield SystemCommand(_("Help: keys"), _("Every key of this screen"), self.action_help)
        yield SystemCommand(_("Undo last status change"), _("Within 10 seconds"), self.action_undo)
        yield SystemCommand(_("Scan"), _("Scan an order number to open it (F2)"), self.action_scan)
        yield SystemCommand(
            _("Predefined messages"),
            _("List, add, edit, rename, delete"),
            self.action_message_manager,
        )
        yield SystemCommand(
            _("Customers"), _("Search customers, see their orders"), self.action_customers
        )
        yield SystemCommand(
            _("Reports"), _("Orders, revenue, refunds per day"), self.action_reports
        )
        yield SystemCommand(
            _("Add a shop"),
            _("Save a WooCommerce shop profile to config.toml"),
            self.action_add_shop,
        )
        yield SystemCommand(
            _("Invoices for a date range"), _("One PDF of every invoice"), self.action_invoice_range
        )
        if self.session is not None:
            yield SystemCommand(
                _("Filter by shop"),
                _("Choose which shops' orders the queue shows (S)"),
                self.action_shop_filter,
            )
            for name in self.session.names:
                yield SystemCommand(
                    _("Shop: only {shop}").format(shop=name),
                    _("The queue shows only this shop's orders"),
                    functools.partial(self.filter_shops, frozenset({name})),
                )
            yield SystemCommand(
                _("Shop: every shop"),
                _("The queue shows the orders of every shop"),
                functools.partial(self.filter_shops, frozenset()),
            )
        yield from self._binding_commands(screen)

    def _binding_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of `screen` as a command: the screen's own and those of the focused
        widget (the queue's space and enter), one command per action with all its keys.

        Textual's own widgets' keys (an Input's cursor moves…) have no `id` and are left
        out; the app's keys are the commands above.
        """
        found: dict[tuple[int, str, str], tuple[object, str, list[str]]] = {}
        for key, active in screen.active_bindings.items():
            binding, node = active.binding, active.node
            if not binding.description or not binding.action or node is self:
                continue
            if node is not screen and not binding.id:
                continue
            entry = found.setdefault(
                (id(node), binding.action, binding.description),
                (node, binding.action, []),
            )
            display = binding.key_display or self.get_key_display(binding.with_key(key))
            if display not in entry[2]:
                entry[2].append(display)
        for (_node_id, _action, description), (node, action, keys) in found.items():
            shown = ", ".join(keys)
            yield SystemCommand(
                f"{_(description)} ({shown})",
                _("Same as pressing {key}").format(key=shown),
                lambda action=action, node=node: self.run_action(action, node),
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected error becomes a message, never a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = (
            error_text(error)
            if isinstance(error, ShopError)
            else f"{type(error).__name__}: {error}"
        )
        self.notify(message, title=_("Something went wrong"), severity="error", timeout=10)
