"""The queue model's per-search hit cache: reused sets must always give the fresh answer.

The cache only makes typing faster; what a user notices if it is wrong is a search that
shows orders it should not (or misses some) after a backspace, a space, or an order that
changed while the search was open. Each check compares with a model built from scratch.
"""

from __future__ import annotations

import dataclasses
import random

from tests.widgets.conftest import make_order
from tui.queue_model import QueueModel


def ids(model: QueueModel) -> list[int]:
    return list(model.view)


def fresh_ids(model: QueueModel, text: str) -> list[int]:
    fresh = QueueModel(model)
    fresh.search = text
    return ids(fresh)


def test_backspace_space_and_new_words_match_a_fresh_search(orders_factory):
    model = QueueModel(orders_factory(700))
    texts = []
    typed = ""
    for letter in "anna smi":
        typed += letter
        texts.append(typed)
    texts += [typed[:n] for n in range(len(typed) - 1, 0, -1)]  # erase back to "a"
    texts += ["an", "ann", "anna", "anna ", "anna s", "anna sku-00", "anna sku-0", "sku-0 anna"]
    texts += ["smith anna", "smith", "smit", "", "dupont", "dupont élodie", "dupont elo"]
    for text in texts:
        model.search = text
        assert ids(model) == fresh_ids(model, text), repr(text)


def test_an_order_changed_while_searching_shows_after_backspace(orders_factory):
    orders = orders_factory(300)
    model = QueueModel(orders)
    model.search = "ann"
    model.search = "anna"
    model.search = "anna smith"
    # Someone renames a customer while the search is open: the wider searches cached
    # before the change must not come back stale.
    target = next(o for o in orders if o.billing.first_name != "Anna")
    renamed = dataclasses.replace(
        target, billing=dataclasses.replace(target.billing, first_name="Annabel")
    )
    model.upsert([renamed])
    model.upsert([make_order(9001, first="Anna", last="Nowak")])
    model.remove([next(o.id for o in orders if o.billing.first_name == "Anna")])
    for text in ("anna smith", "anna smit", "anna", "ann", "an", "anna ", "anna n"):
        model.search = text
        assert ids(model) == fresh_ids(model, text), repr(text)
    assert target.id in fresh_ids(model, "anna")
    assert 9001 in ids(model)  # "anna n" finds the new order


def test_random_typing_with_live_changes_always_matches_a_fresh_search(orders_factory):
    rng = random.Random(7)
    orders = orders_factory(400)
    model = QueueModel(orders)
    alphabet = "anmsiu -0#1é"
    typed = ""
    next_id = 10_000
    for step in range(400):
        roll = rng.random()
        if roll < 0.55:
            typed += rng.choice(alphabet)
        elif roll < 0.85:
            typed = typed[:-1]
        elif roll < 0.95:
            victim = rng.choice(list(model)).id
            if rng.random() < 0.5:
                model.remove([victim])
            else:
                next_id += 1
                model.upsert([make_order(next_id, first=rng.choice(("Anna", "Ines", "Olaf")))])
        else:
            typed = ""
        typed = typed[:12]
        model.search = typed
        assert ids(model) == fresh_ids(model, typed), (step, repr(typed))
