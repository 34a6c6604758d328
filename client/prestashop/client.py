"""`PrestaShopClient`: the shop protocol over PrestaShop's Webservice API (8.x).

The console opens a PrestaShop store as it opens a WooCommerce one; this adapter hides
the differences (shared/prestashop-real/NOTES.md):

- Auth is HTTP Basic with the key as user name and no password. Reads ask for JSON
  (`output_format=JSON`); writes send XML (PrestaShop rejects JSON bodies).
- Lists page with `limit=offset,count` and carry no total: a short page is the last.
- An order is several resources: the order, its customer, addresses, carrier, payments,
  details and credit slips. Lists fetch customers and addresses in one request each per
  page; the full view of one order adds details, payments and slips.
- A status change POSTs `order_histories` (PrestaShop then runs its own state logic:
  stock, invoice numbers, hooks), with `?sendemail=1` when the customer is to be told.
  `current_state` is never written on the order: that always emails.
- Messages go to the order's customer thread (`customer_threads` + `customer_messages`);
  `private=1` makes a staff-only note. PrestaShop e-mails none of them.
- Tracking numbers are PATCHed on `order_carriers`; the order shows them as its
  `shipping_number`.
- The Webservice cannot make a real refund (a posted `order_slip` changes neither stock
  nor refunded quantities): refunds are listed as credit slips and made in the back
  office; `create_refund` says so and writes nothing.
- Customers are always asked with a field list, so `passwd` and `secure_key` never
  reach the console; the order's own `secure_key` is never read.

Every method returns model objects or raises a `client.errors.ShopError` subclass.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import string
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from client.error_map import error_from_exception
from client.errors import (
    Invalid,
    NotFound,
    ShopError,
    Unavailable,
    Unsupported,
)
from client.http_base import HttpShopClient
from client.model import Coupon, Customer, Note, Order, Product, Refund, ShipmentTracking
from client.prestashop import mapping
from client.prestashop.errors import error_from_response, only_warnings
from client.prestashop.query import (
    LIGHT_FIELDS,
    PAGE_LIMIT,
    Params,
    ShopClock,
    any_of,
    date_filter,
    order_params,
)
from client.prestashop.statuses import StateTable
from client.prestashop.wire import decode, items, one, xml_body
from client.protocol import (
    BatchResult,
    OrderPage,
    OrderQuery,
    RefundRequest,
    ShopCapabilities,
    ShopStatus,
)
from client.retry import TRANSIENT_STATUSES, RetryPolicy, parse_retry_after
from client.urls import sanitize_url

log = logging.getLogger("orderdesk.client.prestashop")

_DEFAULT_QUERY = OrderQuery()

#: How far back a message may be dated and still count as the one a lost POST created.
CREATED_WINDOW = timedelta(minutes=2)

#: Methods retried after a transient failure: reads, and PATCH/PUT (they set fields).
_RETRYABLE = frozenset({"GET", "PATCH", "PUT"})


def api_url(url: str) -> str:
    """`https://shop.example` (or `…/api`) → `https://shop.example/api/`."""
    text = url.strip()
    parsed = httpx.URL(text)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"shop address {url!r} is not an http(s) URL")
    path = parsed.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return str(parsed.copy_with(path=f"{path}/api/", query=None, fragment=None))


def _chunks(values: Sequence[int], size: int = PAGE_LIMIT) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class PrestaShopClient(HttpShopClient):
    """A PrestaShop store behind the `ShopClient` protocol.

    `url` is the shop's address (`https://shop.example`); `key` a Webservice key.
    `timezone` is the shop's (PrestaShop dates carry none; empty = this machine's).
    `admin_url` is the back office's address (`https://shop.example/admin123`), used to
    send staff there for what the API cannot do; `employee_id` the employee that messages
    written here are signed with in the back office; `contact_id` the customer-service
    contact a new customer thread is filed under (PrestaShop's installer makes 2,
    "Customer service"). `transport` replaces the network in tests.
    """

    log = log  # the module logger, for the shared request hook

    def __init__(
        self,
        url: str,
        key: str,
        *,
        name: str = "shop",
        timezone: str | None = None,
        admin_url: str = "",
        employee_id: int = 1,
        contact_id: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        verify: bool | str = True,
        retries: int = 3,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.name = name
        self.base_url = api_url(url)
        self.shop_url = self.base_url.removesuffix("/api/")
        self.admin_url = admin_url.strip().rstrip("/")
        self.employee_id = employee_id
        self.contact_id = contact_id
        self.clock = ShopClock.named(timezone)
        self.retry_policy = RetryPolicy(retries=max(0, retries), sleep=sleep)
        self._states: StateTable | None = None
        self._reference: dict[str, dict[int, str]] = {}
        self._reference_lock = asyncio.Lock()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=httpx.BasicAuth(key, ""),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=3.0),
            verify=verify if self.base_url.startswith("https:") else False,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "orderdesk/0.1"},
            event_hooks={"request": [self._log_request]},
        )

    def __repr__(self) -> str:
        return f"PrestaShopClient({self.name!r}, {self.shop_url!r})"

    # ------------------------------------------------------------------ plumbing

    @property
    def _shop(self) -> str:
        return f"The shop at {self.shop_url}"

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: bytes | None = None,
        what: str | None = None,
    ) -> httpx.Response:
        """One request (retried if it is a read or a field update and the failure passes);
        a 2xx answer or a ShopError."""
        policy = self.retry_policy
        retry = method in _RETRYABLE
        query = {**(params or {}), "output_format": "JSON"}
        headers = {"Content-Type": "application/xml"} if body is not None else None
        attempt = 0
        while True:
            try:
                response = await self._http.request(
                    method, path, params=query, content=body, headers=headers
                )
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                error = error_from_exception(exc, shop_url=self.shop_url)
                if retry and isinstance(error, Unavailable) and attempt < policy.retries:
                    await policy.sleep(policy.delay(attempt))
                    attempt += 1
                    continue
                raise error from exc
            if response.is_success:
                return response
            status = response.status_code
            passing = status in TRANSIENT_STATUSES or (
                status == 500 and method == "GET" and only_warnings(response)
            )
            if retry and passing and attempt < policy.retries:
                wait = parse_retry_after(response.headers.get("retry-after"))
                if wait is None or wait <= policy.max_retry_after:
                    log.info("%s %s answered %s; retrying", method, path, status)
                    await policy.sleep(policy.delay(attempt, wait))
                    attempt += 1
                    continue
            raise error_from_response(response, what=what, shop=self._shop)

    def _decode(self, response: httpx.Response) -> Any:
        try:
            return decode(response.content, response.headers.get("content-type", ""))
        except ValueError:
            snippet = response.text[:60].strip().replace("\n", " ")
            raise ShopError(
                f"{self._shop} answered {sanitize_url(response.request.url)} with something "
                f"that is neither JSON nor XML ({snippet!r}…); is this the PrestaShop "
                "address, with the Webservice enabled?",
                code="orderdesk_not_json",
                status=response.status_code,
            ) from None

    async def _get(self, path: str, params: Params | None = None, what: str | None = None) -> Any:
        return self._decode(await self._request("GET", path, params=params, what=what))

    async def _list(self, resource: str, plural: str, params: Params) -> list[Mapping[str, Any]]:
        return items(await self._get(resource, params), plural)

    async def _list_by_ids(
        self, resource: str, plural: str, ids: Iterable[int], display: str, **extra: str
    ) -> list[Mapping[str, Any]]:
        """Entries whose `id` is one of `ids`, a hundred per request, in parallel."""
        wanted = sorted({int(i) for i in ids if i})
        pages = await asyncio.gather(
            *(
                self._list(resource, plural, {"display": display, "filter[id]": any_of(chunk),
                                              **extra})
                for chunk in _chunks(wanted)
            )
        )
        return [entry for page in pages for entry in page]

    # ------------------------------------------------------------------ reference data

    async def _state_table(self) -> StateTable:
        if self._states is None:
            entries = await self._list("order_states", "order_states", {"display": "full"})
            self._states = StateTable.from_answer(entries)
        return self._states

    async def _codes(self, resource: str, plural: str, display: str, key: str) -> dict[int, str]:
        """Id → name/code of a small reference resource (carriers, currencies, countries),
        asked once. A key without the permission only loses the names."""
        async with self._reference_lock:
            if resource in self._reference:
                return self._reference[resource]
            try:
                entries = await self._list(resource, plural, {"display": display})
            except Unavailable:
                raise
            except ShopError as error:
                log.info("%s not readable (%s); going without", resource, error)
                entries = []
            found = {
                mapping.integer(e, "id", resource): mapping.text(e, key).strip() for e in entries
            }
            self._reference[resource] = found
            return found

    async def _lookups(self, raws: Sequence[Mapping[str, Any]]) -> mapping.Lookups:
        """Customers, addresses and names the orders `raws` refer to."""
        customer_ids = {mapping.integer(r, "id_customer") for r in raws}
        address_ids = {
            mapping.integer(r, key) for r in raws for key in ("id_address_invoice",
                                                              "id_address_delivery")
        }
        states, customers, addresses, carriers, currencies, countries = await asyncio.gather(
            self._state_table(),
            self._list_by_ids("customers", "customers", customer_ids, mapping.CUSTOMER_FIELDS),
            self._list_by_ids("addresses", "addresses", address_ids, "full"),
            self._codes("carriers", "carriers", "[id,name]", "name"),
            self._codes("currencies", "currencies", "[id,iso_code]", "iso_code"),
            self._codes("countries", "countries", "[id,iso_code]", "iso_code"),
        )
        return mapping.Lookups(
            clock=self.clock,
            states=states,
            customers={mapping.integer(c, "id"): c for c in customers},
            addresses={mapping.integer(a, "id"): a for a in addresses},
            carriers=carriers,
            currencies=currencies,
            countries=countries,
        )

    # ------------------------------------------------------------------ orders

    async def _order_page(self, query: OrderQuery, page: int, per_page: int) -> list[Order]:
        if page < 1 or not 1 <= per_page <= PAGE_LIMIT:
            raise Invalid(
                f"page must be ≥ 1 and per_page 1-{PAGE_LIMIT}",
                field="per_page",
                code="orderdesk_invalid_param",
            )
        if query.product is not None:
            ids = await self._order_ids_with(product_id=query.product)
            if query.include:
                ids = [i for i in ids if i in set(query.include)]
            if not ids:
                return []
            query = replace(query, product=None, include=tuple(ids))
        table = await self._state_table()
        state_ids: list[int] | None = None
        if query.status and "any" not in query.status:
            state_ids = table.state_ids(query.status)
            if not state_ids:
                return []
        light = bool(query.fields) and set(query.fields) <= LIGHT_FIELDS
        params = order_params(
            query,
            clock=self.clock,
            state_ids=state_ids,
            offset=(page - 1) * per_page,
            limit=per_page,
            light=light,
        )
        raws = await self._list("orders", "orders", params)
        if light:
            lookups = mapping.Lookups(clock=self.clock, states=table)
            orders = [mapping.light_order(r, lookups) for r in raws]
        else:
            lookups = await self._lookups(raws)
            orders = [mapping.order(r, lookups) for r in raws]
        if query.orderby == "include" and query.include:
            rank = {order_id: n for n, order_id in enumerate(query.include)}
            orders.sort(key=lambda o: rank.get(o.id, len(rank)))
        return orders

    async def list_orders(
        self, query: OrderQuery = _DEFAULT_QUERY, *, page: int = 1, per_page: int = PAGE_LIMIT
    ) -> OrderPage:
        """One page of orders. PrestaShop gives no total, so `total` is None."""
        orders = await self._order_page(query, page, per_page)
        return OrderPage(orders=orders, page=page, total=None, total_pages=None)

    async def iter_orders(
        self, query: OrderQuery = _DEFAULT_QUERY, *, per_page: int = PAGE_LIMIT
    ) -> AsyncIterator[list[Order]]:
        """Every order matching `query`, page by page, until a short page. An order that
        a new arrival pushes onto the next page is not yielded twice."""
        seen: set[int] = set()
        page = 1
        while True:
            orders = await self._order_page(query, page, per_page)
            fresh = [o for o in orders if o.id not in seen]
            seen.update(o.id for o in fresh)
            if fresh:
                yield fresh
            if len(orders) < per_page:
                return
            page += 1

    async def _raw_order(self, order_id: int) -> Mapping[str, Any]:
        data = await self._get(f"orders/{int(order_id)}", what=f"Order {order_id}")
        raw = one(data, "order", "orders")
        if raw is None:
            raise NotFound(f"Order {order_id} does not exist in the shop.", status=404)
        return raw

    async def get_order(self, order_id: int) -> Order:
        """The order with everything the detail screen shows: rows with the shop's
        totals, customer, addresses, carrier, payments and credit slips."""
        raw = await self._raw_order(order_id)
        reference = mapping.text(raw, "reference")
        lookups, details, payments, slips = await asyncio.gather(
            self._lookups([raw]),
            self._list(
                "order_details", "order_details",
                {"display": "full", "filter[id_order]": any_of([int(order_id)])},
            ),
            self._list(
                "order_payments", "order_payments",
                {"display": "full", "filter[order_reference]": any_of([reference])},
            )
            if reference
            else _nothing(),
            self.list_refunds(order_id),
        )
        return mapping.order(raw, lookups, details=details, payments=payments, slips=slips)

    async def _listed_order(self, order_id: int) -> Order:
        """The order as a list shows it (what the queue holds)."""
        page = await self._order_page(OrderQuery(include=(int(order_id),)), 1, 1)
        if not page:
            raise NotFound(f"Order {order_id} does not exist in the shop.", status=404)
        return page[0]

    async def set_status(
        self, order_id: int, status: str, *, if_match: str | None = None, notify: bool = False
    ) -> Order:
        """Move the order to the state behind `status` by adding an `order_histories`
        entry, so PrestaShop runs its own logic (stock, invoice, hooks); with `notify`
        (`?sendemail=1`) PrestaShop e-mails the customer the state's template.

        `if_match` is ignored: PrestaShop has no conditional writes. After a lost answer
        the order's state is read: if it already moved, that was our write; otherwise
        the entry is posted once more.
        """
        table = await self._state_table()
        state_id = table.state_id(status)
        if state_id is None:
            raise Invalid(
                f"{self._shop} has no order status {status!r}.",
                field="status",
                code="orderdesk_unknown_status",
            )
        body = xml_body("order_history", {"id_order": int(order_id), "id_order_state": state_id})
        params = {"sendemail": "1"} if notify else {}
        what = f"Order {order_id}"
        try:
            await self._request("POST", "order_histories", params=params, body=body, what=what)
        except Unavailable as lost:
            current = await self._listed_order(order_id)
            if current.status == status:
                return current
            log.info("POST order_histories for %s lost (%s); sending once more", order_id, lost)
            try:
                await self._request(
                    "POST", "order_histories", params=params, body=body, what=what
                )
            except Unavailable as exc:
                raise Unavailable(
                    f"{exc.message} The status of order {order_id} may or may not have "
                    "changed; check before trying again.",
                    code=exc.code,
                    status=exc.status,
                ) from exc
        return await self._listed_order(order_id)

    async def update_order(
        self, order_id: int, changes: dict[str, Any], *, if_match: str | None = None
    ) -> Order:
        """What PrestaShop's Webservice can change on an order from the console: its
        status, and the tracking number (`_tracking_number` meta). Anything else is
        `Unsupported`: editing an order's lines or addresses safely needs the back office
        (a PUT of the order recalculates nothing and always e-mails)."""
        if set(changes) == {"status"}:
            return await self.set_status(order_id, str(changes["status"]), if_match=if_match)
        meta = changes.get("meta_data") if set(changes) == {"meta_data"} else None
        values = {
            str(m.get("key")): str(m.get("value") or "")
            for m in meta or []
            if isinstance(m, Mapping)
        }
        if meta is not None and set(values) <= {mapping.TRACKING_META, mapping.CARRIER_META} \
                and values.get(mapping.TRACKING_META):
            await self.add_shipment_tracking(
                order_id, values[mapping.TRACKING_META],
                carrier=values.get(mapping.CARRIER_META, ""),
            )
            return await self._listed_order(order_id)
        fields = ", ".join(sorted(changes)) or "nothing"
        raise Unsupported(
            f"PrestaShop's API cannot change {fields} of an order from here; do it in the "
            f"back office{self._where(order_id)}."
        )

    def _where(self, order_id: int) -> str:
        url = self._admin_link(order_id)
        return f" ({url})" if url else " (Orders › Orders)"

    async def create_order(
        self, data: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Order:
        raise Unsupported(
            "PrestaShop's API creates orders from carts only, always as \"Remote payment "
            "accepted\" and with confirmation e-mails; create the order in the back office."
        )

    async def delete_order(self, order_id: int, *, force: bool = False) -> Order:
        raise Unsupported(
            "PrestaShop orders are not deleted from the console; cancel the order instead, "
            f"or delete it in the back office{self._where(order_id)}."
        )

    async def batch_update_orders(self, updates: Sequence[dict[str, Any]]) -> BatchResult:
        """One update after another (PrestaShop has no batch endpoint); each succeeds or
        fails on its own."""
        updated: list[Order] = []
        errors: list[tuple[int, Exception]] = []
        for update in updates:
            order_id = int(update.get("id") or 0)
            changes = {k: v for k, v in update.items() if k != "id"}
            try:
                updated.append(await self.update_order(order_id, changes))
            except ShopError as error:
                errors.append((order_id, error))
        return BatchResult(updated=updated, errors=errors)

    async def _order_ids_with(self, *, product_id: int | None = None, sku: str = "") -> list[int]:
        params: Params = {"display": "[id,id_order]"}
        if product_id is not None:
            params["filter[product_id]"] = any_of([int(product_id)])
        else:
            params["filter[product_reference]"] = any_of([sku])
        rows = await self._list("order_details", "order_details", params)
        ids = {mapping.integer(r, "id_order", "order_detail") for r in rows}
        return sorted(ids, reverse=True)

    async def find_order_ids_by_sku(self, sku: str) -> list[int]:
        """Orders with a line of this product reference (newest first)."""
        sku = "".join(ch for ch in sku.strip() if ch not in "[]|%")
        return await self._order_ids_with(sku=sku) if sku else []

    # ------------------------------------------------------------------ notes and messages

    async def _threads(self, order_id: int) -> list[Mapping[str, Any]]:
        return await self._list(
            "customer_threads", "customer_threads",
            {"display": "full", "filter[id_order]": any_of([int(order_id)]), "sort": "[id_ASC]"},
        )

    async def _thread_id(self, order_id: int) -> int:
        """The order's customer thread, started if it has none yet."""
        threads = await self._threads(order_id)
        if threads:
            return mapping.integer(threads[0], "id", "customer_thread")
        raw = await self._raw_order(order_id)
        customer_id = mapping.integer(raw, "id_customer", "order")
        customers = await self._list_by_ids("customers", "customers", [customer_id],
                                            "[id,email]")
        email = mapping.text(customers[0], "email") if customers else ""
        token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
        body = xml_body(
            "customer_thread",
            {
                "id_lang": mapping.integer(raw, "id_lang", "order") or 1,
                "id_shop": mapping.integer(raw, "id_shop", "order") or 1,
                "id_customer": customer_id,
                "id_order": int(order_id),
                "id_contact": self.contact_id,
                "email": email,
                "token": token,
                "status": "open",
            },
        )
        response = await self._request(
            "POST", "customer_threads", body=body, what=f"Order {order_id}"
        )
        thread = one(self._decode(response), "customer_thread", "customer_threads")
        if thread is None:
            raise ShopError(f"{self._shop} did not say which customer thread it started.",
                            code="orderdesk_bad_answer")
        return mapping.integer(thread, "id", "customer_thread")

    async def list_notes(self, order_id: int, *, type: str = "any") -> list[Note]:
        """The order's customer thread messages (to and from the customer, and private
        notes) and its older `messages`, oldest first. `type`: "any", "customer" (to the
        customer) or "internal" (private)."""
        threads, legacy = await asyncio.gather(
            self._threads(order_id),
            self._list("messages", "messages",
                       {"display": "full", "filter[id_order]": any_of([int(order_id)])}),
        )
        thread_ids = [mapping.integer(t, "id", "customer_thread") for t in threads]
        messages: list[Mapping[str, Any]] = []
        if thread_ids:
            messages = await self._list(
                "customer_messages", "customer_messages",
                {"display": "full", "filter[id_customer_thread]": any_of(thread_ids)},
            )
        notes = [mapping.note_from_customer_message(m, self.clock) for m in messages]
        notes += [mapping.note_from_message(m, self.clock) for m in legacy]
        if type == "customer":
            notes = [n for n in notes if n.customer_note]
        elif type == "internal":
            notes = [n for n in notes if not n.customer_note and not n.from_customer]
        epoch = datetime.min.replace(tzinfo=UTC)
        return sorted(notes, key=lambda n: (n.date_created or epoch, n.id))

    async def add_note(
        self,
        order_id: int,
        note: str,
        *,
        customer_note: bool = False,
        idempotency_key: str | None = None,
    ) -> Note:
        """A message in the order's customer thread: to the customer (`private=0`; it shows
        in their account and the back office, but PrestaShop e-mails nothing) or a private
        note (`private=1`). After a lost answer the thread is searched for the same text
        before one more attempt."""
        thread_id = await self._thread_id(order_id)
        body = xml_body(
            "customer_message",
            {
                "id_employee": self.employee_id,
                "id_customer_thread": thread_id,
                "message": note,
                "private": 0 if customer_note else 1,
            },
        )
        started = datetime.now(UTC)
        what = f"Order {order_id}"

        async def post() -> Note:
            response = await self._request("POST", "customer_messages", body=body, what=what)
            raw = one(self._decode(response), "customer_message", "customer_messages")
            if raw is None:
                raise ShopError(f"{self._shop} did not return the message it saved.",
                                code="orderdesk_bad_answer")
            # The answer leaves out `private` when it is 0; say what was sent.
            return mapping.note_from_customer_message(
                {**raw, "private": "0" if customer_note else "1"}, self.clock
            )

        try:
            return await post()
        except Unavailable as lost:
            log.info("POST customer_messages for %s lost (%s); checking", order_id, lost)
        for existing in await self.list_notes(order_id):
            if (
                existing.note.strip() == note.strip()
                and existing.customer_note == customer_note
                and existing.date_created is not None
                and existing.date_created >= started - CREATED_WINDOW
            ):
                return existing
        try:
            return await post()
        except Unavailable as exc:
            raise Unavailable(
                f"{exc.message} The message may or may not have been saved; check before "
                "trying again.",
                code=exc.code,
                status=exc.status,
            ) from exc

    async def delete_note(self, order_id: int, note_id: int) -> None:
        raise Unsupported(
            "Messages of a PrestaShop order are kept; they can only be removed in the back "
            f"office (Customers › Customer Service){self._where(order_id)}."
        )

    # ------------------------------------------------------------------ refunds

    def _admin_link(self, order_id: int) -> str:
        if not self.admin_url:
            return ""
        return (
            f"{self.admin_url}/index.php?controller=AdminOrders&id_order={int(order_id)}"
            "&vieworder"
        )

    async def order_admin_url(self, order_id: int) -> str:
        """The order's page in the back office ("" when the profile names no `admin_url`)."""
        return self._admin_link(order_id)

    async def list_refunds(self, order_id: int) -> list[Refund]:
        """The order's credit slips, newest first."""
        slips = await self._list(
            "order_slip", "order_slips",
            {"display": "full", "filter[id_order]": any_of([int(order_id)]), "sort": "[id_DESC]"},
        )
        return [mapping.refund_from_slip(s, self.clock) for s in slips]

    async def create_refund(
        self, order_id: int, request: RefundRequest, *, idempotency_key: str | None = None
    ) -> Refund:
        """Never writes: a credit slip posted through the Webservice refunds nothing (no
        stock, no refunded quantities, no money, no e-mail), so it would only mislead."""
        raise Unsupported(
            "PrestaShop's API cannot make a refund (a credit slip posted through it changes "
            "neither stock nor refunded quantities). Make it in the back office: the order's "
            f"page, \"Partial refund\"{self._where(order_id)}."
        )

    async def find_refund(self, order_id: int, idempotency_key: str) -> Refund | None:
        return None

    async def list_all_refunds(
        self, *, after: datetime | None = None, before: datetime | None = None
    ) -> list[Refund]:
        """Every credit slip (strictly after `after`, before `before`), newest first."""
        params: Params = {"display": "full", "sort": "[id_DESC]"}
        dates = date_filter(self.clock, after, before)
        if dates is not None:
            params["filter[date_add]"] = dates
            params["date"] = "1"
        found: list[Refund] = []
        offset = 0
        while True:
            page = await self._list(
                "order_slip", "order_slips", {**params, "limit": f"{offset},{PAGE_LIMIT}"}
            )
            for slip in page:
                refund = mapping.refund_from_slip(slip, self.clock)
                when = refund.date_created
                if when is not None and (
                    (after is not None and when <= after) or (before is not None and when >= before)
                ):
                    continue
                found.append(refund)
            if len(page) < PAGE_LIMIT:
                return found
            offset += PAGE_LIMIT

    async def capabilities(self) -> ShopCapabilities:
        """What PrestaShop's Webservice does differently (no request is needed)."""
        return ShopCapabilities(
            kind="prestashop",
            restock_choice=False,
            idempotency_keys=False,
            can_write=None,
            api_refunds=False,
            status_emails=True,
            customer_notes_emailed=False,
        )

    async def list_statuses(self) -> list[ShopStatus]:
        """The shop's order states with their names and colours (see `statuses`)."""
        return (await self._state_table()).statuses()

    # ------------------------------------------------------------------ catalogue, people

    async def _stock(self, product_ids: Sequence[int]) -> dict[int, int]:
        rows: list[Mapping[str, Any]] = []
        for chunk in _chunks(sorted(set(product_ids))):
            rows += await self._list(
                "stock_availables", "stock_availables",
                {
                    "display": "[id,id_product,id_product_attribute,quantity]",
                    "filter[id_product]": any_of(chunk),
                    "filter[id_product_attribute]": "0",
                },
            )
        return {
            mapping.integer(r, "id_product", "stock_available"): mapping.integer(
                r, "quantity", "stock_available"
            )
            for r in rows
        }

    async def list_products(
        self,
        *,
        sku: str = "",
        search: str = "",
        include: Sequence[int] = (),
        page: int = 1,
        per_page: int = PAGE_LIMIT,
    ) -> list[Product]:
        params: Params = {
            "display": "[id,name,reference,price,ean13,weight,date_upd]",
            "limit": f"{(max(1, page) - 1) * per_page},{per_page}",
        }
        clean = "".join(ch for ch in (sku or search) if ch not in "[]|%")
        if sku:
            params["filter[reference]"] = any_of([clean])
        elif search:
            params["filter[name]"] = f"%[{clean}]%"
        if include:
            params["filter[id]"] = any_of(int(i) for i in include)
        raws = await self._list("products", "products", params)
        ids = [mapping.integer(r, "id", "product") for r in raws]
        stock = await self._stock(ids) if ids else {}
        return [mapping.product(r, stock, self.clock) for r in raws]

    async def get_product(self, product_id: int) -> Product:
        found = await self.list_products(include=[int(product_id)], per_page=1)
        if not found:
            raise NotFound(f"Product {product_id} does not exist in the shop.", status=404)
        return found[0]

    async def update_product(self, product_id: int, changes: dict[str, Any]) -> Product:
        raise Unsupported("Products of a PrestaShop store are edited in its back office.")

    async def list_customers(
        self, *, search: str = "", email: str = "", page: int = 1, per_page: int = PAGE_LIMIT
    ) -> list[Customer]:
        params: Params = {
            "display": mapping.CUSTOMER_FIELDS,
            "limit": f"{(max(1, page) - 1) * per_page},{per_page}",
            "sort": "[id_DESC]",
        }
        clean = "".join(ch for ch in (email or search).strip() if ch not in "[]|%")
        if email:
            params["filter[email]"] = any_of([clean])
        elif clean:
            field = "email" if "@" in clean else "lastname"
            params[f"filter[{field}]"] = f"%[{clean}]%"
        raws = await self._list("customers", "customers", params)
        lookups = mapping.Lookups(clock=self.clock, states=StateTable([]))
        return [mapping.customer(r, lookups) for r in raws]

    async def get_customer(self, customer_id: int) -> Customer:
        found, addresses, countries = await asyncio.gather(
            self._list_by_ids("customers", "customers", [customer_id], mapping.CUSTOMER_FIELDS),
            self._list("addresses", "addresses",
                       {"display": "full", "filter[id_customer]": any_of([int(customer_id)]),
                        "filter[deleted]": "0"}),
            self._codes("countries", "countries", "[id,iso_code]", "iso_code"),
        )
        if not found:
            raise NotFound(f"Customer {customer_id} does not exist in the shop.", status=404)
        lookups = mapping.Lookups(clock=self.clock, states=StateTable([]), countries=countries)
        return mapping.customer(found[0], lookups, addresses)

    async def create_coupon(
        self, data: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Coupon:
        raise Unsupported(
            "Vouchers of a PrestaShop store are made in its back office (Catalog › "
            "Discounts)."
        )

    async def list_coupons(
        self, *, search: str = "", page: int = 1, per_page: int = PAGE_LIMIT
    ) -> list[Coupon]:
        raise Unsupported(
            "Vouchers of a PrestaShop store are listed in its back office (Catalog › "
            "Discounts)."
        )

    # ------------------------------------------------------------------ tracking

    async def _order_carriers(self, order_id: int) -> list[Mapping[str, Any]]:
        return await self._list(
            "order_carriers", "order_carriers",
            {"display": "full", "filter[id_order]": any_of([int(order_id)]), "sort": "[id_ASC]"},
        )

    async def shipment_tracking_available(self, order_id: int) -> bool:
        """Always: the tracking number is a field of the order's carrier."""
        return True

    async def list_shipment_trackings(self, order_id: int) -> list[ShipmentTracking]:
        carriers = await self._codes("carriers", "carriers", "[id,name]", "name")
        return [
            mapping.tracking(oc, carriers.get(mapping.integer(oc, "id_carrier"), ""))
            for oc in await self._order_carriers(order_id)
            if mapping.text(oc, "tracking_number").strip()
        ]

    async def add_shipment_tracking(
        self,
        order_id: int,
        tracking_number: str,
        *,
        carrier: str = "",
        date_shipped: date | None = None,
        idempotency_key: str | None = None,
    ) -> ShipmentTracking:
        """Set the tracking number of the order's carrier (PATCH `order_carriers`, which
        keeps its other fields; the order then shows it as its shipping number). No
        e-mail goes out for it. `carrier` is informative: the order's carrier stays."""
        entries = await self._order_carriers(order_id)
        if not entries:
            raise Unsupported(
                f"Order {order_id} has no carrier in the shop, so it cannot hold a tracking "
                f"number; set one in the back office{self._where(order_id)}."
            )
        entry = entries[0]
        carriers = await self._codes("carriers", "carriers", "[id,name]", "name")
        name = carriers.get(mapping.integer(entry, "id_carrier"), "") or carrier
        if mapping.text(entry, "tracking_number").strip() == tracking_number.strip():
            return mapping.tracking(entry, name)
        entry_id = mapping.integer(entry, "id", "order_carrier")
        body = xml_body(
            "order_carrier", {"id": entry_id, "tracking_number": tracking_number.strip()}
        )
        response = await self._request(
            "PATCH", f"order_carriers/{entry_id}", body=body, what=f"Order {order_id}"
        )
        saved = one(self._decode(response), "order_carrier", "order_carriers")
        return mapping.tracking(saved or {**entry, "tracking_number": tracking_number}, name)


async def _nothing() -> list[Mapping[str, Any]]:
    return []
