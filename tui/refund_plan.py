"""Refund arithmetic and validation: what is left to refund, what a form asks for, and the
request that goes on the wire. Pure functions on `Decimal`; no Textual, no I/O.

Why here and not in the screen: money rules must be testable line by line, and the refund
screen and the returns screen must agree to the cent.

The rules, as WooCommerce applies them:
- A line's unit price including tax is `(total + total_tax) / quantity`; refunding `q`
  units is that times `q`, rounded to the order's currency decimals half away from zero
  (PHP's `round()`, which `wc_format_decimal` uses). Refunding everything that is left of a
  line takes exactly what is left, so earlier roundings never leave a stray cent.
- What is left of a line is its total (and tax) minus what refunds already took from it
  (refund lines point at it through `_refunded_item_id`); of the order, its total minus
  all refunds; of shipping, shipping total + tax minus refunded shipping lines.
- On the wire each line carries `refund_total` (excluding tax) and `refund_tax`; the split
  follows the line's own tax share, and the two always add up to the line's amount.

Restock. WooCommerce restocks a refund line by its *quantity*; a real WooCommerce 10.0.2
always does (it ignores `api_restock`). So a line refunded without restock is sent with
quantity 0 and its money ("by amount"), and the quantity the customer gave back is kept
in the refund's meta (`_orderdesk_quantities`) so the console still knows it later. On a
shop that honours `api_restock: false` (the reference shop) quantities are sent as they
are, unless some lines are restocked and others are not (one refund has one flag).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from client.model import LineItem, Order, Refund, ShippingLine, meta_value
from client.protocol import RefundLineRequest, RefundRequest
from tui.amounts import canonical_amount
from tui.i18n import _
from tui.render import format_money, status_label

ZERO = Decimal(0)

#: Refund meta: quantities given back on lines sent without quantity (no restock).
QUANTITIES_META = "_orderdesk_quantities"

#: Order meta: vouchers given instead of refunds (they count as money given back).
VOUCHERS_META = "_orderdesk_vouchers"

#: Statuses in which an order without a payment date had nothing paid to give back.
UNPAID_STATUSES: frozenset[str] = frozenset({"cancelled", "pending", "failed"})

ShippingMode = Literal["none", "full", "part"]

_WHOLE = re.compile(r"^\+?[0-9]+$")
_AMOUNT = re.compile(r"^\+?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")


# ---------------------------------------------------------------------------- money


def currency_decimals(order: Order) -> int:
    """The currency's decimals, read off the order's money strings (WooCommerce formats
    every amount with the store's decimals: "65.75" → 2, "1200" → 0)."""
    places = [
        -amount.as_tuple().exponent
        for amount in (order.total, order.shipping_total, order.total_tax)
        if isinstance(amount.as_tuple().exponent, int)
    ]
    return max(0, min(4, max(places, default=2)))


def round_money(amount: Decimal, places: int) -> Decimal:
    """Round as PHP's `round()` does: half away from zero."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_quantity(text: str) -> tuple[int | None, str]:
    """(quantity, "") or (None, why not). Empty means 0."""
    text = text.strip()
    if not text:
        return 0, ""
    if text.startswith("-"):
        return None, _("A quantity can't be negative.")
    if _WHOLE.match(text):
        return int(text), ""
    if _AMOUNT.match(text):
        return None, _("A quantity is a whole number.")
    return None, _("“{text}” is not a number.").format(text=text)


def parse_amount(text: str, places: int) -> tuple[Decimal | None, str]:
    """(amount, "") or (None, why not); (None, "") when empty. A decimal comma and grouped
    thousands are accepted ("12,50", "1 234,50", "1,234.50"), as staff in many countries
    type them (`tui.amounts.canonical_amount`)."""
    typed = text.strip()
    text = canonical_amount(typed)  # "1 234,50" -> "1234.50" (see tui.amounts)
    if not text:
        return None, ""
    if text.startswith("-"):
        return None, _("An amount can't be negative.")
    if not _AMOUNT.match(text):
        return None, _("“{text}” is not an amount.").format(text=typed)
    try:
        amount = Decimal(text.lstrip("+"))
    except InvalidOperation:
        return None, _("“{text}” is not an amount.").format(text=typed)
    if -amount.as_tuple().exponent > places:  # type: ignore[operator]
        return None, _(
            "At most {places} decimals."
        ).format(places=places) if places else _("Whole amounts only.")
    return amount, ""


def split_tax(
    amount: Decimal, total: Decimal, tax: Decimal, places: int
) -> tuple[Decimal, Decimal]:
    """`amount` (incl. tax) as (excl. tax, tax) in the proportion of `total` and `tax`,
    never more tax than `tax` nor more net than `total`; the two add up to `amount`."""
    gross = total + tax
    if gross <= 0 or tax <= 0:
        return amount, ZERO
    share = min(round_money(amount * tax / gross, places), tax)
    net = amount - share
    if net > total:
        net = total
        share = amount - net
    return net, share


# ---------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class LineState:
    """One product line: what was bought and what refunds already took from it."""

    item: LineItem
    refunded_quantity: int = 0
    refunded_total: Decimal = ZERO
    refunded_tax: Decimal = ZERO

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def bought(self) -> int:
        return self.item.quantity

    @property
    def remaining_quantity(self) -> int:
        return max(0, self.item.quantity - self.refunded_quantity)

    @property
    def remaining_total(self) -> Decimal:
        return max(ZERO, self.item.total - self.refunded_total)

    @property
    def remaining_tax(self) -> Decimal:
        return max(ZERO, self.item.total_tax - self.refunded_tax)

    @property
    def remaining(self) -> Decimal:
        """What is left of the line, tax included."""
        return self.remaining_total + self.remaining_tax

    @property
    def unit_price(self) -> Decimal:
        """Price of one unit, tax included, unrounded."""
        if self.item.quantity <= 0:
            return ZERO
        return (self.item.total + self.item.total_tax) / self.item.quantity

    def amount_for(self, quantity: int, places: int) -> Decimal:
        """The refund for `quantity` units, tax included (all that is left for the rest)."""
        if quantity <= 0:
            return ZERO
        if quantity >= self.remaining_quantity:
            return self.remaining
        return min(round_money(self.unit_price * quantity, places), self.remaining)


@dataclass(frozen=True, slots=True)
class ShippingState:
    line: ShippingLine
    refunded_total: Decimal = ZERO
    refunded_tax: Decimal = ZERO

    @property
    def remaining_total(self) -> Decimal:
        return max(ZERO, self.line.total - self.refunded_total)

    @property
    def remaining_tax(self) -> Decimal:
        return max(ZERO, self.line.total_tax - self.refunded_tax)

    @property
    def remaining(self) -> Decimal:
        return self.remaining_total + self.remaining_tax


def _line_entries(raw: Any) -> list[tuple[int, int, Decimal]]:
    """(line id, quantity, amount) from a meta list of `{"id", "quantity", "amount"?}`."""
    out: list[tuple[int, int, Decimal]] = []
    if not isinstance(raw, list):
        return out
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        try:
            line_id = int(entry.get("id"))  # type: ignore[arg-type]
            quantity = int(entry.get("quantity") or 0)
            amount = Decimal(str(entry.get("amount") or "0"))
        except (TypeError, ValueError, InvalidOperation):
            continue
        if line_id > 0 and quantity >= 0 and amount.is_finite() and amount >= 0:
            out.append((line_id, quantity, amount))
    return out


def recorded_quantities(refund: Refund) -> dict[int, int]:
    """Quantities a refund recorded in its meta (lines sent without quantity)."""
    found: dict[int, int] = {}
    for line_id, quantity, _amount in _line_entries(meta_value(refund.meta_data, QUANTITIES_META)):
        found[line_id] = found.get(line_id, 0) + quantity
    return found


@dataclass(frozen=True, slots=True)
class Voucher:
    """A voucher given instead of a refund, as recorded in the order's meta."""

    code: str
    amount: Decimal
    #: (line id, quantity, amount incl. tax) of the items it was given for.
    lines: tuple[tuple[int, int, Decimal], ...] = ()

    def as_meta(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "amount": format(self.amount, "f"),
            "lines": [{"id": i, "quantity": q, "amount": format(a, "f")} for i, q, a in self.lines],
        }


def recorded_vouchers(order: Order) -> list[Voucher]:
    """The vouchers the console gave on `order` (meta `_orderdesk_vouchers`)."""
    raw = meta_value(order.meta_data, VOUCHERS_META)
    found: list[Voucher] = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("code"), str):
            continue
        try:
            amount = Decimal(str(entry.get("amount") or "0"))
        except InvalidOperation:
            continue
        if amount.is_finite() and amount > 0:
            lines = tuple(_line_entries(entry.get("lines")))
            found.append(Voucher(entry["code"], amount, lines))
    return found


