"""Several shops in one console: what the app needs on top of one shop's client.

`tui.multishop` routes calls and merges feeds; this module is the console's side of it,
kept out of `tui.app` so the one-shop path stays as it was:

- which shop an order of the queue belongs to (its global id says), its code `MAIN-1234`
  and its shop's name for the Shop column, the CSV export and the detail header;
- each shop's connection (`connecting`, `live`, `reconnecting`, `offline`, since when),
  whether its first load is done, and the header's indicator `main ● live · eu ✖ offline
  12:03` — one shop going offline must not look like the whole console being offline;
- the shop's own ids for the offline journal (entries are per shop and replayed with that
  shop's own client, so a journal written with several shops open is still right when one
  shop is later opened alone);
- a scan: `MAIN-1234` opens that shop's order, a bare number found in several shops gives
  every candidate so the person can choose.

No widgets here.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Literal

from rich.text import Text

from client.errors import ShopError
from client.model import Order
from client.protocol import FeedEvent
from tui.i18n import _
from tui.multishop import SLOTS, RoutingClient, ShopSet, code_prefix
from tui.scan_codes import FoundOrder, clean_code, parse_order_code, resolve_order
from tui.widgets.order_columns import COLUMNS, Column

ConnectionState = Literal["connecting", "live", "reconnecting", "offline"]

#: The Shop column shows at most this many cells of a profile name (cut with …).
SHOP_COLUMN_WIDTH = 10


@dataclasses.dataclass
class ShopStatus:
    """One shop's connection as the console shows it."""

    state: ConnectionState = "connecting"
    #: When the state last changed (our clock): "offline 12:03" says since when.
    since: datetime | None = None
    #: Its first load is complete (or it gave up: a refused key).
    loaded: bool = False
    #: Why its feed stopped for good, if it did.
    error: str = ""


def _mark(state: str) -> tuple[str, str]:
    marks = {
        "connecting": ("◌", _("connecting"), "yellow"),
        "live": ("●", _("live"), "green"),
        "reconnecting": ("◌", _("reconnecting"), "yellow"),
        "offline": ("✖", _("offline"), "red"),
    }
    symbol, word, colour = marks.get(state, ("?", state, "white"))
    return f"{symbol} {word}", colour


