"""PrestaShop resources as the console's model (`client.model`).

The answers' types are loose (shared/prestashop-real/NOTES.md): `id` is a number in lists
and GETs but a string in write answers, everything else is a string, money has six
decimals (`"32.650000"`), a single-object answer leaves out empty fields, dates are
shop-local. Every reader here takes strings or numbers alike, defaults what is missing,
and names the field when a value does not fit.

An order is several resources in PrestaShop: the order (totals, `order_rows`), its
customer (name, e-mail), its two addresses, its carrier, its payments, its credit slips.
`Lookups` carries what was fetched alongside. Only the fields the console uses are read:
`passwd` and `secure_key` (in customers and orders) are never copied anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from client.errors import ModelError
from client.model import (
    Address,
    Customer,
    LineItem,
    MetaData,
    Note,
    Order,
    Product,
    Refund,
    RefundLine,
    RefundSummary,
    ShipmentTracking,
    ShippingLine,
)
from client.prestashop.query import ShopClock
from client.prestashop.statuses import StateTable

ZERO = Decimal("0")
CENT = Decimal("0.01")

#: The order meta that carries the shipping (tracking) number, as the console reads it.
TRACKING_META = "_tracking_number"
#: The meta naming the carrier of that tracking number.
CARRIER_META = "_tracking_provider"

#: Fields asked for customers: never `passwd` or `secure_key`.
CUSTOMER_FIELDS = "[id,firstname,lastname,email,company,date_add]"


def text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, list):  # several languages in JSON: [{id, value}, …]
        for entry in value:
            if isinstance(entry, Mapping) and entry.get("value"):
                return str(entry["value"])
        return ""
    return str(value)


def integer(raw: Mapping[str, Any], key: str, where: str = "") -> int:
    value = raw.get(key)
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise _bad(where, key, "an integer", value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise _bad(where, key, "an integer", value) from None


def money(raw: Mapping[str, Any], key: str, where: str = "") -> Decimal:
    value = raw.get(key)
    if value is None or value == "":
        return ZERO
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _bad(where, key, "an amount", value)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise _bad(where, key, "an amount", value) from None
    if not amount.is_finite():
        raise _bad(where, key, "an amount", value)
    return amount


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _bad(where: str, key: str, expected: str, value: Any) -> ModelError:
    name = f"{where}.{key}" if where else key
    return ModelError(f"{name}: expected {expected}, got {value!r}"[:300], field=name)


@dataclass(slots=True)
class Lookups:
    """What an order refers to by id, fetched alongside it."""

    clock: ShopClock
    states: StateTable
    customers: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    addresses: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    carriers: dict[int, str] = field(default_factory=dict)
    currencies: dict[int, str] = field(default_factory=dict)
    countries: dict[int, str] = field(default_factory=dict)


def address(raw: Mapping[str, Any] | None, lookups: Lookups, email: str = "") -> Address:
    if not raw:
        return Address(email=email)
    phone = text(raw, "phone") or text(raw, "phone_mobile")
    return Address(
        first_name=text(raw, "firstname"),
        last_name=text(raw, "lastname"),
        company=text(raw, "company"),
        address_1=text(raw, "address1"),
        address_2=text(raw, "address2"),
        city=text(raw, "city"),
        postcode=text(raw, "postcode"),
        country=lookups.countries.get(integer(raw, "id_country"), ""),
        email=email,
        phone=phone,
    )


def line_from_row(row: Mapping[str, Any], where: str) -> LineItem:
    """An `order_rows` entry (lists and single GETs): unit prices and a quantity."""
    quantity = integer(row, "product_quantity", where)
    # Unit prices keep the shop's precision (20.2672); every total is in cents.
    unit = money(row, "unit_price_tax_excl", where) or money(row, "product_price", where)
    unit_incl = money(row, "unit_price_tax_incl", where) or unit
    total = cents(unit * quantity)
    return LineItem(
        id=integer(row, "id", where),
        name=text(row, "product_name"),
        product_id=integer(row, "product_id", where),
        # A combination (`product_attribute_id`) is not a product the console can fetch:
        # the line names it, and stock and GTINs are read on the product.
        variation_id=0,
        quantity=quantity,
        sku=text(row, "product_reference"),
        price=unit,
        subtotal=total,
        total=total,
        total_tax=cents(unit_incl * quantity) - total,
    )


def line_from_detail(detail: Mapping[str, Any], where: str) -> LineItem:
    """An `order_details` entry: the same line with the shop's own rounded totals."""
    base = line_from_row(detail, where)
    total = money(detail, "total_price_tax_excl", where)
    total_incl = money(detail, "total_price_tax_incl", where)
    if not total and not total_incl:
        return base
    return LineItem(
        id=base.id,
        name=base.name,
        product_id=base.product_id,
        quantity=base.quantity,
        sku=base.sku,
        price=base.price,
        subtotal=cents(total),
        total=cents(total),
        total_tax=cents(total_incl - total),
    )


