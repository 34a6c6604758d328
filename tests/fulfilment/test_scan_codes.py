"""What a scanned code means: order references, product codes, carriers."""

from __future__ import annotations

import pytest

from tui.scan_codes import (
    OrderCode,
    carrier_from_shipping,
    clean_code,
    code_matches,
    guess_carrier,
    looks_like_order_code,
    parse_order_code,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", OrderCode("number", "1234")),
        ("#1234", OrderCode("number", "1234")),
        ("  #1234\r", OrderCode("number", "1234")),
        ("ORD-77", OrderCode("number", "ORD-77")),
        ("wc_order_kc6VbCO0wvHnC", OrderCode("key", "wc_order_kc6VbCO0wvHnC")),
        (
            "https://shop.example/checkout/order-received/1234/?key=wc_order_abc123",
            OrderCode("key", "wc_order_abc123", 1234),
        ),
        ("https://shop.example/my-account/view-order/88/", OrderCode("number", "88", 88)),
    ],
)
def test_order_codes_are_read_as_staff_and_scanners_give_them(raw, expected):
    assert parse_order_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "#", "\t\r\n"])
def test_an_empty_scan_is_no_order_code(raw):
    assert parse_order_code(raw) is None


def test_scanner_noise_is_removed_before_reading():
    # A GS1 group separator, a tab suffix and full-width digits from an IME.
    assert clean_code("\x1d4006381333931\t") == "4006381333931"
    assert clean_code("１２３４") == "1234"


def test_only_unmistakable_order_codes_are_told_apart_from_product_codes():
    assert looks_like_order_code("#1234")
    assert looks_like_order_code("wc_order_abc")
    assert not looks_like_order_code("1234")
    assert not looks_like_order_code("4006381333931")


def test_sku_matches_ignoring_case_and_spaces():
    assert code_matches("mug-blu", sku="MUG-BLU")
    assert code_matches(" MUG-BLU\r", sku="MUG-BLU")
    assert not code_matches("MUG-BL", sku="MUG-BLU")
    assert not code_matches("", sku="")


def test_gtin_matches_whatever_leading_zeros_the_scanner_adds():
    upc_a = "012345678905"
    assert code_matches(upc_a, gtin="0012345678905")  # stored as EAN-13
    assert code_matches("0012345678905", gtin=upc_a)  # scanner set to EAN-13
    assert code_matches("00012345678905", gtin=upc_a)  # GTIN-14
    assert not code_matches("012345678906", gtin=upc_a)
    assert not code_matches("MUG-BLU", gtin=upc_a)


@pytest.mark.parametrize(
    ("tracking", "carrier"),
    [
        ("1Z999AA10123456784", "UPS"),
        ("6A12345678901", "Colissimo"),
        ("RR123456785FR", "La Poste"),
        ("RR123456785GB", "Royal Mail"),
        ("12345", None),
        ("RR123456785ZZ", None),
    ],
)
def test_carrier_guessed_from_tracking_number_format(tracking, carrier):
    assert guess_carrier(tracking) == carrier


def test_carrier_taken_from_the_orders_shipping_method():
    assert carrier_from_shipping("Chronopost Express") == "Chronopost"
    assert carrier_from_shipping("Colissimo") == "Colissimo"
    assert carrier_from_shipping("Free shipping") is None
