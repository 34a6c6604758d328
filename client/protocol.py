"""The shop protocol: what the console asks of any shop, whatever its kind.

Screens and the app talk to this protocol only; `WooCommerceClient` implements it for
WooCommerce's wc/v3 (and the reference shop, which speaks the same API). A second shop
kind implements the same methods, so no screen knows which kind it talks to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from client.model import Coupon, Customer, Note, Order, Product, Refund


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """Filters for listing orders, named as in wc/v3's `GET /orders`."""

    status: Sequence[str] = ()
    search: str = ""
    customer: int | None = None
    product: int | None = None
    include: Sequence[int] = ()
    after: datetime | None = None
    before: datetime | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    orderby: Literal["date", "id", "modified", "include"] = "date"
    order: Literal["asc", "desc"] = "desc"
    #: Fields to ask for (`_fields`); empty means the whole order.
    fields: Sequence[str] = ()


#: `_fields` for the queue: everything a queue row, its search and its colour need
#: (`customer_id`: the queue's `C` opens the cursor order's customer).
LIST_FIELDS: tuple[str, ...] = (
    "id",
    "number",
    "status",
    "currency",
    "customer_id",
    "date_created_gmt",
    "date_modified_gmt",
    "total",
    "billing.first_name",
    "billing.last_name",
    "billing.email",
    "billing.company",
    "line_items.quantity",
    "line_items.sku",
)


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: list[Order]
    page: int
    total: int | None
    total_pages: int | None


@dataclass(frozen=True, slots=True)
class RefundLineRequest:
    """Refund `quantity` of order line `line_id` (a line item, shipping line or fee line)."""

    line_id: int
    quantity: int = 0
    refund_total: Decimal = Decimal("0")
    refund_tax: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class RefundRequest:
    amount: Decimal
    reason: str = ""
    lines: Sequence[RefundLineRequest] = ()
    api_refund: bool = False
    restock: bool = True
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShopCapabilities:
    """What this shop does beyond plain WooCommerce 10.0.2, learnt by asking it.

    `restock_choice`: the shop honours `api_restock: false` (the reference shop; a store
    whose refund route lists `api_restock`). Without it, refunded line quantities are
    always restocked, so a refund without restock must go by amount.
    `idempotency_keys`: the shop answers a replayed `Idempotency-Key` with the first result.
    `can_write`: the API key may write (False for a read-only key; None when unknown).

    Where shop kinds differ in what their API can do (screens read these, never the kind):
    `api_refunds`: `create_refund` makes a real refund (stock, refunded quantities, money).
    False on PrestaShop, whose Webservice only writes credit-slip rows: refunds are then
    made in the shop's back office (`order_admin_url`) and the console only lists them.
    `status_emails`: `set_status(..., notify=True)` makes the shop itself email the
    customer (PrestaShop's `sendemail=1`), so no customer note is added for it. False on
    WooCommerce, which emails on some statuses by itself (whatever is asked) and is told
    to notify through a customer note.
    `customer_notes_emailed`: a note added with `customer_note=True` is emailed to the
    customer by the shop (WooCommerce). False on PrestaShop: a message posted through the
    Webservice lands in the customer's account and the back office, but no email goes out.
    """

    kind: Literal["reference", "woocommerce", "prestashop"] = "woocommerce"
    restock_choice: bool = False
    idempotency_keys: bool = False
    can_write: bool | None = None
    api_refunds: bool = True
    status_emails: bool = False
    customer_notes_emailed: bool = True


@dataclass(frozen=True, slots=True)
class ShopStatus:
    """One order status as the shop defines it.

    `label` is the shop's own name for it ("" = the console's name for a core status);
    `colour` its badge colour (`#rrggbb`, None = the console's default).
    """

    slug: str
    label: str = ""
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    updated: list[Order]
    #: (order id, error) for each update the shop refused.
    errors: list[tuple[int, Exception]]


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """What the live feed saw. The first load arrives as "loaded" events page by page, so a
    console can show the newest orders before the oldest have arrived; the last one has
    `complete=True`."""

    kind: Literal["loaded", "created", "changed", "deleted"]
    orders: list[Order] = field(default_factory=list)
    deleted_ids: list[int] = field(default_factory=list)
    complete: bool = True


@runtime_checkable
class ShopClient(Protocol):
    """One shop. All methods raise `client.errors.ShopError` subclasses, never httpx's."""

    name: str

    async def aclose(self) -> None: ...

    # Orders
    def iter_orders(self, query: OrderQuery = ...) -> AsyncIterator[list[Order]]: ...
    async def list_orders(
        self, query: OrderQuery = ..., *, page: int = 1, per_page: int = 100
    ) -> OrderPage: ...
    async def get_order(self, order_id: int) -> Order: ...
    async def create_order(
        self, data: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Order: ...
    async def update_order(
        self, order_id: int, changes: dict[str, Any], *, if_match: str | None = None
    ) -> Order: ...
    async def set_status(
        self, order_id: int, status: str, *, if_match: str | None = None, notify: bool = False
    ) -> Order: ...
    async def list_statuses(self) -> list[ShopStatus]: ...
    async def order_admin_url(self, order_id: int) -> str: ...
    async def delete_order(self, order_id: int, *, force: bool = False) -> Order: ...
    async def batch_update_orders(self, updates: Sequence[dict[str, Any]]) -> BatchResult: ...
    async def find_order_ids_by_sku(self, sku: str) -> list[int]: ...

    # Notes
    async def list_notes(self, order_id: int, *, type: str = "any") -> list[Note]: ...
    async def add_note(
        self,
        order_id: int,
        note: str,
        *,
        customer_note: bool = False,
        idempotency_key: str | None = None,
    ) -> Note: ...
    async def delete_note(self, order_id: int, note_id: int) -> None: ...

    # Refunds
    async def list_refunds(self, order_id: int) -> list[Refund]: ...
    async def create_refund(
        self, order_id: int, request: RefundRequest, *, idempotency_key: str | None = None
    ) -> Refund: ...
    async def find_refund(self, order_id: int, idempotency_key: str) -> Refund | None: ...
    async def list_all_refunds(
        self, *, after: datetime | None = None, before: datetime | None = None
    ) -> list[Refund]: ...
    async def capabilities(self) -> ShopCapabilities: ...

    # Catalogue and people
    async def list_products(
        self,
        *,
        sku: str = "",
        search: str = "",
        include: Sequence[int] = (),
        page: int = 1,
        per_page: int = 100,
    ) -> list[Product]: ...
    async def get_product(self, product_id: int) -> Product: ...
    async def update_product(self, product_id: int, changes: dict[str, Any]) -> Product: ...
    async def list_customers(
        self, *, search: str = "", email: str = "", page: int = 1, per_page: int = 100
    ) -> list[Customer]: ...
    async def get_customer(self, customer_id: int) -> Customer: ...
    async def create_coupon(
        self, data: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Coupon: ...
    async def list_coupons(
        self, *, search: str = "", page: int = 1, per_page: int = 100
    ) -> list[Coupon]: ...
