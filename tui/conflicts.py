"""Before a write: is the order still what the console showed? If not, say what changed.

Two packers on one order, or a packer and the shop's admin: WooCommerce itself has no
optimistic concurrency (last write wins, silently). So before changing an order the console
compares what it showed with the shop:

- **ETag** when both the shown order and the shop's answer carry one (the reference shop;
  a real store sends none), and the write then goes with `If-Match`, which closes the gap
  between the check and the write;
- **`date_modified`** otherwise (WooCommerce bumps it on every save of the order), and the
  **content** itself, since dates are to the second and a change within the same second
  as the version shown leaves the date as it was.

So `shown` must be the order as the person saw it — not an optimistic local copy with a
status the console is still sending.

When the order changed, `ConflictReport` lists what a person cares about — status, totals,
lines, addresses, payment, refunds — with the value shown and the value now, so a dialog can
ask "apply anyway or cancel?". Only fields the console actually loaded are compared (the
queue holds light orders, `LIST_FIELDS`): a field that was never loaded is not "changed".

No widgets here: the dialog belongs to the app (see the report's `lines()`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from client.errors import Conflict
from client.model import Address, Order
from client.protocol import ShopClient
from tui.addresses import FIELD_LABELS
from tui.i18n import _, pgettext
from tui.render import format_money, local_time, status_label

DetectedBy = Literal["etag", "date_modified", "content"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One thing that differs: `field` a stable id ("status", "billing.city", "lines"…),
    `label` what a person reads (in the interface language), `before` as the console showed
    it, `after` as it is now."""

    field: str
    label: str
    before: str
    after: str

    def line(self) -> str:
        return _("{label}: {before} → {after}").format(
            label=self.label, before=self.before or "—", after=self.after or "—"
        )


@dataclass(frozen=True, slots=True)
class ConflictReport:
    """The order changed in the shop since the console showed it."""

    order_id: int
    number: str
    shown: Order
    current: Order
    changes: tuple[FieldChange, ...]
    detected_by: DetectedBy

    @property
    def status_changed(self) -> bool:
        return any(change.field == "status" for change in self.changes)

    @property
    def when(self) -> str:
        return local_time(self.current.date_modified)

    def lines(self) -> list[str]:
        """What changed, one line each; a generic line when nothing shown differs."""
        if not self.changes:
            return [_("Changed in the shop in ways the console does not show here.")]
        return [change.line() for change in self.changes]

    def summary(self) -> str:
        """One sentence for a notification or an error message."""
        what = "; ".join(self.lines())
        return _("Order #{number} was changed in the shop ({when}): {what}").format(
            number=self.number, when=self.when, what=what
        )


class OrderChanged(Conflict):
    """A write refused because the order changed since it was read (HTTP 412), with the
    report of what changed."""

    def __init__(self, report: ConflictReport) -> None:
        super().__init__(report.summary(), code="orderdesk_order_changed", status=412)
        self.report = report


# --------------------------------------------------------------------------- comparing


def _loaded(loaded: Collection[str] | None, name: str) -> bool:
    """Whether wc field `name` (e.g. `billing.city`) was in what the console loaded."""
    if loaded is None:
        return True
    parts = name.split(".")
    prefixes = {".".join(parts[: i + 1]) for i in range(len(parts))}
    return any(field in prefixes or field.startswith(name + ".") for field in loaded)


def _money(order: Order, amount: Any) -> str:
    return format_money(amount, order.currency)


def _line_key(order_line: Any) -> str:
    return order_line.sku or order_line.name or _("product {id}").format(id=order_line.product_id)


def _lines_change(shown: Order, current: Order) -> FieldChange | None:
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for line in shown.line_items:
        before[_line_key(line)] += line.quantity
    for line in current.line_items:
        after[_line_key(line)] += line.quantity
    if before == after:
        return None
    keys = sorted(set(before) | set(after))
    differ = [k for k in keys if before[k] != after[k]]
    return FieldChange(
        "lines",
        pgettext("conflict", "Items"),  # "Articles": the queue's column says "Art."
        ", ".join(f"{k} ×{before[k]}" for k in differ if before[k]) or _("none"),
        ", ".join(f"{k} ×{after[k]}" for k in differ if after[k]) or _("none"),
    )


def _address_changes(
    which: str, shown: Address, current: Address, loaded: Collection[str] | None
) -> list[FieldChange]:
    changes = []
    title = _("Billing") if which == "billing" else _("Shipping")
    for f in fields(Address):
        name = f"{which}.{f.name}"
        if not _loaded(loaded, name):
            continue
        before, after = getattr(shown, f.name), getattr(current, f.name)
        if before != after:
            label = f"{title} {_(FIELD_LABELS[f.name])}"  # as tui.addresses names them
            changes.append(FieldChange(name, label, before, after))
    return changes


