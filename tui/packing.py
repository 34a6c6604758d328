"""Pack verification: what must go in the parcel, what has been scanned, and what is refused.

Pure state, no Textual and no I/O, so every rule a packer relies on is tested without a
terminal. The rules:

- A line needs its quantity less what was already refunded (a refunded item is not sent).
- A scan counts one on the first line it matches (SKU or GTIN, see `tui.scan_codes`) that
  still needs some. A code matching no line is a wrong item; a code whose lines are all
  complete is one too many. Both are refused and count nothing: the packer takes the
  item out again, so the counts always mean "what is in the box".
- Counts can be adjusted by hand (for lines without any code, or a damaged barcode); by
  hand too, a line never goes below zero or above what it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from client.model import Order, Product
from tui.i18n import _
from tui.messages import TemplateError, placeholder_context, render
from tui.scan_codes import clean_code, code_matches

#: Order meta keeping the tracking number and carrier when the shop has no Shipment
#: Tracking extension. `_tracking_number` is the key `tui.messages.placeholder_context`
#: (and several tracking plugins) read; `_tracking_provider` mirrors the extension's field.
TRACKING_NUMBER_META = "_tracking_number"
TRACKING_CARRIER_META = "_tracking_provider"

ScanKind = Literal["counted", "wrong_item", "too_many", "by_hand", "refused", "empty"]


@dataclass(slots=True)
class PackLine:
    """One order line to pack."""

    line_id: int
    name: str
    sku: str = ""
    gtin: str = ""
    needed: int = 1
    packed: int = 0
    #: How many of `packed` were counted by hand rather than scanned.
    by_hand: int = 0

    @property
    def done(self) -> bool:
        return self.packed >= self.needed

    @property
    def scannable(self) -> bool:
        return bool(self.sku.strip() or self.gtin.strip())

    @property
    def label(self) -> str:
        """The line as named in messages: "Blue Mug (MUG-BLU)"."""
        return f"{self.name} ({self.sku})" if self.sku else self.name

    def matches(self, code: str) -> bool:
        return code_matches(code, sku=self.sku, gtin=self.gtin)


@dataclass(frozen=True, slots=True)
class PackOutcome:
    """What one scan or key press did; `line` is the line it concerned, if any."""

    kind: ScanKind
    message: str
    line: int | None = None

    @property
    def ok(self) -> bool:
        return self.kind in ("counted", "by_hand")


@dataclass(slots=True)
class PackState:
    lines: list[PackLine] = field(default_factory=list)

    @classmethod
    def from_order(
        cls,
        order: Order,
        products: Mapping[int, Product] | None = None,
        refunded: Mapping[int, int] | None = None,
    ) -> PackState:
        """The lines of `order` to pack. `products` maps product and variation ids to
        products (for GTINs); `refunded` maps line ids to quantities already refunded."""
        products = products or {}
        refunded = refunded or {}
        lines: list[PackLine] = []
        for item in order.line_items:
            needed = item.quantity - refunded.get(item.id, 0)
            if needed <= 0:
                continue
            variation = products.get(item.variation_id) if item.variation_id else None
            product = products.get(item.product_id)
            sku = (
                item.sku
                or (variation.sku if variation else "")
                or (product.sku if product and not item.variation_id else "")
            )
            gtin = (variation.global_unique_id if variation else "") or (
                product.global_unique_id if product and not item.variation_id else ""
            )
            lines.append(PackLine(item.id, item.name, sku, gtin, needed))
        return cls(lines)

    # -- totals ---------------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        return bool(self.lines) and all(line.done for line in self.lines)

    @property
    def needed(self) -> int:
        return sum(line.needed for line in self.lines)

    @property
    def packed(self) -> int:
        return sum(min(line.packed, line.needed) for line in self.lines)

    @property
    def by_hand(self) -> int:
        return sum(line.by_hand for line in self.lines)

    @property
    def started(self) -> bool:
        return any(line.packed for line in self.lines)

    # -- changes --------------------------------------------------------------------------

    def scan(self, raw: str) -> PackOutcome:
        """Count one item for the scanned code, or refuse it (counting nothing)."""
        code = clean_code(raw)
        if not code:
            return PackOutcome("empty", "")
        matching = [i for i, line in enumerate(self.lines) if line.matches(code)]
        if not matching:
            return PackOutcome(
                "wrong_item", _(
                    "Wrong item: {code} is not in this order. Nothing counted."
                ).format(code=code)
            )
        for index in matching:
            line = self.lines[index]
            if not line.done:
                line.packed += 1
                return PackOutcome(
                    "counted", _(
                        "{label}: {packed} of {needed}"
                    ).format(label=line.label, packed=line.packed, needed=line.needed), index
                )
        index = matching[0]
        line = self.lines[index]
        return PackOutcome(
            "too_many",
            _(
                "One too many: {label} needs {needed}, all {packed} already packed. Nothing "
                "counted."
            ).format(label=line.label, needed=line.needed, packed=line.packed),
            index,
        )

    def adjust(self, index: int, delta: int) -> PackOutcome:
        """Add or take away `delta` on line `index` by hand, within 0…needed."""
        if not 0 <= index < len(self.lines):
            return PackOutcome("refused", _("No line selected."))
        line = self.lines[index]
        target = line.packed + delta
        if target > line.needed:
            return PackOutcome(
                "refused",
                _(
                    "{label} needs only {needed}; it cannot go higher."
                ).format(label=line.label, needed=line.needed),
                index,
            )
        if target < 0:
            return PackOutcome("refused", _(
                "{label} is at 0 already."
            ).format(label=line.label), index)
        line.packed = target
        line.by_hand = max(0, line.by_hand + delta)
        return PackOutcome(
            "by_hand", _(
                "{label}: {packed} of {needed} (by hand)"
            ).format(label=line.label, packed=line.packed, needed=line.needed), index
        )

    def fill(self, index: int) -> PackOutcome:
        """Mark line `index` complete by hand."""
        if not 0 <= index < len(self.lines):
            return PackOutcome("refused", _("No line selected."))
        line = self.lines[index]
        return self.adjust(index, line.needed - line.packed)

    def reset(self, index: int) -> PackOutcome:
        """Set line `index` back to 0."""
        if not 0 <= index < len(self.lines):
            return PackOutcome("refused", _("No line selected."))
        line = self.lines[index]
        line.packed = 0
        line.by_hand = 0
        return PackOutcome("by_hand", _(
            "{label}: back to 0 of {needed}"
        ).format(label=line.label, needed=line.needed), index)

    def summary(self) -> str:
        """ "3 items verified by scan, 1 counted by hand" for the order's private note."""
        scanned = self.packed - min(self.by_hand, self.packed)
        parts = [f"{scanned} item{'s' if scanned != 1 else ''} verified by scan"]
        if self.by_hand:
            parts.append(f"{self.by_hand} counted by hand")  # the shop's note: not translated
        return ", ".join(parts)


