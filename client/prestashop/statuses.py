"""PrestaShop order states as the console's statuses (slugs, names, badge colours).

An order's status in PrestaShop is `current_state`, an id into `order_states`, each with a
name and a `color` (shared/prestashop-real/NOTES.md). The console keys statuses by slug,
and some slugs carry rules (cancelling asks for confirmation, `completed` is what packing
ends in, pending/on-hold are unpaid, processing/on-hold/completed hold stock). So:

- Every state gets exactly one slug, and every slug exactly one state, so a status change
  always knows which state to write and the console tells PrestaShop's states apart
  ("Payment accepted" → "Processing in progress" → "Shipped" → "Delivered").
- The standard states that mean what a core console status means take its slug. They are
  recognised by the id PrestaShop's installer gives them *and* their e-mail template, so a
  shop whose ids were reshuffled falls back to plain slugs rather than to wrong meanings:

      1  Awaiting check payment      (cheque)          → pending
      2  Payment accepted            (payment)         → processing
      4  Shipped                     (shipped)         → completed
      6  Canceled                    (order_canceled)  → cancelled
      7  Refunded                    (refund)          → refunded
      8  Payment error               (payment_error)   → failed
      10 Awaiting bank wire payment  (bankwire)        → on-hold  (WooCommerce puts bank
                                                          transfers on hold too)

- Every other state is `ps-<id>` ("ps-3" Processing in progress, "ps-5" Delivered,
  "ps-11" Remote payment accepted…): stable across renames, and a valid `[statuses.ps-3]`
  key in config.toml to restyle it.

Names and colours are always the shop's (config.toml may still override them), so a badge
reads as it does in the back office.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from client.protocol import ShopStatus

#: Standard state id → (console slug, e-mail template the installer gives it).
STANDARD_STATES: dict[int, tuple[str, str]] = {
    1: ("pending", "cheque"),
    2: ("processing", "payment"),
    4: ("completed", "shipped"),
    6: ("cancelled", "order_canceled"),
    7: ("refunded", "refund"),
    8: ("failed", "payment_error"),
    10: ("on-hold", "bankwire"),
}

_CUSTOM = re.compile(r"ps-(\d+)")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def custom_slug(state_id: int) -> str:
    return f"ps-{state_id}"


def _text(value: Any) -> str:
    """A multilingual field: a flat string (one language), or `[{id, value}, …]`."""
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, Mapping) and entry.get("value"):
                return str(entry["value"])
        return ""
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class OrderState:
    id: int
    slug: str
    name: str
    colour: str | None
    paid: bool = False
    shipped: bool = False
    hidden: bool = False


def parse_state(raw: Mapping[str, Any]) -> OrderState:
    state_id = int(str(raw.get("id", "0")) or 0)
    template = _text(raw.get("template"))
    standard = STANDARD_STATES.get(state_id)
    slug = standard[0] if standard and standard[1] == template else custom_slug(state_id)
    colour = str(raw.get("color") or "").strip()
    return OrderState(
        id=state_id,
        slug=slug,
        name=_text(raw.get("name")).strip() or slug,
        colour=colour.upper() if _HEX.fullmatch(colour) else None,
        paid=str(raw.get("paid", "0")) == "1",
        shipped=str(raw.get("shipped", "0")) == "1",
        hidden=str(raw.get("deleted", "0")) == "1",
    )


class StateTable:
    """The shop's order states, both ways: state id ↔ console slug."""

    def __init__(self, states: Iterable[OrderState]) -> None:
        self.by_id: dict[int, OrderState] = {s.id: s for s in states}
        self.by_slug: dict[str, OrderState] = {s.slug: s for s in self.by_id.values()}

    @classmethod
    def from_answer(cls, entries: Iterable[Mapping[str, Any]]) -> StateTable:
        return cls(parse_state(entry) for entry in entries)

    def slug(self, state_id: int) -> str:
        state = self.by_id.get(state_id)
        return state.slug if state is not None else custom_slug(state_id)

    def state_id(self, slug: str) -> int | None:
        state = self.by_slug.get(slug)
        if state is not None:
            return state.id
        match = _CUSTOM.fullmatch(slug)
        return int(match[1]) if match else None

    def state_ids(self, slugs: Iterable[str]) -> list[int]:
        """Ids for a status filter; slugs this shop does not have match nothing."""
        return sorted({i for s in slugs if (i := self.state_id(s)) is not None})

    def paid(self, state_id: int) -> bool:
        state = self.by_id.get(state_id)
        return bool(state and state.paid)

    def statuses(self) -> list[ShopStatus]:
        """The states staff may pick, in the shop's id order (deleted ones left out)."""
        return [
            ShopStatus(s.slug, s.name, s.colour)
            for s in sorted(self.by_id.values(), key=lambda s: s.id)
            if not s.hidden
        ]
