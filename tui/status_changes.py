"""Status changes as the console makes them: shop first, then attribution and notification.

Why a service apart from the screens: a status change outlives the screen that started it
(the packer may leave the detail screen while the shop answers), and the same rules apply
from the queue, the detail screen and bulk actions. No widget code here.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from client.errors import ShopError
from client.model import Order
from client.protocol import ShopClient

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
        self, orders: Sequence[Order], new_status: str, *, notify: bool
    ) -> ChangeOutcome:
        outcome = ChangeOutcome(new_status=new_status)
        # A shop that e-mails on request (PrestaShop's `sendemail=1`) is asked to; the
        # others are told through a customer note after the change.
        shop_emails = notify and await self._shop_emails()

        async def one(order: Order) -> None:
            async with self._limit:
                try:
                    if shop_emails:
                        updated = await self.shop.set_status(order.id, new_status, notify=True)
                    else:
                        updated = await self.shop.set_status(order.id, new_status)
                except ShopError as error:
                    outcome.failed.append((order, error))
                    return
                outcome.confirmed.append(updated)
                await self._after(order, updated, notify and not shop_emails, outcome)

        await asyncio.gather(*(one(order) for order in orders))
        return outcome

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
                what = "customer not notified" if customer_note else "attribution note not saved"
                outcome.warnings.append(f"#{after.number}: {what} ({error})")
