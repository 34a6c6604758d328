"""Fill an empty shop with a deterministic, realistic history.

`seed(db, 100_000)` writes ~60 products, 1,500 registered customers (plus guests), and the
orders of the 90 days before `anchor`, in every core status, with their notes, refunds and
stock moves — in about half a minute on two cores: documents are built in Python
(`seed_people`, `seed_history`) and written with `executemany` in one transaction, the
secondary indexes dropped first and rebuilt after.

Determinism: the same `orders`, `seed` and `anchor` give identical data (order keys,
names, totals, note texts, ids). `anchor` defaults to today 00:00 UTC, so seeding on
another day gives the same orders shifted by whole days, all in the 90 days before that
midnight.

Stock is consistent with the history: each product's starting stock is chosen so that
replaying every reduction and give-back in time order never goes below zero, and every
"Stock levels reduced: … 20&rarr;19" note shows the numbers that replay produces.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shop.customers import customer_search_text
from shop.db import INDEX_NAMES, INDEXES, init_db, open_connection
from shop.order_doc import BILLING_KEYS
from shop.order_store import ITEM_INSERT, ORDER_INSERT, item_rows, order_row
from shop.products import CATEGORY_IDS, slugify, stock_status_for
from shop.seed_history import Clock, History, StockEvent, replay_stock
from shop.seed_people import DAY, People, make_customers, make_products
from shop.settings import Settings

#: Orders per chunk: built together (in parallel on several cores) and written together.
CHUNK = 5000

PRODUCT_INSERT = (
    "INSERT INTO products (id, name, slug, sku, global_unique_id, regular_price, sale_price, "
    "weight, manage_stock, stock_quantity, stock_status, backorders, low_stock_amount, "
    "total_sales, category, description, date_created_gmt, date_modified_gmt) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
USER_INSERT = (
    "INSERT INTO users (id, username, email, first_name, last_name, display_name, role, "
    "billing, shipping, is_paying_customer, date_created_gmt, date_modified_gmt, search) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
NOTE_INSERT = (
    "INSERT INTO order_notes (id, order_id, author, note, customer_note, added_by_user, "
    "date_created_gmt) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
REFUND_INSERT = "INSERT INTO refunds (id, order_id, date_created_gmt, doc) VALUES (?, ?, ?, ?)"


@dataclass(frozen=True)
class Catalogue:
    """What every chunk needs to know, sent once to each worker process."""

    seed: int
    settings: Settings
    anchor: datetime
    products: list[dict[str, Any]]
    customers: list[dict[str, Any]]


@dataclass(frozen=True)
class ChunkTask:
    index: int
    first_order: int
    first_refund: int
    offsets: list[int]


@dataclass
class ChunkRows:
    """A built chunk, ready to insert."""

    orders: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    notes: list[tuple[Any, ...]]
    refunds: list[tuple[Any, ...]]
    events: list[StockEvent]
    sales: dict[int, int]
    customers: dict[int, tuple[bool, int]]
    last_refund: int
    last_item: int
    last_meta: int


_CATALOGUE: Catalogue | None = None


def _use_catalogue(catalogue: Catalogue) -> None:
    global _CATALOGUE
    _CATALOGUE = catalogue


def build_chunk(task: ChunkTask) -> ChunkRows:
    """Build one chunk's orders with the chunk's own random generator (so the result does
    not depend on which process builds it, or in which order)."""
    catalogue = _CATALOGUE
    assert catalogue is not None, "call _use_catalogue first"
    rng = random.Random(catalogue.seed * 1_000_003 + task.index)
    history = History(
        rng=rng,
        settings=catalogue.settings,
        clock=Clock(catalogue.anchor),
        people=People(rng),
        products=catalogue.products,
        customers=catalogue.customers,
        chunk=task.index,
        next_refund=task.first_refund,
    )
    records = [
        history.make_order(task.first_order + i, offset) for i, offset in enumerate(task.offsets)
    ]
    return ChunkRows(
        orders=[order_row(rec) for rec in records],
        items=[row for rec in records for row in item_rows(rec.doc)],
        notes=history.notes,
        refunds=[
            (rid, oid, when, json.dumps(doc, ensure_ascii=False))
            for rid, oid, when, doc in history.refunds
        ],
        events=history.events,
        sales=dict(history.sales),
        customers=history.touched,
        last_refund=history.next_refund - 1,
        last_item=history.next_item - 1,
        last_meta=history.next_meta - 1,
    )


def seed(
    db_path: str | Path,
    orders: int,
    *,
    seed: int = 1,
    anchor: datetime | None = None,
    workers: int | None = None,
) -> None:
    """Fill an empty database with `orders` orders (and the products and customers).

    `workers` processes build the orders (default: one per core, when there is more than
    one chunk); the data does not depend on it. Raises ValueError if the database already
    has orders or products.
    """
    if orders < 0:
        raise ValueError("orders must be 0 or more")
    if anchor is None:
        anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    init_db(db_path)
    conn = open_connection(db_path)
    try:
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM orders) OR EXISTS (SELECT 1 FROM products)"
        ).fetchone()[0]:
            raise ValueError(f"{db_path} already has a shop in it; seed an empty database")
        first_order = (
            conn.execute("SELECT value FROM counters WHERE name = 'object'").fetchone()[0] + 1
        )
        rng = random.Random(seed)
        catalogue = Catalogue(
            seed=seed,
            settings=Settings.load(conn),
            anchor=anchor,
            products=make_products(rng),
            customers=make_customers(People(rng)),
        )
        offsets = sorted(-rng.randint(120, 90 * DAY) for _ in range(orders))
        tasks = [
            ChunkTask(
                index=i,
                first_order=first_order + start,
                first_refund=first_order + orders + start,
                offsets=offsets[start : start + CHUNK],
            )
            for i, start in enumerate(range(0, orders, CHUNK))
        ]
        conn.execute("PRAGMA synchronous = OFF")
        for name in INDEX_NAMES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            with _builder(catalogue, len(tasks), workers) as build:
                _write_chunks(conn, catalogue, build(tasks), first_order + orders - 1)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.executescript(INDEXES)
        conn.execute("PRAGMA optimize")
    finally:
        conn.close()


@contextmanager
def _builder(
    catalogue: Catalogue, chunks: int, workers: int | None
) -> Iterator[Callable[[list[ChunkTask]], Iterable[ChunkRows]]]:
    """`map` over chunks: in worker processes when it pays, else in this process."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or chunks <= 1:
        _use_catalogue(catalogue)
        yield lambda tasks: map(build_chunk, tasks)
        return
    # "spawn", not "fork": the caller may have threads (a running shop, a UI).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        min(workers, chunks),
        mp_context=context,
        initializer=_use_catalogue,
        initargs=(catalogue,),
    ) as pool:
        yield lambda tasks: pool.map(build_chunk, tasks)


