"""Status changes as the console makes them: shop first, then attribution and notification.

Why a service apart from the screens: a status change outlives the screen that started it
(the packer may leave the detail screen while the shop answers), and the same rules apply
from the queue, the detail screen and bulk actions. No widget code here.

A change is two steps so the console can confirm a row as soon as the shop has answered:
`write` (the PUTs, each checked against what the person saw, so no update made meanwhile by
someone else is lost silently) and `write_notes` (attribution and customer message, which
never undo a confirmed change).

The check before each PUT: on a shop that honours `If-Match` (the reference shop) and an
order shown with its ETag, the PUT itself carries `If-Match` and a refusal (412) becomes a
conflict report — one round trip. Otherwise (light queue orders carry no ETag; WooCommerce
ignores `If-Match`) the order is fetched and compared first, and the PUT then carries the
fetched ETag when there is one, closing the gap between the check and the write.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from client.errors import Conflict, ShopError
from client.model import Order
from client.protocol import LIST_FIELDS, ShopClient
from tui.error_text import error_text
from tui.i18n import _

if TYPE_CHECKING:
    from tui.conflicts import ConflictReport

#: Transitions on which WooCommerce emails the customer by itself.
SHOP_EMAILS_ON: frozenset[str] = frozenset({"processing", "completed", "refunded"})

UNDO_WINDOW_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who made a change, written into a private note so the order's timeline says so."""

    staff: str
    workstation: str

    def note(self, old_label: str, new_label: str) -> str:
        return (
            f"Status changed from {old_label} to {new_label} by {self.staff} "
            f"on {self.workstation} (orderdesk)."
        )


