"""How the statuses of several shops become one list, and what the picker may offer."""

from __future__ import annotations

from client.protocol import ShopStatus
from tui.status_sets import common_slugs, merge_statuses


def test_shared_core_status_named_differently_takes_the_consoles_name() -> None:
    merged = merge_statuses({
        "woo": [ShopStatus("processing"), ShopStatus("pending")],
        "ps": [
            ShopStatus("processing", "Payment accepted", "#3498D8"),
            ShopStatus("ps-5", "Delivered", "#01B887"),
        ],
    })
    assert merged == [
        ShopStatus("processing"),
        ShopStatus("pending"),
        ShopStatus("ps-5", "Delivered", "#01B887"),
    ]


def test_shops_that_agree_keep_their_name_and_colour() -> None:
    both = [ShopStatus("completed", "Shipped", "#8A2BE2")]
    assert merge_statuses({"a": both, "b": both}) == both


def test_a_shop_only_slug_named_differently_keeps_the_first_shops_name() -> None:
    merged = merge_statuses({
        "fr": [ShopStatus("ps-3", "En cours de préparation", "#FF8C00")],
        "de": [ShopStatus("ps-3", "In Vorbereitung", "#FF8C00")],
    })
    assert merged == [ShopStatus("ps-3", "En cours de préparation", "#FF8C00")]


def test_common_slugs_are_what_every_shop_has() -> None:
    woo = frozenset({"pending", "processing", "completed"})
    ps = frozenset({"processing", "completed", "ps-5"})
    assert common_slugs([woo, ps]) == {"processing", "completed"}
    assert common_slugs([ps]) == ps
    assert common_slugs([]) is None
