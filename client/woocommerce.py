"""`WooCommerceClient`: the shop protocol over WooCommerce's REST API (wc/v3).

One shared `httpx.AsyncClient` per shop (connections are pooled across calls). Every call
either returns model objects or raises a `client.errors.ShopError` subclass; no httpx
exception escapes. Reads and PUTs retry on transient failures (`client.retry`); creating
calls (refunds, notes, coupons) carry an `Idempotency-Key` and, when their answer is lost,
look for what they created before trying once more, so a lost answer never turns into a
second refund.

The same client talks to the reference shop in shop/, which speaks the same API plus two
documented extensions it honours and a real store ignores: `Idempotency-Key` on POST and
`ETag`/`If-Match` on orders.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

import httpx

from client.auth import (
    AuthMode,
    OAuth1Auth,
    SignatureMethod,
    build_auth,
    choose_auth_mode,
    is_loopback,
)
from client.error_map import error_from_exception, error_from_payload, error_from_response
from client.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    Invalid,
    ModelError,
    NotFound,
    ShopError,
    Unavailable,
)
from client.http_base import HttpShopClient
from client.model import (
    CORE_STATUSES,
    Coupon,
    Customer,
    Note,
    Order,
    Product,
    Refund,
    ShipmentTracking,
    meta_value,
)
from client.params import MAX_PER_PAGE, Params, check_paging, comma_list, iso_utc, order_params
from client.protocol import (
    BatchResult,
    OrderPage,
    OrderQuery,
    RefundRequest,
    ShopCapabilities,
    ShopStatus,
)
from client.retry import RETRYABLE_METHODS, RetryPolicy, parse_retry_after
from client.urls import api_base_url, sanitize_url, site_url

log = logging.getLogger("orderdesk.client")

T = TypeVar("T")

#: The refund meta entry that lets a client find its own refund after a lost answer, on any
#: WooCommerce (a real store ignores Idempotency-Key but keeps meta_data).
REFUND_KEY_META = "_orderdesk_refund_key"

#: The same for orders created by `create_order`.
CREATE_KEY_META = "_orderdesk_create_key"

#: How far back (shop clock vs ours) a note or coupon may be dated and still count as the one
#: our lost POST created.
CREATED_WINDOW = timedelta(minutes=2)

#: The Shipment Tracking extension's REST namespace (beside wc/v3).
SHIPMENT_TRACKING_NAMESPACE = "wc-shipment-tracking/v3"

#: Most updates WooCommerce accepts in one batch request (more is a 413).
BATCH_LIMIT = 100

_DEFAULT_QUERY = OrderQuery()


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _relabel(error: ModelError, label: str) -> ModelError:
    """`order.total` → `orders[3].total`: name the item of a list answer that failed."""
    _, _, rest = error.field.partition(".")
    field = f"{label}.{rest}" if rest else label
    message = error.message.replace(error.field, field, 1)
    return ModelError(message, field=field, code=error.code, status=error.status, data=error.data)


def _parse_list(data: Any, parse: Callable[[Any], T], what: str) -> list[T]:
    if not isinstance(data, list):
        raise ModelError(f"{what}: expected a list, got {type(data).__name__}", field=what)
    out: list[T] = []
    for index, item in enumerate(data):
        try:
            out.append(parse(item))
        except ModelError as exc:
            raise _relabel(exc, f"{what}[{index}]") from None
    return out


def _money(value: Decimal) -> str:
    """A Decimal as the plain string WooCommerce reads (`format` avoids `1E+1`)."""
    return format(value, "f")


def _ssl_context(verify: bool | str) -> bool | ssl.SSLContext:
    """`verify` as httpx 0.28 wants it: a CA bundle path (file or directory) becomes a context."""
    if isinstance(verify, bool):
        return verify
    if os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)


def _chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) or isinstance(value, bool):
        return value == wanted
    if isinstance(value, Decimal):
        try:
            return value == Decimal(str(wanted))
        except ArithmeticError:
            return False
    return str(value) == str(wanted)


def changes_applied(order: Order, changes: Mapping[str, Any]) -> bool:
    """Whether `order` already shows every field of `changes` (only simple fields and
    addresses can be told; anything else counts as not applied)."""
    for key, wanted in changes.items():
        if key in ("billing", "shipping") and isinstance(wanted, Mapping):
            address = getattr(order, key)
            if not all(_same(getattr(address, k, object()), v) for k, v in wanted.items()):
                return False
            continue
        if isinstance(wanted, (Mapping, list, tuple)) or not hasattr(order, key):
            return False
        if not _same(getattr(order, key), wanted):
            return False
    return True


class WooCommerceClient(HttpShopClient):
    """A WooCommerce store (or the reference shop) behind the `ShopClient` protocol.

    `url` is the site address (`https://shop.example`); `key`/`secret` a REST API key pair.
    `auth` is "auto" (see `client.auth.choose_auth_mode`), "basic", "query" or "oauth"
    (`oauth_method` picks HMAC-SHA256 or HMAC-SHA1). `transport` replaces the network (tests:
    `httpx.ASGITransport`, `httpx.MockTransport`); `verify` and pooling settings are then
    the transport's business. `max_concurrency` bounds parallel page fetches; `retries` the
    extra attempts for reads and PUTs; `sleep` is how retries wait (tests pass a no-op).
    """

    log = log  # the module logger, for the shared request hook

    def __init__(
        self,
        url: str,
        key: str,
        secret: str,
        *,
        name: str = "shop",
        auth: AuthMode = "auto",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        verify: bool | str = True,
        max_concurrency: int = 4,
        retries: int = 3,
        oauth_method: SignatureMethod = "HMAC-SHA256",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.name = name
        self.base_url = api_base_url(url)
        self.shop_url = site_url(self.base_url)
        self.auth_mode = choose_auth_mode(self.base_url, auth)
        self._key = key
        self._secret = secret
        self._oauth_method: SignatureMethod = oauth_method
        # "auto" picked Basic for a loopback plain-HTTP host; a real WooCommerce there refuses
        # Basic with 401 cannot_view, and then we switch to OAuth once.
        self._may_switch_to_oauth = (
            auth == "auto" and self.auth_mode == "basic" and self.base_url.startswith("http:")
        )
        self._max_concurrency = max(1, max_concurrency)
        self.retry_policy = RetryPolicy(retries=max(0, retries), sleep=sleep)
        self._capabilities: ShopCapabilities | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=build_auth(self.auth_mode, key, secret, oauth_method=oauth_method),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=3.0),
            # Plain HTTP never uses TLS: skip building a CA context (0.1 s of start-up).
            verify=_ssl_context(verify) if self.base_url.startswith("https:") else False,
            follow_redirects=False,
            # Proxy settings from the environment make no sense for a shop on this machine.
            trust_env=not is_loopback(httpx.URL(self.base_url).host),
            headers={"Accept": "application/json", "User-Agent": "orderdesk/0.1"},
            event_hooks={"request": [self._log_request], "response": [self._log_response]},
        )

    def __repr__(self) -> str:
        return f"WooCommerceClient({self.name!r}, {self.shop_url!r}, auth={self.auth_mode!r})"

    # ------------------------------------------------------------------ plumbing

    @staticmethod
    async def _log_response(response: httpx.Response) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        log.debug(
            "← %s %s %s",
            response.status_code,
            response.request.method,
            sanitize_url(response.request.url),
        )

    @property
    def _shop(self) -> str:
        return f"The shop at {self.shop_url}"

    def _switch_to_oauth(self, response: httpx.Response) -> bool:
        """After Basic was refused the way a real store refuses it over HTTP, sign instead."""
        if not (self._may_switch_to_oauth and response.status_code == 401):
            return False
        if b"woocommerce_rest_cannot_view" not in response.content:
            return False
        self._may_switch_to_oauth = False
        self.auth_mode = "oauth"
        self._http.auth = OAuth1Auth(self._key, self._secret, method=self._oauth_method)
        log.info("%s refused Basic auth over HTTP; signing with OAuth 1.0a", self.shop_url)
        return True

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
        retry: bool | None = None,
        retried: list[ShopError] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying if allowed; return a 2xx response or raise ShopError.

        `retried` collects the failures that were retried, so a caller can tell whether an
        earlier attempt may have landed.
        """
        policy = self.retry_policy
        if retry is None:
            retry = method.upper() in RETRYABLE_METHODS
        attempt = 0
        while True:
            try:
                response = await self._http.request(
                    method, path, params=params, json=json, headers=headers
                )
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                error = error_from_exception(exc, shop_url=self.shop_url)
                if retry and isinstance(error, Unavailable) and attempt < policy.retries:
                    log.info("%s %s failed (%s); retrying", method, path, error)
                    if retried is not None:
                        retried.append(error)
                    await policy.sleep(policy.delay(attempt))
                    attempt += 1
                    continue
                raise error from exc
            if response.is_success:
                return response
            if self._switch_to_oauth(response):
                continue
            error = error_from_response(response, what=what, shop=self._shop)
            if (
                retry
                and attempt < policy.retries
                and policy.should_retry(method, response.status_code)
            ):
                wait = parse_retry_after(response.headers.get("retry-after"))
                if wait is None or wait <= policy.max_retry_after:
                    log.info("%s %s answered %s; retrying", method, path, response.status_code)
                    if retried is not None:
                        retried.append(error)
                    await policy.sleep(policy.delay(attempt, wait))
                    attempt += 1
                    continue
                error.message = f"{error.message} The shop asks to wait {int(wait)} s."
                error.args = (error.message,)
            raise error

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError):
            snippet = response.text[:60].strip().replace("\n", " ")
            raise ShopError(
                f"{self._shop} answered {sanitize_url(response.request.url)} with something "
                f"that is not JSON ({snippet!r}…); is this the WooCommerce site address?",
                code="orderdesk_not_json",
                status=response.status_code,
            ) from None

    async def _get_json(
        self, path: str, params: Params | None = None, what: str | None = None
    ) -> Any:
        return self._json(await self._request("GET", path, params=params, what=what))

    async def _post_idempotent(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        key: str,
        parse: Callable[[Any], T],
        find: Callable[[], Awaitable[T | None]] | None,
        noun: str,
        what: str | None = None,
    ) -> T:
        """POST that creates something, safe against a lost answer.

        The request carries `Idempotency-Key: key` (a shop honouring it — the reference shop
        — answers a replay with the first result). If the answer is lost (network error,
        timeout, 429/5xx), `find()` looks for the thing the first attempt may have created
        — which works on a store that ignores the header — and returns it if found;
        otherwise the POST is sent once more with the same key. Never more than twice.
        """
        headers = {"Idempotency-Key": key}
        try:
            response = await self._request(
                "POST", path, json=body, headers=headers, what=what, retry=False
            )
            return parse(self._json(response))
        except Unavailable as exc:
            lost = exc
        log.info("POST %s: answer lost (%s); checking before one retry", path, lost)
        await self.retry_policy.sleep(self.retry_policy.delay(0))
        if find is not None:
            try:
                existing = await find()
            except Unavailable as exc:
                raise Unavailable(
                    f"{lost.message} It is not known whether the {noun} was created; "
                    "check before trying again.",
                    code=lost.code,
                    status=lost.status,
                    data=lost.data,
                ) from exc
            if existing is not None:
                return existing
        try:
            response = await self._request(
                "POST", path, json=body, headers=headers, what=what, retry=False
            )
        except Unavailable as exc:
            raise Unavailable(
                f"{exc.message} The {noun} may or may not have been created; check before "
                "trying again.",
                code=exc.code,
                status=exc.status,
                data=exc.data,
            ) from exc
        return parse(self._json(response))

    # ------------------------------------------------------------------ orders

    async def _order_page(self, params: Params, page: int) -> OrderPage:
        response = await self._request("GET", "orders", params={**params, "page": str(page)})
        orders = _parse_list(self._json(response), Order.from_wc, "orders")
        return OrderPage(
            orders=orders,
            page=page,
            total=_int_header(response, "X-WP-Total"),
            total_pages=_int_header(response, "X-WP-TotalPages"),
        )

    async def list_orders(
        self, query: OrderQuery = _DEFAULT_QUERY, *, page: int = 1, per_page: int = MAX_PER_PAGE
    ) -> OrderPage:
        """One page of orders, with the store's totals (`X-WP-Total`, `X-WP-TotalPages`)."""
        return await self._order_page(order_params(query, page=page, per_page=per_page), page)

    async def iter_orders(
        self, query: OrderQuery = _DEFAULT_QUERY, *, per_page: int = MAX_PER_PAGE
    ) -> AsyncIterator[list[Order]]:
        """Every order matching `query`, page by page, in the store's order.

        Page 1 tells how many pages there are; the rest are fetched concurrently, at most
        `max_concurrency` at a time (a sliding window, which also bounds how many pages wait
        in memory), and yielded in page order. If orders arrive while paging, pages shift:
        an order seen on an earlier page is not yielded twice (the live feed catches the
        rest). A store that sends no paging headers is walked page by page until a short one.
        """
        params = order_params(query, page=1, per_page=per_page)
        seen: set[int] = set()

        def fresh(orders: list[Order]) -> list[Order]:
            out = [o for o in orders if o.id not in seen]
            seen.update(o.id for o in out)
            return out

        first = await self._order_page(params, 1)
        if batch := fresh(first.orders):
            yield batch
        if first.total_pages is None:
            last, page = first, 1
            while len(last.orders) >= per_page:
                page += 1
                last = await self._order_page(params, page)
                if batch := fresh(last.orders):
                    yield batch
            return
        pages = iter(range(2, first.total_pages + 1))
        window: deque[asyncio.Task[OrderPage]] = deque(
            asyncio.create_task(self._order_page(params, p))
            for p in islice(pages, self._max_concurrency)
        )
        try:
            while window:
                result = await window.popleft()
                following = next(pages, None)
                if following is not None:
                    window.append(asyncio.create_task(self._order_page(params, following)))
                if batch := fresh(result.orders):
                    yield batch
        finally:
            for task in window:
                task.cancel()
            await asyncio.gather(*window, return_exceptions=True)

    async def count_orders(self, query: OrderQuery = _DEFAULT_QUERY) -> int | None:
        """How many orders match `query` (one tiny request; None if the store won't say)."""
        page = await self.list_orders(replace(query, fields=("id",)), per_page=1)
        return page.total

    async def get_order(self, order_id: int) -> Order:
        response = await self._request("GET", f"orders/{int(order_id)}", what=f"order {order_id}")
        return Order.from_wc(self._json(response), etag=response.headers.get("etag"))

    async def create_order(
        self, data: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Order:
        """Create an order (`POST orders`), never twice.

        Like refunds, the order carries its key both as Idempotency-Key and in its meta
        (`_orderdesk_create_key`); after a lost answer the orders created since shortly
        before this call are searched for that meta before one retry with the same key.
        """
        key = idempotency_key or new_idempotency_key()
        started = datetime.now(UTC)
        meta = [
            m
            for m in data.get("meta_data") or []
            if not (isinstance(m, Mapping) and m.get("key") == CREATE_KEY_META)
        ]
        body = {**data, "meta_data": [*meta, {"key": CREATE_KEY_META, "value": key}]}

        async def find() -> Order | None:
            query = OrderQuery(
                after=started - CREATED_WINDOW,
                orderby="date",
                order="desc",
                fields=("id", "meta_data"),
            )
            async for page in self.iter_orders(query):
                for order in page:
                    if meta_value(order.meta_data, CREATE_KEY_META) == key:
                        return await self.get_order(order.id)
            return None

        return await self._post_idempotent(
            "orders", body, key=key, parse=Order.from_wc, find=find, noun="order"
        )

    async def update_order(
        self, order_id: int, changes: dict[str, Any], *, if_match: str | None = None
    ) -> Order:
        """PUT `changes` (partial). With `if_match`, the shop refuses (Conflict) if the order
        changed since that ETag was read.

        A PUT is retried after a lost answer; if the first attempt did land, the retry's
        If-Match no longer matches — so a Conflict after a retry is checked against the
        order: if it already shows `changes`, that is our own write and it is returned.
        """
        headers = {"If-Match": if_match} if if_match else None
        retried: list[ShopError] = []
        try:
            response = await self._request(
                "PUT",
                f"orders/{int(order_id)}",
                json=changes,
                headers=headers,
                what=f"order {order_id}",
                retried=retried,
            )
        except Conflict:
            if not (if_match and retried):
                raise
            current = await self.get_order(order_id)
            if changes_applied(current, changes):
                return current
            raise
        return Order.from_wc(self._json(response), etag=response.headers.get("etag"))

    async def set_status(
        self, order_id: int, status: str, *, if_match: str | None = None, notify: bool = False
    ) -> Order:
        """Set the status. `notify` is not sent: wc/v3 has no such switch (WooCommerce emails
        on some statuses by itself), so the console tells the customer with a customer
        note instead (`ShopCapabilities.status_emails` is False)."""
        return await self.update_order(order_id, {"status": status}, if_match=if_match)

    async def list_statuses(self) -> list[ShopStatus]:
        """WooCommerce's core statuses; wc/v3 does not list the ones plugins add (those come
        from the console's config), and their names and colours are the console's own."""
        return [ShopStatus(slug) for slug in CORE_STATUSES]

    async def order_admin_url(self, order_id: int) -> str:
        """The order's page in wp-admin (WooCommerce redirects it under HPOS)."""
        return f"{self.shop_url}/wp-admin/post.php?post={int(order_id)}&action=edit"

    async def delete_order(self, order_id: int, *, force: bool = False) -> Order:
        """Trash the order, or delete it for good with `force`. Not retried automatically."""
        response = await self._request(
            "DELETE",
            f"orders/{int(order_id)}",
            params={"force": "true" if force else "false"},
            what=f"order {order_id}",
        )
        return Order.from_wc(self._json(response))

    async def batch_update_orders(self, updates: Sequence[dict[str, Any]]) -> BatchResult:
        """Apply many partial updates (each a dict with `id`), ≤100 per request.

        Only `update` is ever sent: WooCommerce's batch `delete` deletes permanently. Each
        item succeeds or fails on its own; failures land in `errors` as ShopError subclasses.
        A request that fails as a whole (shop down, 413) fails each of its items. Batches
        carry an Idempotency-Key and are sent once more after a lost answer: updates set
        fields, so applying one twice leaves the same order.
        """
        ids: list[int] = []
        for position, update in enumerate(updates):
            raw_id = update.get("id") if isinstance(update, Mapping) else None
            if not isinstance(raw_id, int) or isinstance(raw_id, bool) or raw_id <= 0:
                raise Invalid(
                    f"update #{position + 1} has no order id",
                    field="id",
                    code="orderdesk_invalid_param",
                )
            ids.append(raw_id)
        updated: list[Order] = []
        errors: list[tuple[int, Exception]] = []
        chunks = list(_chunks(list(updates), BATCH_LIMIT))
        for index, chunk in enumerate(chunks):
            chunk_ids = [int(u["id"]) for u in chunk]
            try:
                data = await self._post_idempotent(
                    "orders/batch",
                    {"update": list(chunk)},
                    key=new_idempotency_key(),
                    parse=lambda d: d,
                    find=None,
                    noun="batch update",
                )
            except ShopError as exc:
                errors.extend((order_id, exc) for order_id in chunk_ids)
                if isinstance(exc, (AuthFailed, Forbidden)):
                    rest = [int(u["id"]) for later in chunks[index + 1 :] for u in later]
                    errors.extend((order_id, exc) for order_id in rest)
                    break
                continue
            items = data.get("update") if isinstance(data, Mapping) else None
            if not isinstance(items, list):
                raise ModelError("batch answer: expected an `update` list", field="update")
            answered: set[int] = set()
            for position, item in enumerate(items):
                if isinstance(item, Mapping) and isinstance(item.get("error"), Mapping):
                    order_id = item.get("id") if isinstance(item.get("id"), int) else 0
                    errors.append((order_id, self._item_error(item["error"], order_id)))
                    answered.add(order_id)
                    continue
                try:
                    order = Order.from_wc(item)
                except ModelError as exc:
                    raise _relabel(exc, f"update[{position}]") from None
                updated.append(order)
                answered.add(order.id)
            for order_id in chunk_ids:
                if order_id not in answered:
                    errors.append(
                        (
                            order_id,
                            ShopError(
                                f"{self._shop} did not report on order {order_id} in the batch.",
                                code="orderdesk_batch_missing",
                            ),
                        )
                    )
        return BatchResult(updated=updated, errors=errors)

    def _item_error(self, error: Mapping[str, Any], order_id: int) -> ShopError:
        data = error.get("data")
        status = data.get("status") if isinstance(data, Mapping) else data
        if not isinstance(status, int) or isinstance(status, bool):
            status = 400
        code = error.get("code") if isinstance(error.get("code"), str) else ""
        message = error.get("message") if isinstance(error.get("message"), str) else ""
        # "Invalid ID." on an update means the order is not there.
        if code.endswith("_invalid_id"):
            status = 404
        return error_from_payload(
            status, code, message, data, what=f"order {order_id}", shop=self._shop
        )

    async def find_order_ids_by_sku(self, sku: str) -> list[int]:
        """Ids of orders with a line for the product with this exact SKU.

        Order search does not look at SKUs, so: `products?sku=` → product id →
        `orders?product=` (ids only, all pages). A variation's orders are found through its
        parent product and then narrowed to lines of that variation.
        """
        sku = sku.strip()
        if not sku:
            return []
        products = await self._get_json("products", {"sku": sku, "per_page": "100"})
        if not isinstance(products, list):
            raise ModelError("products: expected a list", field="products")
        found: list[int] = []
        for raw in products:
            if not isinstance(raw, Mapping) or raw.get("sku") not in (sku, None):
                continue
            product = Product.from_wc(raw)
            parent = raw.get("parent_id")
            if product.type == "variation" and isinstance(parent, int) and parent > 0:
                query = OrderQuery(product=parent, fields=("id", "line_items.variation_id"))
                async for page in self.iter_orders(query):
                    found.extend(
                        o.id
                        for o in page
                        if any(line.variation_id == product.id for line in o.line_items)
                    )
            else:
                async for page in self.iter_orders(OrderQuery(product=product.id, fields=("id",))):
                    found.extend(o.id for o in page)
        return list(dict.fromkeys(found))

    # ------------------------------------------------------------------ notes

    async def list_notes(self, order_id: int, *, type: str = "any") -> list[Note]:
        data = await self._get_json(
            f"orders/{int(order_id)}/notes", {"type": type}, what=f"order {order_id}"
        )
        return _parse_list(data, Note.from_wc, "notes")

    async def add_note(
        self,
        order_id: int,
        note: str,
        *,
        customer_note: bool = False,
        idempotency_key: str | None = None,
    ) -> Note:
        """Add a note; `customer_note=True` shows it to the customer and emails them.

        After a lost answer the note is looked for before one retry: a note with the same
        text and kind, dated from shortly before this call. Residual risk on a plain
        WooCommerce (which ignores Idempotency-Key and keeps no meta on notes): if the store
        rewrites the text (HTML filtering) the note is not recognised and a second one is
        added; and an identical note added by hand within the window is taken for ours.
        """
        key = idempotency_key or new_idempotency_key()
        started = datetime.now(UTC)

        async def find() -> Note | None:
            notes = await self.list_notes(
                order_id, type="customer" if customer_note else "internal"
            )
            for candidate in notes:
                if (
                    candidate.note.strip() == note.strip()
                    and candidate.customer_note == customer_note
                    and candidate.date_created is not None
                    and candidate.date_created >= started - CREATED_WINDOW
                ):
                    return candidate
            return None

        return await self._post_idempotent(
            f"orders/{int(order_id)}/notes",
            {"note": note, "customer_note": customer_note},
            key=key,
            parse=Note.from_wc,
            find=find,
            noun="note",
            what=f"order {order_id}",
        )

    async def delete_note(self, order_id: int, note_id: int) -> None:
        await self._request(
            "DELETE",
            f"orders/{int(order_id)}/notes/{int(note_id)}",
            params={"force": "true"},
            what=f"note {note_id} of order {order_id}",
        )

    # ------------------------------------------------------------------ refunds

    async def list_refunds(self, order_id: int) -> list[Refund]:
        """All refunds of the order (every page), newest first as the store sends them."""
        refunds: list[Refund] = []
        page = 1
        while True:
            response = await self._request(
                "GET",
                f"orders/{int(order_id)}/refunds",
                params={"page": str(page), "per_page": str(MAX_PER_PAGE)},
                what=f"order {order_id}",
            )
            batch = _parse_list(self._json(response), Refund.from_wc, "refunds")
            refunds.extend(batch)
            pages = _int_header(response, "X-WP-TotalPages")
            if (pages is not None and page >= pages) or len(batch) < MAX_PER_PAGE:
                return refunds
            page += 1

    async def _tax_rates_by_line(self, order_id: int) -> dict[int, list[int]]:
        """Order line id → the tax rate ids charged on it (needed to refund tax per line)."""
        data = await self._get_json(f"orders/{int(order_id)}", what=f"order {order_id}")
        rates: dict[int, list[int]] = {}
        if not isinstance(data, Mapping):
            return rates
        for group in ("line_items", "shipping_lines", "fee_lines"):
            for line in data.get(group) or []:
                if not isinstance(line, Mapping) or not isinstance(line.get("id"), int):
                    continue
                taxes = line.get("taxes") or []
                rates[line["id"]] = [
                    t["id"]
                    for t in taxes
                    if isinstance(t, Mapping) and isinstance(t.get("id"), int)
                ]
        return rates

    async def _refund_body(self, order_id: int, request: RefundRequest, key: str) -> dict[str, Any]:
        rates: dict[int, list[int]] | None = None
        lines: list[dict[str, Any]] = []
        for line in request.lines:
            entry: dict[str, Any] = {
                "id": line.line_id,
                "quantity": line.quantity,
                "refund_total": _money(line.refund_total),
            }
            if line.refund_tax:
                if rates is None:
                    rates = await self._tax_rates_by_line(order_id)
                line_rates = rates.get(line.line_id, [])
                if len(line_rates) != 1:
                    raise Invalid(
                        f"Line {line.line_id} is taxed at {len(line_rates)} rates; refund its "
                        "tax in the shop's admin, or refund by amount.",
                        field="refund_tax",
                        code="orderdesk_refund_tax_rate",
                    )
                entry["refund_tax"] = [
                    {"id": line_rates[0], "refund_total": _money(line.refund_tax)}
                ]
            lines.append(entry)
        meta = [{"key": k, "value": v} for k, v in request.meta.items() if k != REFUND_KEY_META]
        meta.append({"key": REFUND_KEY_META, "value": key})
        body: dict[str, Any] = {
            "amount": _money(request.amount),
            "reason": request.reason,
            "api_refund": request.api_refund,
            "api_restock": request.restock,
            "meta_data": meta,
        }
        if lines:
            body["line_items"] = lines
        return body

    async def create_refund(
        self, order_id: int, request: RefundRequest, *, idempotency_key: str | None = None
    ) -> Refund:
        """Record a refund (a gateway refund too only if `request.api_refund`).

        Never sent twice blindly: the refund carries the key both as Idempotency-Key and in
        its meta (`_orderdesk_refund_key`), so after a lost answer the order's refunds are
        searched for it — on any WooCommerce — before one retry with the same key. A refund
        above what remains is `Invalid` (the store answers HTTP 500 for it).

        Residual risk on a plain WooCommerce (which ignores Idempotency-Key): a first
        attempt still being processed when the check runs, or a store that crashed between
        creating the refund and saving its meta, leaves no marker to find, so the retry
        could make a second refund. The reference shop's Idempotency-Key closes both.
        """
        key = idempotency_key or new_idempotency_key()
        body = await self._refund_body(order_id, request, key)

        async def find() -> Refund | None:
            return await self.find_refund(order_id, key)

        return await self._post_idempotent(
            f"orders/{int(order_id)}/refunds",
            body,
            key=key,
            parse=Refund.from_wc,
            find=find,
            noun="refund",
            what=f"order {order_id}",
        )

    async def find_refund(self, order_id: int, idempotency_key: str) -> Refund | None:
        """The order's refund made by `create_refund(..., idempotency_key=...)`, if it landed.

        How a caller settles "did it land?" after `create_refund` raised Unavailable: the key
        is in the refund's meta (`_orderdesk_refund_key`) on any WooCommerce.
        """
        for refund in await self.list_refunds(order_id):
            if meta_value(refund.meta_data, REFUND_KEY_META) == idempotency_key:
                return refund
        return None

    async def list_all_refunds(
        self, *, after: datetime | None = None, before: datetime | None = None
    ) -> list[Refund]:
        """The store's refunds of every order (`GET refunds`), newest first, created
        strictly after `after` and before `before` when given.

        The dates are sent (`after`/`before`, UTC with `dates_are_gmt`) and also applied
        here, so a store that ignores them still gives the right answer; and paging stops
        at the first page reaching back past `after` (the list is newest first).
        """
        params: Params = {
            "per_page": str(MAX_PER_PAGE),
            "orderby": "date",
            "order": "desc",
        }
        if after is not None:
            params["after"] = iso_utc(after)
        if before is not None:
            params["before"] = iso_utc(before)
        if after is not None or before is not None:
            params["dates_are_gmt"] = "true"
        found: list[Refund] = []
        page = 1
        while True:
            response = await self._request(
                "GET", "refunds", params={**params, "page": str(page)}, what="refunds"
            )
            batch = _parse_list(self._json(response), Refund.from_wc, "refunds")
            for refund in batch:
                when = refund.date_created
                if when is not None and (
                    (after is not None and when <= after) or (before is not None and when >= before)
                ):
                    continue
                found.append(refund)
            pages = _int_header(response, "X-WP-TotalPages")
            reached_back = after is not None and any(
                r.date_created is not None and r.date_created <= after for r in batch
            )
            if reached_back or (pages is not None and page >= pages) or len(batch) < MAX_PER_PAGE:
                return found
            page += 1

    # ------------------------------------------------------------------ capabilities

    async def site_language(self) -> str | None:
        """The site's locale as WordPress names it ("fr_FR", "en_US"), or None if unknown.

        From `GET system_status` (`environment.language`), which needs a key of a user who
        may manage WooCommerce; a refusal or an odd answer is None, never an error, since
        the caller only uses it to pick the language of customer-facing text.
        """
        try:
            status = await self._get_json("system_status")
        except ShopError:
            return None
        environment = status.get("environment") if isinstance(status, Mapping) else None
        language = environment.get("language") if isinstance(environment, Mapping) else None
        return language if isinstance(language, str) and language.strip() else None

    async def capabilities(self) -> ShopCapabilities:
        """What the shop honours beyond WooCommerce 10.0.2, asked once and then cached.

        - The reference shop names itself in the site index (`GET /wp-json/`: description
          "The reference shop of orderdesk", and no WordPress `wp/v2` namespace); it honours
          Idempotency-Key and `api_restock: false`.
        - A WooCommerce whose refund route lists `api_restock` among its POST arguments
          (`OPTIONS …/refunds`) honours it too; 10.0.2 does not.
        - Whether the key may write: a POST that any WooCommerce refuses before doing
          anything (a note without text, for order 0) — a read-only key is turned away
          first, with 401. Nothing is written either way.

        An answer that could not be had (shop unreachable) is not cached: the result then
        assumes plain WooCommerce, which is the safe side (refunds without restock go by
        amount, which every shop honours).
        """
        if self._capabilities is not None:
            return self._capabilities
        conclusive = True
        kind: str = "woocommerce"
        try:
            index = self._json(await self._request("GET", f"{self.shop_url}/wp-json/"))
        except ShopError:
            index, conclusive = None, False
        if isinstance(index, Mapping):
            description = index.get("description")
            namespaces = index.get("namespaces")
            if (
                isinstance(description, str)
                and "reference shop of orderdesk" in description.lower()
                and isinstance(namespaces, list)
                and "wp/v2" not in namespaces
            ):
                kind = "reference"
        restock_arg = False
        if kind != "reference":
            try:
                route = self._json(await self._request("OPTIONS", "orders/0/refunds"))
            except ShopError:
                route = None
            endpoints = route.get("endpoints") if isinstance(route, Mapping) else None
            for endpoint in endpoints if isinstance(endpoints, list) else []:
                if (
                    isinstance(endpoint, Mapping)
                    and "POST" in (endpoint.get("methods") or [])
                    and isinstance(endpoint.get("args"), Mapping)
                    and "api_restock" in endpoint["args"]
                ):
                    restock_arg = True
        can_write: bool | None
        try:
            await self._request("POST", "orders/0/notes", json={}, retry=False)
            can_write = True
        except AuthFailed:
            can_write = False
        except Unavailable:
            can_write, conclusive = None, False
        except ShopError:
            can_write = True
        found = ShopCapabilities(
            kind="reference" if kind == "reference" else "woocommerce",
            restock_choice=kind == "reference" or restock_arg,
            idempotency_keys=kind == "reference",
            can_write=can_write,
        )
        if conclusive:
            self._capabilities = found
        return found

    # ------------------------------------------------------------------ catalogue, people

    async def list_products(
        self,
        *,
        sku: str = "",
        search: str = "",
        include: Sequence[int] = (),
        page: int = 1,
        per_page: int = MAX_PER_PAGE,
    ) -> list[Product]:
        check_paging(page, per_page)
        params: Params = {"page": str(page), "per_page": str(per_page)}
        if sku:
            params["sku"] = sku
        if search:
            params["search"] = search
        if include:
            params["include"] = comma_list(include)
        return _parse_list(await self._get_json("products", params), Product.from_wc, "products")

    async def get_product(self, product_id: int) -> Product:
        return Product.from_wc(
            await self._get_json(f"products/{int(product_id)}", what=f"product {product_id}")
        )

    async def update_product(self, product_id: int, changes: dict[str, Any]) -> Product:
        response = await self._request(
            "PUT", f"products/{int(product_id)}", json=changes, what=f"product {product_id}"
        )
        return Product.from_wc(self._json(response))

    async def list_customers(
        self,
        *,
        search: str = "",
        email: str = "",
        page: int = 1,
        per_page: int = MAX_PER_PAGE,
    ) -> list[Customer]:
        check_paging(page, per_page)
        params: Params = {"page": str(page), "per_page": str(per_page)}
        if search:
            params["search"] = search
        if email:
            params["email"] = email
        return _parse_list(await self._get_json("customers", params), Customer.from_wc, "customers")

    async def get_customer(self, customer_id: int) -> Customer:
        return Customer.from_wc(
            await self._get_json(f"customers/{int(customer_id)}", what=f"customer {customer_id}")
        )

    async def create_coupon(
        self, data: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Coupon:
        """Create a coupon; after a lost answer, a coupon with the same code created since
        shortly before this call is taken as ours (codes are unique in WooCommerce)."""
        key = idempotency_key or new_idempotency_key()
        started = datetime.now(UTC)
        code = str(data.get("code") or "").strip()

        async def find() -> Coupon | None:
            if not code:
                return None
            found = _parse_list(
                await self._get_json("coupons", {"code": code}), Coupon.from_wc, "coupons"
            )
            for coupon in found:
                if coupon.code.lower() == code.lower() and (
                    coupon.date_created is None or coupon.date_created >= started - CREATED_WINDOW
                ):
                    return coupon
            return None

        return await self._post_idempotent(
            "coupons", data, key=key, parse=Coupon.from_wc, find=find, noun="coupon"
        )

    async def list_coupons(
        self, *, search: str = "", page: int = 1, per_page: int = MAX_PER_PAGE
    ) -> list[Coupon]:
        check_paging(page, per_page)
        params: Params = {"page": str(page), "per_page": str(per_page)}
        if search:
            params["search"] = search
        return _parse_list(await self._get_json("coupons", params), Coupon.from_wc, "coupons")

    # ------------------------------------------------------------------ shipment tracking
    # The Shipment Tracking extension (woocommerce.com) has its own REST namespace beside
    # wc/v3. A store without it answers `404 rest_no_route` there, which is how its
    # absence is told; the answer is kept for the client's life (extensions are not
    # installed mid-shift, and a warehouse would pay one extra request per parcel).

    _shipment_tracking: bool | None = None

    def _tracking_url(self, order_id: int, rest: str = "") -> str:
        return (
            f"{self.shop_url}/wp-json/{SHIPMENT_TRACKING_NAMESPACE}/orders/{int(order_id)}"
            f"/shipment-trackings{rest}"
        )

    async def shipment_tracking_available(self, order_id: int) -> bool:
        """Whether the store has the Shipment Tracking extension (asked on `order_id`'s
        trackings; any answer but `rest_no_route` means the route exists)."""
        if self._shipment_tracking is not None:
            return self._shipment_tracking
        try:
            await self._request("GET", self._tracking_url(order_id), what=f"order {order_id}")
        except NotFound as exc:
            if exc.code != "rest_no_route":
                return True
            self._shipment_tracking = False
            return False
        self._shipment_tracking = True
        return True

    async def list_shipment_trackings(self, order_id: int) -> list[ShipmentTracking]:
        data = await self._get_json(self._tracking_url(order_id), what=f"order {order_id}")
        return _parse_list(data, ShipmentTracking.from_wc, "trackings")

    async def shipment_tracking_providers(self) -> dict[str, str]:
        """The extension's carriers, name → tracking URL format (regions flattened)."""
        data = await self._get_json(
            f"{self.shop_url}/wp-json/{SHIPMENT_TRACKING_NAMESPACE}/shipment-trackings/providers"
        )
        providers: dict[str, str] = {}
        if isinstance(data, Mapping):
            for group in data.values():
                if isinstance(group, Mapping):
                    providers.update(
                        {str(k): str(v) for k, v in group.items() if isinstance(v, str)}
                    )
        return providers

    async def add_shipment_tracking(
        self,
        order_id: int,
        tracking_number: str,
        *,
        carrier: str,
        date_shipped: date | None = None,
        idempotency_key: str | None = None,
    ) -> ShipmentTracking:
        """Add a tracking item to the order through the extension.

        `carrier` is matched (ignoring case) against the extension's providers and sent as
        `tracking_provider`, so the customer gets the carrier's tracking link; a carrier it
        does not know goes as `custom_tracking_provider`. A number already on the order is
        returned as it is (a packer retrying after a failure does not add it twice), and
        after a lost answer the order's trackings are searched for it before one retry.
        """

        async def find() -> ShipmentTracking | None:
            for item in await self.list_shipment_trackings(order_id):
                if item.tracking_number == tracking_number:
                    return item
            return None

        if (existing := await find()) is not None:
            return existing
        body: dict[str, Any] = {"tracking_number": tracking_number}
        if date_shipped is not None:
            body["date_shipped"] = date_shipped.isoformat()
        try:
            providers = await self.shipment_tracking_providers()
        except NotFound:
            providers = {}
        known = {name.casefold(): name for name in providers}
        if carrier.casefold() in known:
            body["tracking_provider"] = known[carrier.casefold()]
        else:
            body["custom_tracking_provider"] = carrier
        return await self._post_idempotent(
            self._tracking_url(order_id),
            body,
            key=idempotency_key or new_idempotency_key(),
            parse=ShipmentTracking.from_wc,
            find=find,
            noun="tracking number",
            what=f"order {order_id}",
        )