@dataclass(slots=True)
class ChangeOutcome:
    new_status: str
    confirmed: list[Order] = field(default_factory=list)
    failed: list[tuple[Order, ShopError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Orders not written because they changed in the shop since they were shown: the
    #: caller asks the person (`report.current` is the shop's version now).
    conflicts: list[ConflictReport] = field(default_factory=list)
    #: (as shown before, as the shop confirmed it) for each confirmed order: the notes'
    #: old and new status.
    written: list[tuple[Order, Order]] = field(default_factory=list)
    #: The shop itself e-mailed the customer (asked with the write): no customer note.
    shop_emailed: bool = False


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """The statuses orders had before the last change, and when that change was made."""

    previous: dict[int, str]
    new_status: str
    made_at: float

    def expired(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return now - self.made_at > UNDO_WINDOW_SECONDS


class StatusChanger:
    """Applies one status to several orders, a few at a time, and says what happened to each."""

    def __init__(
        self,
        shop: ShopClient,
        *,
        label: Callable[[str], str],
        attribution: Attribution | None = None,
        customer_message: Callable[[Order, str], str] | None = None,
        concurrency: int = 4,
    ) -> None:
        self.shop = shop
        self.label = label
        self.attribution = attribution
        self.customer_message = customer_message or self._default_message
        self._limit = asyncio.Semaphore(concurrency)

    def _default_message(self, order: Order, status: str) -> str:
        name = order.billing.first_name or order.customer_name
        return f"Hello {name}, your order #{order.number} is now: {self.label(status)}."

    async def apply(
        self, orders: Sequence[Order], new_status: str, *, notify: bool, check: bool = False
    ) -> ChangeOutcome:
        """`write` then `write_notes`: the whole change in one call."""
        outcome = await self.write(orders, new_status, check=check, notify=notify)
        await self.write_notes(outcome, notify=notify)
        return outcome

    async def write(
        self,
        orders: Sequence[Order],
        new_status: str,
        *,
        check: bool = False,
        notify: bool = False,
        loaded: Collection[str] | None = LIST_FIELDS,
    ) -> ChangeOutcome:
        """PUT the new status of each order (as the person saw it), a few at a time.

        With `check`, an order changed in the shop since it was shown is not written: it
        lands in `outcome.conflicts` with what changed. `loaded` names the fields the shown
        orders were loaded with (only those are compared). With `notify`, a shop that
        e-mails on request is asked to (`outcome.shop_emailed`); for the others the
        customer's message is a note written by `write_notes`.
        """
        outcome = ChangeOutcome(new_status=new_status)
        # A shop that e-mails on request (PrestaShop's `sendemail=1`) is asked to; the
        # others are told through a customer note after the change.
        shop_emails = notify and await self._shop_emails()
        outcome.shop_emailed = shop_emails
        if_match = check and any(o.etag for o in orders) and await self._honours_if_match()

        async def one(order: Order) -> None:
            async with self._limit:
                try:
                    if check:
                        updated = await self._checked_write(
                            order,
                            new_status,
                            if_match=if_match,
                            loaded=loaded,
                            shop_emails=shop_emails,
                        )
                    elif shop_emails:
                        updated = await self.shop.set_status(order.id, new_status, notify=True)
                    else:
                        updated = await self.shop.set_status(order.id, new_status)
                except ShopError as error:
                    outcome.failed.append((order, error))
                    return
                if isinstance(updated, Order):
                    outcome.confirmed.append(updated)
                    outcome.written.append((order, updated))
                else:
                    outcome.conflicts.append(updated)

        await asyncio.gather(*(one(order) for order in orders))
        return outcome

    async def _checked_write(
        self,
        shown: Order,
        new_status: str,
        *,
        if_match: bool,
        loaded: Collection[str] | None,
        shop_emails: bool = False,
    ) -> Order | ConflictReport:
        """The shop's order after the write, or the report of a change made meanwhile."""
        from tui.conflicts import OrderChanged, report_for, update_checked

        base = shown
        if not (if_match and shown.etag) or shop_emails:
            current = await self.shop.get_order(shown.id)
            report = report_for(shown, current, loaded=loaded, label=self.label)
            if report is not None:
                return report
            if shop_emails:  # the shop e-mails on request: a plain write that asks it to
                return await self.shop.set_status(shown.id, new_status, notify=True)
            base = current  # its ETag (reference shop) guards the write below
        try:
            return await update_checked(
                self.shop, base, {"status": new_status}, loaded=loaded, label=self.label
            )
        except OrderChanged as changed:
            # Against what the person saw, not the version fetched for the check.
            report = report_for(shown, changed.report.current, loaded=loaded, label=self.label)
            return report or changed.report
        except Conflict:
            if base.etag is None:
                raise
            # The tag moved and came back (an undone change): the content is as shown.
            return await self.shop.set_status(shown.id, new_status)

    async def _honours_if_match(self) -> bool:
        """Whether a stale `If-Match` is refused by this shop (the reference shop); a real
        WooCommerce ignores the header, so there the order must be fetched and compared."""
        try:
            capabilities = await self.shop.capabilities()
        except (ShopError, AttributeError):
            return False
        return capabilities.kind == "reference"

    async def write_notes(self, outcome: ChangeOutcome, *, notify: bool) -> None:
        """The notes that follow the confirmed changes of `outcome`; failures become
        `outcome.warnings`, never an undone change."""

        async def one(before: Order, after: Order) -> None:
            async with self._limit:
                await self._after(before, after, notify and not outcome.shop_emailed, outcome)

        await asyncio.gather(*(one(before, after) for before, after in outcome.written))

    async def _shop_emails(self) -> bool:
        try:
            return (await self.shop.capabilities()).status_emails
        except (ShopError, AttributeError):
            return False

    def follow_up_notes(
        self, before: Order, status: str, *, notify: bool
    ) -> list[tuple[str, bool]]:
        """The notes that follow a change of `before` to `status`, as (text, customer_note):
        the attribution (private) and, with `notify`, the customer's message."""
        notes: list[tuple[str, bool]] = []
        if self.attribution is not None:
            notes.append(
                (self.attribution.note(self.label(before.status), self.label(status)), False)
            )
        if notify:
            after = dataclasses.replace(before, status=status)
            notes.append((self.customer_message(after, status), True))
        return notes

    async def _after(
        self, before: Order, after: Order, notify: bool, outcome: ChangeOutcome
    ) -> None:
        """Notes that follow a confirmed change; their failure never undoes the change."""
        for text, customer_note in self.follow_up_notes(before, after.status, notify=notify):
            try:
                await self.shop.add_note(after.id, text, customer_note=customer_note)
            except ShopError as error:
                what = (
                    _("customer not notified") if customer_note
                    else _("attribution note not saved")
                )
                outcome.warnings.append(
                    _("#{number}: {what} ({error})").format(
                        number=after.number, what=what, error=error_text(error)
                    )
                )
