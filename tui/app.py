"""The orderdesk Textual app: one shop, its live order queue, and the changes staff make.

The App owns what outlives a screen: the shop client, the queue model fed by the live feed,
status-change workers and the undo entry. Screens read the model and ask the App to act.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from client.errors import ShopError, Unavailable
from client.feed import LiveFeed
from client.model import Order
from client.protocol import FeedEvent, ShopClient
from tui.config import Config
from tui.journal import Journal, JournalEntry, ReplayResult
from tui.queue_model import QueueModel
from tui.render import STATUS_LABELS, status_label
from tui.status_changes import (
    SHOP_EMAILS_ON,
    Attribution,
    ChangeOutcome,
    StatusChanger,
    UndoEntry,
)
from tui.status_style import StatusStyles
from tui.themes import THEMES

if TYPE_CHECKING:
    from tui.snapshot import QueueSnapshot

ConnectionState = Literal["connecting", "live", "reconnecting", "offline"]


class FeedArrived(Message):
    def __init__(self, event: FeedEvent) -> None:
        super().__init__()
        self.event = event


class ConnectionChanged(Message):
    def __init__(self, state: ConnectionState) -> None:
        super().__init__()
        self.state = state


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
    ) -> None:
        """`snapshot`: where this shop's queue is kept between runs (None: not kept)."""
        super().__init__()
        self.shop = shop
        self.config = config or Config()
        self.demo = demo
        self.shop_label = shop_label or getattr(shop, "name", "shop")
        self.queue = QueueModel()
        self.status_styles = StatusStyles.from_config(self.config.status_style_entries())
        self.orders_changed: Signal[set[int]] = Signal(self, "orders-changed")
        self.connection_changed: Signal[ConnectionState] = Signal(self, "connection-changed")
        self.connection: ConnectionState = "connecting"
        self.loaded = False
        self._pending_load: list[Order] = []
        self._pending_flush = False
        self.undo_entry: UndoEntry | None = None
        self.feed = feed or LiveFeed(
            shop, interval=self.config.poll_interval, on_state=self._feed_state_changed
        )
        self.snapshot_keeper = None
        if snapshot is not None:
            from tui.snapshot import SnapshotKeeper

            self.snapshot_keeper = SnapshotKeeper(snapshot, self.feed)
            self.snapshot_keeper.start()  # read while Textual starts
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
                    f"Unknown theme {self.config.theme!r} in config; "
                    f"choose one with ctrl+p → Theme.",
                    severity="warning",
                )

    # ---- start and stop -------------------------------------------------------------

    def on_mount(self) -> None:
        from screens.queue import QueueScreen

        self.title = f"orderdesk — {self.shop_label}"
        self.push_screen(QueueScreen())
        self.follow_feed()
        if self.snapshot_keeper is not None:
            from tui.snapshot import SAVE_EVERY

            self.set_interval(SAVE_EVERY, self._save_snapshot)

    async def on_unmount(self) -> None:
        if self.snapshot_keeper is not None:
            self.snapshot_keeper.save_now()
        await self.shop.aclose()

    def _save_snapshot(self) -> None:
        if self.snapshot_keeper is not None:
            self.run_worker(self.snapshot_keeper.save_later(), group="snapshot", exclusive=True)

    # ---- the live feed --------------------------------------------------------------

    @work(exclusive=True, group="feed", exit_on_error=False, description="live order feed")
    async def follow_feed(self) -> None:
        if self.snapshot_keeper is not None:
            # The queue as the last run left it, at once; the feed catches up from there.
            await self.snapshot_keeper.restore(self._show_saved)
        async for event in self.feed.events():
            self.post_message(FeedArrived(event))

    def _show_saved(self, orders: list[Order]) -> None:
        """Orders from the queue snapshot: into the model now (the feed resumes after)."""
        if orders:
            self._pending_load.extend(orders)
            self._flush_load(complete=False)

    def _feed_state_changed(self, state: ConnectionState) -> None:
        """Called by the feed (on this loop) whenever it goes live, reconnecting or offline."""
        self.post_message(ConnectionChanged(state))

    @on(ConnectionChanged)
    def _connection(self, message: ConnectionChanged) -> None:
        if message.state != self.connection:
            self.connection = message.state
            self.connection_changed.publish(message.state)
            if message.state == "live" and self.queued_changes():
                self.replay_journal()

    @on(FeedArrived)
    def _feed(self, message: FeedArrived) -> None:
        event = message.event
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
        """Show the first page at once; batch the rest so 1,000 pages are not 1,000 redraws."""
        self._pending_load.extend(event.orders)
        first_page = self.queue.total == 0 and not self._pending_flush
        if event.complete or first_page:
            self._flush_load(complete=event.complete)
        elif not self._pending_flush:
            self._pending_flush = True
            self.set_timer(0.25, lambda: self._flush_load(complete=False))

    def _flush_load(self, *, complete: bool) -> None:
        self._pending_flush = False
        batch, self._pending_load = self._pending_load, []
        if complete:
            self.loaded = True
        if not batch and not complete:
            return
        result = self.queue.upsert(batch)
        # Loaded orders live as long as the app: move them (and everything allocated so
        # far) out of the collector's sight, so a full collection never walks 100,000
        # orders (0.5-0.9 s pauses while typing otherwise); see RESULTS.md fix 5. The
        # collection first only walks what was allocated since the last freeze (a few ms)
        # and keeps that batch's cyclic garbage (requests, messages) from being frozen too.
        gc.collect()
        gc.freeze()
        self.orders_changed.publish({o.id for o in batch})
        screen = self._queue_screen()
        if screen is not None:
            screen.feed_applied(FeedEvent("loaded", orders=batch, complete=complete), result)

    def _queue_screen(self):  # -> QueueScreen | None
        from screens.queue import QueueScreen

        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                return screen
        return None

    # ---- statuses -------------------------------------------------------------------

    def statuses(self) -> list[tuple[str, str]]:
        """Core statuses and the custom ones from config, as (slug, label)."""
        pairs = [
            (slug, label)
            for slug, label in STATUS_LABELS.items()
            if slug not in ("trash", "checkout-draft")
        ]
        for slug, style in self.config.statuses.items():
            label = style.label or slug
            pairs = [(s, lbl) for s, lbl in pairs if s != slug] + [(slug, label)]
        return pairs

    def status_label(self, status: str) -> str:
        custom = {slug: s.label for slug, s in self.config.statuses.items() if s.label}
        return status_label(status, custom)

    @work(group="status-pick", exit_on_error=False)
    async def pick_status(self, orders: list[Order]) -> None:
        """Choose a status for `orders`, confirm when it is risky, then apply it."""
        from screens.confirm import ConfirmScreen
        from screens.status_picker import StatusPicker

        if not orders:
            self.notify("No order selected.", severity="warning")
            return
        bulk = len(orders) > 1
        title = (
            f"Status for {len(orders)} marked orders" if bulk else f"Status for #{orders[0].number}"
        )
        choice = await self.push_screen_wait(
            StatusPicker(
                self.statuses(),
                title=title,
                current=None if bulk else orders[0].status,
                notify=self.config.notify_customer_default,
                shop_emails_on=SHOP_EMAILS_ON,
            )
        )
        if choice is None:
            return
        targets = [o for o in orders if o.status != choice.status]
        if not targets:
            self.notify(f"Already {self.status_label(choice.status)}.")
            return
        label = self.status_label(choice.status)
        if bulk or choice.status == "cancelled":
            what = f"{len(targets)} orders" if bulk else f"order #{targets[0].number}"
            notify_text = " The customer is notified." if choice.notify else ""
            ok = await self.push_screen_wait(
                ConfirmScreen(f"Set {what} to {label}?{notify_text}", title="Change status")
            )
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
        if self.connection in ("offline", "reconnecting"):
            outcome = ChangeOutcome(new_status=status)
            outcome.failed = [
                (o, Unavailable("the shop is offline", code="orderdesk_offline")) for o in orders
            ]
        else:
            outcome = await self.changer.write(orders, status, check=check)
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
            more = f" (and {len(outcome.failed) - 1} more)" if len(outcome.failed) > 1 else ""
            self.notify(
                f"#{first_order.number} stays {kept}: {first_error}{more}",
                title="Status not changed",
                severity="error",
                timeout=8,
            )
        if outcome.confirmed:
            if message.undoing:
                self.undo_entry = None
                self.notify(f"Undone: {len(outcome.confirmed)} order(s) restored.")
            else:
                self.undo_entry = UndoEntry(
                    previous={o.id: previous[o.id].status for o in outcome.confirmed},
                    new_status=outcome.new_status,
                    made_at=time.monotonic(),
                )
                what = (
                    f"#{outcome.confirmed[0].number}"
                    if len(outcome.confirmed) == 1
                    else f"{len(outcome.confirmed)} orders"
                )
                self.notify(f"{what} → {label}. Press u to undo (10 s).", title="Status changed")

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
            self.journal.add_status(self.shop_label, order, status, label=label, notes=notes)
        what = f"#{orders[0].number}" if len(orders) == 1 else f"{len(orders)} orders"
        self.notify(
            f"{what} → {label} queued: the shop is unreachable. It is sent when the shop "
            "is back (and checked against the shop first).",
            title="Offline",
            severity="warning",
            timeout=8,
        )
        self.connection_changed.publish(self.connection)

    def queued_changes(self) -> int:
        return self.journal.pending_count(self.shop_label)

    @work(exclusive=True, group="journal-replay", exit_on_error=False, description="replay")
    async def replay_journal(self) -> None:
        from screens.confirm import ConfirmScreen

        async def decide(entry: JournalEntry, current: Order) -> bool:
            return bool(
                await self.push_screen_wait(
                    ConfirmScreen(
                        f"While offline you set #{entry.number} to "
                        f"{entry.payload.get('label') or entry.payload.get('status')}; "
                        f"meanwhile it became {self.status_label(current.status)} in the "
                        "shop. Apply your change anyway?",
                        title="Changed by someone else",
                        yes_label="Apply",
                    )
                )
            )

        def settled(result: ReplayResult) -> None:
            if result.order is not None:
                self._apply_local([result.order])
            severity = "information" if result.outcome in ("applied", "skipped") else "warning"
            self.notify(result.message, title="Queued change", severity=severity)

        summary = await self.journal.replay(
            self.shop_label, self.shop, on_result=settled, decide=decide
        )
        if summary.stopped is None and summary.results:
            self.notify(f"{len(summary.results)} queued change(s) settled with the shop.")
        self.connection_changed.publish(self.connection)

    def action_undo(self) -> None:
        entry = self.undo_entry
        if entry is None or entry.expired():
            self.undo_entry = None
            self.notify("Nothing to undo (undo works for 10 seconds).", severity="warning")
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

    def open_order(self, order_id: int) -> None:
        from screens.order_detail import OrderDetailScreen

        self.push_screen(OrderDetailScreen(order_id))

    def open_messages(self, order_id: int) -> None:
        from screens.messages import MessagesScreen

        self.push_screen(MessagesScreen(order_id))

    def open_refund(self, order_id: int) -> None:
        from screens.refund import RefundScreen

        self.push_screen(RefundScreen(order_id))

    def open_return(self, order_id: int) -> None:
        from screens.returns import ReturnScreen

        self.push_screen(ReturnScreen(order_id))

    def open_pack(self, order_id: int) -> None:
        from screens.pack import PackScreen

        self.push_screen(PackScreen(order_id))

    def open_edit(self, order_id: int) -> None:
        from screens.order_edit import OrderEditScreen

        self.push_screen(OrderEditScreen(order_id))

    def open_delete(self, order_id: int) -> None:
        from screens.delete_order import DeleteOrderScreen

        self.push_screen(DeleteOrderScreen(order_id))

    def open_payment_link(self, order_id: int) -> None:
        from screens.payment_link import PaymentLinkScreen

        self.push_screen(PaymentLinkScreen(order_id))

    def open_customers(self, customer_id: int | None = None, *, search: str = "") -> None:
        from screens.customers import CustomersScreen

        self.push_screen(CustomersScreen(customer_id=customer_id, search=search))

    def action_add_shop(self) -> None:
        from screens.shop_form import ShopFormScreen
        from tui import paths

        def saved(profile: object) -> None:
            if profile is not None:
                name = getattr(profile, "name", "")
                self.notify(f"Saved. Open it with: orderdesk --shop {name}", title="Shop added")

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

        self.notify(f"Preparing {kind.replace('_', ' ')}…", timeout=2)
        result = await produce_and_print(self.shop, self.config, kind, order_ids)
        self.notify(
            result.message,
            title="Printed" if result.printed else ("Saved" if result.ok else "Not printed"),
            severity="information" if result.ok else "error",
            timeout=8,
        )

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

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys", "Every key of this screen", self.action_help)
        yield SystemCommand("Undo last status change", "Within 10 seconds", self.action_undo)
        yield SystemCommand("Scan", "Scan an order number to open it (F2)", self.action_scan)
        yield SystemCommand(
            "Predefined messages", "List, add, edit, rename, delete", self.action_message_manager
        )
        yield SystemCommand(
            "Customers", "Search customers, see their orders", self.action_customers
        )
        yield SystemCommand("Reports", "Orders, revenue, refunds per day", self.action_reports)
        yield SystemCommand(
            "Add a shop", "Save a WooCommerce shop profile to config.toml", self.action_add_shop
        )
        yield SystemCommand(
            "Invoices for a date range", "One PDF of every invoice", self.action_invoice_range
        )
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.description and binding.action and active.node is screen:
                yield SystemCommand(
                    f"{binding.description} ({key})",
                    f"Same as pressing {key}",
                    lambda action=binding.action: self.run_action(action, screen),
                )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected error becomes a message, never a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = str(error) if isinstance(error, ShopError) else f"{type(error).__name__}: {error}"
        self.notify(message, title="Something went wrong", severity="error", timeout=10)