class ShopSession:
    """The open shops of a console with several (see the module's docstring)."""

    def __init__(self, router: RoutingClient) -> None:
        self.router = router
        self.shops: ShopSet = router.shops
        self.status: dict[str, ShopStatus] = {name: ShopStatus() for name in self.shops.names}
        # Asked for every order on every load and paint: worked out once per shop.
        self._by_slot = {self.shops.handle(n).slot: n for n in self.shops.names}
        self._prefixes = {name: code_prefix(name) for name in self.shops.names}

    @property
    def names(self) -> list[str]:
        return self.shops.names

    @property
    def label(self) -> str:
        return " + ".join(self.names)

    # ------------------------------------------------------------------ orders

    def shop_of(self, order_id: int) -> str:
        """The shop an order (by its global id) belongs to."""
        try:
            return self._by_slot[order_id % SLOTS]
        except KeyError:
            raise KeyError(f"id {order_id} belongs to no open shop") from None

    def shop_of_order(self, order: Order) -> str:
        return self.shop_of(order.id)

    def code(self, order: Order) -> str:
        """`MAIN-1234`: what the queue, messages and scans call the order."""
        return f"{self._prefixes[self.shop_of(order.id)]}-{order.number.lstrip('#')}"

    def local_id(self, order_id: int) -> tuple[str, int]:
        """(shop name, the shop's own id) of a global order id."""
        return self.shops.split_id(order_id)

    def local(self, order: Order) -> tuple[str, Order]:
        """The order as its own shop knows it (own ids): what the journal keeps."""
        name, own = self.local_id(order.id)
        return name, dataclasses.replace(order, id=own)

    def encode(self, name: str, value: object) -> object:
        return self.router.encode(name, value)

    def focus(self, order_id: int) -> None:
        """Calls that carry no id (search products to add to an order, customers) go to
        the shop of the order being worked on."""
        with contextlib.suppress(KeyError):
            self.router.current = self.shop_of(order_id)

    # ------------------------------------------------------------------ connection

    def state(self, name: str) -> ConnectionState:
        return self.status[name].state

    def state_of(self, order_id: int) -> ConnectionState:
        try:
            return self.state(self.shop_of(order_id))
        except KeyError:
            return "offline"

    def set_state(self, name: str, state: ConnectionState) -> bool:
        """Record a shop's new state; True if it changed."""
        status = self.status[name]
        if status.state == state:
            return False
        status.state = state
        status.since = datetime.now(UTC)
        return True

    def overall(self) -> ConnectionState:
        """One word for the whole console: live while any shop is, else the best of the
        others. Per-order decisions use `state_of`, never this."""
        states = {s.state for s in self.status.values()}
        for state in ("live", "connecting", "reconnecting", "offline"):
            if state in states:
                return state  # type: ignore[return-value]
        return "offline"

    def mark_loaded(self, name: str) -> None:
        self.status[name].loaded = True

    def stopped(self, name: str, error: ShopError) -> None:
        """The shop's feed ended for good (a refused key): it counts as loaded, offline."""
        status = self.status[name]
        status.error = str(error)
        status.loaded = True
        self.set_state(name, "offline")

    @property
    def all_loaded(self) -> bool:
        """Every shop has loaded, or cannot (offline at start, key refused): the queue
        stops saying "loading" instead of waiting for a shop that is away."""
        return all(s.loaded or s.state == "offline" for s in self.status.values())

    def last_sync(self, name: str) -> datetime | None:
        return self.shops.feed(name).last_sync

    def indicator(self, queued: dict[str, int] | None = None) -> Text:
        """`main ● live · eu-store ✖ offline 12:03 (2 queued)` for the queue's header."""
        text = Text()
        for index, name in enumerate(self.names):
            if index:
                text.append(" · ", style="dim")
            status = self.status[name]
            label, colour = _mark(status.state)
            text.append(name, style="bold")
            text.append(" ")
            text.append(label, style=colour)
            if status.state in ("offline", "reconnecting"):
                seen = self.last_sync(name) or status.since
                if seen is not None:
                    text.append(" " + seen.astimezone().strftime("%H:%M"), style=colour)
            pending = (queued or {}).get(name, 0)
            if pending:
                text.append(" ")
                text.append(
                    _("({n} queued)").format(n=pending), style="bold reverse yellow"
                )
        return text

    # ------------------------------------------------------------------ feed

    async def events(self) -> AsyncIterator[tuple[str, FeedEvent]]:
        """Every shop's feed events with global ids, as `(shop name, event)`."""
        g = self.shops.global_id
        async for name, event in self.shops.events():
            yield name, FeedEvent(
                event.kind,
                orders=self.router.encode(name, list(event.orders)),
                deleted_ids=[g(name, i) for i in event.deleted_ids],
                complete=event.complete,
            )

    # ------------------------------------------------------------------ the queue

    def columns(self, base: tuple[Column, ...] = COLUMNS) -> tuple[Column, ...]:
        """The queue's columns with several shops: the order column shows codes (so it
        carries the shop even at 80 columns), and a Shop column joins when there is room.

        The Shop column drops before the email (the code already names the shop); the
        creation time, which repeats the age, drops before it.
        """
        longest = max(len(code_prefix(name)) for name in self.names)
        code_width = min(max(8, longest + 1 + 5), 18)
        shop_width = min(max(4, max(len(n) for n in self.names)), SHOP_COLUMN_WIDTH)
        columns: list[Column] = []
        for column in base:
            if column.key == "number":
                column = dataclasses.replace(column, width=code_width)
            elif column.key == "created":
                column = dataclasses.replace(column, priority=max(column.priority, 5))
            columns.append(column)
            if column.key == "status":
                columns.append(Column("shop", _("Shop"), shop_width, 4))
        return tuple(columns)

    def counts(self, orders: Iterable[Order]) -> dict[str, int]:
        """Orders per shop among `orders`."""
        found = dict.fromkeys(self.names, 0)
        for order in orders:
            name = self.shop_of(order.id)
            found[name] = found.get(name, 0) + 1
        return found

    # ------------------------------------------------------------------ scans

    async def resolve_scan(self, queue: Iterable[Order], raw: str) -> list[FoundOrder]:
        """The orders a scanned code may name (global ids): one for a code `MAIN-1234`,
        one per shop holding a bare number, none when no shop has it.

        The queue answers first; then the shops themselves (each one's failure is
        ignored while another answers; when every shop fails, the first error is raised).
        """
        code = clean_code(raw)
        if not code:
            return []
        parsed = self.shops.parse(code)
        if parsed is not None:
            name, number = parsed
            wanted = number.casefold()
            for order in queue:
                if order.number.casefold() == wanted and self.shop_of(order.id) == name:
                    return [FoundOrder(order.id, order.number, "queue")]
            found = await resolve_order(self.shops.client(name), (), number)
            return [self._global(name, found)] if found is not None else []
        reference = parse_order_code(code)
        if reference is not None and reference.kind == "number" and reference.order_id is None:
            wanted = reference.text.casefold()
            local = [o for o in queue if o.number.casefold() == wanted]
            if local:
                local.sort(key=lambda o: self.names.index(self.shop_of(o.id)))
                return [FoundOrder(o.id, o.number, "queue") for o in local]
        results = await asyncio.gather(
            *(resolve_order(self.shops.client(name), (), code) for name in self.names),
            return_exceptions=True,
        )
        found_orders: list[FoundOrder] = []
        errors: list[BaseException] = []
        for name, result in zip(self.names, results, strict=True):
            if isinstance(result, BaseException):
                errors.append(result)
            elif result is not None:
                found_orders.append(self._global(name, result))
        if not found_orders and errors:
            raise errors[0]
        return found_orders

    def _global(self, name: str, found: FoundOrder) -> FoundOrder:
        return dataclasses.replace(found, order_id=self.shops.global_id(name, found.order_id))
