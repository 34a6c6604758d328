"""Several shops at once: one merged live feed, order codes, and one client that routes.

A business with two stores (or a store and a marketplace outlet) packs from one queue. That
needs three things, all here and none of them widgets:

- **`ShopSet`**: named clients, one `LiveFeed` each, and `events()`: their `FeedEvent`s
  merged into one stream of `(shop_name, event)`. Each feed runs in its own task, so a shop
  that goes offline (its feed backs off and says "offline") or whose key is revoked (its
  feed ends; `errors[name]` says why) never holds up the others.
- **Order codes** `MAIN-1234`: the profile name in capitals, a dash, the shop's order
  number. Numbers repeat across shops; codes do not. `parse_code` reads one back (scanned
  or typed, any case), matching the longest profile name first since names may hold "-".
- **`RoutingClient`**: one `ShopClient` over all of them, for an app whose screens call
  `app.shop.get_order(order_id)`. Order ids (and customer, product ids) that leave it are
  *global*: `shop_id * SLOTS + slot`, so the queue can key orders by one int and every
  call with such an id goes to the shop it came from. Calls with no id (search customers,
  list products, create a coupon) go to `current`, the shop the person is working in.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from client.errors import Invalid, ShopError
from client.feed import FeedState, LiveFeed
from client.model import Customer, LineItem, Order, Product
from client.protocol import (
    BatchResult,
    FeedEvent,
    OrderPage,
    OrderQuery,
    ShopClient,
    ShopStatus,
)
from tui.config import Config, ConfigError, ShopProfile, resolve_secret

if TYPE_CHECKING:
    from client.prestashop import PrestaShopClient
    from client.woocommerce import WooCommerceClient

log = logging.getLogger("orderdesk.multishop")

#: Shops a RoutingClient can hold: global id = shop's id * SLOTS + slot.
SLOTS = 100

_CODE_PREFIX = re.compile(r"[^A-Z0-9]+")

FeedFactory = Callable[[str, ShopClient, Callable[[FeedState], None]], LiveFeed]
StateCallback = Callable[[str, FeedState], None]
ErrorCallback = Callable[[str, ShopError], None]


# --------------------------------------------------------------------------- order codes


def code_prefix(shop_name: str) -> str:
    """`main` → `MAIN`, `eu-store` → `EU-STORE` (anything but letters and digits → "-")."""
    return _CODE_PREFIX.sub("-", shop_name.upper()).strip("-") or "SHOP"


def order_code(shop_name: str, order: Order | str | int) -> str:
    """`MAIN-1234`: unique across the shops of a ShopSet (numbers alone are not)."""
    number = order.number if isinstance(order, Order) else str(order)
    return f"{code_prefix(shop_name)}-{number.lstrip('#')}"


def parse_code(text: str, shop_names: Iterable[str]) -> tuple[str, str] | None:
    """(shop name, order number) for a code like `main-1234` or `#EU-STORE-77`, or None.

    The longest matching prefix wins, so `EU-STORE-77` is shop `eu-store` number 77 even
    when a shop `eu` exists.
    """
    cleaned = text.strip().lstrip("#").upper()
    for name in sorted(shop_names, key=lambda n: len(code_prefix(n)), reverse=True):
        prefix = code_prefix(name) + "-"
        if cleaned.startswith(prefix) and len(cleaned) > len(prefix):
            return name, text.strip().lstrip("#")[len(prefix) :]
    return None


# --------------------------------------------------------------------------- the set


@dataclasses.dataclass
class ShopHandle:
    name: str
    client: ShopClient
    feed: LiveFeed
    slot: int
    state: FeedState = "reconnecting"
    #: Why this shop's feed stopped for good (a refused key…); None while it runs.
    error: ShopError | None = None


class ShopSet:
    """Several named shops and their live feeds.

    `clients` maps profile names to clients, in display order. `interval` is the polling
    interval of the feeds made here; `feed_factory(name, client, on_state)` makes them
    differently (tests, custom queries). `on_state(name, state)` hears each feed going live,
    reconnecting or offline; `on_error(name, error)` a feed that stopped.
    """

    def __init__(
        self,
        clients: Mapping[str, ShopClient] | Sequence[tuple[str, ShopClient]],
        *,
        interval: float = 2.0,
        feed_factory: FeedFactory | None = None,
        on_state: StateCallback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        pairs = list(clients.items()) if isinstance(clients, Mapping) else list(clients)
        if not pairs:
            raise ValueError("a ShopSet needs at least one shop")
        if len(pairs) > SLOTS:
            raise ValueError(f"at most {SLOTS} shops can be opened together")
        prefixes: dict[str, str] = {}
        for name, _ in pairs:
            prefix = code_prefix(name)
            if prefix in prefixes:
                raise ValueError(
                    f"shops {prefixes[prefix]!r} and {name!r} would share order codes "
                    f"({prefix}-…); rename one profile"
                )
            prefixes[prefix] = name
        self.on_state = on_state
        self.on_error = on_error
        self._handles: dict[str, ShopHandle] = {}
        for slot, (name, client) in enumerate(pairs):
            callback = self._state_callback(name)
            feed = (
                feed_factory(name, client, callback)
                if feed_factory is not None
                else LiveFeed(client, interval=interval, on_state=callback)
            )
            feed.on_state = callback
            self._handles[name] = ShopHandle(name, client, feed, slot, state=feed.state)

    def _state_callback(self, name: str) -> Callable[[FeedState], None]:
        def changed(state: FeedState) -> None:
            handle = self._handles.get(name)
            if handle is not None:
                handle.state = state
            if self.on_state is not None:
                self.on_state(name, state)

        return changed

    # ------------------------------------------------------------------ lookups

    @property
    def names(self) -> list[str]:
        return list(self._handles)

    def __len__(self) -> int:
        return len(self._handles)

    def __contains__(self, name: object) -> bool:
        return name in self._handles

    def handle(self, name: str) -> ShopHandle:
        try:
            return self._handles[name]
        except KeyError:
            known = ", ".join(self._handles)
            raise KeyError(f"no shop named {name!r} (shops: {known})") from None

    def client(self, name: str) -> ShopClient:
        return self.handle(name).client

    def feed(self, name: str) -> LiveFeed:
        return self.handle(name).feed

    def state(self, name: str) -> FeedState:
        return self.handle(name).state

    @property
    def states(self) -> dict[str, FeedState]:
        return {name: handle.state for name, handle in self._handles.items()}

    @property
    def errors(self) -> dict[str, ShopError]:
        return {n: h.error for n, h in self._handles.items() if h.error is not None}

    def code(self, name: str, order: Order | str | int) -> str:
        self.handle(name)
        return order_code(name, order)

    def parse(self, text: str) -> tuple[str, str] | None:
        return parse_code(text, self._handles)

    # ------------------------------------------------------------------ global ids

    def global_id(self, name: str, shop_id: int) -> int:
        """The id an order (customer, product) of shop `name` has outside: unique across
        the set. 0 stays 0 (WooCommerce's "none": a guest, no variation)."""
        return shop_id * SLOTS + self.handle(name).slot if shop_id else 0

    def split_id(self, global_id: int) -> tuple[str, int]:
        """(shop name, the shop's own id) of a global id."""
        shop_id, slot = divmod(int(global_id), SLOTS)
        for handle in self._handles.values():
            if handle.slot == slot:
                return handle.name, shop_id
        raise KeyError(f"id {global_id} belongs to no open shop")

    # ------------------------------------------------------------------ events

    async def events(self) -> AsyncIterator[tuple[str, FeedEvent]]:
        """Every feed's events as `(shop_name, event)`, as they come, until all feeds stop
        (they run forever unless a shop refuses the key). Leaving the loop stops them."""
        queue: asyncio.Queue[tuple[str, FeedEvent] | tuple[str, None]] = asyncio.Queue()

        async def pump(handle: ShopHandle) -> None:
            try:
                async for event in handle.feed.events():
                    queue.put_nowait((handle.name, event))
            except ShopError as error:
                log.warning("shop %s: feed stopped: %s", handle.name, error)
                handle.error = error
                if self.on_error is not None:
                    self.on_error(handle.name, error)
            finally:
                queue.put_nowait((handle.name, None))

        tasks = [
            asyncio.create_task(pump(h), name=f"feed-{h.name}") for h in self._handles.values()
        ]
        running = len(tasks)
        try:
            while running:
                name, event = await queue.get()
                if event is None:
                    running -= 1
                    continue
                yield name, event
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def aclose(self) -> None:
        for handle in self._handles.values():
            await handle.client.aclose()


# --------------------------------------------------------------------------- routing client


class RoutingClient:
    """One `ShopClient` over a `ShopSet`, with global ids (see the module's docstring).

    Every method of the shop clients is available: arguments named `order_id`,
    `customer_id` or `product_id` pick the shop (and are turned back into its own ids);
    `OrderQuery.include` and batch `updates` are split per shop; orders, products and
    customers that come back carry global ids. `current` names the shop for calls that
    carry no id; `for_shop(name)` gives that shop's own client.
    """

    _ID_PARAMS = ("order_id", "customer_id", "product_id")

    def __init__(self, shops: ShopSet, *, current: str | None = None) -> None:
        self.shops = shops
        self.current = current or shops.names[0]
        self.name = ", ".join(shops.names)

    def for_shop(self, name: str) -> ShopClient:
        return self.shops.client(name)

    def shop_of(self, global_id: int) -> str:
        return self.shops.split_id(global_id)[0]

    async def aclose(self) -> None:
        await self.shops.aclose()

    # ------------------------------------------------------------------ encoding

    def encode(self, name: str, value: Any) -> Any:
        """Shop `name`'s ids in `value` (orders, pages, products, customers…) made global."""
        g = self.shops.global_id
        if isinstance(value, Order):
            return dataclasses.replace(
                value,
                id=g(name, value.id),
                customer_id=g(name, value.customer_id),
                line_items=tuple(self._line(name, line) for line in value.line_items),
            )
        if isinstance(value, Product):
            return dataclasses.replace(value, id=g(name, value.id))
        if isinstance(value, Customer):
            return dataclasses.replace(value, id=g(name, value.id))
        if isinstance(value, OrderPage):
            return dataclasses.replace(value, orders=[self.encode(name, o) for o in value.orders])
        if isinstance(value, BatchResult):
            return BatchResult(
                updated=[self.encode(name, o) for o in value.updated],
                errors=[(g(name, i), e) for i, e in value.errors],
            )
        if isinstance(value, list):
            return [self.encode(name, v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.encode(name, v) for v in value)
        return value

    def _line(self, name: str, line: LineItem) -> LineItem:
        g = self.shops.global_id
        return dataclasses.replace(
            line, product_id=g(name, line.product_id), variation_id=g(name, line.variation_id)
        )

    def _decode_query(self, query: OrderQuery) -> tuple[str | None, OrderQuery]:
        """The shop a query's ids (include, customer, product) name, and the query with
        that shop's own ids; (None, query) when it names none."""
        names: set[str] = set()
        changes: dict[str, Any] = {}
        if query.include:
            split = [self.shops.split_id(i) for i in query.include]
            names.update(name for name, _ in split)
            changes["include"] = tuple(i for _, i in split)
        for field in ("customer", "product"):
            value = getattr(query, field)
            if value:
                name, own = self.shops.split_id(value)
                names.add(name)
                changes[field] = own
        if not names:
            return None, query
        if len(names) > 1:
            raise Invalid(
                "one query cannot include orders of several shops",
                field="include",
                code="orderdesk_several_shops",
            )
        return names.pop(), dataclasses.replace(query, **changes)

    def _by_shop(self, ids: Iterable[int]) -> dict[str, list[int]]:
        """Global ids grouped by shop (in the order given), as each shop's own ids."""
        grouped: dict[str, list[int]] = {}
        for global_id in ids:
            name, own = self.shops.split_id(global_id)
            grouped.setdefault(name, []).append(own)
        return grouped

    def _route(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]):
        """(shop name, args, kwargs) with global ids turned into the shop's own."""
        sample = getattr(self.shops.client(self.current), method)
        try:
            bound = inspect.signature(sample).bind(*args, **kwargs)
        except TypeError:
            return self.current, args, kwargs
        target: str | None = None
        for param in self._ID_PARAMS:
            value = bound.arguments.get(param)
            if isinstance(value, int) and not isinstance(value, bool) and value:
                name, own = self.shops.split_id(value)
                if target is not None and name != target:
                    raise Invalid(
                        f"{method}: ids of different shops", code="orderdesk_several_shops"
                    )
                target = name
                bound.arguments[param] = own
        query = bound.arguments.get("query")
        if isinstance(query, OrderQuery):
            name, bound.arguments["query"] = self._decode_query(query)
            target = target or name
        return target or self.current, bound.args, bound.kwargs

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)
        sample = getattr(self.shops.client(self.current), method)
        if not callable(sample):
            return sample
        if inspect.isasyncgenfunction(sample):

            async def routed_gen(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
                name, args, kwargs = self._route(method, args, kwargs)
                async for item in getattr(self.shops.client(name), method)(*args, **kwargs):
                    yield self.encode(name, item)

            return routed_gen

        async def routed(*args: Any, **kwargs: Any) -> Any:
            name, args, kwargs = self._route(method, args, kwargs)
            result = await getattr(self.shops.client(name), method)(*args, **kwargs)
            if method == "find_order_ids_by_sku":
                return [self.shops.global_id(name, i) for i in result]
            return self.encode(name, result)

        return routed

    async def list_orders(
        self, query: OrderQuery | None = None, *, page: int = 1, per_page: int = 100
    ) -> OrderPage:
        """Orders of one shop; a query that includes orders of several shops (print or
        export the marked orders of two shops) asks each shop for its part and answers
        with them in the order of `include`."""
        query = query or OrderQuery()
        grouped = self._by_shop(query.include) if query.include else {}
        if len(grouped) <= 1:
            name, own_query = self._decode_query(query)
            name = name or self.current
            result = await self.shops.client(name).list_orders(
                own_query, page=page, per_page=per_page
            )
            return self.encode(name, result)
        found: dict[int, Order] = {}
        for name, own_ids in grouped.items():
            part = dataclasses.replace(query, include=tuple(own_ids))
            result = await self.shops.client(name).list_orders(
                part, page=page, per_page=per_page
            )
            found.update((o.id, o) for o in self.encode(name, result).orders)
        orders = [found[i] for i in query.include if i in found]
        if query.orderby != "include":
            orders = list(found.values())
        return OrderPage(orders=orders, page=page, total=len(orders), total_pages=1)

    async def statuses_by_shop(self) -> dict[str, list[ShopStatus]]:
        """Each shop's own statuses, asked of all at once; a shop that cannot answer is
        left out (the console keeps its own names for it) unless none can."""
        names = self.shops.names
        answers = await asyncio.gather(
            *(self.shops.client(name).list_statuses() for name in names),
            return_exceptions=True,
        )
        found: dict[str, list[ShopStatus]] = {}
        refused: ShopError | None = None
        for name, answer in zip(names, answers, strict=True):
            if isinstance(answer, ShopError):
                log.info("statuses of shop %s: %s", name, answer)
                refused = refused or answer
            elif isinstance(answer, BaseException):
                raise answer
            else:
                found[name] = list(answer)
        if not found and refused is not None:
            raise refused
        return found

    async def list_statuses(self) -> list[ShopStatus]:
        """The statuses of every open shop as one list (`tui.status_sets.merge_statuses`)."""
        from tui.status_sets import merge_statuses

        return merge_statuses(await self.statuses_by_shop())

    async def list_products(self, *, include: Sequence[int] = (), **kwargs: Any) -> list[Product]:
        """Products of the current shop, or (`include`) the named products of any shops."""
        if not include:
            found = await self.shops.client(self.current).list_products(**kwargs)
            return self.encode(self.current, found)
        products: list[Product] = []
        for name, own_ids in self._by_shop(include).items():
            part = await self.shops.client(name).list_products(include=own_ids, **kwargs)
            products.extend(self.encode(name, part))
        return products

    async def update_order(
        self, order_id: int, changes: dict[str, Any], *, if_match: str | None = None
    ) -> Order:
        """The order's shop, with the product and customer ids in `changes` made its own
        (an edit adds lines by product id)."""
        name, own = self.shops.split_id(order_id)
        local = dict(changes)
        if local.get("customer_id"):
            local["customer_id"] = self._own_id(name, int(local["customer_id"]))
        if isinstance(local.get("line_items"), list):
            lines = []
            for line in local["line_items"]:
                line = dict(line)
                for key in ("product_id", "variation_id"):
                    if line.get(key):
                        line[key] = self._own_id(name, int(line[key]))
                lines.append(line)
            local["line_items"] = lines
        client = self.shops.client(name)
        return self.encode(name, await client.update_order(own, local, if_match=if_match))

    def _own_id(self, name: str, global_id: int) -> int:
        other, own = self.shops.split_id(global_id)
        if other != name:
            raise Invalid(
                f"id {global_id} belongs to shop {other}, not {name}",
                code="orderdesk_several_shops",
            )
        return own

    async def batch_update_orders(self, updates: Sequence[dict[str, Any]]) -> BatchResult:
        """Split by shop; each shop's part goes as that shop's batch."""
        per_shop: dict[str, list[dict[str, Any]]] = {}
        for update in updates:
            name, own = self.shops.split_id(int(update["id"]))
            per_shop.setdefault(name, []).append({**update, "id": own})
        updated: list[Order] = []
        errors: list[tuple[int, Exception]] = []
        for name, part in per_shop.items():
            result = self.encode(name, await self.shops.client(name).batch_update_orders(part))
            updated.extend(result.updated)
            errors.extend(result.errors)
        return BatchResult(updated=updated, errors=errors)


# --------------------------------------------------------------------------- from config


def client_for_profile(
    profile: ShopProfile, *, secret: str | None = None, timeout: float = 10.0
) -> WooCommerceClient | PrestaShopClient:
    """A client for a `[shops.NAME]` profile, of the profile's kind; the secret is resolved
    now unless given (a PrestaShop profile's key may come from a secret source)."""
    from client.woocommerce import WooCommerceClient

    if profile.kind == "prestashop":
        from client.prestashop import PrestaShopClient

        return PrestaShopClient(
            profile.url,
            profile.key or (resolve_secret(profile) if secret is None else secret),
            name=profile.name,
            timezone=profile.timezone or None,
            admin_url=profile.admin_url,
            verify=profile.verify,
            timeout=timeout,
        )
    auth = "oauth" if profile.auth == "oauth1" else profile.auth
    return WooCommerceClient(
        profile.url,
        profile.key,
        resolve_secret(profile) if secret is None else secret,
        name=profile.name,
        auth=auth,  # type: ignore[arg-type]
        verify=profile.verify,
        timeout=timeout,
    )


def open_profiles(
    config: Config,
    names: Sequence[str] | None = None,
    *,
    interval: float | None = None,
    on_state: StateCallback | None = None,
    on_error: ErrorCallback | None = None,
) -> ShopSet:
    """A ShopSet of the named profiles (all of them for `orderdesk --all`), in the order
    given, else the file's. An unknown profile or a secret that cannot be had is a
    `ConfigError` naming it, raised before any client is made."""
    wanted = list(names) if names is not None else list(config.shops)
    if not wanted:
        raise ConfigError(
            "no shop profiles to open; add one with: orderdesk shops add", path=config.source
        )
    profiles = [config.shop_profile(name) for name in wanted]
    secrets = {p.name: resolve_secret(p) for p in profiles if p is not None}
    clients: dict[str, ShopClient] = {
        p.name: client_for_profile(p, secret=secrets[p.name]) for p in profiles if p is not None
    }
    return ShopSet(
        clients,
        interval=config.poll_interval if interval is None else interval,
        on_state=on_state,
        on_error=on_error,
    )
