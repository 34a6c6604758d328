"""The order queue's data: every order the console holds, and the filtered, sorted view.

Why a model apart from the widget: the queue must stay smooth at 100,000 orders, so the
expensive parts (search keys, sorting) are computed once and kept up to date by
small steps, and the widget only asks "which order is on row N?". No Textual here, so
it is tested and timed on its own.

Layout of the data:
- `_orders` maps id -> Order; `_keys` id -> lowercase, accent-free search text;
  `_sk` id -> sort key `(primary, id)` under the current sort.
- `_all` holds every id in ascending sort-key order; `_asc` the ids passing the filters,
  also ascending. A filter change is one pass over `_all` (no sort); a sort change is
  one sort. `view` shows `_asc` in display order (reversed when `descending`).
- Updates insert/remove single ids with `bisect`, except for big batches, which rebuild.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from client.model import CORE_STATUSES, Order

#: Sort keys the queue offers.
SORT_KEYS: tuple[str, ...] = ("date", "number", "total", "status")

#: A sort key: the primary value, then the order id so ties are stable.
SortKey = tuple[Any, int]


def _fold_table() -> dict[int, str | None]:
    """Drop combining marks (accents after NFKD); map letters Unicode won't decompose.

    Combining marks live below U+3100 or in U+FE20-FE2F; scanning that range at import
    costs about a millisecond, and one `str.translate` is much faster than a Python loop.
    """
    table: dict[int, str | None] = {
        cp: None
        for cp in (*range(0x0300, 0x3100), *range(0xFE20, 0xFE30))
        if unicodedata.combining(chr(cp))
    }
    for letter, plain in {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
    }.items():
        table[ord(letter)] = plain
    return table


_FOLD = _fold_table()

#: Above this many orders in one upsert, rebuilding beats inserting one at a time.
_REBUILD_THRESHOLD = 2000

#: Hit sets kept for the texts typed in the current search (see `QueueModel._hit_cache`).
_HIT_CACHE_SIZE = 24

_STATUS_RANK = {status: rank for rank, status in enumerate(CORE_STATUSES)}


def fold(text: str) -> str:
    """Lowercase `text` and strip accents, so "Élodie" and "elodie" compare equal."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD)


#: Folded forms of non-ASCII field values: names repeat across a shop's orders, and
#: folding is the slow part of building search keys for 100,000 orders.
_folded: dict[str, str] = {}


def _fold_field(text: str) -> str:
    if text.isascii():
        return text.lower()
    folded = _folded.get(text)
    if folded is None:
        if len(_folded) > 200_000:
            _folded.clear()
        folded = _folded[text] = fold(text)
    return folded


def search_key(order: Order, code: str = "") -> str:
    """Everything a search may match, folded, one field per line.

    Fields are newline-separated so one search word never matches across two fields.
    The number appears with '#', so "#1234" and "1234" both find it; with several shops
    open, `code` ("MAIN-1234") too, so "main-12" finds it.
    """
    billing, shipping = order.billing, order.shipping
    parts = [f"#{order.number}", code, billing.name, billing.email, billing.company]
    if shipping.first_name or shipping.last_name or shipping.company:
        parts += (shipping.name, shipping.company)
    parts += (item.sku for item in order.line_items if item.sku)
    return "\n".join(_fold_field(p) for p in parts if p)


def _covers(wider: tuple[str, ...], terms: tuple[str, ...]) -> bool:
    """Whether every order matching `terms` also matches `wider`: each wider term is
    inside one of `terms` (search terms match as substrings)."""
    return all(any(w in t for t in terms) for w in wider)


def _number_key(number: str) -> tuple[int, int, str]:
    """Numeric order numbers sort numerically, others ("WC-12") after them by text."""
    if number.isdigit():
        return (0, int(number), "")
    return (1, 0, number.casefold())


