"""Pack verification: counting scans, refusing wrong items and over-scans, counts by hand."""

from __future__ import annotations

from decimal import Decimal

from client.model import Address, LineItem, Order, Product
from tui.packing import PackState, shipped_message, tracking_text


def _order() -> Order:
    return Order(
        id=10,
        number="1010",
        status="processing",
        billing=Address(first_name="Élodie", last_name="Lefèvre"),
        line_items=(
            LineItem(id=1, name="Blue Mug", product_id=100, quantity=2, sku="MUG-BLU"),
            LineItem(
                id=2,
                name="Red Scarf",
                product_id=200,
                variation_id=201,
                quantity=1,
                sku="SCARF-RED",
            ),
            LineItem(id=3, name="Gift wrap", quantity=1),
            LineItem(id=4, name="Refunded Pin", product_id=300, quantity=1, sku="PIN"),
        ),
    )


PRODUCTS = {
    100: Product(id=100, name="Blue Mug", sku="MUG-BLU", global_unique_id="4006381333931"),
    201: Product(id=201, name="Red Scarf", sku="SCARF-RED", global_unique_id="012345678905"),
    300: Product(id=300, name="Pin", sku="PIN", weight=Decimal("0.01")),
}


def _state() -> PackState:
    return PackState.from_order(_order(), PRODUCTS, refunded={4: 1})


def test_lines_need_their_quantity_less_what_was_refunded():
    state = _state()
    assert [(line.name, line.needed) for line in state.lines] == [
        ("Blue Mug", 2),
        ("Red Scarf", 1),
        ("Gift wrap", 1),
    ]
    assert state.lines[1].gtin == "012345678905"  # the variation's own GTIN
    assert not state.lines[2].scannable


def test_each_scan_of_sku_or_ean_counts_one():
    state = _state()
    first = state.scan("MUG-BLU")
    assert first.ok and first.line == 0 and state.lines[0].packed == 1
    assert "1 of 2" in first.message
    assert state.scan("4006381333931").ok  # the mug's EAN
    assert state.scan("0012345678905").ok  # the scarf's UPC-A read as EAN-13
    assert [line.packed for line in state.lines] == [2, 1, 0]
    assert not state.complete


def test_a_wrong_item_is_refused_and_counts_nothing():
    state = _state()
    outcome = state.scan("TEAPOT-GRN")
    assert outcome.kind == "wrong_item" and not outcome.ok
    assert "TEAPOT-GRN" in outcome.message and "Nothing counted" in outcome.message
    assert state.packed == 0


def test_one_too_many_is_refused_naming_the_line():
    state = _state()
    state.scan("MUG-BLU")
    state.scan("MUG-BLU")
    outcome = state.scan("MUG-BLU")
    assert outcome.kind == "too_many" and outcome.line == 0
    assert "Blue Mug (MUG-BLU)" in outcome.message and "needs 2" in outcome.message
    assert state.lines[0].packed == 2


def test_refunded_items_cannot_be_scanned_in():
    state = _state()
    assert state.scan("PIN").kind == "wrong_item"


def test_counts_by_hand_stay_between_zero_and_needed():
    state = _state()
    assert state.adjust(2, 1).ok
    assert state.adjust(2, 1).kind == "refused"
    assert state.lines[2].packed == 1
    assert state.adjust(1, -1).kind == "refused"
    assert state.fill(0).ok and state.lines[0].packed == 2
    assert state.reset(0).ok and state.lines[0].packed == 0
    assert state.adjust(7, 1).kind == "refused"


def test_complete_when_every_line_is_packed_and_summary_tells_scan_from_hand():
    state = _state()
    for code in ("MUG-BLU", "MUG-BLU", "SCARF-RED"):
        state.scan(code)
    state.adjust(2, 1)
    assert state.complete
    assert state.summary() == "3 items verified by scan, 1 counted by hand"


def test_an_order_with_nothing_to_pack_is_never_complete():
    order = Order(id=1, line_items=(LineItem(id=1, name="x", quantity=1, sku="X"),))
    assert not PackState.from_order(order, refunded={1: 1}).complete


def test_shipped_message_fills_the_staff_template_with_carrier_and_number():
    text = shipped_message(
        _order(),
        carrier="Colissimo",
        tracking="6A12345678901",
        shop_name="Atelier",
        template="Bonjour {first_name}, suivi : {tracking_number}. {shop_name}",
        lang="fr",
    )
    assert text == "Bonjour Élodie, suivi : 6A12345678901 (Colissimo). Atelier"


def test_shipped_message_adds_tracking_a_template_forgot():
    text = shipped_message(
        _order(), carrier="UPS", tracking="1Z999", shop_name="S", template="Shipped! {shop_name}"
    )
    assert text.splitlines() == ["Shipped! S", "Tracking number: 1Z999 (UPS)"]


def test_shipped_message_never_sends_an_unfilled_placeholder():
    guest = Order(id=2, number="2002", billing=Address(company="ACME"))
    text = shipped_message(
        guest,
        carrier="DHL",
        tracking="123",
        shop_name="S",
        template="Hello {first_name}, {tracking_number}",
    )
    assert "{" not in text
    assert "2002" in text and "DHL" in text and "123" in text


def test_tracking_text_without_carrier_is_just_the_number():
    assert tracking_text("", "123") == "123"
    assert tracking_text("GLS", "123") == "123 (GLS)"
