"""The changes staff make to one order before saving: lines, addresses, shipping method.

Why a draft instead of sending each keystroke: one save is one `PUT` (WooCommerce
recalculates totals and moves stock once), one attribution note, and nothing half-done
if the shop stops answering between two changes. The draft holds what the shop said
(the `Order`) plus the edits, checks each edit as it is made, and turns them into the
minimal wc/v3 body (contract §6): existing lines by `id` with their new `quantity`
(`0` removes), new lines by `product_id`, only the address fields that changed, and the
shipping line by `id` (or a new one).

Rules it enforces, mirroring WooCommerce:
- items (line items and shipping lines) change only while the order is editable
  (`is_editable`: pending payment or on hold); addresses can change in any status;
- a quantity is a whole number of at least 1; removing a line is its own action;
- stock: an increase that needs more than the product has is refused, unless the product
  allows backorders — then it goes through with a warning. "Needs" counts what the save
  will take from stock: on an order that holds stock (on hold), only the increase; on one
  that does not yet (pending), the whole quantity, taken when it is paid.

No I/O and no widgets: the edit screen drives it and the tests drive it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from client.model import STOCK_HOLDING_STATUSES, Address, Order, Product
from tui.addresses import (
    ADDRESS_FIELDS,
    AddressKind,
    AddressProblem,
    changed_fields,
    normalise_address,
    validate_address,
)
from tui.amounts import canonical_amount
from tui.i18n import N_, _

Severity = Literal["information", "warning", "error"]

#: Shipping methods WooCommerce ships with (the admin's method list), plus "other".
SHIPPING_METHOD_IDS: tuple[tuple[str, str], ...] = (
    ("flat_rate", N_("Flat rate")),
    ("free_shipping", N_("Free shipping")),
    ("local_pickup", N_("Local pickup")),
    ("other", N_("Other")),
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of one edit: applied or not, and the sentence to show."""

    ok: bool
    message: str = ""
    severity: Severity = "information"


OK = Verdict(True)


@dataclass(slots=True)
class DraftLine:
    """One line as it will be after saving. `line_id` is None for a line not yet saved."""

    key: str
    product_id: int
    name: str
    sku: str
    quantity: int
    original_quantity: int
    unit_price: Decimal
    line_id: int | None = None
    removed: bool = False
    #: The shop's line total (before any edit), shown until the next save recomputes it.
    shop_total: Decimal | None = None

    @property
    def is_new(self) -> bool:
        return self.line_id is None

    @property
    def changed(self) -> bool:
        return self.is_new or self.removed or self.quantity != self.original_quantity

    @property
    def estimated_total(self) -> Decimal:
        if self.removed:
            return Decimal(0)
        if not self.changed and self.shop_total is not None:
            return self.shop_total
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class ShippingChoice:
    method_id: str
    method_title: str
    total: Decimal


def parse_quantity(text: str) -> int | str:
    """A quantity typed by a person, or the sentence saying why it is not one."""
    cleaned = text.strip()
    try:
        value = int(cleaned)
    except ValueError:
        return _("“{text}” is not a whole number.").format(text=cleaned)
    if value <= 0:
        return _(
            "Quantity must be at least 1 (got {value}). To take the line off the order, "
            "remove it (Delete)."
        ).format(value=value)
    return value


