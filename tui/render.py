"""Text formatting shared by screens: money, dates, statuses, timeline entries.

Kept in one place so the queue, the detail screen and documents agree on how an amount or
a date reads. Pure functions, no widgets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import humanize

from client.model import Note, Order, Refund
from tui.i18n import N_, _, current_language

NBSP = "\u00a0"

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF ", "JPY": "¥"}

#: English message ids; `status_label` shows them in the interface language.
STATUS_LABELS = {
    "pending": N_("Pending payment"),
    "processing": N_("Processing"),
    "on-hold": N_("On hold"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "refunded": N_("Refunded"),
    "failed": N_("Failed"),
    "trash": N_("Trash"),
    "checkout-draft": N_("Draft"),
}

_TAGS = re.compile(r"<[^>]+>")
_STATUS_NOTE = re.compile(r"Order status changed from (?P<old>.+?) to (?P<new>.+?)\.")


def status_label(status: str, custom: dict[str, str] | None = None) -> str:
    if custom and status in custom:
        return custom[status]
    if status in STATUS_LABELS:
        return _(STATUS_LABELS[status])
    return status.replace("-", " ").capitalize()


def format_money(amount: Decimal, currency: str = "", *, places: int = 2) -> str:
    """`€1,234.50`; negative amounts keep the sign before the symbol (`-€3.00`)."""
    quantum = Decimal(1).scaleb(-places)
    value = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} " if currency else "")
    sign = "-" if value < 0 else ""
    if current_language() == "fr":  # "1 234,50 €"
        digits = f"{abs(value):,.{places}f}".replace(",", NBSP).replace(".", ",")
        return f"{sign}{digits}{NBSP}{symbol.strip()}".rstrip()
    return f"{sign}{symbol}{abs(value):,.{places}f}"


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime(_("%Y-%m-%d %H:%M"))


def age(moment: datetime | None, *, now: datetime | None = None) -> str:
    if moment is None:
        return "—"
    now = now or datetime.now(UTC)
    return humanize.naturaltime(now - moment)


def plain_note(text: str) -> str:
    """Notes arrive as HTML fragments (`&rarr;`, `<a>`): show them as plain text."""
    return html.unescape(_TAGS.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: datetime | None
    kind: Literal["status", "customer", "private", "system", "refund"]
    author: str
    text: str


def timeline(notes: list[Note], refunds: list[Refund], currency: str) -> list[TimelineEntry]:
    """Status changes, customer messages, private notes and refunds, newest first."""
    entries: list[TimelineEntry] = []
    for note in notes:
        text = plain_note(note.note)
        if _STATUS_NOTE.search(text):
            kind: Literal["status", "customer", "private", "system", "refund"] = "status"
        elif note.customer_note:
            kind = "customer"
        elif note.is_system:
            kind = "system"
        else:
            kind = "private"
        entries.append(TimelineEntry(note.date_created, kind, note.author or "system", text))
    for refund in refunds:
        text = _("Refund of {amount}").format(amount=format_money(refund.amount, currency))
        if refund.reason:
            text += f"{colon()}{refund.reason}"
        entries.append(TimelineEntry(refund.date_created, "refund", "", text))
    epoch = datetime.min.replace(tzinfo=UTC)
    entries.sort(key=lambda e: e.when or epoch, reverse=True)
    return entries


#: English ids: shown through `_()`.
TIMELINE_MARKS = {
    "status": N_("◆ status"),
    "customer": N_("✉ to customer"),
    "private": N_("✎ private"),
    "system": N_("⚙ system"),
    "refund": N_("↺ refund"),
}


def colon() -> str:
    """": " in English, " : " in French (with a non-breaking space before)."""
    return f"{NBSP}: " if current_language() == "fr" else ": "


def refunded_quantities(refunds: list[Refund]) -> dict[int, int]:
    """Order line id → quantity refunded so far."""
    quantities: dict[int, int] = {}
    for refund in refunds:
        for line in refund.line_items:
            if line.refunded_item_id:
                quantities[line.refunded_item_id] = (
                    quantities.get(line.refunded_item_id, 0) + line.quantity
                )
    return quantities


def order_summary(order: Order) -> str:
    total = format_money(order.total, order.currency)
    return f"#{order.number} · {order.customer_name} · {total}"