@dataclass(frozen=True, slots=True)
class OrderState:
    """An order as a refund sees it: lines, shipping and the order with what is left."""

    order: Order
    lines: tuple[LineState, ...]
    shipping: tuple[ShippingState, ...]
    refunded: Decimal
    places: int
    #: Given as vouchers instead of refunds (recorded by the console in the order's meta).
    vouchers: Decimal = ZERO

    @classmethod
    def build(cls, order: Order, refunds: Sequence[Refund]) -> OrderState:
        quantities: dict[int, int] = {}
        totals: dict[int, tuple[Decimal, Decimal]] = {}
        for refund in refunds:
            for line in (*refund.line_items, *refund.shipping_lines):
                if not line.refunded_item_id:
                    continue
                target = line.refunded_item_id
                quantities[target] = quantities.get(target, 0) + line.quantity
                net, tax = totals.get(target, (ZERO, ZERO))
                totals[target] = (net + line.total, tax + line.total_tax)
            for target, quantity in recorded_quantities(refund).items():
                quantities[target] = quantities.get(target, 0) + quantity
        places = currency_decimals(order)
        vouchers = recorded_vouchers(order)
        items = {item.id: item for item in order.line_items}
        for voucher in vouchers:
            for target, quantity, amount in voucher.lines:
                quantities[target] = quantities.get(target, 0) + quantity
                item = items.get(target)
                if item is not None:
                    net, tax = split_tax(amount, item.total, item.total_tax, places)
                    done_net, done_tax = totals.get(target, (ZERO, ZERO))
                    totals[target] = (done_net + net, done_tax + tax)
        lines = tuple(
            LineState(
                item,
                quantities.get(item.id, 0),
                *totals.get(item.id, (ZERO, ZERO)),
            )
            for item in order.line_items
        )
        shipping = tuple(
            ShippingState(line, *totals.get(line.id, (ZERO, ZERO))) for line in order.shipping_lines
        )
        # The order's own summary and the refunds list should agree; if they do not (one
        # is fresher), believe the larger refunded sum: it can only make us refund less.
        listed = sum((r.amount for r in refunds), ZERO)
        refunded = max(order.total_refunded, listed)
        credited = sum((v.amount for v in vouchers), ZERO)
        return cls(order, lines, shipping, refunded, places, credited)

    @property
    def given_back(self) -> Decimal:
        """Refunded plus given as vouchers."""
        return self.refunded + self.vouchers

    @property
    def remaining(self) -> Decimal:
        """What is left to refund (or credit) on the whole order."""
        return max(ZERO, self.order.total - self.given_back)

    @property
    def shipping_paid(self) -> Decimal:
        return sum((s.line.total + s.line.total_tax for s in self.shipping), ZERO)

    @property
    def shipping_remaining(self) -> Decimal:
        return sum((s.remaining for s in self.shipping), ZERO)

    @property
    def nothing_paid(self) -> bool:
        """Cancelled, pending or failed and never paid: there is no money to give back."""
        return self.order.date_paid is None and self.order.status in UNPAID_STATUSES

    def line(self, line_id: int) -> LineState | None:
        return next((state for state in self.lines if state.id == line_id), None)

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.order.currency, places=self.places)


