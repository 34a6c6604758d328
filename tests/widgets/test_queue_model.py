"""QueueModel without Textual: filters, search, sort and incremental updates."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from decimal import Decimal

import pytest

from client.model import Order
from tui.queue_model import QueueModel, fold, search_key


def ids(model: QueueModel) -> list[int]:
    return list(model.view)


def test_default_view_is_newest_first(order_factory):
    orders = [order_factory(i, minutes_ago=m) for i, m in ((1, 30), (2, 10), (3, 20))]
    model = QueueModel(orders)
    assert ids(model) == [2, 3, 1]
    assert model.sort_key == "date" and model.descending


def test_equal_dates_fall_back_to_the_id(order_factory):
    model = QueueModel([order_factory(i, minutes_ago=5) for i in (4, 2, 9, 1)])
    assert ids(model) == [9, 4, 2, 1]
    model.set_sort(descending=False)
    assert ids(model) == [1, 2, 4, 9]


@pytest.mark.parametrize(
    ("sort_key", "descending", "expected"),
    [
        ("number", False, [1, 2, 3, 4]),  # "9" < "10" < "WC-1": numbers by value, then text
        ("number", True, [4, 3, 2, 1]),
        ("total", True, [3, 1, 4, 2]),
        ("total", False, [2, 4, 1, 3]),
        ("status", False, [2, 1, 4, 3]),  # pending, processing, completed, then custom
    ],
)
def test_sorts(order_factory, sort_key, descending, expected):
    orders = [
        order_factory(1, number="9", total="20.00", status="processing"),
        order_factory(2, number="10", total="5.50", status="pending"),
        order_factory(3, number="WC-1", total="100.00", status="ready-pickup"),
        order_factory(4, number="WC-2", total="5.60", status="completed"),
    ]
    model = QueueModel(orders)
    assert model.set_sort(sort_key, descending)
    assert ids(model) == expected


def test_unknown_sort_key_is_refused(order_factory):
    model = QueueModel([order_factory(1)])
    with pytest.raises(ValueError, match="unknown sort key"):
        model.set_sort("colour")
    assert model.sort_key == "date"


def test_status_filter_narrows_and_empty_shows_all(orders_factory):
    model = QueueModel(orders_factory(70))
    model.status_filter = {"processing", "on-hold"}
    assert model.view and all(model[i].status in ("processing", "on-hold") for i in model.view)
    assert model.shown == 20
    model.set_status_filter(())
    assert model.shown == model.total == 70


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("elodie", {2}),  # accent-insensitive
        ("ÉLODIE", {2}),
        ("muller", {3}),  # ü -> u
        ("søren", {4}),
        ("soren", {4}),
        ("anna@shop.test", {1}),  # email
        ("acme", {3}),  # company
        ("#1002", {2}),  # number with '#'
        ("1003", {3}),  # number without '#'
        ("blu-m", {1, 4}),  # SKU of any line
        ("red-xl", {4}),
        ("dupont élodie", {2}),  # every word, any order
        ("anna dupont", set()),  # words from two different orders match nothing
        ("", {1, 2, 3, 4}),
    ],
)
def test_search_matches_number_name_email_company_and_sku(order_factory, query, expected):
    model = QueueModel(
        [
            order_factory(
                1,
                number="1001",
                first="Anna",
                last="Smith",
                email="anna@shop.test",
                skus=("BLU-M",),
            ),
            order_factory(2, number="1002", first="Élodie", last="Dupont"),
            order_factory(3, number="1003", first="Jürgen", last="Müller", company="ACME GmbH"),
            order_factory(4, number="1004", first="Søren", last="Berg", skus=("RED-XL", "BLU-M")),
        ]
    )
    model.search = query
    assert set(model.view) == expected


def test_search_words_do_not_match_across_fields(order_factory):
    model = QueueModel([order_factory(1, first="Anna", last="Smith", email="x@y.z")])
    model.search = "smithx"  # "Smith" then "x@y.z" in the next field
    assert ids(model) == []


def test_typing_a_search_letter_by_letter_gives_the_same_result_as_pasting(orders_factory):
    model = QueueModel(orders_factory(500))
    typed = ""
    for letter in "jürgen mü":
        typed += letter
        model.search = typed
        fresh = QueueModel(model)
        fresh.search = typed
        assert ids(model) == ids(fresh), typed
    for _ in range(4):  # backspacing widens again
        typed = typed[:-1]
        model.search = typed
        fresh = QueueModel(model)
        fresh.search = typed
        assert ids(model) == ids(fresh), typed


def test_search_combines_with_the_status_filter(orders_factory):
    model = QueueModel(orders_factory(140))
    model.set_filter(statuses={"processing"}, search="anna")
    assert model.view
    for order_id in model.view:
        order = model[order_id]
        assert order.status == "processing" and order.billing.first_name == "Anna"


def test_extra_ids_from_the_server_show_until_the_search_changes(order_factory):
    model = QueueModel([order_factory(1, first="Anna"), order_factory(2, first="Bram")])
    model.search = "anna"
    model.extra_ids = {2}  # the server found #2 by something we do not hold locally
    assert set(model.view) == {1, 2}
    model.search = "ann"
    assert set(model.view) == {1}
    assert model.extra_ids == frozenset()
    model.set_filter(search="zzz", extra_ids={2})
    assert ids(model) == [2]


def test_extra_ids_still_obey_the_status_filter(order_factory):
    model = QueueModel([order_factory(1, status="completed")])
    model.set_filter(statuses={"processing"}, search="nobody", extra_ids={1})
    assert ids(model) == []


def test_upsert_inserts_a_new_order_in_sorted_place(orders_factory, order_factory):
    model = QueueModel(orders_factory(50))
    before = ids(model)
    newest = order_factory(1000, minutes_ago=-1)
    middle = order_factory(1001, created=model[before[10]].date_created)
    result = model.upsert([newest, middle])
    assert result.added == (1000, 1001) and result.new_ids == result.added
    assert set(result.entered) == {1000, 1001}
    assert result.changed == () and result.left == ()
    view = ids(model)
    assert view[0] == 1000
    assert view.index(1001) == 11  # same date as before[10]; ties by id, newest id first
    assert model.index_of(1001) == 11


def test_upsert_of_an_unchanged_order_reports_nothing(order_factory):
    order = order_factory(1)
    model = QueueModel([order])
    result = model.upsert([dataclasses.replace(order)])
    assert not result
    assert not result.view_changed


def test_status_change_moves_an_order_out_of_the_filtered_view(order_factory):
    order = order_factory(1, status="processing")
    model = QueueModel([order, order_factory(2, status="processing")])
    model.status_filter = {"processing"}
    result = model.upsert([dataclasses.replace(order, status="completed")])
    assert result.changed == (1,) and result.left == (1,)
    assert ids(model) == [2]
    back = model.upsert([dataclasses.replace(order, status="processing")])
    assert back.entered == (1,)
    assert ids(model) == [1, 2]  # back in its place: #1 is the newer


def test_a_change_of_sort_key_repositions_the_order(order_factory):
    model = QueueModel([order_factory(i, total=f"{i}.00") for i in (1, 2, 3)])
    model.set_sort("total", descending=True)
    assert ids(model) == [3, 2, 1]
    result = model.upsert([dataclasses.replace(model[1], total=Decimal("9.00"))])
    assert result.moved == (1,)
    assert ids(model) == [1, 3, 2]


def test_counts_by_status_follow_upserts_and_removes(orders_factory, order_factory):
    orders = orders_factory(30)
    model = QueueModel(orders)
    model.status_filter = {"failed"}  # counts cover all orders, not the view
    assert model.counts_by_status() == dict(Counter(o.status for o in orders))
    model.upsert([dataclasses.replace(model[1], status="completed"), order_factory(99)])
    model.remove([2, 3, 12345])
    expected = Counter(o.status for o in orders if o.id not in (2, 3))
    expected[orders[0].status] -= 1
    expected["completed"] += 1
    expected["processing"] += 1
    assert model.counts_by_status() == {s: n for s, n in expected.items() if n}
    assert len(model) == model.total == 29


def test_remove_reports_what_left_the_view(order_factory):
    model = QueueModel([order_factory(i) for i in (1, 2, 3)])
    model.status_filter = {"processing"}
    result = model.remove([2, 7])
    assert result.removed == (2,) and result.left == (2,)
    assert ids(model) == [1, 3]
    assert model.get(2) is None and 2 not in model
    with pytest.raises(KeyError):
        model[2]


def test_nearest_index_points_at_the_row_that_followed(order_factory):
    model = QueueModel([order_factory(i) for i in range(1, 6)])  # view: 1..5 (1 newest)
    key = model.sort_key_of(3)
    model.status_filter = {"nothing"}
    assert model.nearest_index(key) is None
    model.status_filter = ()
    model.remove([3])
    assert ids(model) == [1, 2, 4, 5]
    assert model.view[model.nearest_index(key)] == 4
    model.set_sort(descending=False)  # view: 5, 4, 2, 1
    key = model.sort_key_of(1)
    model.remove([1])
    assert model.view[model.nearest_index(key)] == 2  # it was last: the new last row


def test_replace_all_drops_orders_the_shop_no_longer_lists(order_factory):
    model = QueueModel([order_factory(i) for i in (1, 2, 3)])
    result = model.replace_all([order_factory(2), order_factory(4)])
    assert result.removed == (1, 3) and result.added == (4,)
    assert set(model.view) == {2, 4}


def test_a_big_batch_gives_the_same_view_as_one_by_one(orders_factory):
    orders = orders_factory(6000)
    model = QueueModel(orders[:1000])
    model.set_filter(statuses={"processing", "pending"}, search="a")
    changed = [dataclasses.replace(o, status="pending") for o in orders[:500]]
    result = model.upsert(orders[1000:] + changed)  # over the rebuild threshold
    reference = QueueModel(model)
    reference.set_filter(statuses={"processing", "pending"}, search="a")
    assert ids(model) == ids(reference)
    assert len(result.added) == 5000 and len(result.changed) <= 500
    entered = set(result.entered)
    assert all(order_id in entered for order_id in result.added if order_id in reference.view)


def test_random_updates_keep_the_view_equal_to_a_fresh_computation(orders_factory):
    """Many small upserts/removes/filter changes: the incremental view never drifts."""
    rng = random.Random(7)
    orders = {o.id: o for o in orders_factory(400)}
    model = QueueModel(orders.values())
    statuses = ("processing", "pending", "completed", "failed")
    next_id = 1000
    for step in range(300):
        action = rng.random()
        if action < 0.35:
            order = orders[rng.choice(list(orders))]
            changed = dataclasses.replace(
                order,
                status=rng.choice(statuses),
                total=Decimal(rng.randint(0, 50)),
            )
            orders[order.id] = changed
            model.upsert([changed])
        elif action < 0.55:
            source = orders[rng.choice(list(orders))]
            new = dataclasses.replace(source, id=next_id, number=str(next_id))
            next_id += 1
            orders[new.id] = new
            model.upsert([new])
        elif action < 0.7:
            victim = rng.choice(list(orders))
            del orders[victim]
            model.remove([victim])
        elif action < 0.8:
            model.set_filter(statuses=rng.sample(statuses, rng.randint(0, 2)))
        elif action < 0.9:
            model.search = rng.choice(["", "a", "an", "anna", "sku-01", "#1", "mü"])
        else:
            model.set_sort(rng.choice(["date", "number", "total", "status"]), rng.random() < 0.5)
        fresh = QueueModel(orders.values(), sort_key=model.sort_key, descending=model.descending)
        fresh.set_filter(statuses=model.status_filter, search=model.search)
        assert ids(model) == ids(fresh), f"step {step}"
        assert model.counts_by_status() == fresh.counts_by_status()
        for row, order_id in enumerate(model.view):
            assert model.index_of(order_id) == row


def test_fold_and_search_key():
    assert fold("Élodie ØSTERGÅRD Łukasz Straße") == "elodie ostergard lukasz strasse"
    order = Order(id=5, number="77")
    assert search_key(order).startswith("#77")


def test_model_iterates_orders_and_views_support_slicing(order_factory):
    model = QueueModel([order_factory(i) for i in (1, 2, 3)])
    assert sorted(o.id for o in model) == [1, 2, 3]
    assert model.view[:2] == [1, 2]
    assert model.view[-1] == 3
    assert 2 in model.view and 9 not in model.view
    with pytest.raises(IndexError):
        model.view[3]
