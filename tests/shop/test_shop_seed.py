"""The seeder: deterministic, realistic, and consistent with its own stock history."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from shop import seed as shop_seed
from shop.seed import seed
from tests.shop.conftest import ANCHOR, Sql

TABLES = ("orders", "order_items", "order_notes", "refunds", "products", "users", "counters")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    sql = Sql(path)
    return {t: sql.rows(f"SELECT * FROM {t} ORDER BY 1") for t in TABLES}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "shop.db"
    seed(path, 400, anchor=ANCHOR)
    return path


def test_same_arguments_same_data(seeded: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    seed(again, 400, anchor=ANCHOR)
    assert dump(again) == dump(seeded)


def test_another_seed_gives_other_data(seeded: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    seed(other, 400, seed=2, anchor=ANCHOR)
    assert dump(other)["orders"] != dump(seeded)["orders"]


def test_another_day_shifts_dates_only(seeded: Path, tmp_path: Path) -> None:
    later = tmp_path / "later.db"
    seed(later, 400, anchor=ANCHOR + timedelta(days=1))
    ours = Sql(seeded).rows("SELECT doc FROM orders ORDER BY id")
    theirs = Sql(later).rows("SELECT doc FROM orders ORDER BY id")
    for (a,), (b,) in zip(ours, theirs, strict=True):
        first, second = json.loads(a), json.loads(b)
        shifted = (first["date_created_gmt"][:10], second["date_created_gmt"][:10])
        assert shifted[0] < shifted[1]
        for doc in (first, second):
            for key in [k for k in doc if k.startswith("date_")]:
                doc.pop(key)
        assert first == second


def test_refuses_a_shop_with_data(seeded: Path) -> None:
    with pytest.raises(ValueError, match="already has a shop"):
        seed(seeded, 10)


def test_history_is_realistic(seeded: Path) -> None:
    sql = Sql(seeded)
    statuses = dict(sql.rows("SELECT status, COUNT(*) FROM orders GROUP BY status"))
    assert set(statuses) == {
        "pending",
        "processing",
        "on-hold",
        "completed",
        "cancelled",
        "refunded",
        "failed",
    }
    assert statuses["completed"] > sum(statuses.values()) / 2
    first, last = sql.rows("SELECT MIN(date_created_gmt), MAX(date_modified_gmt) FROM orders")[0]
    assert first >= (ANCHOR - timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S")
    assert last < ANCHOR.strftime("%Y-%m-%dT%H:%M:%S")
    assert sql.value("SELECT MIN(id) FROM orders") == 1000
    docs = [json.loads(r[0]) for r in sql.rows("SELECT doc FROM orders")]
    methods = {d["payment_method"] for d in docs}
    assert methods == {"bacs", "cheque", "cod", "stripe"}
    assert {len(d["line_items"]) for d in docs} == {1, 2, 3, 4, 5}
    assert {s["method_title"] for d in docs for s in d["shipping_lines"]} >= {
        "Colissimo",
        "Chronopost Express",
        "Local pickup",
    }
    assert any(d["customer_note"] for d in docs)
    assert any(d["customer_id"] == 0 for d in docs)
    for doc in docs:
        assert doc["date_modified_gmt"] >= doc["date_created_gmt"]
        if doc["payment_method"] == "stripe" and doc["status"] in ("processing", "completed"):
            assert doc["transaction_id"].startswith("pi_") and doc["date_paid_gmt"]
        if doc["status"] == "refunded":
            refunded = sum(-Decimal(r["total"]) for r in doc["refunds"])
            assert refunded == Decimal(doc["total"])
    assert sql.value("SELECT COUNT(*) FROM order_notes WHERE customer_note = 1") > 0
    partial = [d for d in docs if d["refunds"] and d["status"] != "refunded"]
    assert partial


def test_stock_matches_the_notes(seeded: Path) -> None:
    """Replaying the stock notes in time order chains up to each product's stock."""
    sql = Sql(seeded)
    by_sku = dict(sql.rows("SELECT sku, id FROM products"))
    stock = dict(sql.rows("SELECT id, stock_quantity FROM products WHERE manage_stock = 1"))
    assert min(stock.values()) >= 0
    chains: dict[int, list[tuple[int, int]]] = defaultdict(list)
    notes = sql.rows(
        "SELECT note FROM order_notes WHERE note LIKE 'Stock levels%' "
        "OR note LIKE 'Item #%' ORDER BY date_created_gmt, id"
    )
    for (note,) in notes:
        for sku, old, new in re.findall(r"\(([^()]+)\) (-?\d+)&rarr;(-?\d+)", note):
            chains[by_sku[sku]].append((int(old), int(new)))
        for pid, old, new in re.findall(r"Item #(\d+) stock increased from (\d+) to (\d+)", note):
            chains[int(pid)].append((int(old), int(new)))
    assert chains
    for product_id, moves in chains.items():
        for (_, new), (old, _) in pairwise(moves):
            assert new == old, product_id
        assert moves[-1][1] == stock[product_id]
        assert min(min(pair) for pair in moves) >= 0


def test_held_orders_carry_reduced_stock(seeded: Path) -> None:
    sql = Sql(seeded)
    for status, reduced, doc in sql.rows("SELECT status, stock_reduced, doc FROM orders"):
        order = json.loads(doc)
        keys = [m["key"] for line in order["line_items"] for m in line["meta_data"]]
        managed = [line for line in order["line_items"] if line["sku"] != "GIFT-25"]
        if status in ("processing", "on-hold", "completed"):
            assert reduced == 1
            assert keys.count("_reduced_stock") == len(managed)
        if status in ("pending", "failed", "cancelled"):
            assert reduced == 0 and "_reduced_stock" not in keys


def test_worker_processes_build_the_same_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks built in parallel processes give exactly what one process gives."""
    monkeypatch.setattr(shop_seed, "CHUNK", 100)
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    seed(serial, 300, anchor=ANCHOR, workers=1)
    seed(parallel, 300, anchor=ANCHOR, workers=2)
    assert dump(parallel) == dump(serial)
    ids = [r[0] for r in Sql(serial).rows("SELECT id FROM order_items")]
    assert len(ids) == len(set(ids))