# ---------------------------------------------------------------------------- form → plan


@dataclass(frozen=True, slots=True)
class RefundForm:
    """What staff typed, as text, before it is checked.

    `quantities`/`amounts` are keyed by order line id; an empty amount means "follow the
    quantity". `restock_lines` overrides `restock` per line (returns: damaged items are
    not restocked). In `free_amount` mode only `free_amount` counts: no lines, no shipping.
    """

    quantities: Mapping[int, str] = field(default_factory=dict)
    amounts: Mapping[int, str] = field(default_factory=dict)
    shipping: ShippingMode = "none"
    shipping_amount: str = ""
    other: str = ""
    free_amount_mode: bool = False
    free_amount: str = ""
    restock: bool = True
    restock_lines: Mapping[int, bool] = field(default_factory=dict)
    gateway: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PlannedLine:
    line_id: int
    name: str
    quantity: int
    amount: Decimal
    total: Decimal
    tax: Decimal
    restock: bool


@dataclass(frozen=True, slots=True)
class PlannedShipping:
    line_id: int
    title: str
    amount: Decimal
    total: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class RefundPlan:
    """A checked form: what would be refunded, or `errors` (field → message) saying why not.

    Field keys: `qty-<line id>`, `amount-<line id>`, `shipping`, `other`, `free`, `total`
    (above what is left), `empty` (zero total), `order`, `key`. Nothing is sent unless
    `errors` is empty.
    """

    lines: tuple[PlannedLine, ...] = ()
    shipping: tuple[PlannedShipping, ...] = ()
    other: Decimal = ZERO
    total: Decimal = ZERO
    remaining: Decimal = ZERO
    net_after: Decimal = ZERO
    free_amount_mode: bool = False
    gateway: bool = False
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def restocked(self) -> tuple[PlannedLine, ...]:
        return tuple(line for line in self.lines if line.restock and line.quantity)

    @property
    def shipping_total(self) -> Decimal:
        return sum((s.amount for s in self.shipping), ZERO)