def compare(
    shown: Order,
    current: Order,
    *,
    loaded: Collection[str] | None = None,
    label: Callable[[str], str] = status_label,
) -> tuple[FieldChange, ...]:
    """What a person would see differ between `shown` and `current`.

    `loaded` names the wc fields `shown` was loaded with (`_fields`, e.g. `LIST_FIELDS`);
    None means the whole order.
    """
    changes: list[FieldChange] = []

    def simple(name: str, title: str, before: str, after: str, *wc: str) -> None:
        if any(_loaded(loaded, w) for w in (wc or (name,))) and before != after:
            changes.append(FieldChange(name, title, before, after))

    simple("status", _("Status"), label(shown.status), label(current.status))
    simple("total", _("Total"), _money(shown, shown.total), _money(current, current.total))
    if any(_loaded(loaded, n) for n in ("line_items.quantity", "line_items.sku")):
        lines = _lines_change(shown, current)
        if lines is not None:
            changes.append(lines)
    for which in ("billing", "shipping"):
        changes += _address_changes(which, getattr(shown, which), getattr(current, which), loaded)
    simple("customer_note", _("Customer note"), shown.customer_note, current.customer_note)
    simple(
        "payment_method",
        _("Payment"),
        shown.payment_method_title or shown.payment_method,
        current.payment_method_title or current.payment_method,
        "payment_method",
        "payment_method_title",
    )
    simple(
        "date_paid",
        _("Paid"),
        _("yes") if shown.is_paid else _("no"),
        _("yes") if current.is_paid else _("no"),
    )
    simple("shipping_lines", _("Shipping"), shown.shipping_method, current.shipping_method)
    simple(
        "refunds",
        pgettext("amount", "Refunded"),
        _money(shown, shown.total_refunded),
        _money(current, current.total_refunded),
    )
    simple(
        "coupon_lines",
        _("Coupons"),
        ", ".join(c.code for c in shown.coupon_lines),
        ", ".join(c.code for c in current.coupon_lines),
    )
    simple(
        "fee_lines",
        _("Fees"),
        ", ".join(f"{f.name} {_money(shown, f.total)}" for f in shown.fee_lines),
        ", ".join(f"{f.name} {_money(current, f.total)}" for f in current.fee_lines),
    )
    return tuple(changes)


def changed_since(shown: Order, current: Order) -> DetectedBy | bool:
    """How the shop tells whether `current` is a later version than `shown`.

    "etag" or "date_modified" when that says it changed, False when it says it did not,
    True when neither was given by both (the caller must compare the content).
    """
    if shown.etag and current.etag:
        return "etag" if shown.etag != current.etag else False
    if shown.date_modified is not None and current.date_modified is not None:
        return "date_modified" if shown.date_modified != current.date_modified else False
    return True


async def check_before_write(
    client: ShopClient,
    shown: Order,
    *,
    loaded: Collection[str] | None = None,
    label: Callable[[str], str] = status_label,
) -> ConflictReport | None:
    """Fetch the order; None if it is still what the console showed, else what changed.

    Raises the client's ShopError if the order cannot be fetched (NotFound: it was deleted).
    """
    current = await client.get_order(shown.id)
    return report_for(shown, current, loaded=loaded, label=label)


def report_for(
    shown: Order,
    current: Order,
    *,
    loaded: Collection[str] | None = None,
    label: Callable[[str], str] = status_label,
) -> ConflictReport | None:
    """The report for two versions of one order, or None if they are the same version."""
    verdict = changed_since(shown, current)
    if verdict is False and shown.etag and current.etag:
        return None  # the same version, by the shop's own word
    changes = compare(shown, current, loaded=loaded, label=label)
    if verdict is False or verdict is True:
        # No tag, and the same date_modified or none: dates are to the second, so a change
        # made within the same second shows only in the content.
        if not changes:
            return None
        by: DetectedBy = "content"
    else:
        by = verdict
    return ConflictReport(
        order_id=shown.id,
        number=current.number or shown.number,
        shown=shown,
        current=current,
        changes=changes,
        detected_by=by,
    )


# --------------------------------------------------------------------------- writing


async def update_checked(
    client: ShopClient,
    shown: Order,
    changes: Mapping[str, Any],
    *,
    loaded: Collection[str] | None = None,
    label: Callable[[str], str] = status_label,
) -> Order:
    """PUT `changes`, with `If-Match: shown.etag` when the shop gave an ETag.

    A shop honouring ETags refuses the write if the order changed since `shown` was read;
    that is raised as `OrderChanged` with the report (fetched after the refusal). Without
    an ETag this is a plain write: call `check_before_write` first.
    """
    try:
        return await client.update_order(shown.id, dict(changes), if_match=shown.etag)
    except Conflict as exc:
        if isinstance(exc, OrderChanged) or not shown.etag:
            raise
        current = await client.get_order(shown.id)
        report = report_for(shown, current, loaded=loaded, label=label)
        if report is None:  # the tag moved and came back: let the caller try again
            raise
        raise OrderChanged(report) from exc


async def guarded_update(
    client: ShopClient,
    shown: Order,
    changes: Mapping[str, Any],
    *,
    confirm: Callable[[ConflictReport], Awaitable[bool]],
    loaded: Collection[str] | None = None,
    label: Callable[[str], str] = status_label,
    rounds: int = 3,
) -> Order | None:
    """Check, ask if it changed, write: the whole "no lost update" dance in one call.

    `confirm(report)` is the dialog ("apply anyway?"); False cancels and returns None.
    Applying anyway writes against the version the user has now seen (its ETag), so a
    third change in between is caught again, up to `rounds` times.
    """
    report = await check_before_write(client, shown, loaded=loaded, label=label)
    base = shown
    for _round in range(max(1, rounds)):
        if report is not None:
            if not await confirm(report):
                return None
            base = report.current
        try:
            return await update_checked(client, base, changes, loaded=loaded, label=label)
        except OrderChanged as exc:
            report = exc.report
    raise OrderChanged(report) if report is not None else Conflict(
        _("The order keeps changing in the shop; reload it and try again.")
    )