def refund_from_slip(slip: Mapping[str, Any], clock: ShopClock) -> Refund:
    """A credit slip (`order_slip`): what the back office refunded, tax included."""
    where = "order_slip"
    details = (slip.get("associations") or {}).get("order_slip_details") or []
    lines = tuple(
        RefundLine(
            id=integer(d, "id", f"{where}.details"),
            quantity=integer(d, "product_quantity", f"{where}.details"),
            total=cents(money(d, "amount_tax_excl", f"{where}.details")),
            total_tax=cents(money(d, "amount_tax_incl", f"{where}.details")
                            - money(d, "amount_tax_excl", f"{where}.details")),
            refunded_item_id=integer(d, "id_order_detail", f"{where}.details"),
        )
        for d in details
        if isinstance(d, Mapping)
    )
    products = money(slip, "total_products_tax_incl", where)
    shipping = money(slip, "total_shipping_tax_incl", where)
    amount = products + shipping if products or shipping else money(slip, "amount", where)
    return Refund(
        id=integer(slip, "id", where),
        amount=cents(amount),
        reason="",
        date_created=clock.read(slip.get("date_add")),
        line_items=lines,
    )


def order(
    raw: Mapping[str, Any],
    lookups: Lookups,
    *,
    details: Sequence[Mapping[str, Any]] = (),
    payments: Sequence[Mapping[str, Any]] = (),
    slips: Sequence[Refund] = (),
) -> Order:
    """An order. `details` (its `order_details`), `payments` (its `order_payments`) and
    `slips` (its credit slips) are given for a single order's full view; a list does
    without them (its rows, totals and payment name say enough for the queue)."""
    where = "order"
    clock = lookups.clock
    order_id = integer(raw, "id", where)
    state_id = integer(raw, "current_state", where)
    customer = lookups.customers.get(integer(raw, "id_customer", where)) or {}
    email = text(customer, "email")
    billing = address(lookups.addresses.get(integer(raw, "id_address_invoice", where)),
                      lookups, email)
    if not billing.name and customer:
        billing = Address(**{**_fields(billing), "first_name": text(customer, "firstname"),
                             "last_name": text(customer, "lastname")})
    shipping = address(lookups.addresses.get(integer(raw, "id_address_delivery", where)),
                       lookups)
    rows = (raw.get("associations") or {}).get("order_rows") or []
    if details:
        lines = tuple(line_from_detail(d, f"order_details[{i}]") for i, d in enumerate(details))
    else:
        lines = tuple(
            line_from_row(r, f"order.order_rows[{i}]")
            for i, r in enumerate(rows)
            if isinstance(r, Mapping)
        )
    shipping_excl = money(raw, "total_shipping_tax_excl", where)
    shipping_incl = money(raw, "total_shipping_tax_incl", where) or shipping_excl
    total = money(raw, "total_paid_tax_incl", where) or money(raw, "total_paid", where)
    total_excl = money(raw, "total_paid_tax_excl", where) or total
    carrier_id = integer(raw, "id_carrier", where)
    carrier = lookups.carriers.get(carrier_id, "")
    shipping_lines = (
        (ShippingLine(id=carrier_id, method_title=carrier, method_id=str(carrier_id),
                      total=cents(shipping_excl),
                      total_tax=cents(shipping_incl - shipping_excl)),)
        if carrier_id or shipping_excl
        else ()
    )
    paid_on = [clock.read(p.get("date_add")) for p in payments]
    paid_dates = sorted(d for d in paid_on if d is not None)
    date_paid = paid_dates[0] if paid_dates else None
    if date_paid is None and (lookups.states.paid(state_id) or text(raw, "valid") == "1"):
        date_paid = clock.read(raw.get("invoice_date")) or clock.read(raw.get("date_add"))
    transactions = [text(p, "transaction_id") for p in payments if text(p, "transaction_id")]
    meta: list[MetaData] = []
    tracking = text(raw, "shipping_number").strip()
    if tracking:
        meta.append(MetaData(0, TRACKING_META, tracking))
        if carrier:
            meta.append(MetaData(0, CARRIER_META, carrier))
    discount_excl = money(raw, "total_discounts_tax_excl", where)
    discount_incl = money(raw, "total_discounts_tax_incl", where) or discount_excl
    products_excl = money(raw, "total_products", where)
    products_incl = money(raw, "total_products_wt", where) or products_excl
    return Order(
        id=order_id,
        number=text(raw, "reference") or str(order_id),
        status=lookups.states.slug(state_id),
        currency=lookups.currencies.get(integer(raw, "id_currency", where), ""),
        date_created=clock.read(raw.get("date_add")),
        date_modified=clock.read(raw.get("date_upd")),
        date_paid=date_paid,
        customer_id=integer(raw, "id_customer", where),
        billing=billing,
        shipping=shipping,
        payment_method=text(raw, "module"),
        payment_method_title=text(raw, "payment"),
        transaction_id=", ".join(transactions),
        prices_include_tax=False,
        discount_total=cents(discount_excl),
        discount_tax=cents(discount_incl - discount_excl),
        shipping_total=cents(shipping_excl),
        shipping_tax=cents(shipping_incl - shipping_excl),
        cart_tax=cents(products_incl - products_excl),
        total=cents(total),
        total_tax=cents(total - total_excl),
        line_items=lines,
        shipping_lines=shipping_lines,
        refunds=tuple(RefundSummary(id=s.id, total=-s.amount) for s in slips),
        meta_data=tuple(meta),
        created_via="prestashop",
    )