def _plan_shipping(
    state: OrderState, form: RefundForm, errors: dict[str, str]
) -> tuple[PlannedShipping, ...]:
    if form.shipping == "none" or not state.shipping:
        return ()
    remaining = state.shipping_remaining
    if form.shipping == "full":
        wanted = remaining
    else:
        amount, problem = parse_amount(form.shipping_amount, state.places)
        if problem:
            errors["shipping"] = problem
            return ()
        wanted = amount or ZERO
        if wanted > remaining:
            paid, done = state.shipping_paid, state.shipping_paid - remaining
            already = (
                ", " + _("{amount} already refunded").format(amount=state.money(done))
                if done
                else ""
            )
            errors["shipping"] = (
                _(
                    "Shipping refund {money} is more than the shipping paid ({money2}{already})."
                ).format(money=state.money(wanted), money2=state.money(paid), already=already)
            )
            return ()
    planned = []
    for ship in state.shipping:  # fill the shipping lines in order
        if wanted <= 0:
            break
        amount = min(wanted, ship.remaining)
        if amount <= 0:
            continue
        if amount == ship.remaining:
            total, tax = ship.remaining_total, ship.remaining_tax
        else:
            total, tax = split_tax(amount, ship.remaining_total, ship.remaining_tax, state.places)
        title = ship.line.method_title or _("Shipping")
        planned.append(PlannedShipping(ship.line.id, title, amount, total, tax))
        wanted -= amount
    return tuple(planned)