def _write_chunks(
    conn: sqlite3.Connection, catalogue: Catalogue, chunks: Iterable[ChunkRows], last_order: int
) -> None:
    events: list[StockEvent] = []
    sales: dict[int, int] = {}
    counters = {"object": last_order, "item": 0, "meta": 0}
    customers = {c["id"]: c for c in catalogue.customers}
    for chunk in chunks:
        conn.executemany(ORDER_INSERT, chunk.orders)
        conn.executemany(ITEM_INSERT, chunk.items)
        conn.executemany(NOTE_INSERT, chunk.notes)
        conn.executemany(REFUND_INSERT, chunk.refunds)
        events.extend(chunk.events)
        for product_id, count in chunk.sales.items():
            sales[product_id] = sales.get(product_id, 0) + count
        for customer_id, (paying, modified) in chunk.customers.items():
            customer = customers[customer_id]
            customer["paying"] = customer["paying"] or paying
            customer["modified"] = max(customer["modified"], modified)
        counters["object"] = max(counters["object"], chunk.last_refund)
        counters["item"] = max(counters["item"], chunk.last_item)
        counters["meta"] = max(counters["meta"], chunk.last_meta)
    clock = Clock(catalogue.anchor)
    conn.executemany(NOTE_INSERT, replay_stock(catalogue.products, events, clock.when))
    conn.executemany(PRODUCT_INSERT, _product_rows(catalogue, sales, clock))
    conn.executemany(USER_INSERT, _customer_rows(catalogue, clock))
    conn.executemany(
        "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) "
        "DO UPDATE SET value = MAX(value, excluded.value)",
        counters.items(),
    )


def _product_rows(
    catalogue: Catalogue, sales: dict[int, int], clock: Clock
) -> list[tuple[Any, ...]]:
    rows = []
    for p in catalogue.products:
        quantity = p.get("stock", p["target"]) if p["manage"] else None
        created = clock.when(p["created"])
        rows.append(
            (
                p["id"],
                p["name"],
                slugify(p["name"]),
                p["sku"],
                p["gtin"],
                p["price"],
                "",
                p["weight"],
                int(p["manage"]),
                quantity,
                stock_status_for(quantity, p["backorders"]),
                p["backorders"],
                None,
                sales.get(p["id"], 0),
                p["category"] if p["category"] in CATEGORY_IDS else "Uncategorized",
                "",
                created,
                created,
            )
        )
    return rows


def _customer_rows(catalogue: Catalogue, clock: Clock) -> list[tuple[Any, ...]]:
    rows = []
    for c in catalogue.customers:
        person = c["person"]
        billing = person.billing()
        rows.append(
            (
                c["id"],
                c["username"],
                person.email,
                person.first,
                person.last,
                f"{person.first} {person.last}",
                "customer",
                json.dumps({k: billing[k] for k in BILLING_KEYS}, ensure_ascii=False),
                json.dumps(person.shipping(), ensure_ascii=False),
                int(c["paying"]),
                clock.when(c["created"]),
                clock.when(c["modified"]),
                customer_search_text(person.first, person.last, person.email, c["username"]),
            )
        )
    return rows
