"""`Order.from_wc`'s lean reader gives exactly what the checking reader gives.

The lean reader (what a load of 100,000 queue orders goes through) only handles the usual
types and falls back to the checking reader for anything else; these tests hold both to the
same result on every order the project has seen: the real store's captures, the docs'
examples, the reference shop's seeded orders (whole and trimmed by `_fields`), and the
quirks the checking reader tolerates or rejects. "Same" is compared by `repr`, so
`Decimal("1.50")` against `Decimal("1.5")` (equal as numbers) would still differ.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.errors import ModelError
from client.feed import LiveFeed
from client.model import EMPTY_ADDRESS, Order
from client.protocol import LIST_FIELDS
from shop.fields import apply_fields, parse_fields
from tests.client.wc_captures import CAPTURES

SHARED = Path("/work/shared")


def _orders_in(value: Any) -> list[dict[str, Any]]:
    """Every JSON object in `value` that looks like a wc/v3 order."""
    found = []
    if isinstance(value, dict):
        if "line_items" in value and "status" in value and "order_key" in value:
            found.append(value)
        for item in value.values():
            found.extend(_orders_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_orders_in(item))
    return found


def _captured_orders() -> list[dict[str, Any]]:
    roots = [CAPTURES, *([SHARED] if SHARED.is_dir() else [])]
    orders = []
    for root in roots:
        for path in sorted(root.rglob("*.json")):
            try:
                orders.extend(_orders_in(json.loads(path.read_text())))
            except (ValueError, UnicodeDecodeError):
                continue
    return orders


def _trimmed(order: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    tree = parse_fields(list(fields))
    assert tree is not None
    return apply_fields(order, tree)


def _same(data: Any) -> Order:
    lean = Order.from_wc(data, etag='"7-3"')
    checked = Order._from_wc_checked(data, etag='"7-3"')
    assert repr(lean) == repr(checked)
    return lean


def _same_error(data: Any) -> None:
    with pytest.raises(ModelError) as lean:
        Order.from_wc(data)
    with pytest.raises(ModelError) as checked:
        Order._from_wc_checked(data)
    assert (lean.value.field, lean.value.message) == (checked.value.field, checked.value.message)


def test_captured_orders_read_the_same_whole_and_trimmed() -> None:
    orders = _captured_orders()
    assert len(orders) >= 10  # the real store's captures and the docs' examples
    feed = LiveFeed(client=None).fields  # type: ignore[arg-type]
    for order in orders:
        _same(order)
        _same(_trimmed(order, LIST_FIELDS))
        _same(_trimmed(order, feed))
        _same(_trimmed(order, ("id", "date_modified_gmt")))


def test_seeded_shop_orders_read_the_same(template_db: Path) -> None:
    conn = sqlite3.connect(template_db)
    try:
        docs = [json.loads(doc) for (doc,) in conn.execute("SELECT doc FROM orders")]
    finally:
        conn.close()
    assert docs
    for doc in docs:
        whole = _same(doc)
        light = _same(_trimmed(doc, LIST_FIELDS))
        assert (light.id, light.status, light.total) == (whole.id, whole.status, whole.total)
        assert [line.sku for line in light.line_items] == [line.sku for line in whole.line_items]


BASE = {
    "id": 7,
    "number": "7",
    "status": "processing",
    "currency": "EUR",
    "total": "12.50",
    "date_created_gmt": "2026-03-01T10:00:00",
    "billing": {"first_name": "Zoé", "last_name": "L&#8217;Hôte", "email": "z@example.fr"},
    "line_items": [{"id": 1, "name": "Mug &amp; Co", "quantity": 2, "sku": "MUG"}],
}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"total": 12.5, "line_items": [{"id": 1, "price": 6.25, "quantity": "2"}]},
        {"id": "7", "number": None},
        {"number": "", "status": None, "currency": None},
        {"customer_id": "", "total": "", "discount_total": " 1.50 "},
        {"date_created_gmt": "", "date_created": "2026-03-01T11:00:00+01:00"},
        {"date_created_gmt": None, "date_created": "2026-03-01T10:00:00Z"},
        {"date_created_gmt": "2026-03-01 10:00:00", "date_paid_gmt": "2026-03-02T10:00:00"},
        {"billing": None, "shipping": {}},
        {"billing": {"first_name": None, "city": "Saint-&Eacute;tienne", "country": "FR"}},
        {"prices_include_tax": "yes", "is_editable": 1, "needs_payment": False},
        {"line_items": None, "meta_data": []},
        {"line_items": [{"id": 2, "meta_data": [{"id": 3, "key": "_reduced", "value": "2"}]}]},
        {"meta_data": [{"id": "", "key": None, "value": {"a": 1}}]},
        {"shipping_lines": [{"id": 4, "method_title": "Colissimo", "total": "6.90"}]},
        {"refunds": [{"id": 9, "reason": "", "total": "-2.00"}], "fee_lines": []},
        {"unknown_extension_field": {"x": 1}, "_links": {"self": []}},
    ],
)
def test_quirks_read_the_same(change: dict[str, Any]) -> None:
    _same({**BASE, **change})


@pytest.mark.parametrize(
    "change",
    [
        {"total": "twelve"},
        {"total": "NaN"},
        {"total": True},
        {"id": "seven"},
        {"status": ["processing"]},
        {"date_created_gmt": "yesterday"},
        {"date_created_gmt": 20260301},
        {"billing": "nobody"},
        {"billing": []},
        {"line_items": {}},
        {"line_items": ""},
        {"line_items": [{"id": 1, "quantity": 1.5}]},
        {"meta_data": {}},
        {"is_editable": "maybe"},
    ],
)
def test_bad_values_fail_the_same_way(change: dict[str, Any]) -> None:
    _same_error({**BASE, **change})


def test_not_an_object_fails_the_same_way() -> None:
    _same_error([BASE])
    _same_error("order")


def test_lean_reading_shares_what_repeats() -> None:
    first = Order.from_wc({"id": 1, "status": "on-hold", "total": "24.90"})
    second = Order.from_wc({"id": 2, "status": "on" + "-hold", "total": "24.90"})
    assert first.billing is EMPTY_ADDRESS and second.shipping is EMPTY_ADDRESS
    assert first.status is second.status
    assert first.total == Decimal("24.90") and str(second.total) == "24.90"
    assert first.number == "1" and second.date_created is None


def test_repeated_light_lines_and_addresses_are_read_once_and_shared() -> None:
    billing = {"first_name": "Zoé", "last_name": "Martin", "email": "z@example.fr"}
    first, second = (
        _same({"id": n, "billing": dict(billing), "line_items": [{"quantity": 2, "sku": "MUG"}]})
        for n in (1, 2)
    )
    assert first.billing is second.billing
    assert first.line_items[0] is second.line_items[0]
    assert (first.line_items[0].quantity, first.line_items[0].sku) == (2, "MUG")


@pytest.mark.parametrize("quantity", [1.0, True, "1"])
def test_a_shared_line_is_not_reused_for_input_equal_only_as_a_number(quantity: Any) -> None:
    """1, 1.0 and True are equal dict keys; the reader must still treat each as sent."""
    _same({"id": 1, "line_items": [{"quantity": 1, "sku": "CUP"}]})
    changed = {"id": 2, "line_items": [{"quantity": quantity, "sku": "CUP"}]}
    try:
        _same(changed)
    except ModelError:
        _same_error(changed)


def test_slot_builder_makes_the_object_the_constructor_makes() -> None:
    from client.model import Address, LineItem
    from client.slot_builder import slot_builder

    values = {"id": 5, "status": "completed", "total": Decimal("3.10"), "etag": '"5-2"'}
    built = slot_builder(Order)(values)
    assert built == Order(**values) and repr(built) == repr(Order(**values))
    assert slot_builder(Address)({}) == EMPTY_ADDRESS
    assert slot_builder(LineItem)({"id": 1, "name": "Mug"}).meta_data == ()
    with pytest.raises(KeyError):
        slot_builder(Order)({"status": "completed"})  # `id` has no default


def test_slot_builder_refuses_what_it_would_build_wrong() -> None:
    from dataclasses import dataclass

    from client.slot_builder import slot_builder

    @dataclass(frozen=True, slots=True)
    class Checked:
        amount: int = 0

        def __post_init__(self) -> None:
            if self.amount < 0:
                raise ValueError("negative")

    @dataclass(frozen=True)
    class Unslotted:
        amount: int = 0

    for cls in (Checked, Unslotted):
        with pytest.raises(TypeError):
            slot_builder(cls)
