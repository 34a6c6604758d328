"""`LiveFeed`: keep a view of a shop's orders current by polling, cheaply.

A terminal console cannot receive webhooks, so it polls. The feed loads every order once,
then asks each `interval` only for what changed: `modified_after=<newest date_modified
seen − overlap>` sorted by modification time. An idle tick is one small request. The
overlap is needed because WooCommerce keeps dates to the second and `modified_after` is
strictly after: without it, a second change within the same second would be missed. The
orders the overlap brings back again are recognised (same content) and dropped.

Deletions leave no trace in `modified_after` (a trashed order drops out of the list), so
every `reconcile_every` ticks the feed asks for the count (`per_page=1&_fields=id`, reading
`X-WP-Total`); when it disagrees with the feed's own count, one id-only scan finds which
orders went (and any that arrived unseen).

The status filter of `query` is applied here, not sent with the incremental request, so an
order that moves out of the filtered set (processing → completed) is reported as deleted
from the view instead of silently staying.

A feed can also `resume` from orders kept from an earlier run (the console's queue
snapshot): it then skips the full load and starts with the incremental request from the
newest modification among them, plus the count check at once, so orders changed, created
or deleted meanwhile arrive as ordinary events; a final "loaded" event says it caught up.

Stores without `modified_after` (WooCommerce < 5.8: a 400 `rest_invalid_param` on the
parameter or on `orderby=modified`, or answers that ignore it) are followed by comparing a
cheap full list (`_fields=id,date_modified_gmt`) each tick; `mode` says which way the feed
works.

While the shop is unreachable the feed yields nothing, backs off (capped) and keeps trying;
`state` and the optional `on_state` callback say "live", "reconnecting" or "offline".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from client.errors import Invalid, ShopError, Unavailable
from client.model import Order
from client.protocol import LIST_FIELDS, FeedEvent, OrderQuery, ShopClient

log = logging.getLogger("orderdesk.feed")

FeedState = Literal["live", "reconnecting", "offline"]
FeedMode = Literal["incremental", "full-compare"]

#: Fields the feed itself needs, whatever the caller asks for.
_FEED_FIELDS = ("id", "status", "date_modified_gmt")

#: With no order seen yet, the first incremental request looks this far back (our clock).
EMPTY_LOOKBACK = timedelta(hours=1)

PAGE = 100


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _modified_after_unsupported(error: Invalid) -> bool:
    """A 400 saying the store does not know `modified_after` (or sorting by modification)."""
    if error.field in ("modified_after", "orderby", "dates_are_gmt"):
        return True
    return "modified_after" in error.message


class LiveFeed:
    """Order changes of one shop as a stream of `FeedEvent`s.

    `events()` first yields "loaded" with every order matching `query` (fetched with
    `fields`; an empty `fields` means whole orders), then "created", "changed" and
    "deleted" events as the shop changes. `tick()` is one poll, for callers that drive the
    timing themselves (and for "refresh now").
    """

    def __init__(
        self,
        client: ShopClient,
        *,
        interval: float = 2.0,
        query: OrderQuery | None = None,
        fields: Sequence[str] = LIST_FIELDS,
        reconcile_every: int = 15,
        overlap: timedelta = timedelta(seconds=2),
        max_backoff: float = 60.0,
        offline_after: int = 3,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], datetime] = _utcnow,
        on_state: Callable[[FeedState], None] | None = None,
    ) -> None:
        self.client = client
        self.interval = interval
        self.query = query or OrderQuery()
        if fields:
            fields = tuple(dict.fromkeys([*_FEED_FIELDS, *fields]))
        self.fields: tuple[str, ...] = tuple(fields)
        self.reconcile_every = max(1, reconcile_every)
        self.overlap = overlap
        self.max_backoff = max_backoff
        self.offline_after = max(1, offline_after)
        self._sleep = sleep
        self._clock = clock
        self.on_state = on_state
        #: "reconnecting" until the first load succeeds.
        self.state: FeedState = "reconnecting"
        self.mode: FeedMode = "incremental"
        #: When the shop last answered a poll (our clock).
        self.last_sync: datetime | None = None
        #: The failure behind the current "reconnecting"/"offline" state.
        self.last_error: ShopError | None = None
        self._known: dict[int, Order] = {}
        self._cursor: datetime | None = None
        self._loaded = False
        self._ticks = 0
        self._failures = 0
        self._reconcile_due = False
        #: Resumed from saved orders and not yet caught up with the shop.
        self._catching_up = False
        #: Grows whenever the orders the feed holds change (a load, a reported change).
        self.revision = 0

    # ------------------------------------------------------------------ public

    @property
    def known_ids(self) -> frozenset[int]:
        """Ids of the orders the feed currently believes are in the view."""
        return frozenset(self._known)

    def resume(self, orders: Iterable[Order]) -> None:
        """Start from `orders` (what this feed reported in an earlier run) instead of
        loading everything: the next tick asks for what changed since the newest of them
        and checks the count (deletions), then `events()` yields a final "loaded"."""
        self._loaded_with(list(orders))
        self._reconcile_due = True
        self._catching_up = True

    def known_orders(self) -> list[Order] | None:
        """The orders the feed holds as the shop last reported them (never a caller's
        optimistic copy); None until the first load is complete."""
        return list(self._known.values()) if self._loaded else None

    async def events(self) -> AsyncIterator[FeedEvent]:
        """Load, then poll forever. Never raises `Unavailable`; other ShopErrors (a revoked
        key, an answer that does not fit the model) end the stream."""
        while True:
            if self._loaded:
                for event in await self.tick():
                    yield event
                if self._catching_up and self._failures == 0:
                    self._catching_up = False
                    yield FeedEvent("loaded", orders=[], complete=True)
            else:
                try:
                    async for event in self._load_pages():
                        yield event
                except Unavailable as exc:
                    self._failed(exc)
                else:
                    self._succeeded()
            await self._sleep(self.next_delay())

    def next_delay(self) -> float:
        """Seconds until the next poll: `interval`, or a capped backoff while failing."""
        if self._failures == 0:
            return self.interval
        return min(self.max_backoff, self.interval * 2**self._failures)

    async def tick(self) -> list[FeedEvent]:
        """One poll (the first one loads). Unavailable is recorded in `state`, not raised."""
        try:
            if not self._loaded:
                events = [FeedEvent("loaded", orders=await self._load())]
            else:
                self._ticks += 1
                events = await self._poll()
        except Unavailable as exc:
            self._failed(exc)
            return []
        self._succeeded()
        return events

    # ------------------------------------------------------------------ polling

    def _query(self, **changes: object) -> OrderQuery:
        return replace(self.query, **changes)  # type: ignore[arg-type]

    def _in_view(self, order: Order) -> bool:
        statuses = self.query.status
        return not statuses or "any" in statuses or order.status in statuses

    def _advance(self, orders: Iterable[Order]) -> None:
        for order in orders:
            stamp = order.date_modified
            if stamp is not None and (self._cursor is None or stamp > self._cursor):
                self._cursor = stamp

    async def _all(self, query: OrderQuery) -> list[Order]:
        orders: list[Order] = []
        async for page in self.client.iter_orders(query):
            orders.extend(page)
        return orders

    async def _load(self) -> list[Order]:
        orders = await self._all(self._query(fields=self.fields))
        self._loaded_with(orders)
        return orders

    async def _load_pages(self) -> AsyncIterator[FeedEvent]:
        """The first load, one "loaded" event per page (newest first), then a final one.

        Why: at 100,000 orders the whole load takes seconds; the newest page is what a
        packer needs first. A failure midway restarts the load; pages already shown are
        simply upserted again.
        """
        orders: list[Order] = []
        async for page in self.client.iter_orders(self._query(fields=self.fields)):
            orders.extend(page)
            yield FeedEvent("loaded", orders=page, complete=False)
        self._loaded_with(orders)
        yield FeedEvent("loaded", orders=[], complete=True)

    def _loaded_with(self, orders: list[Order]) -> None:
        self.revision += 1
        self._known = {o.id: o for o in orders if self._in_view(o)}
        self._advance(orders)
        self._loaded = True

    async def _poll(self) -> list[FeedEvent]:
        if self.mode == "incremental":
            try:
                events = await self._incremental()
            except Invalid as exc:
                if not _modified_after_unsupported(exc):
                    raise
                log.info("shop does not support modified_after (%s); comparing full lists", exc)
                self.mode = "full-compare"
                return await self._full_compare()
            if self._reconcile_due or self._ticks % self.reconcile_every == 0:
                events += await self._reconcile()
                self._reconcile_due = False
            return events
        return await self._full_compare()

    async def _incremental(self) -> list[FeedEvent]:
        if self._cursor is not None:
            since = self._cursor - self.overlap
        else:
            since = self._clock() - EMPTY_LOOKBACK
        since = since.replace(microsecond=0)  # what the store compares against
        query = self._query(
            status=(),
            modified_after=since,
            modified_before=None,
            orderby="modified",
            order="asc",
            fields=self.fields,
        )
        page = await self.client.list_orders(query, page=1, per_page=PAGE)
        orders = list(page.orders)
        number = 1
        while len(page.orders) >= PAGE:
            number += 1
            page = await self.client.list_orders(query, page=number, per_page=PAGE)
            orders.extend(page.orders)
        if any(o.date_modified is not None and o.date_modified <= since for o in orders):
            # The store ignored `modified_after` (an unknown parameter is not an error in
            # WordPress): it cannot be followed incrementally.
            log.info("shop ignores modified_after; comparing full lists")
            self.mode = "full-compare"
            return await self._full_compare()
        self._advance(orders)
        return self._apply(orders)

    def _apply(self, orders: Iterable[Order], gone: Iterable[int] = ()) -> list[FeedEvent]:
        created: list[Order] = []
        changed: list[Order] = []
        deleted: list[int] = []
        for order in orders:
            before = self._known.get(order.id)
            if not self._in_view(order):
                if before is not None:
                    del self._known[order.id]
                    deleted.append(order.id)
                continue
            if before is None:
                created.append(order)
            elif before != order:
                changed.append(order)
            else:
                continue  # seen already (the overlap brings the newest orders back)
            self._known[order.id] = order
        for order_id in gone:
            if self._known.pop(order_id, None) is not None:
                deleted.append(order_id)
        events = []
        if created or changed or deleted:
            self.revision += 1
        if created:
            events.append(FeedEvent("created", orders=created))
        if changed:
            events.append(FeedEvent("changed", orders=changed))
        if deleted:
            events.append(FeedEvent("deleted", deleted_ids=deleted))
        return events

    async def _fetch(self, ids: Sequence[int]) -> list[Order]:
        """Orders by id (in chunks of 100), with the feed's fields."""
        orders: list[Order] = []
        for start in range(0, len(ids), PAGE):
            chunk = tuple(ids[start : start + PAGE])
            query = OrderQuery(include=chunk, orderby="include", fields=self.fields)
            orders.extend((await self.client.list_orders(query, per_page=PAGE)).orders)
        return orders

    async def _reconcile(self) -> list[FeedEvent]:
        """Compare the shop's count with ours; on a difference, scan ids to find out why."""
        counted = await self.client.list_orders(self._query(fields=("id",)), per_page=1)
        if counted.total is None or counted.total == len(self._known):
            return []
        ids = {o.id for o in await self._all(self._query(fields=("id",)))}
        gone = [i for i in self._known if i not in ids]
        arrived = await self._fetch(sorted(ids - self._known.keys()))
        self._advance(arrived)
        return self._apply(arrived, gone)

    async def _full_compare(self) -> list[FeedEvent]:
        """For stores without `modified_after`: list ids and dates, fetch what differs."""
        stamps = {
            o.id: o.date_modified
            for o in await self._all(self._query(fields=("id", "date_modified_gmt")))
        }
        differ = [
            i
            for i, stamp in stamps.items()
            if i not in self._known or self._known[i].date_modified != stamp
        ]
        gone = [i for i in self._known if i not in stamps]
        fetched = await self._fetch(differ)
        self._advance(fetched)
        return self._apply(fetched, gone)

    # ------------------------------------------------------------------ state

    def _set_state(self, state: FeedState) -> None:
        if state == self.state:
            return
        log.info("feed %s → %s", self.state, state)
        self.state = state
        if self.on_state is not None:
            self.on_state(state)

    def _failed(self, error: Unavailable) -> None:
        self._failures += 1
        self.last_error = error
        self._reconcile_due = True
        self._set_state("offline" if self._failures >= self.offline_after else "reconnecting")

    def _succeeded(self) -> None:
        self._failures = 0
        self.last_error = None
        self.last_sync = self._clock()
        self._set_state("live")