def light_order(raw: Mapping[str, Any], lookups: Lookups) -> Order:
    """An order from a list that asked only for ids, states and dates."""
    order_id = integer(raw, "id", "order")
    return Order(
        id=order_id,
        number=text(raw, "reference") or str(order_id),
        status=lookups.states.slug(integer(raw, "current_state", "order")),
        date_created=lookups.clock.read(raw.get("date_add")),
        date_modified=lookups.clock.read(raw.get("date_upd")),
    )


def _fields(value: Address) -> dict[str, str]:
    return {name: getattr(value, name) for name in Address.__dataclass_fields__}


def note_from_customer_message(
    raw: Mapping[str, Any], clock: ShopClock, *, customer_name: str = ""
) -> Note:
    """A message of a customer thread: the customer's (no employee), staff's to the
    customer (`private=0`), or staff's private note (`private=1`)."""
    employee = integer(raw, "id_employee", "customer_message")
    private = text(raw, "private") == "1"
    from_customer = employee == 0
    return Note(
        id=integer(raw, "id", "customer_message"),
        note=text(raw, "message"),
        author=(customer_name or "customer") if from_customer else f"employee {employee}",
        customer_note=not private and not from_customer,
        date_created=clock.read(raw.get("date_add")),
        from_customer=from_customer and not private,
    )


#: `messages` (PrestaShop's older order messages) share no ids with customer messages:
#: theirs are shifted past any customer message id so the two never collide.
LEGACY_MESSAGE_OFFSET = 1_000_000_000


def note_from_message(raw: Mapping[str, Any], clock: ShopClock) -> Note:
    """An entry of the older `messages` resource (private notes on the order)."""
    employee = integer(raw, "id_employee", "message")
    private = text(raw, "private") != "0"
    return Note(
        id=LEGACY_MESSAGE_OFFSET + integer(raw, "id", "message"),
        note=text(raw, "message"),
        author=f"employee {employee}" if employee else "customer",
        customer_note=not private and bool(employee),
        date_created=clock.read(raw.get("date_add")),
        from_customer=not employee and not private,
    )


def customer(
    raw: Mapping[str, Any], lookups: Lookups, addresses: Iterable[Mapping[str, Any]] = ()
) -> Customer:
    email = text(raw, "email")
    first = next(iter(addresses), None)
    return Customer(
        id=integer(raw, "id", "customer"),
        email=email,
        first_name=text(raw, "firstname"),
        last_name=text(raw, "lastname"),
        billing=address(first, lookups, email),
        shipping=address(first, lookups),
        date_created=lookups.clock.read(raw.get("date_add")),
    )


def product(raw: Mapping[str, Any], stock: Mapping[int, int], clock: ShopClock) -> Product:
    product_id = integer(raw, "id", "product")
    quantity = stock.get(product_id)
    weight = money(raw, "weight", "product") if raw.get("weight") not in (None, "") else None
    return Product(
        id=product_id,
        name=text(raw, "name"),
        sku=text(raw, "reference"),
        global_unique_id=text(raw, "ean13"),
        price=money(raw, "price", "product"),
        regular_price=money(raw, "price", "product"),
        manage_stock=quantity is not None,
        stock_quantity=quantity,
        stock_status="instock" if quantity is None or quantity > 0 else "outofstock",
        weight=weight,
        date_modified=clock.read(raw.get("date_upd")),
    )


def tracking(raw: Mapping[str, Any], carrier: str = "") -> ShipmentTracking:
    return ShipmentTracking(
        tracking_id=str(integer(raw, "id", "order_carrier")),
        tracking_number=text(raw, "tracking_number"),
        tracking_provider=carrier,
        date_shipped=text(raw, "date_add")[:10],
    )