def parse_amount(text: str) -> Decimal | str:
    """A money amount typed by a person (≥ 0; "12,50", "1 234,50", "1,234.50": see
    `tui.amounts`), or why it is not one."""
    cleaned = canonical_amount(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return _("“{text}” is not an amount.").format(text=text.strip())
    if not value.is_finite() or value < 0:
        return _("“{text}” is not an amount of 0 or more.").format(text=text.strip())
    return value


def stock_verdict(product: Product | None, needed: int, *, before: int = 0) -> Verdict:
    """Whether `needed` units may be taken from `product`'s stock.

    `before` is what was needed before this edit: a change that does not need more than
    before is never refused (lowering a quantity must always be possible).
    """
    if product is None or needed <= 0 or needed <= before:
        return OK
    name = product.name or _("product {id}").format(id=product.id)
    if product.manage_stock and product.stock_quantity is not None:
        available = product.stock_quantity
        if needed <= available:
            return OK
        short = needed - max(available, 0)
        if product.backorders_allowed:
            return Verdict(
                True,
                _(
                    "{name}: only {max} in stock; {short} will be on backorder."
                ).format(name=name, max=max(available, 0), short=short),
                "warning",
            )
        return Verdict(
            False,
            _(
                "{name}: only {max} in stock and it does not allow backorders ({needed} needed)."
            ).format(name=name, max=max(available, 0), needed=needed),
            "error",
        )
    if product.stock_status == "outofstock":
        return Verdict(False, _(
            "{name} is out of stock and does not allow backorders."
        ).format(name=name), "error")
    if product.stock_status == "onbackorder":
        return Verdict(True, _("{name} is on backorder.").format(name=name), "warning")
    return OK


def address_dict(address: Address) -> dict[str, str]:
    return {key: getattr(address, key) for key in ADDRESS_FIELDS}


@dataclass
class OrderDraft:
    """An order and the edits made to it since it was loaded (or last saved)."""

    order: Order
    products: dict[int, Product] = field(default_factory=dict)
    #: Custom statuses (from config) that hold stock like processing/on-hold.
    holding_statuses: frozenset[str] = STOCK_HOLDING_STATUSES
    lines: list[DraftLine] = field(default_factory=list)
    billing: dict[str, str] = field(default_factory=dict)
    shipping: dict[str, str] = field(default_factory=dict)
    shipping_choice: ShippingChoice | None = None
    _new_keys: int = 0

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = [
                DraftLine(
                    key=f"line:{item.id}",
                    line_id=item.id,
                    product_id=item.product_id,
                    name=item.name,
                    sku=item.sku,
                    quantity=item.quantity,
                    original_quantity=item.quantity,
                    unit_price=(item.total / item.quantity) if item.quantity else item.price,
                    shop_total=item.total,
                )
                for item in self.order.line_items
            ]
        if not self.billing:
            self.billing = address_dict(self.order.billing)
        if not self.shipping:
            self.shipping = address_dict(self.order.shipping)

    # ---- state -------------------------------------------------------------------------

    @property
    def items_editable(self) -> bool:
        """The shop's word (`is_editable`; WooCommerce: pending payment or on hold)."""
        return self.order.is_editable

    def not_editable_reason(self, status_label: str) -> str:
        return _(
            "Items can't be changed: the order is {status}. As in WooCommerce, items "
            "and shipping change only while an order is Pending payment or On hold — put it "
            "on hold first (s on the order). Addresses can still be edited."
        ).format(status=status_label)

    @property
    def holds_stock(self) -> bool:
        return self.order.status in self.holding_statuses

    @property
    def dirty(self) -> bool:
        return bool(self.changes())

    def line(self, key: str) -> DraftLine | None:
        return next((line for line in self.lines if line.key == key), None)

    # ---- stock --------------------------------------------------------------------------

    def _needed(self, product_id: int, lines: Iterable[DraftLine]) -> int:
        """What saving would take from `product_id`'s stock with these lines."""
        wanted = sum(
            line.quantity for line in lines if line.product_id == product_id and not line.removed
        )
        if not self.holds_stock:
            return wanted
        held = sum(
            line.original_quantity
            for line in self.lines
            if line.product_id == product_id and not line.is_new
        )
        return wanted - held

    def _check_stock(self, product_id: int, proposed: list[DraftLine]) -> Verdict:
        before = self._needed(product_id, self.lines)
        after = self._needed(product_id, proposed)
        return stock_verdict(self.products.get(product_id), after, before=before)

    # ---- edits --------------------------------------------------------------------------

    def _guard_items(self, status_label: str) -> Verdict | None:
        if self.items_editable:
            return None
        return Verdict(False, self.not_editable_reason(status_label), "error")

    def set_quantity(self, key: str, quantity: int, *, status_label: str = "") -> Verdict:
        if (refused := self._guard_items(status_label or self.order.status)) is not None:
            return refused
        line = self.line(key)
        if line is None:
            return Verdict(False, _("No such line."), "error")
        if quantity <= 0:
            return Verdict(
                False,
                _(
                    "Quantity must be at least 1 (got {quantity}). To take the line off the "
                    "order, remove it (Delete)."
                ).format(quantity=quantity),
                "error",
            )
        proposed = [
            _with(candidate, quantity=quantity, removed=False)
            if candidate.key == key
            else candidate
            for candidate in self.lines
        ]
        verdict = self._check_stock(line.product_id, proposed)
        if not verdict.ok:
            return verdict
        line.quantity = quantity
        line.removed = False
        return verdict

    def change_quantity(self, key: str, step: int, *, status_label: str = "") -> Verdict:
        line = self.line(key)
        if line is None:
            return Verdict(False, _("No such line."), "error")
        return self.set_quantity(key, line.quantity + step, status_label=status_label)

    def add_product(
        self, product: Product, quantity: int = 1, *, status_label: str = ""
    ) -> Verdict:
        if (refused := self._guard_items(status_label or self.order.status)) is not None:
            return refused
        if quantity <= 0:
            return Verdict(False, _(
                "Quantity must be at least 1 (got {quantity})."
            ).format(quantity=quantity), "error")
        self.products[product.id] = product
        existing = next(
            (line for line in self.lines if line.product_id == product.id and line.is_new), None
        )
        if existing is not None:
            return self.set_quantity(existing.key, existing.quantity + quantity)
        self._new_keys += 1
        line = DraftLine(
            key=f"new:{self._new_keys}",
            product_id=product.id,
            name=product.name,
            sku=product.sku,
            quantity=quantity,
            original_quantity=0,
            unit_price=product.price,
        )
        verdict = self._check_stock(product.id, [*self.lines, line])
        if not verdict.ok:
            self._new_keys -= 1
            return verdict
        self.lines.append(line)
        if verdict.message:
            return verdict
        return Verdict(True, _(
            "Added {quantity} × {name}."
        ).format(quantity=quantity, name=product.name))

    def toggle_remove(self, key: str, *, status_label: str = "") -> Verdict:
        """Remove a line (a new one disappears; a saved one is struck out until saving),
        or bring a struck-out line back."""
        if (refused := self._guard_items(status_label or self.order.status)) is not None:
            return refused
        line = self.line(key)
        if line is None:
            return Verdict(False, _("No such line."), "error")
        if line.is_new:
            self.lines.remove(line)
            return Verdict(True, _("{name} taken off.").format(name=line.name))
        if line.removed:
            proposed = [_with(c, removed=False) if c.key == key else c for c in self.lines]
            verdict = self._check_stock(line.product_id, proposed)
            if not verdict.ok:
                return verdict
            line.removed = False
            return verdict if verdict.message else Verdict(True, _(
                "{name} kept."
            ).format(name=line.name))
        line.removed = True
        return Verdict(True, _("{name} will be removed when you save.").format(name=line.name))

    def set_address(self, kind: AddressKind, address: Mapping[str, object]) -> list[AddressProblem]:
        """Take an edited address if it is valid; otherwise keep the old one and say why."""
        problems = validate_address(address, kind)
        if problems:
            return problems
        fields = normalise_address(address)
        target = self.billing if kind == "billing" else self.shipping
        for key in ADDRESS_FIELDS:
            if key in fields:
                target[key] = fields[key]
        return []

    def set_shipping(self, choice: ShippingChoice, *, status_label: str = "") -> Verdict:
        if (refused := self._guard_items(status_label or self.order.status)) is not None:
            return refused
        current = self.order.shipping_lines[0] if self.order.shipping_lines else None
        if current is not None and (
            current.method_id,
            current.method_title,
            current.total,
        ) == (choice.method_id, choice.method_title, choice.total):
            self.shipping_choice = None
        else:
            self.shipping_choice = choice
        return Verdict(True, _(
            "Shipping: {method_title}."
        ).format(method_title=choice.method_title))

    # ---- problems and the body ------------------------------------------------------------

    def problems(self) -> list[AddressProblem]:
        """What stops a save: an address that changed and is not valid."""
        found: list[AddressProblem] = []
        for kind, before, after in (
            ("billing", self.order.billing, self.billing),
            ("shipping", self.order.shipping, self.shipping),
        ):
            if changed_fields(address_dict(before), after):
                found.extend(validate_address(after, kind))  # type: ignore[arg-type]
        return found

    def changes(self) -> dict[str, Any]:
        """The `PUT /orders/{id}` body for every edit (empty: nothing to save)."""
        body: dict[str, Any] = {}
        items: list[dict[str, Any]] = []
        for line in self.lines:
            if line.is_new:
                items.append({"product_id": line.product_id, "quantity": line.quantity})
            elif line.removed:
                items.append({"id": line.line_id, "quantity": 0})
            elif line.quantity != line.original_quantity:
                items.append({"id": line.line_id, "quantity": line.quantity})
        if items:
            body["line_items"] = items
        for kind, before, after in (
            ("billing", self.order.billing, self.billing),
            ("shipping", self.order.shipping, self.shipping),
        ):
            diff = changed_fields(address_dict(before), after)
            if kind == "shipping":
                diff.pop("email", None)
            if diff:
                body[kind] = diff
        if self.shipping_choice is not None:
            choice = self.shipping_choice
            entry: dict[str, Any] = {
                "method_id": choice.method_id,
                "method_title": choice.method_title,
                "total": format(choice.total, "f"),
            }
            if self.order.shipping_lines:
                entry = {"id": self.order.shipping_lines[0].id, **entry}
            body["shipping_lines"] = [entry]
        return body

    def describe(self) -> list[str]:
        """The edits in words, for the attribution note and the unsaved-changes prompt."""
        words: list[str] = []
        for line in self.lines:
            if line.is_new:
                words.append(_(
                    "added {quantity} × {name}"
                ).format(quantity=line.quantity, name=line.name))
            elif line.removed:
                words.append(_("removed {name}").format(name=line.name))
            elif line.quantity != line.original_quantity:
                words.append(f"{line.name} {line.original_quantity} → {line.quantity}")
        body = self.changes()
        if "billing" in body:
            words.append(_("billing address"))
        if "shipping" in body:
            words.append(_("shipping address"))
        if self.shipping_choice is not None:
            words.append(_(
                "shipping method → {method_title}"
            ).format(method_title=self.shipping_choice.method_title))
        return words

    @property
    def estimated_items_total(self) -> Decimal:
        return sum((line.estimated_total for line in self.lines), Decimal(0))


def _with(line: DraftLine, **changes: Any) -> DraftLine:
    return replace(line, **changes)