_FALLBACK_SHIPPED = {
    "en": "Hello {name}, your order {number} has been shipped{carrier}. "
    "Tracking number: {tracking}.",
    "fr": "Bonjour {name}, votre commande {number} a été expédiée{carrier}. "
    "Numéro de suivi : {tracking}.",
}
_WITH_CARRIER = {"en": " with {}", "fr": " par {}"}
_TRACKING_LABEL = {"en": "Tracking number", "fr": "Numéro de suivi"}


def tracking_text(carrier: str, tracking: str) -> str:
    """ "6A12345678901 (Colissimo)": the number first, since it is what is copied."""
    return f"{tracking} ({carrier})" if carrier.strip() else tracking


def shipped_message(
    order: Order,
    *,
    carrier: str,
    tracking: str,
    shop_name: str,
    lang: str = "en",
    template: str | None = None,
) -> str:
    """The customer's "your order has shipped" message, carrying carrier and tracking.

    `template` is the "completed" status template staff keep in messages.toml; it is used
    when every placeholder in it has a value, with the carrier beside the number. A
    template that does not mention the tracking number gets it on a last line. Otherwise
    (no template, a placeholder without value such as a guest's missing first name) a
    plain built-in sentence is sent, never a message with `{first_name}` left in it.
    """
    lang = lang if lang in _FALLBACK_SHIPPED else "en"
    shown = tracking_text(carrier, tracking)
    if template:
        context = placeholder_context(order, shop_name=shop_name, tracking_number=shown, lang=lang)
        try:
            result = render(template, context)
        except TemplateError:
            result = None
        if result is not None and result.complete:
            text = result.text
            if tracking not in text:
                text = f"{text.rstrip()}\n{_TRACKING_LABEL[lang]}: {shown}"
            return text
    name = order.billing.first_name or order.shipping.first_name or order.customer_name
    return _FALLBACK_SHIPPED[lang].format(
        name=name,
        number=order.number,
        carrier=_WITH_CARRIER[lang].format(carrier.strip()) if carrier.strip() else "",
        tracking=tracking,
    )
