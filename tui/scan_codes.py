"""What a scanned code means: an order to open, or a product to count.

A USB barcode scanner is a keyboard: it types the code and Enter. So a "scan" is just a
line of text, and this module decides what it refers to. Pure functions first (no I/O),
then `resolve_order`, which asks the queue and, failing that, the shop.

Order codes, and why each is accepted:
- `1234` and `#1234`: the order number as printed (the packing slip's barcode carries the
  number without `#`; staff type it with one). The number is what people see; it may
  differ from the id on stores with a numbering plugin, so the queue is searched by
  number, then the shop (`search=`, which matches ids and, with such plugins, numbers).
- `wc_order_…`: the order key. WooCommerce's order search does not look at keys (neither
  the posts store's `wc_order_search` nor HPOS's search), so the key is looked for among
  the orders still to be packed (pending, processing, on-hold), with `_fields=id,order_key`
  to keep pages small. A key of an order in another status is not found; scan its number.
- A customer's order page or payment link (`…/order-received/1234/?key=wc_order_…`,
  `…/order-pay/1234/…`) carries the id: the order is read and its key checked.

Product codes: a scanned code matches a line when it equals the line's SKU (ignoring case
and surrounding spaces) or its product's GTIN (`global_unique_id`: EAN-13, UPC-A, EAN-8,
GTIN-14). GTINs are compared as numbers, so leading zeros do not matter: a UPC-A
`012345678905` read by a scanner set to EAN-13 arrives as `0012345678905` and still
matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Literal

from client.errors import NotFound
from client.model import Order
from client.protocol import OrderQuery, ShopClient

#: Statuses searched for an order key (the orders a packer may scan).
KEY_SEARCH_STATUSES: tuple[str, ...] = ("pending", "processing", "on-hold")
#: Most orders looked through for one order key (pages of 100 with two fields each).
KEY_SEARCH_LIMIT = 5_000

_ORDER_KEY = re.compile(r"wc_order_[A-Za-z0-9]+")
_ORDER_URL = re.compile(r"/(?:order-received|order-pay|view-order)/(\d+)")


def clean_code(raw: str) -> str:
    """The code as scanned, without what scanners add around it.

    Scanners may send a prefix/suffix (Tab, CR, the GS1 group separator `\\x1d`) and some
    keyboard layouts turn digits into full-width forms; NFKC folds those back.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text.strip()


# --------------------------------------------------------------------------- products


def gtin_key(code: str) -> str | None:
    """A GTIN as a comparable key (leading zeros dropped), or None if `code` is not one."""
    code = code.strip()
    if not (code.isascii() and code.isdigit()) or not 8 <= len(code) <= 14:
        return None
    return code.lstrip("0") or "0"


def sku_key(sku: str) -> str:
    return sku.strip().casefold()


def code_matches(code: str, *, sku: str = "", gtin: str = "") -> bool:
    """Whether a scanned `code` names the product with this `sku` or `gtin`."""
    code = clean_code(code)
    if not code:
        return False
    if sku.strip() and sku_key(code) == sku_key(sku):
        return True
    scanned, stored = gtin_key(code), gtin_key(gtin)
    return scanned is not None and scanned == stored


# --------------------------------------------------------------------------- carriers

#: Carriers offered when a parcel is shipped (the packer may type any other).
CARRIERS: tuple[str, ...] = (
    "Colissimo",
    "Chronopost",
    "La Poste",
    "Mondial Relay",
    "DPD",
    "GLS",
    "DHL",
    "UPS",
    "FedEx",
    "USPS",
    "Royal Mail",
    "Deutsche Post",
)

_S10 = re.compile(r"[A-Z]{2}\d{9}([A-Z]{2})")
_S10_POSTS = {"FR": "La Poste", "GB": "Royal Mail", "US": "USPS", "DE": "Deutsche Post"}
_UPS = re.compile(r"1Z[0-9A-Z]{16}")
_COLISSIMO = re.compile(r"\d[A-Z]\d{11}")


def guess_carrier(tracking: str) -> str | None:
    """The carrier a tracking number's format names, when it is unambiguous.

    UPS (`1Z` + 16), Colissimo (13: digit, letter, 11 digits, e.g. `6A12345678901`), and
    UPU S10 numbers of a few postal services (`RR123456785FR`). Anything else: None.
    """
    code = clean_code(tracking).upper().replace(" ", "")
    if _UPS.fullmatch(code):
        return "UPS"
    if _COLISSIMO.fullmatch(code):
        return "Colissimo"
    match = _S10.fullmatch(code)
    if match:
        return _S10_POSTS.get(match.group(1))
    return None


