"""The domain model: plain typed data parsed from a shop's JSON.

Why hand-written readers instead of a schema library: WooCommerce's JSON is loose (money
as strings *and* numbers, `image.id` as `""`, dates without offsets, `data` of any type),
and the console must name the exact field when an answer does not fit. Every reader
below tolerates the real store's quirks (see shared/woocommerce-real/NOTES.md), defaults
missing optional fields and ignores unknown ones.

Money is `Decimal` from the wire to the screen; dates are aware UTC datetimes.
"""

from __future__ import annotations

import dataclasses
import html
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from client.errors import ModelError
from client.slot_builder import slot_builder

ZERO = Decimal("0")
T = TypeVar("T")

#: WooCommerce's core order statuses, in the order a console lists them.
CORE_STATUSES: tuple[str, ...] = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
)

#: Statuses in which WooCommerce holds (has reduced) stock for the order's lines.
STOCK_HOLDING_STATUSES: frozenset[str] = frozenset({"processing", "on-hold", "completed"})


class _Reader:
    """Reads typed values out of one JSON object, naming `path.key` in every error."""

    __slots__ = ("data", "path")

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ModelError(
                f"{path or 'answer'}: expected an object, got {type(data).__name__}",
                field=path or "answer",
            )
        self.data = data
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, expected: str, value: Any) -> ModelError:
        where = self._where(key)
        return ModelError(
            f"{where}: expected {expected}, got {value!r}"[:300],
            field=where,
        )

    def int(self, key: str, default: int = 0) -> int:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise self._fail(key, "an integer", value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise self._fail(key, "an integer", value)

    def opt_int(self, key: str) -> int | None:
        if self.data.get(key) in (None, ""):
            return None
        return self.int(key)

    def str(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise self._fail(key, "a string", value)

    def text(self, key: str, default: str = "") -> str:
        """A human-facing name: WooCommerce sends some with HTML entities (`&amp;`)."""
        return html.unescape(self.str(key, default))

    def bool(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if value in (0, 1, "0", "1", "true", "false", "yes", "no"):
            return value in (1, "1", "true", "yes")
        raise self._fail(key, "true or false", value)

    def money(self, key: str, default: Decimal = ZERO) -> Decimal:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise self._fail(key, "an amount", value)
        if isinstance(value, (int, str)):
            try:
                amount = Decimal(str(value).strip())
            except InvalidOperation:
                raise self._fail(key, "an amount", value) from None
        elif isinstance(value, float):
            # line_items[].price is a JSON number; repr() keeps the shortest exact form.
            amount = Decimal(repr(value))
        else:
            raise self._fail(key, "an amount", value)
        if not amount.is_finite():
            raise self._fail(key, "an amount", value)
        return amount

    def date(self, key: str) -> datetime | None:
        """`key_gmt` when present (UTC without suffix), else `key` read as given or as UTC."""
        for name in (f"{key}_gmt", key):
            value = self.data.get(name)
            if value in (None, ""):
                continue
            if not isinstance(value, str):
                raise self._fail(name, "a date-time", value)
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise self._fail(name, "a date-time", value) from None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        return None

    def obj(self, key: str) -> _Reader:
        value = self.data.get(key)
        return _Reader({} if value is None else value, self._where(key))

    def items(self, key: str) -> list[_Reader]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            raise self._fail(key, "a list", value)
        return [_Reader(item, f"{self._where(key)}[{i}]") for i, item in enumerate(value)]

    def raw(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True, slots=True)
class MetaData:
    id: int
    key: str
    value: Any

    @classmethod
    def from_wc(cls, r: _Reader) -> MetaData:
        return cls(id=r.int("id"), key=r.str("key"), value=r.raw("value"))


def _meta(r: _Reader) -> tuple[MetaData, ...]:
    return tuple(MetaData.from_wc(m) for m in r.items("meta_data"))


def meta_value(meta: Sequence[MetaData], key: str, default: Any = None) -> Any:
    """The value of the first meta entry named `key`."""
    for entry in meta:
        if entry.key == key:
            return entry.value
    return default


@dataclass(frozen=True, slots=True)
class Address:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def from_wc(cls, r: _Reader) -> Address:
        return cls(
            first_name=r.text("first_name"),
            last_name=r.text("last_name"),
            company=r.text("company"),
            address_1=r.text("address_1"),
            address_2=r.text("address_2"),
            city=r.text("city"),
            state=r.str("state"),
            postcode=r.str("postcode"),
            country=r.str("country"),
            email=r.str("email"),
            phone=r.str("phone"),
        )

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def lines(self) -> list[str]:
        """The address as printed on a label, empty parts left out."""
        city_line = " ".join(p for p in (self.postcode, self.city) if p)
        if self.state:
            city_line = f"{city_line} {self.state}".strip()
        parts = [self.name, self.company, self.address_1, self.address_2, city_line, self.country]
        return [p for p in parts if p]


#: The address of orders that have none (frozen, so one instance serves them all).
EMPTY_ADDRESS = Address()


@dataclass(frozen=True, slots=True)
class LineItem:
    id: int
    name: str
    product_id: int = 0
    variation_id: int = 0
    quantity: int = 0
    sku: str = ""
    price: Decimal = ZERO
    subtotal: Decimal = ZERO
    subtotal_tax: Decimal = ZERO
    total: Decimal = ZERO
    total_tax: Decimal = ZERO
    tax_class: str = ""
    parent_name: str = ""
    meta_data: tuple[MetaData, ...] = ()

    @classmethod
    def from_wc(cls, r: _Reader) -> LineItem:
        return cls(
            id=r.int("id"),
            name=r.text("name"),
            product_id=r.int("product_id"),
            variation_id=r.int("variation_id"),
            quantity=r.int("quantity"),
            sku=r.str("sku"),
            price=r.money("price"),
            subtotal=r.money("subtotal"),
            subtotal_tax=r.money("subtotal_tax"),
            total=r.money("total"),
            total_tax=r.money("total_tax"),
            tax_class=r.str("tax_class"),
            parent_name=r.text("parent_name"),
            meta_data=_meta(r),
        )

    @property
    def total_with_tax(self) -> Decimal:
        return self.total + self.total_tax


@dataclass(frozen=True, slots=True)
class ShippingLine:
    id: int
    method_title: str = ""
    method_id: str = ""
    total: Decimal = ZERO
    total_tax: Decimal = ZERO
    meta_data: tuple[MetaData, ...] = ()

    @classmethod
    def from_wc(cls, r: _Reader) -> ShippingLine:
        return cls(
            id=r.int("id"),
            method_title=r.text("method_title"),
            method_id=r.str("method_id"),
            total=r.money("total"),
            total_tax=r.money("total_tax"),
            meta_data=_meta(r),
        )


@dataclass(frozen=True, slots=True)
class FeeLine:
    id: int
    name: str = ""
    total: Decimal = ZERO
    total_tax: Decimal = ZERO

    @classmethod
    def from_wc(cls, r: _Reader) -> FeeLine:
        return cls(
            id=r.int("id"),
            name=r.text("name"),
            total=r.money("total"),
            total_tax=r.money("total_tax"),
        )


@dataclass(frozen=True, slots=True)
class CouponLine:
    id: int
    code: str = ""
    discount: Decimal = ZERO
    discount_tax: Decimal = ZERO

    @classmethod
    def from_wc(cls, r: _Reader) -> CouponLine:
        return cls(
            id=r.int("id"),
            code=r.str("code"),
            discount=r.money("discount"),
            discount_tax=r.money("discount_tax"),
        )


@dataclass(frozen=True, slots=True)
class RefundSummary:
    """An entry of `order.refunds`: WooCommerce sends the total negative (`"-11.25"`)."""

    id: int
    reason: str = ""
    total: Decimal = ZERO

    @classmethod
    def from_wc(cls, r: _Reader) -> RefundSummary:
        return cls(id=r.int("id"), reason=r.str("reason"), total=r.money("total"))


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    number: str = ""
    status: str = "pending"
    currency: str = ""
    currency_symbol: str = ""
    date_created: datetime | None = None
    date_modified: datetime | None = None
    date_paid: datetime | None = None
    date_completed: datetime | None = None
    customer_id: int = 0
    customer_note: str = ""
    billing: Address = EMPTY_ADDRESS
    shipping: Address = EMPTY_ADDRESS
    payment_method: str = ""
    payment_method_title: str = ""
    transaction_id: str = ""
    prices_include_tax: bool = False
    discount_total: Decimal = ZERO
    discount_tax: Decimal = ZERO
    shipping_total: Decimal = ZERO
    shipping_tax: Decimal = ZERO
    cart_tax: Decimal = ZERO
    total: Decimal = ZERO
    total_tax: Decimal = ZERO
    line_items: tuple[LineItem, ...] = ()
    shipping_lines: tuple[ShippingLine, ...] = ()
    fee_lines: tuple[FeeLine, ...] = ()
    coupon_lines: tuple[CouponLine, ...] = ()
    refunds: tuple[RefundSummary, ...] = ()
    meta_data: tuple[MetaData, ...] = ()
    order_key: str = ""
    created_via: str = ""
    payment_url: str = ""
    is_editable: bool = False
    needs_payment: bool = False
    #: The shop's version tag for conditional writes (reference shop's ETag), if known.
    etag: str | None = None

    @classmethod
    def from_wc(cls, data: Any, *, etag: str | None = None) -> Order:
        """The order in `data` (a wc/v3 order, whole or trimmed by `_fields`).

        Tries the lean reader first (lists of 100,000 orders spend most of a load here):
        it only looks at the keys present and accepts only the usual types. Anything
        unusual (money as a number, `""` for an id, a bad value) is parsed again by the
        checking reader below, which tolerates the quirks and names the faulty field, so
        both give the same order (tests/client/test_client_lean_model.py).
        """
        if type(data) is dict:
            try:
                return _lean_order(data, etag)
            except _LEAN_FAILURES:
                pass
        return cls._from_wc_checked(data, etag=etag)

    @classmethod
    def _from_wc_checked(cls, data: Any, *, etag: str | None = None) -> Order:
        r = _Reader(data, "order")
        return cls(
            id=r.int("id"),
            number=r.str("number") or str(r.int("id")),
            status=r.str("status", "pending"),
            currency=r.str("currency"),
            currency_symbol=r.text("currency_symbol"),
            date_created=r.date("date_created"),
            date_modified=r.date("date_modified"),
            date_paid=r.date("date_paid"),
            date_completed=r.date("date_completed"),
            customer_id=r.int("customer_id"),
            customer_note=r.str("customer_note"),
            billing=Address.from_wc(r.obj("billing")),
            shipping=Address.from_wc(r.obj("shipping")),
            payment_method=r.str("payment_method"),
            payment_method_title=r.text("payment_method_title"),
            transaction_id=r.str("transaction_id"),
            prices_include_tax=r.bool("prices_include_tax"),
            discount_total=r.money("discount_total"),
            discount_tax=r.money("discount_tax"),
            shipping_total=r.money("shipping_total"),
            shipping_tax=r.money("shipping_tax"),
            cart_tax=r.money("cart_tax"),
            total=r.money("total"),
            total_tax=r.money("total_tax"),
            line_items=tuple(LineItem.from_wc(i) for i in r.items("line_items")),
            shipping_lines=tuple(ShippingLine.from_wc(i) for i in r.items("shipping_lines")),
            fee_lines=tuple(FeeLine.from_wc(i) for i in r.items("fee_lines")),
            coupon_lines=tuple(CouponLine.from_wc(i) for i in r.items("coupon_lines")),
            refunds=tuple(RefundSummary.from_wc(i) for i in r.items("refunds")),
            meta_data=_meta(r),
            order_key=r.str("order_key"),
            created_via=r.str("created_via"),
            payment_url=r.str("payment_url"),
            is_editable=r.bool("is_editable"),
            needs_payment=r.bool("needs_payment"),
            etag=etag,
        )

    @property
    def customer_name(self) -> str:
        return self.billing.name or self.shipping.name or self.billing.company or "Guest"

    @property
    def email(self) -> str:
        return self.billing.email

    @property
    def item_count(self) -> int:
        return sum(item.quantity for item in self.line_items)

    @property
    def total_refunded(self) -> Decimal:
        """Refunded so far, as a positive amount."""
        return sum((-r.total if r.total < 0 else r.total for r in self.refunds), ZERO)

    @property
    def net_total(self) -> Decimal:
        return self.total - self.total_refunded

    @property
    def subtotal(self) -> Decimal:
        return sum((item.subtotal for item in self.line_items), ZERO)

    @property
    def shipping_method(self) -> str:
        return ", ".join(line.method_title for line in self.shipping_lines if line.method_title)

    @property
    def is_paid(self) -> bool:
        return self.date_paid is not None

    def line(self, line_id: int) -> LineItem | None:
        return next((item for item in self.line_items if item.id == line_id), None)


# ------------------------------------------------------------------ lean reading
# Why a second reader: `_Reader` checks every field of every order, absent or not, and
# allocates one reader per line and address; for a queue of 100,000 light orders that was
# 60 % of the client's CPU. The lean functions below read the keys that are present,
# accept only the types WooCommerce normally sends, and raise `_Unusual` for anything
# else so that `Order.from_wc` falls back to the checking reader (same result, or the
# same error naming the field).


#: The lean reader's constructors (see `client.slot_builder`: half the cost of `cls(**d)`).
_build_line = slot_builder(LineItem)
_build_address = slot_builder(Address)


class _Unusual(Exception):
    """A value the lean reader does not handle."""


#: What makes the lean reader give up (the checking reader then parses or explains).
_LEAN_FAILURES = (_Unusual, ModelError, ArithmeticError, ValueError, TypeError)

# How to read each key: plain string, human text (HTML entities), interned string (values
# repeated across orders: one copy in memory), integer, amount, boolean.
_STR, _TEXT, _NAME, _INT, _MONEY, _BOOL = range(6)

_ADDRESS_KINDS = {
    "first_name": _TEXT,
    "last_name": _TEXT,
    "company": _TEXT,
    "address_1": _TEXT,
    "address_2": _TEXT,
    "city": _TEXT,
    "state": _STR,
    "postcode": _STR,
    "country": _NAME,
    "email": _STR,
    "phone": _STR,
}
_LINE_KINDS = {
    "id": _INT,
    "name": _TEXT,
    "product_id": _INT,
    "variation_id": _INT,
    "quantity": _INT,
    "sku": _NAME,
    "price": _MONEY,
    "subtotal": _MONEY,
    "subtotal_tax": _MONEY,
    "total": _MONEY,
    "total_tax": _MONEY,
    "tax_class": _STR,
    "parent_name": _TEXT,
}
_ORDER_KINDS = {
    "id": _INT,
    "number": _STR,
    "status": _NAME,
    "currency": _NAME,
    "currency_symbol": _TEXT,
    "customer_id": _INT,
    "customer_note": _STR,
    "payment_method": _NAME,
    "payment_method_title": _TEXT,
    "transaction_id": _STR,
    "prices_include_tax": _BOOL,
    "discount_total": _MONEY,
    "discount_tax": _MONEY,
    "shipping_total": _MONEY,
    "shipping_tax": _MONEY,
    "cart_tax": _MONEY,
    "total": _MONEY,
    "total_tax": _MONEY,
    "order_key": _STR,
    "created_via": _STR,
    "payment_url": _STR,
    "is_editable": _BOOL,
    "needs_payment": _BOOL,
}
_ORDER_DATES = tuple(
    (f"date_{name}", f"date_{name}_gmt", f"date_{name}")
    for name in ("created", "modified", "paid", "completed")
)
#: Amounts as sent → Decimal: the same few hundred strings ("0.00", "24.90") recur across
#: orders; Decimals are immutable, so one object per string is shared.
_AMOUNTS: dict[str, Decimal] = {}
_AMOUNTS_MAX = 50_000


def _lean_amount(value: str) -> Decimal:
    amount = _AMOUNTS.get(value)
    if amount is None:
        amount = Decimal(value)  # InvalidOperation (an ArithmeticError) → checking reader
        if not amount.is_finite():
            raise _Unusual(value)
        if len(_AMOUNTS) >= _AMOUNTS_MAX:
            _AMOUNTS.clear()
        _AMOUNTS[value] = amount
    return amount


def _lean_money(value: Any, key: str) -> Decimal:
    """An amount as sent: text, or a number from a plugin; `""` reads as zero (every amount
    field's default)."""
    vtype = type(value)
    if vtype is str:
        return _lean_amount(value) if value else ZERO
    if vtype is int:
        return Decimal(value)
    if vtype is float:
        amount = Decimal(repr(value))
        if not amount.is_finite():
            raise _Unusual(key)
        return amount
    raise _Unusual(key)


def _lean_fields(data: dict[str, Any], kinds: dict[str, int], out: dict[str, Any]) -> None:
    """Convert the keys of `data` that `kinds` names into `out` (absent/null: left out)."""
    for key, value in data.items():
        kind = kinds.get(key)
        if kind is None or value is None:
            continue
        vtype = type(value)
        if kind <= _NAME:
            if vtype is not str:
                raise _Unusual(key)
            if kind == _TEXT:
                if "&" in value:
                    value = html.unescape(value)
            elif kind == _NAME:
                value = sys.intern(value)
        elif kind == _INT:
            if vtype is not int:
                if value == "":
                    continue
                raise _Unusual(key)
        elif kind == _MONEY:
            value = _lean_money(value, key)
        elif vtype is not bool:  # _BOOL
            raise _Unusual(key)
        out[key] = value


def _lean_date(value: Any) -> datetime:
    if type(value) is not str:
        raise _Unusual(value)
    if len(value) == 19:  # "2026-03-01T10:00:00", the usual `_gmt` form: UTC, no offset
        return datetime.fromisoformat(value + "+00:00")
    if "Z" in value:
        value = value.replace("Z", "+00:00")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


#: Addresses and a list's light lines repeat across orders (a customer's billing address,
#: "1 x POT-BLU"): each distinct one is read once and the frozen object shared, keyed by
#: the raw items as sent and their types (1, 1.0 and True are equal keys, not equal input).
#: Saves time and memory; bounded like `_AMOUNTS`.
_SHARED: dict[tuple[Any, ...], Any] = {}
_SHARED_MAX = 50_000
_SHARE_LINE_KEYS = 6


def _shared(kind: str, data: dict[str, Any]) -> tuple[tuple[Any, ...] | None, Any]:
    """(key, the object already read from the same input or None); the key is None when
    the input cannot be a key (an unhashable value: a list where text belongs)."""
    key = (kind, *data.items(), *map(type, data.values()))
    try:
        return key, _SHARED.get(key)
    except TypeError:
        return None, None


def _share(key: tuple[Any, ...] | None, value: Any) -> None:
    if key is None:
        return
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    _SHARED[key] = value


def _lean_address(data: Any) -> Address:
    if not data:
        if data is None or data == {}:
            return EMPTY_ADDRESS
        raise _Unusual(data)
    if type(data) is not dict:
        raise _Unusual(data)
    key, found = _shared("address", data)
    if found is not None:
        return found
    out: dict[str, Any] = {}
    _lean_fields(data, _ADDRESS_KINDS, out)
    address = _build_address(out) if out else EMPTY_ADDRESS
    _share(key, address)
    return address


def _lean_meta(entries: Any) -> tuple[MetaData, ...]:
    if type(entries) is not list:
        raise _Unusual(entries)
    out = []
    for entry in entries:
        if type(entry) is not dict:
            raise _Unusual(entry)
        meta_id, key = entry.get("id"), entry.get("key")
        if meta_id is None or meta_id == "":
            meta_id = 0
        elif type(meta_id) is not int:
            raise _Unusual(meta_id)
        if key is None:
            key = ""
        elif type(key) is not str:
            raise _Unusual(key)
        out.append(MetaData(id=meta_id, key=key, value=entry.get("value")))
    return tuple(out)


def _lean_lines(items: Any) -> tuple[LineItem, ...]:
    if type(items) is not list:
        raise _Unusual(items)
    lines = []
    for item in items:
        if type(item) is not dict:
            raise _Unusual(item)
        key = None
        if "id" not in item and len(item) <= _SHARE_LINE_KEYS:  # a list's light line
            key, found = _shared("line", item)
            if found is not None:
                lines.append(found)
                continue
        out: dict[str, Any] = {"id": 0, "name": ""}
        _lean_fields(item, _LINE_KINDS, out)
        meta = item.get("meta_data")
        if meta:
            out["meta_data"] = _lean_meta(meta)
        line = _build_line(out)
        _share(key, line)
        lines.append(line)
    return tuple(lines)


def _checked_lines(data: dict[str, Any], key: str, parse: Callable[[_Reader], T]) -> tuple[T, ...]:
    """Lines the lean reader leaves to the checking one (rare in lists: detail views)."""
    return tuple(parse(r) for r in _Reader(data, "order").items(key))


def _order_reader_source() -> str:
    """The source of `_lean_order`: one straight-line function over Order's fields.

    Why generated: a loop over the keys sent, a dict of converted values, then a
    constructor, cost 9-10 µs per light order; reading each field straight into its slot
    costs ~6 µs. Generated from `_ORDER_KINDS` and `_ORDER_DATES`, so those tables stay
    the one statement of how each key is read; a new Order field without a rule here
    fails at import instead of being left unread.
    """
    dates = {name: (gmt, local) for name, gmt, local in _ORDER_DATES}
    checked = {
        "shipping_lines": "ShippingLine",
        "fee_lines": "FeeLine",
        "coupon_lines": "CouponLine",
        "refunds": "RefundSummary",
    }
    lines = ["def _lean_order(data, etag):", "    get = data.get", "    o = new(Order)"]
    for i, f in enumerate(dataclasses.fields(Order)):
        name, key = f.name, repr(f.name)
        kind = _ORDER_KINDS.get(name)
        put = f"    set_{i}(o, v)"
        if name == "number":  # "" or absent: the id, as WooCommerce shows it
            lines += [
                f"    v = get({key})",
                "    if v is None or v == '':",
                "        v = str(ident)",
                "    elif type(v) is not str:",
                f"        raise Unusual({key})",
            ]
        elif kind in (_STR, _TEXT, _NAME):
            lines += [
                f"    v = get({key})",
                "    if v is None:",
                f"        v = {f.default!r}",
                "    elif type(v) is not str:",
                f"        raise Unusual({key})",
            ]
            if kind == _TEXT:
                lines += ["    elif '&' in v:", "        v = unescape(v)"]
            elif kind == _NAME:
                lines += ["    else:", "        v = intern(v)"]
        elif kind == _INT:
            default = 0 if f.default is dataclasses.MISSING else f.default
            lines += [
                f"    v = get({key})",
                "    if v is None:",
                f"        v = {default!r}",
                "    elif type(v) is not int:",
                "        if v != '':",
                f"            raise Unusual({key})",
                f"        v = {default!r}",
            ]
            if name == "id":
                lines.append("    ident = v")
        elif kind == _MONEY:
            lines += [f"    v = get({key})", f"    v = ZERO if v is None else money(v, {key})"]
        elif kind == _BOOL:
            lines += [
                f"    v = get({key})",
                "    if v is None:",
                f"        v = {f.default!r}",
                "    elif type(v) is not bool:",
                f"        raise Unusual({key})",
            ]
        elif name in dates:
            gmt, local = dates[name]
            lines += [
                f"    v = get({gmt!r})",
                "    if v is None or v == '':",
                f"        v = get({local!r})",
                "    v = None if v is None or v == '' else lean_date(v)",
            ]
        elif name in ("billing", "shipping"):
            lines += [f"    v = get({key})", "    v = EMPTY_ADDRESS if v is None else address(v)"]
        elif name in ("line_items", "meta_data") or name in checked:
            if name == "line_items":
                read = "lean_lines(v)"
            elif name == "meta_data":
                read = "lean_meta(v)"
            else:
                read = f"checked_lines(data, {key}, {checked[name]}.from_wc)"
            lines += [
                f"    v = get({key})",
                "    if v is None:",
                "        v = ()",
                "    elif type(v) is not list:",
                f"        raise Unusual({key})",
                "    else:",
                f"        v = {read} if v else ()",
            ]
        elif name == "etag":
            lines.append("    v = etag")
        else:
            raise TypeError(f"the lean reader has no rule for Order.{name}")
        lines.append(put)
    lines.append("    return o")
    return "\n".join(lines)


def _compile_order_reader() -> Callable[[dict[str, Any], str | None], Order]:
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "Order": Order,
        "Unusual": _Unusual,
        "unescape": html.unescape,
        "intern": sys.intern,
        "ZERO": ZERO,
        "EMPTY_ADDRESS": EMPTY_ADDRESS,
        "money": _lean_money,
        "lean_date": _lean_date,
        "address": _lean_address,
        "lean_lines": _lean_lines,
        "lean_meta": _lean_meta,
        "checked_lines": _checked_lines,
        "ShippingLine": ShippingLine,
        "FeeLine": FeeLine,
        "CouponLine": CouponLine,
        "RefundSummary": RefundSummary,
    }
    for i, f in enumerate(dataclasses.fields(Order)):
        namespace[f"set_{i}"] = getattr(Order, f.name).__set__
    exec(compile(_order_reader_source(), "<lean order reader>", "exec"), namespace)
    return namespace["_lean_order"]


_lean_order = _compile_order_reader()


def _has_list(data: dict[str, Any], key: str) -> bool:
    """Whether `key` holds a non-empty list; absent/null/`[]` → no; anything else unusual."""
    value = data.get(key)
    if value is None:
        return False
    if type(value) is not list:
        raise _Unusual(key)
    return bool(value)


@dataclass(frozen=True, slots=True)
class Note:
    """A note or message on an order. `customer_note`: staff wrote it to the customer;
    `from_customer`: the customer wrote it (PrestaShop's customer threads; WooCommerce has
    no such notes)."""

    id: int
    note: str = ""
    author: str = ""
    customer_note: bool = False
    date_created: datetime | None = None
    from_customer: bool = False

    @classmethod
    def from_wc(cls, data: Any) -> Note:
        r = _Reader(data, "note")
        return cls(
            id=r.int("id"),
            note=r.str("note"),
            author=r.text("author"),
            customer_note=r.bool("customer_note"),
            date_created=r.date("date_created"),
        )

    @property
    def is_system(self) -> bool:
        return self.author in ("system", "WooCommerce", "")


@dataclass(frozen=True, slots=True)
class RefundLine:
    """One refunded line: quantities and totals as positive numbers (WooCommerce sends them
    negative), `refunded_item_id` the order line it refunds."""

    id: int
    name: str = ""
    product_id: int = 0
    sku: str = ""
    quantity: int = 0
    total: Decimal = ZERO
    total_tax: Decimal = ZERO
    refunded_item_id: int = 0

    @classmethod
    def from_wc(cls, r: _Reader) -> RefundLine:
        meta = _meta(r)
        refunded_item = meta_value(meta, "_refunded_item_id", 0)
        try:
            refunded_item_id = int(refunded_item or 0)
        except (TypeError, ValueError):
            refunded_item_id = 0
        return cls(
            id=r.int("id"),
            name=r.text("name"),
            product_id=r.int("product_id"),
            sku=r.str("sku"),
            quantity=abs(r.int("quantity")),
            total=abs(r.money("total")),
            total_tax=abs(r.money("total_tax")),
            refunded_item_id=refunded_item_id,
        )


@dataclass(frozen=True, slots=True)
class Refund:
    id: int
    amount: Decimal = ZERO
    reason: str = ""
    date_created: datetime | None = None
    refunded_by: int = 0
    refunded_payment: bool = False
    line_items: tuple[RefundLine, ...] = ()
    shipping_lines: tuple[RefundLine, ...] = ()
    meta_data: tuple[MetaData, ...] = ()

    @classmethod
    def from_wc(cls, data: Any) -> Refund:
        r = _Reader(data, "refund")
        return cls(
            id=r.int("id"),
            amount=r.money("amount"),
            reason=r.str("reason"),
            date_created=r.date("date_created"),
            refunded_by=r.int("refunded_by"),
            refunded_payment=r.bool("refunded_payment"),
            line_items=tuple(RefundLine.from_wc(i) for i in r.items("line_items")),
            shipping_lines=tuple(RefundLine.from_wc(i) for i in r.items("shipping_lines")),
            meta_data=_meta(r),
        )


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    name: str = ""
    sku: str = ""
    global_unique_id: str = ""
    type: str = "simple"
    status: str = "publish"
    price: Decimal = ZERO
    regular_price: Decimal = ZERO
    manage_stock: bool = False
    stock_quantity: int | None = None
    stock_status: str = "instock"
    backorders: str = "no"
    weight: Decimal | None = None
    date_modified: datetime | None = None

    @classmethod
    def from_wc(cls, data: Any) -> Product:
        r = _Reader(data, "product")
        manage = r.raw("manage_stock")
        weight = r.money("weight", default=Decimal(-1))
        return cls(
            id=r.int("id"),
            name=r.text("name"),
            sku=r.str("sku"),
            global_unique_id=r.str("global_unique_id"),
            type=r.str("type", "simple"),
            status=r.str("status", "publish"),
            price=r.money("price"),
            regular_price=r.money("regular_price"),
            # Variations may say "parent" when stock is managed on the parent product.
            manage_stock=manage == "parent" or r.bool("manage_stock"),
            stock_quantity=r.opt_int("stock_quantity"),
            stock_status=r.str("stock_status", "instock"),
            backorders=r.str("backorders", "no"),
            weight=None if weight < 0 else weight,
            date_modified=r.date("date_modified"),
        )

    @property
    def backorders_allowed(self) -> bool:
        return self.backorders in ("yes", "notify")


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    username: str = ""
    role: str = "customer"
    billing: Address = field(default_factory=Address)
    shipping: Address = field(default_factory=Address)
    is_paying_customer: bool = False
    date_created: datetime | None = None

    @classmethod
    def from_wc(cls, data: Any) -> Customer:
        r = _Reader(data, "customer")
        return cls(
            id=r.int("id"),
            email=r.str("email"),
            first_name=r.text("first_name"),
            last_name=r.text("last_name"),
            username=r.str("username"),
            role=r.str("role", "customer"),
            billing=Address.from_wc(r.obj("billing")),
            shipping=Address.from_wc(r.obj("shipping")),
            is_paying_customer=r.bool("is_paying_customer"),
            date_created=r.date("date_created"),
        )

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.billing.name or self.email


@dataclass(frozen=True, slots=True)
class Coupon:
    id: int
    code: str = ""
    amount: Decimal = ZERO
    discount_type: str = "fixed_cart"
    description: str = ""
    email_restrictions: tuple[str, ...] = ()
    usage_limit: int | None = None
    usage_count: int = 0
    individual_use: bool = False
    date_created: datetime | None = None
    date_expires: datetime | None = None

    @classmethod
    def from_wc(cls, data: Any) -> Coupon:
        r = _Reader(data, "coupon")
        emails = r.raw("email_restrictions") or []
        if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
            raise ModelError(
                f"coupon.email_restrictions: expected a list of emails, got {emails!r}"[:300],
                field="coupon.email_restrictions",
            )
        return cls(
            id=r.int("id"),
            code=r.str("code"),
            amount=r.money("amount"),
            discount_type=r.str("discount_type", "fixed_cart"),
            description=r.str("description"),
            email_restrictions=tuple(emails),
            usage_limit=r.opt_int("usage_limit"),
            usage_count=r.int("usage_count"),
            individual_use=r.bool("individual_use"),
            date_created=r.date("date_created"),
            date_expires=r.date("date_expires"),
        )


@dataclass(frozen=True, slots=True)
class ShipmentTracking:
    """A tracking item of the Shipment Tracking extension (`wc-shipment-tracking/v3`).

    `tracking_provider` is one of the extension's provider names ("USPS", "Colissimo"…);
    a carrier outside its list comes back as `custom_tracking_provider` instead, so
    `provider` reads whichever is set.
    """

    tracking_id: str
    tracking_number: str = ""
    tracking_provider: str = ""
    custom_tracking_provider: str = ""
    tracking_link: str = ""
    date_shipped: str = ""

    @classmethod
    def from_wc(cls, data: Any) -> ShipmentTracking:
        r = _Reader(data, "tracking")
        return cls(
            tracking_id=r.str("tracking_id"),
            tracking_number=r.str("tracking_number"),
            tracking_provider=r.text("tracking_provider"),
            custom_tracking_provider=r.text("custom_tracking_provider"),
            tracking_link=r.str("tracking_link"),
            date_shipped=r.str("date_shipped"),
        )

    @property
    def provider(self) -> str:
        return self.tracking_provider or self.custom_tracking_provider
