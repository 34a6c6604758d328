"""The statuses of several shops of different kinds, open in one console.

A WooCommerce shop has the core statuses under the console's names; a PrestaShop shop has
its own states, some mapped onto core slugs with the shop's names ("processing" is its
"Payment accepted"), the rest as `ps-<id>`. Open together, one queue shows both, so:

- **one list for badges and the status filter** (`merge_statuses`): every slug any shop
  has. A name or colour is kept where the shops that have the slug agree on it; a core
  slug the shops name differently takes the console's own name, which is right for
  everyone, and a shop-only slug (`ps-3`) keeps its first shop's name, as it has no
  other;
- **only what the shop can take in the status picker** (`common_slugs`): the statuses
  every shop of the chosen orders has. Offering "Delivered" (a PrestaShop state) for a
  WooCommerce order would only end in that shop's refusal.

Plain data in, plain data out: no widgets, no HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from client.model import CORE_STATUSES
from client.protocol import ShopStatus


def merge_statuses(per_shop: Mapping[str, Sequence[ShopStatus]]) -> list[ShopStatus]:
    """Every shop's statuses as one list, first shop's order first (see the docstring)."""
    seen: dict[str, list[ShopStatus]] = {}
    for statuses in per_shop.values():
        for status in statuses:
            seen.setdefault(status.slug, []).append(status)
    return [_one(slug, versions) for slug, versions in seen.items()]


def _one(slug: str, versions: list[ShopStatus]) -> ShopStatus:
    """One slug's status from every shop's version of it (one version: that one)."""
    labels = {v.label for v in versions}
    colours = {v.colour for v in versions}
    core = slug in CORE_STATUSES
    label = labels.pop() if len(labels) == 1 else ("" if core else versions[0].label)
    colour = colours.pop() if len(colours) == 1 else (None if core else versions[0].colour)
    return ShopStatus(slug, label, colour)


def common_slugs(slug_sets: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """The slugs every one of `slug_sets` holds; None when there are no sets (nothing is
    known, so nothing is to be left out)."""
    sets = list(slug_sets)
    if not sets:
        return None
    return frozenset.intersection(*sets)