def _primary(order: Order, sort_key: str) -> Any:
    if sort_key == "date":
        return order.date_created.timestamp() if order.date_created else 0.0
    if sort_key == "number":
        return _number_key(order.number)
    if sort_key == "total":
        return order.total
    if sort_key == "status":
        return (_STATUS_RANK.get(order.status, len(_STATUS_RANK)), order.status)
    raise ValueError(f"unknown sort key {sort_key!r} (expected one of {', '.join(SORT_KEYS)})")


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What an `upsert` or `remove` did, for the widget to redraw only what it must.

    - `added`: ids new to the model; `changed`: ids held before whose data changed;
      `removed`: ids dropped from the model.
    - `entered`/`left`: ids that came into / went out of the view (whatever the cause);
      `moved`: ids that stayed in the view but changed position (their sort key changed).
    """

    added: tuple[int, ...] = ()
    changed: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    entered: tuple[int, ...] = ()
    left: tuple[int, ...] = ()
    moved: tuple[int, ...] = ()

    @property
    def new_ids(self) -> tuple[int, ...]:
        """Same as `added`: orders the model did not hold before."""
        return self.added

    @property
    def view_changed(self) -> bool:
        """True when rows were added, removed or reordered (not only redrawn)."""
        return bool(self.entered or self.left or self.moved)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class QueueView(Sequence[int]):
    """The order ids in display order: a live, read-only window on the model's list.

    Indexing is O(1); `index` is O(log n) because it bisects on the sort key.
    """

    __slots__ = ("_model",)

    def __init__(self, model: QueueModel) -> None:
        self._model = model

    def __len__(self) -> int:
        return len(self._model._asc)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        asc = self._model._asc
        if isinstance(index, slice):
            ordered = asc[::-1] if self._model.descending else asc
            return ordered[index]
        if self._model.descending:
            n = len(asc)
            if index < 0:
                index += n
            if not 0 <= index < n:
                raise IndexError("view index out of range")
            return asc[n - 1 - index]
        return asc[index]

    def __iter__(self) -> Iterator[int]:
        asc = self._model._asc
        return reversed(asc) if self._model.descending else iter(asc)

    def __contains__(self, order_id: object) -> bool:
        return isinstance(order_id, int) and self._model.index_of(order_id) is not None

    def index(self, order_id: Any, start: int = 0, stop: int | None = None) -> int:
        found = self._model.index_of(order_id)
        if found is None or found < start or (stop is not None and found >= stop):
            raise ValueError(f"order {order_id!r} is not in the view")
        return found

    def __repr__(self) -> str:
        return f"QueueView({len(self)} orders)"


class QueueModel:
    """All orders of the queue plus the current filter and sort.

    `view` lists the ids to show, in order. Filters: `status_filter` (empty = every
    status), `search` (every word must appear in number, customer name, email, company
    or a line's SKU; case- and accent-insensitive) and `extra_ids` (ids the server found
    for the current search, shown even if the local text does not match).
    """

    def __init__(
        self,
        orders: Iterable[Order] = (),
        *,
        sort_key: str = "date",
        descending: bool = True,
        shop_of: Callable[[int], str] | None = None,
        code_of: Callable[[Order], str] | None = None,
    ) -> None:
        """`shop_of(order_id)` and `code_of(order)` serve a console with several shops:
        the shop filter asks the first, search keys include the second ("MAIN-1234")."""
        _primary(Order(id=0), sort_key)  # validates the key
        self._shop_of = shop_of
        self._code_of = code_of
        self._shop_filter: frozenset[str] = frozenset()
        self._sort_key = sort_key
        self._descending = descending
        self._orders: dict[int, Order] = {}
        self._keys: dict[int, str] = {}
        self._sk: dict[int, SortKey] = {}
        self._counts: Counter[str] = Counter()
        self._status_filter: frozenset[str] = frozenset()
        self._search = ""
        self._terms: tuple[str, ...] = ()
        self._hits: set[int] | None = None
        #: Hit sets of the searches typed lately that are wider than (or equal to) the
        #: current one, by terms: a backspace returns to a set already computed, and a
        #: narrower search starts from the narrowest of them instead of every order.
        #: Only sets that still answer the current data: dropped when the data changes.
        self._hit_cache: dict[tuple[str, ...], set[int]] = {}
        self._extra_ids: frozenset[int] = frozenset()
        self._all: list[int] = []
        self._asc: list[int] = []
        self._view = QueueView(self)
        self._version = 0
        for order in orders:
            self._store(order)
        self._resort()

    # ----- reading -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._orders)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def __iter__(self) -> Iterator[Order]:
        return iter(self._orders.values())

    @property
    def total(self) -> int:
        """How many orders the model holds, whatever the filters."""
        return len(self._orders)

    @property
    def shown(self) -> int:
        """How many orders pass the filters (the length of `view`)."""
        return len(self._asc)

    @property
    def view(self) -> QueueView:
        return self._view

    @property
    def version(self) -> int:
        """Grows on every change of data, filter or sort: lets a widget notice it missed one."""
        return self._version

    def get(self, order_id: int) -> Order | None:
        """The order with this id, or None if the model does not hold it."""
        return self._orders.get(order_id)

    def __getitem__(self, order_id: int) -> Order:
        """The order with this id; KeyError if the model does not hold it."""
        return self._orders[order_id]

    def counts_by_status(self) -> dict[str, int]:
        """Orders per status over all orders held (not just the view)."""
        return {status: n for status, n in self._counts.items() if n}

    def index_of(self, order_id: int) -> int | None:
        """The view row of this order, or None when it is not in the view."""
        key = self._sk.get(order_id)
        if key is None:
            return None
        pos = bisect_left(self._asc, key, key=self._sk.__getitem__)
        if pos >= len(self._asc) or self._asc[pos] != order_id:
            return None
        return len(self._asc) - 1 - pos if self._descending else pos

    def sort_key_of(self, order_id: int) -> SortKey | None:
        """The order's key under the current sort (None if not held); see `nearest_index`."""
        return self._sk.get(order_id)

    def nearest_index(self, key: SortKey) -> int | None:
        """The view row where an order with sort key `key` is or would be.

        For an order no longer in the view, that is the row that followed it; the last
        row when it was last. None when the view is empty.
        """
        n = len(self._asc)
        if n == 0:
            return None
        pos = bisect_left(self._asc, key, key=self._sk.__getitem__)
        if self._descending:
            # Display order is reversed: the row after `key` is the largest one below it.
            if pos < n and self._asc[pos] == key[1]:
                return n - 1 - pos
            return min(n - pos, n - 1)
        return min(pos, n - 1)

    # ----- filters and sort ----------------------------------------------------------

    @property
    def status_filter(self) -> frozenset[str]:
        return self._status_filter

    @status_filter.setter
    def status_filter(self, statuses: Iterable[str]) -> None:
        self.set_filter(statuses=statuses)

    @property
    def shop_filter(self) -> frozenset[str]:
        """Shops whose orders the view shows (empty: every shop)."""
        return self._shop_filter

    def shop_of(self, order_id: int) -> str | None:
        return self._shop_of(order_id) if self._shop_of is not None else None

    @property
    def search(self) -> str:
        return self._search

    @search.setter
    def search(self, text: str) -> None:
        self.set_filter(search=text)

    @property
    def extra_ids(self) -> frozenset[int]:
        return self._extra_ids

    @extra_ids.setter
    def extra_ids(self, ids: Iterable[int]) -> None:
        self.set_filter(extra_ids=ids)

    @property
    def sort_key(self) -> str:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def sort_signature(self) -> tuple[str, bool]:
        """Changes whenever the sort does: lets callers tell stale sort keys apart."""
        return (self._sort_key, self._descending)

    def set_filter(
        self,
        *,
        statuses: Iterable[str] | None = None,
        search: str | None = None,
        extra_ids: Iterable[int] | None = None,
        shops: Iterable[str] | None = None,
    ) -> bool:
        """Change any of the filters at once, recomputing the view once.

        A new search text clears `extra_ids` (they answered the old text) unless new ones
        are given in the same call. Returns True if the view may have changed.
        """
        changed = False
        if shops is not None:
            new_shops = frozenset(shops)
            if new_shops != self._shop_filter:
                self._shop_filter = new_shops
                changed = True
        if statuses is not None:
            new_statuses = frozenset(statuses)
            if new_statuses != self._status_filter:
                self._status_filter = new_statuses
                changed = True
        if search is not None and search != self._search:
            terms = tuple(fold(search).split())
            old_terms, old_hits = self._terms, self._hits
            self._search = search
            if terms != old_terms:
                self._terms = terms
                self._hits = self._cached_match(terms, old_terms, old_hits)
                changed = True
            if extra_ids is None and self._extra_ids:
                self._extra_ids = frozenset()
                changed = True
        if extra_ids is not None:
            new_extra = frozenset(extra_ids)
            if new_extra != self._extra_ids:
                self._extra_ids = new_extra
                changed = True
        if changed:
            self._refilter()
        return changed

    def set_search(self, text: str) -> bool:
        """Same as `set_filter(search=text)`."""
        return self.set_filter(search=text)

    def set_status_filter(self, statuses: Iterable[str]) -> bool:
        """Same as `set_filter(statuses=statuses)`; empty shows every status."""
        return self.set_filter(statuses=statuses)

    def set_shop_filter(self, shops: Iterable[str]) -> bool:
        """Same as `set_filter(shops=shops)`; empty shows every shop."""
        return self.set_filter(shops=shops)

    def set_sort(self, sort_key: str | None = None, descending: bool | None = None) -> bool:
        """Change the sort; returns True if it changed. Ties always fall back to the id."""
        new_key = self._sort_key if sort_key is None else sort_key
        new_desc = self._descending if descending is None else descending
        if new_key == self._sort_key and new_desc == self._descending:
            return False
        _primary(Order(id=0), new_key)
        if new_key == self._sort_key:
            self._descending = new_desc  # same order, read backwards: no resort needed
            self._version += 1
            return True
        self._sort_key, self._descending = new_key, new_desc
        self._resort()
        return True

    def matches(self, order_id: int) -> bool:
        """Whether this held order passes the current filters."""
        order = self._orders.get(order_id)
        return order is not None and self._passes(order_id, order.status)

    # ----- updates -------------------------------------------------------------------

    def upsert(self, orders: Iterable[Order]) -> UpsertResult:
        """Add new orders and replace held ones; unchanged orders are ignored."""
        batch = {order.id: order for order in orders}
        added: list[int] = []
        changed: list[int] = []
        for order_id, order in batch.items():
            old = self._orders.get(order_id)
            if old is None:
                added.append(order_id)
            elif old != order:
                changed.append(order_id)
        if not added and not changed:
            return UpsertResult()
        if len(added) + len(changed) > _REBUILD_THRESHOLD:
            return self._upsert_rebuild(batch, added, changed)

        entered: list[int] = []
        left: list[int] = []
        moved: list[int] = []
        for order_id in added:
            order = batch[order_id]
            self._store(order)
            insort(self._all, order_id, key=self._sk.__getitem__)
            self._hit_update(order_id)
            if self._passes(order_id, order.status):
                insort(self._asc, order_id, key=self._sk.__getitem__)
                entered.append(order_id)
        for order_id in changed:
            order = batch[order_id]
            old = self._orders[order_id]
            old_key = self._sk[order_id]
            was_in = self._passes(order_id, old.status)
            new_key = (_primary(order, self._sort_key), order_id)
            if new_key != old_key:
                self._remove_sorted(self._all, old_key)
                if was_in:
                    self._remove_sorted(self._asc, old_key)
            self._counts[old.status] -= 1
            self._store(order)
            self._hit_update(order_id)
            is_in = self._passes(order_id, order.status)
            if new_key != old_key:
                insort(self._all, order_id, key=self._sk.__getitem__)
                if is_in:
                    insort(self._asc, order_id, key=self._sk.__getitem__)
                    if was_in:
                        moved.append(order_id)
            elif is_in and not was_in:
                insort(self._asc, order_id, key=self._sk.__getitem__)
            elif was_in and not is_in:
                self._remove_sorted(self._asc, old_key)
            if is_in and not was_in:
                entered.append(order_id)
            elif was_in and not is_in:
                left.append(order_id)
        self._version += 1
        self._data_changed()
        return UpsertResult(
            added=tuple(added),
            changed=tuple(changed),
            entered=tuple(entered),
            left=tuple(left),
            moved=tuple(moved),
        )

    def remove(self, ids: Iterable[int]) -> UpsertResult:
        """Drop orders (deleted in the shop); ids not held are ignored."""
        removed: list[int] = []
        left: list[int] = []
        for order_id in dict.fromkeys(ids):
            order = self._orders.get(order_id)
            if order is None:
                continue
            key = self._sk[order_id]
            if self._passes(order_id, order.status):
                self._remove_sorted(self._asc, key)
                left.append(order_id)
            self._remove_sorted(self._all, key)
            self._counts[order.status] -= 1
            del self._orders[order_id], self._keys[order_id], self._sk[order_id]
            if self._hits is not None:
                self._hits.discard(order_id)
            removed.append(order_id)
        if removed:
            self._version += 1
            self._data_changed()
        return UpsertResult(removed=tuple(removed), left=tuple(left))

    def replace_all(self, orders: Iterable[Order]) -> UpsertResult:
        """Make the model hold exactly `orders` (a full reload), reporting the difference."""
        batch = {order.id: order for order in orders}
        gone = [order_id for order_id in self._orders if order_id not in batch]
        removed = self.remove(gone)
        upserted = self.upsert(batch.values())
        return UpsertResult(
            added=upserted.added,
            changed=upserted.changed,
            removed=removed.removed,
            entered=upserted.entered,
            left=removed.left + upserted.left,
            moved=upserted.moved,
        )

    # ----- internals -----------------------------------------------------------------

    def _store(self, order: Order) -> None:
        order_id = order.id
        self._orders[order_id] = order
        self._keys[order_id] = search_key(
            order, self._code_of(order) if self._code_of is not None else ""
        )
        self._sk[order_id] = (_primary(order, self._sort_key), order_id)
        self._counts[order.status] += 1

    def _passes(self, order_id: int, status: str) -> bool:
        if self._status_filter and status not in self._status_filter:
            return False
        shop_of = self._shop_of
        if self._shop_filter and shop_of is not None and shop_of(order_id) not in self._shop_filter:
            return False
        hits = self._hits
        return hits is None or order_id in hits or order_id in self._extra_ids

    def _cached_match(
        self,
        terms: tuple[str, ...],
        old_terms: tuple[str, ...],
        old_hits: set[int] | None,
    ) -> set[int] | None:
        """The hits for `terms`, reusing what this search computed already.

        A set computed for wider terms (each of its terms inside one of ours: "du" for
        "dub", "antoine" for "antoine dub") holds every hit of ours, so only its members
        are tested, and only against the terms it does not already guarantee.
        """
        if not terms:
            return None
        cache = self._hit_cache
        if old_hits is not None and old_terms:
            cache[old_terms] = old_hits
        found = cache.get(terms)
        if found is None:
            best: tuple[tuple[str, ...], set[int]] | None = None
            for wider, hits in cache.items():
                if _covers(wider, terms) and (best is None or len(hits) < len(best[1])):
                    best = (wider, hits)
            if best is None:
                found = self._match(terms, None)
            else:
                unsure = tuple(t for t in terms if t not in best[0])
                found = self._match(unsure, best[1]) if unsure else set(best[1])
        # Keep only the searches that are wider than this one: the ones backspace leads to.
        for stale in [k for k in cache if not _covers(k, terms)]:
            del cache[stale]
        cache[terms] = found
        while len(cache) > _HIT_CACHE_SIZE:
            del cache[next(iter(cache))]
        return found

    def _match(self, terms: tuple[str, ...], within: Iterable[int] | None) -> set[int]:
        """Ids (of `within`, else of every order) whose search key holds every term."""
        keys = self._keys
        candidates = keys.keys() if within is None else within
        if len(terms) == 1:
            term = terms[0]
            return {i for i in candidates if term in keys[i]}
        return {i for i in candidates if all(t in keys[i] for t in terms)}

    def _data_changed(self) -> None:
        """Orders came, went or changed: cached hit sets other than the current one (kept
        up to date order by order) no longer answer their texts."""
        cache = self._hit_cache
        if cache:
            cache.clear()
            if self._hits is not None:
                cache[self._terms] = self._hits

    def _hit_update(self, order_id: int) -> None:
        if self._hits is None:
            return
        key = self._keys[order_id]
        if all(term in key for term in self._terms):
            self._hits.add(order_id)
        else:
            self._hits.discard(order_id)

    def _refilter(self) -> None:
        self._filter_view()
        if self._shop_filter and self._shop_of is not None:
            shop_of, shops = self._shop_of, self._shop_filter
            self._asc = [i for i in self._asc if shop_of(i) in shops]

    def _filter_view(self) -> None:
        self._version += 1
        if not self._status_filter and self._hits is None:
            self._asc = list(self._all)
            return
        statuses = self._status_filter
        orders = self._orders
        hits = self._hits
        if hits is None:
            self._asc = [i for i in self._all if orders[i].status in statuses]
            return
        if self._extra_ids:
            hits = hits | self._extra_ids
        if not statuses:
            if len(hits) < len(self._all) // 8:
                self._asc = sorted((i for i in hits if i in orders), key=self._sk.__getitem__)
            else:
                self._asc = [i for i in self._all if i in hits]
            return
        if len(hits) < len(self._all) // 8:
            # Few hits: sort them instead of walking every order.
            chosen = [i for i in hits if i in orders and orders[i].status in statuses]
            chosen.sort(key=self._sk.__getitem__)
            self._asc = chosen
            return
        self._asc = [i for i in self._all if i in hits and orders[i].status in statuses]

    def _resort(self) -> None:
        sort_key = self._sort_key
        orders = self._orders
        self._sk = {i: (_primary(o, sort_key), i) for i, o in orders.items()}
        self._all = sorted(orders, key=self._sk.__getitem__)
        self._refilter()

    def _remove_sorted(self, ids: list[int], key: SortKey) -> None:
        pos = bisect_left(ids, key, key=self._sk.__getitem__)
        if pos < len(ids) and ids[pos] == key[1]:
            del ids[pos]
            return
        ids.remove(key[1])  # not where its key says: should not happen, stay correct

    def _upsert_rebuild(
        self, batch: dict[int, Order], added: list[int], changed: list[int]
    ) -> UpsertResult:
        before = set(self._asc)
        old_keys = {i: self._sk[i] for i in changed}
        for order_id in changed:
            self._counts[self._orders[order_id].status] -= 1
        for order_id in (*added, *changed):
            self._store(batch[order_id])
        if self._hits is not None:
            for order_id in (*added, *changed):
                self._hit_update(order_id)
        self._all = sorted(self._orders, key=self._sk.__getitem__)
        self._data_changed()
        self._refilter()
        after = set(self._asc)
        entered = tuple(i for i in (*added, *changed) if i in after and i not in before)
        left = tuple(i for i in changed if i in before and i not in after)
        moved = tuple(
            i for i in changed if i in before and i in after and old_keys[i] != self._sk[i]
        )
        return UpsertResult(
            added=tuple(added), changed=tuple(changed), entered=entered, left=left, moved=moved
        )