def _plan_line(
    state: OrderState, line: LineState, form: RefundForm, errors: dict[str, str]
) -> PlannedLine | None:
    quantity, problem = parse_quantity(form.quantities.get(line.id, ""))
    if problem or quantity is None:
        errors[f"qty-{line.id}"] = problem
        return None
    if quantity > line.remaining_quantity:
        done = (
            ", " + _("{amount} already refunded").format(amount=line.refunded_quantity)
            if line.refunded_quantity
            else ""
        )
        errors[f"qty-{line.id}"] = (
            _(
                "Only {remaining_quantity} left to refund ({bought} bought{done})."
            ).format(remaining_quantity=line.remaining_quantity, bought=line.bought, done=done)
        )
        return None
    override, problem = parse_amount(form.amounts.get(line.id, ""), state.places)
    if problem:
        errors[f"amount-{line.id}"] = problem
        return None
    if override is not None and override > line.remaining:
        errors[f"amount-{line.id}"] = (
            _(
                "{money} is more than what is left of this line ({money2})."
            ).format(money=state.money(override), money2=state.money(line.remaining))
        )
        return None
    amount = override if override is not None else line.amount_for(quantity, state.places)
    if not quantity and not amount:
        return None
    if amount == line.remaining:
        total, tax = line.remaining_total, line.remaining_tax
    else:
        total, tax = split_tax(amount, line.remaining_total, line.remaining_tax, state.places)
    restock = form.restock_lines.get(line.id, form.restock)
    return PlannedLine(line.id, line.item.name, quantity, amount, total, tax, restock)


def plan_refund(
    state: OrderState, form: RefundForm, *, can_write: bool | None = None
) -> RefundPlan:
    """Check `form` against `state`; the plan carries the amounts or the problems."""
    errors: dict[str, str] = {}
    order = state.order
    if can_write is False:
        errors["key"] = (
            _("This API key cannot write to the shop (a read-only key?): refunds need a "
            "read/write key. Nothing was sent.")
        )
    if state.nothing_paid:
        errors["order"] = (
            _(
                "Order #{number} is {lower} and was never paid: there is nothing to refund."
            ).format(number=order.number, lower=status_label(order.status).lower())
        )
    elif state.remaining <= 0:
        errors["order"] = _(
            "Order #{number} has nothing left to refund."
        ).format(number=order.number)

    lines: list[PlannedLine] = []
    shipping: tuple[PlannedShipping, ...] = ()
    other = ZERO
    if form.free_amount_mode:
        amount, problem = parse_amount(form.free_amount, state.places)
        if problem:
            errors["free"] = problem
        other = amount or ZERO
    else:
        for line in state.lines:
            planned = _plan_line(state, line, form, errors)
            if planned is not None:
                lines.append(planned)
        shipping = _plan_shipping(state, form, errors)
        amount, problem = parse_amount(form.other, state.places)
        if problem:
            errors["other"] = problem
        other = amount or ZERO

    total = sum((line.amount for line in lines), ZERO) + sum((s.amount for s in shipping), ZERO)
    total += other
    remaining = state.remaining
    field_errors = {k: v for k, v in errors.items() if k not in ("key", "order")}
    if "order" not in errors and not field_errors:
        if total <= 0:
            errors["empty"] = (
                _("Nothing to refund: the total is zero. Choose quantities, shipping or an amount.")
            )
        elif total > remaining:
            where = "free" if form.free_amount_mode else "total"
            errors[where] = (
                _(
                    "{money} is more than what is left to refund on this order ({money2})."
                ).format(money=state.money(total), money2=state.money(remaining))
            )
    return RefundPlan(
        lines=tuple(lines),
        shipping=shipping,
        other=other,
        total=total,
        remaining=remaining,
        net_after=order.total - state.given_back - total,
        free_amount_mode=form.free_amount_mode,
        gateway=form.gateway,
        reason=form.reason.strip(),
        errors=errors,
    )


