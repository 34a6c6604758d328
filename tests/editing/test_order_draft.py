"""The edit draft: quantities, stock and backorders, the gate on editable statuses, and the
PUT body it sends."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from client.model import Order, Product
from tui.order_draft import OrderDraft, ShippingChoice, parse_amount, parse_quantity

ADDRESS = {
    "first_name": "Anaïs",
    "last_name": "Martin",
    "company": "",
    "address_1": "12 rue de la Paix",
    "address_2": "",
    "city": "Paris",
    "state": "",
    "postcode": "75002",
    "country": "FR",
    "email": "anais@example.fr",
    "phone": "",
}


def order(status: str = "pending", **extra: Any) -> Order:
    data = {
        "id": 100,
        "number": "100",
        "status": status,
        "currency": "EUR",
        "is_editable": status in ("pending", "on-hold"),
        "billing": ADDRESS,
        "shipping": {k: v for k, v in ADDRESS.items() if k != "email"},
        "line_items": [
            {"id": 1, "name": "Blue Mug", "product_id": 10, "quantity": 2, "total": "20.00"},
            {"id": 2, "name": "Red Pen", "product_id": 20, "quantity": 1, "total": "5.00"},
        ],
        "shipping_lines": [
            {"id": 9, "method_id": "flat_rate", "method_title": "Colissimo", "total": "6.90"}
        ],
        **extra,
    }
    return Order.from_wc(data)


def product(pid: int, stock: int | None, backorders: str = "no", **extra: Any) -> Product:
    return Product.from_wc(
        {
            "id": pid,
            "name": f"Product {pid}",
            "price": "10.00",
            "manage_stock": stock is not None,
            "stock_quantity": stock,
            "backorders": backorders,
            **extra,
        }
    )


def draft(status: str = "pending", **products: Product) -> OrderDraft:
    return OrderDraft(order(status), products={p.id: p for p in products.values()})


def test_nothing_to_save_at_first() -> None:
    assert draft().changes() == {}
    assert not draft().dirty


def test_quantity_change_and_removal_become_line_updates() -> None:
    d = draft(mug=product(10, 50))
    assert d.set_quantity("line:1", 3).ok
    assert d.toggle_remove("line:2").ok
    assert d.changes() == {"line_items": [{"id": 1, "quantity": 3}, {"id": 2, "quantity": 0}]}
    assert d.describe() == ["Blue Mug 2 → 3", "removed Red Pen"]
    assert d.toggle_remove("line:2").ok  # brought back
    assert d.changes() == {"line_items": [{"id": 1, "quantity": 3}]}


def test_zero_or_negative_quantity_is_refused_with_a_message() -> None:
    d = draft()
    for bad in (0, -2):
        verdict = d.set_quantity("line:1", bad)
        assert not verdict.ok and verdict.severity == "error"
        assert "at least 1" in verdict.message and "remove it" in verdict.message
    verdict = d.change_quantity("line:2", -1)
    assert not verdict.ok
    assert d.changes() == {}


def test_typed_quantities_and_amounts() -> None:
    assert parse_quantity(" 4 ") == 4
    assert "at least 1" in str(parse_quantity("0"))
    assert "at least 1" in str(parse_quantity("-3"))
    assert "not a whole number" in str(parse_quantity("2.5"))
    assert parse_amount("6,90") == Decimal("6.90")
    assert "not an amount" in str(parse_amount("-1"))
    assert "not an amount" in str(parse_amount("abc"))


def test_new_product_line_is_sent_by_product_id() -> None:
    d = draft()
    verdict = d.add_product(product(30, 5))
    assert verdict.ok and "Added 1 × Product 30" in verdict.message
    d.add_product(product(30, 5), 2)  # the same product again adds to the new line
    assert d.changes() == {"line_items": [{"product_id": 30, "quantity": 3}]}
    new_key = d.lines[-1].key
    d.toggle_remove(new_key)
    assert d.changes() == {}


def test_out_of_stock_without_backorders_is_refused() -> None:
    d = draft()
    verdict = d.add_product(product(30, 0))
    assert not verdict.ok and verdict.severity == "error"
    assert "does not allow backorders" in verdict.message
    assert d.changes() == {}


def test_out_of_stock_with_backorders_is_allowed_with_a_warning() -> None:
    d = draft()
    verdict = d.add_product(product(30, 1, backorders="notify"), 3)
    assert verdict.ok and verdict.severity == "warning"
    assert "only 1 in stock; 2 will be on backorder" in verdict.message
    assert d.changes() == {"line_items": [{"product_id": 30, "quantity": 3}]}


def test_unmanaged_out_of_stock_product_is_refused() -> None:
    unmanaged = product(30, None, stock_status="outofstock")
    verdict = draft().add_product(unmanaged)
    assert not verdict.ok and "out of stock" in verdict.message


def test_pending_order_needs_the_whole_quantity_in_stock() -> None:
    # Pending holds no stock yet: going from 2 to 4 needs 4, and only 3 are there.
    d = draft("pending", mug=product(10, 3))
    verdict = d.set_quantity("line:1", 4)
    assert not verdict.ok
    assert "only 3 in stock" in verdict.message
    assert d.set_quantity("line:1", 3).ok


def test_on_hold_order_needs_only_the_increase() -> None:
    # On hold already took 2 from stock: going to 4 takes 2 more, and 3 are left.
    d = draft("on-hold", mug=product(10, 3))
    assert d.set_quantity("line:1", 4).ok
    assert not d.set_quantity("line:1", 6).ok


def test_lowering_a_quantity_is_never_refused_for_stock() -> None:
    d = draft("pending", mug=product(10, 0))
    assert d.set_quantity("line:1", 1).ok


def test_items_and_shipping_are_locked_outside_editable_statuses_but_addresses_are_not() -> None:
    d = draft("processing")
    for verdict in (
        d.set_quantity("line:1", 3, status_label="Processing"),
        d.add_product(product(30, 5), status_label="Processing"),
        d.toggle_remove("line:1", status_label="Processing"),
        d.set_shipping(
            ShippingChoice("local_pickup", "Local pickup", Decimal(0)), status_label="Processing"
        ),
    ):
        assert not verdict.ok
        assert "the order is Processing" in verdict.message
        assert "Pending payment or On hold" in verdict.message
    assert d.set_address("shipping", {**ADDRESS, "city": "Lyon", "postcode": "69001"}) == []
    assert d.changes() == {"shipping": {"city": "Lyon", "postcode": "69001"}}


def test_invalid_address_is_not_taken() -> None:
    d = draft()
    problems = d.set_address("billing", {**ADDRESS, "postcode": "7500"})
    assert [p.field for p in problems] == ["postcode"]
    assert d.changes() == {}


def test_shipping_method_updates_the_existing_shipping_line() -> None:
    d = draft()
    d.set_shipping(ShippingChoice("local_pickup", "Local pickup", Decimal("0")))
    assert d.changes() == {
        "shipping_lines": [
            {"id": 9, "method_id": "local_pickup", "method_title": "Local pickup", "total": "0"}
        ]
    }
    # Choosing the current method again leaves nothing to send.
    d.set_shipping(ShippingChoice("flat_rate", "Colissimo", Decimal("6.90")))
    assert d.changes() == {}


def test_shipping_method_is_added_when_the_order_has_none() -> None:
    d = OrderDraft(order(shipping_lines=[]))
    d.set_shipping(ShippingChoice("flat_rate", "Chronopost", Decimal("12.90")))
    assert d.changes() == {
        "shipping_lines": [
            {"method_id": "flat_rate", "method_title": "Chronopost", "total": "12.90"}
        ]
    }