def carrier_from_shipping(method_title: str) -> str | None:
    """A known carrier named in the order's shipping method ("Chronopost Express")."""
    folded = method_title.casefold()
    for carrier in CARRIERS:
        if carrier.casefold() in folded:
            return carrier
    return None


# --------------------------------------------------------------------------- orders


@dataclass(frozen=True, slots=True)
class OrderCode:
    """A scanned code read as an order reference."""

    kind: Literal["number", "key"]
    #: The order number without `#` (kind "number"), or the order key (kind "key").
    text: str
    #: The order id, when the code carries it (a customer order URL).
    order_id: int | None = None


def parse_order_code(raw: str) -> OrderCode | None:
    """Read a scanned code as an order reference; None when it cannot be one (empty)."""
    code = clean_code(raw)
    if not code:
        return None
    key = _ORDER_KEY.search(code)
    url_id = _ORDER_URL.search(code)
    if key and (url_id or _ORDER_KEY.fullmatch(code)):
        return OrderCode("key", key.group(), int(url_id.group(1)) if url_id else None)
    if url_id:
        return OrderCode("number", url_id.group(1), int(url_id.group(1)))
    number = code[1:].strip() if code.startswith("#") else code
    return OrderCode("number", number) if number else None


def looks_like_order_code(raw: str) -> bool:
    """Whether a code is unmistakably an order reference (`#1234`, a key, an order URL),
    as opposed to a bare number that could as well be a product's code."""
    code = clean_code(raw)
    return code.startswith("#") or bool(_ORDER_KEY.search(code) or _ORDER_URL.search(code))


@dataclass(frozen=True, slots=True)
class FoundOrder:
    order_id: int
    number: str
    #: Where it was found: "queue" (no request made) or "shop".
    source: Literal["queue", "shop"]


def find_in_queue(orders: Iterable[Order], number: str) -> Order | None:
    """The order whose number is `number` (ignoring case) among the queue's orders."""
    wanted = number.strip().casefold()
    if not wanted:
        return None
    for order in orders:
        if order.number.casefold() == wanted:
            return order
    return None


async def resolve_order(shop: ShopClient, queue: Iterable[Order], raw: str) -> FoundOrder | None:
    """The order a scanned code names, or None when there is none.

    The queue is asked first (no request); then the shop. Shop failures (`ShopError`
    other than NotFound) propagate: "the shop did not answer" is not "no such order".
    """
    code = parse_order_code(raw)
    if code is None:
        return None
    if code.kind == "key":
        return await _resolve_key(shop, code)
    if code.order_id is None:
        local = find_in_queue(queue, code.text)
        if local is not None:
            return FoundOrder(local.id, local.number, "queue")
    return await _resolve_number(shop, code)


async def _resolve_number(shop: ShopClient, code: OrderCode) -> FoundOrder | None:
    if code.order_id is not None:
        return await _by_id(shop, code.order_id)
    wanted = code.text.casefold()
    page = await shop.list_orders(
        OrderQuery(search=code.text, fields=("id", "number")), per_page=20
    )
    for order in page.orders:
        if order.number.casefold() == wanted:
            return FoundOrder(order.id, order.number, "shop")
    if code.text.isdigit():
        found = await _by_id(shop, int(code.text))
        if found is not None and found.number.casefold() == wanted:
            return found
    return None


async def _by_id(shop: ShopClient, order_id: int, key: str | None = None) -> FoundOrder | None:
    try:
        order = await shop.get_order(order_id)
    except NotFound:
        return None
    if key is not None and order.order_key != key:
        return None
    return FoundOrder(order.id, order.number, "shop")


async def _resolve_key(shop: ShopClient, code: OrderCode) -> FoundOrder | None:
    if code.order_id is not None:
        return await _by_id(shop, code.order_id, key=code.text)
    query = OrderQuery(status=KEY_SEARCH_STATUSES, fields=("id", "number", "order_key"))
    seen = 0
    async with aclosing(shop.iter_orders(query)) as pages:
        async for page in pages:
            for order in page:
                if order.order_key == code.text:
                    return FoundOrder(order.id, order.number, "shop")
            seen += len(page)
            if seen >= KEY_SEARCH_LIMIT:
                break
    return None