def full_refund_form(state: OrderState, base: RefundForm | None = None) -> tuple[RefundForm, str]:
    """The form that refunds everything left: every line, all shipping, and the rest (fees,
    earlier roundings) as "other". Returns the form and a sentence for the screen.

    If earlier refunds were made by amount outside the console, the lines' remainders add
    up to more than the order has left; then the rest is refunded by amount.
    """
    base = base or RefundForm()
    places = state.places
    lines_left = sum((line.remaining for line in state.lines), ZERO)
    leftover = state.remaining - lines_left - state.shipping_remaining
    if leftover < 0:
        form = RefundForm(
            free_amount_mode=True,
            free_amount=format(state.remaining, "f"),
            gateway=base.gateway,
            reason=base.reason,
            restock=base.restock,
        )
        return form, (
            _(
                "Earlier refunds were made by amount, so what is left ({money}) is refunded by "
                "amount."
            ).format(money=state.money(state.remaining))
        )
    form = RefundForm(
        quantities={line.id: str(line.remaining_quantity) for line in state.lines},
        amounts={
            line.id: format(line.remaining, "f")
            for line in state.lines
            if line.remaining_quantity == 0 and line.remaining > 0
        },
        shipping="full" if state.shipping_remaining > 0 else "none",
        other=format(round_money(leftover, places), "f") if leftover > 0 else "",
        restock=base.restock,
        restock_lines=base.restock_lines,
        gateway=base.gateway,
        reason=base.reason,
    )
    return form, _("Full refund: {money}.").format(money=state.money(state.remaining))


# ---------------------------------------------------------------------------- wire


@dataclass(frozen=True, slots=True)
class WireRefund:
    request: RefundRequest
    #: Some refunded quantities were sent as money only, so they are not restocked.
    by_amount: bool
    #: Line ids whose quantity goes back to stock.
    restocked: tuple[int, ...]


def to_request(plan: RefundPlan, *, restock_choice: bool) -> WireRefund:
    """The `RefundRequest` for a valid plan (see the module docstring on restock)."""
    with_quantity = [line for line in plan.lines if line.quantity]
    wanted = [line for line in with_quantity if line.restock]
    if len(wanted) == len(with_quantity):
        api_restock, native = True, {line.line_id for line in with_quantity}
    elif not wanted and restock_choice:
        api_restock, native = False, {line.line_id for line in with_quantity}
    else:
        api_restock, native = True, {line.line_id for line in wanted}
    requests: list[RefundLineRequest] = []
    recorded: list[dict[str, Any]] = []
    for line in plan.lines:
        quantity = line.quantity if line.line_id in native else 0
        if line.quantity and not quantity:
            recorded.append({"id": line.line_id, "quantity": line.quantity})
        requests.append(RefundLineRequest(line.line_id, quantity, line.total, line.tax))
    for ship in plan.shipping:
        requests.append(RefundLineRequest(ship.line_id, 0, ship.total, ship.tax))
    meta: dict[str, Any] = {QUANTITIES_META: recorded} if recorded else {}
    request = RefundRequest(
        amount=plan.total,
        reason=plan.reason,
        lines=tuple(requests),
        api_refund=plan.gateway,
        restock=api_restock if with_quantity else False,
        meta=meta,
    )
    restocked = tuple(
        line.line_id for line in with_quantity if line.line_id in native and api_restock
    )
    return WireRefund(request, by_amount=bool(recorded), restocked=restocked)


def describe_lines(lines: Iterable[PlannedLine], state: OrderState) -> list[str]:
    """ "2 × Blue Mug (€28.80)" for notes and dialogs."""
    out = []
    for line in lines:
        qty = f"{line.quantity} × " if line.quantity else ""
        out.append(f"{qty}{line.name} ({state.money(line.amount)})")
    return out
