"""The order list's fast paths answer exactly what the plain paths answered.

- `_fields` projected by SQLite gives the same bytes as trimming the rendered order in
  Python, over several pages, filters and field sets (and falls back to Python for the
  fields it can't project);
- `X-WP-Total` from the count cache moves with every change, whichever connection made it;
- the list queries use an index that carries the status (no table read per skipped row);
- pages served from remembered boundaries (keyset seeks) are the plain OFFSET pages, in
  any order, and the boundaries are dropped when the data changes.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.protocol import LIST_FIELDS
from shop.app import create_app
from shop.db import cached_count, open_connection, read_tx, write_tx
from shop.fields import apply_fields, parse_fields
from shop.order_projection import order_projection
from shop.order_store import render_order
from shop.request import dumps
from tests.shop.conftest import BASE, SEEDED, Sql, make_client, new_order

ORDERS = "/wp-json/wc/v3/orders"

#: The field sets the SQL path answers: the console's queue, the live feed's cheap polls,
#: nested sub-fields of objects and lines, whole lists, nulls and booleans.
PROJECTED = [
    ",".join(LIST_FIELDS),
    "id",
    "id,date_modified_gmt",
    "status,billing.email,line_items.sku",
    "line_items.sku,line_items.quantity,total,number",
    "shipping,line_items,total",
    "billing.first_name,shipping.city,line_items.name,line_items.price,line_items.meta_data",
    "date_paid,date_paid_gmt,date_completed,prices_include_tax,needs_payment",
    "shipping_lines,fee_lines,refunds,meta_data,tax_lines",
]
#: Field sets only the Python path answers (host-dependent, unknown, deeper nesting).
PYTHON_ONLY = [
    "id,_links",
    "payment_url,status",
    "status,no_such_field",
    "line_items.meta_data.key,id",
    "shipping_lines.method_title",
    "status.nested",
]


def _expected(db: Path, fields: str, where: str = "status != 'trash'", args: tuple = ()) -> list:
    """Every matching order, newest first, trimmed the Python way (the reference)."""
    tree = parse_fields(fields)
    assert tree is not None
    rows = Sql(db).rows(
        f"SELECT doc FROM orders WHERE {where} ORDER BY date_created_gmt DESC, id DESC", *args
    )
    return [apply_fields(render_order(json.loads(doc), BASE), tree) for (doc,) in rows]


async def _all_pages(client: httpx.AsyncClient, **params: Any) -> list[bytes]:
    pages = []
    page, total_pages = 1, 1
    while page <= total_pages:
        response = await client.get(ORDERS, params={**params, "page": page, "per_page": 7})
        assert response.status_code == 200, response.text
        total_pages = int(response.headers["x-wp-totalpages"])
        pages.append(response.content)
        page += 1
    return pages


def _same_bytes_as_python(pages: list[bytes], expected: list) -> None:
    got = [order for content in pages for order in json.loads(content)]
    assert got == expected
    chunks = [expected[i : i + 7] for i in range(0, len(expected), 7)]
    assert pages == [dumps(chunk) for chunk in chunks]


@pytest.mark.parametrize("fields", PROJECTED)
def test_projected_field_sets_go_through_sql(fields: str) -> None:
    assert order_projection(parse_fields(fields)) is not None  # type: ignore[arg-type]


@pytest.mark.parametrize("fields", PYTHON_ONLY)
def test_fields_sql_cannot_answer_fall_back_to_python(fields: str) -> None:
    assert order_projection(parse_fields(fields)) is None  # type: ignore[arg-type]


async def test_sql_fields_equal_python_fields_on_every_page(
    client: httpx.AsyncClient, db: Path
) -> None:
    for fields in PROJECTED + PYTHON_ONLY:
        pages = await _all_pages(client, _fields=fields)
        _same_bytes_as_python(pages, _expected(db, fields))


async def test_sql_fields_equal_python_with_filters_and_api_written_orders(
    client: httpx.AsyncClient, db: Path
) -> None:
    # Orders written through the API (created, lines edited, a line added, status moved)
    # must have the shape the SQL path relies on, like seeded ones.
    made = await new_order(client, customer_note="Près de <la> porte & co")
    line_id = made["line_items"][0]["id"]
    edited = await client.put(
        f"{ORDERS}/{made['id']}",
        json={
            "status": "processing",
            "line_items": [{"id": line_id, "quantity": 3}, {"product_id": 11, "quantity": 1}],
            "billing": {"company": 'L\'Atelier "Bleu"'},
        },
    )
    assert edited.status_code == 200, edited.text
    await new_order(client, status="on-hold", items=[])
    # More lines than the SQL path unrolls (it then walks them with json_each).
    await new_order(
        client, status="processing", items=[{"product_id": 10 + i, "quantity": 1} for i in range(9)]
    )
    for fields in (",".join(LIST_FIELDS), "shipping,line_items,total"):
        pages = await _all_pages(client, _fields=fields, status="processing,on-hold")
        expected = _expected(db, fields, "status IN (?, ?)", ("processing", "on-hold"))
        assert any(order["id"] == made["id"] for order in expected)
        _same_bytes_as_python(pages, expected)
        pages = await _all_pages(client, _fields=fields)
        _same_bytes_as_python(pages, _expected(db, fields))


async def test_fields_answer_keeps_the_paging_headers(client: httpx.AsyncClient) -> None:
    light = await client.get(ORDERS, params={"page": 2, "_fields": "id,status"})
    whole = await client.get(ORDERS, params={"page": 2, "_fields": "id,_links"})
    for name in ("x-wp-total", "x-wp-totalpages"):
        assert (
            light.headers[name]
            == whole.headers[name]
            == str(SEEDED if name == "x-wp-total" else SEEDED // 10)
        )
    assert light.headers["link"] == whole.headers["link"].replace("_links", "status")
    assert light.headers["content-type"] == whole.headers["content-type"]


async def _total(client: httpx.AsyncClient, **params: Any) -> int:
    response = await client.get(ORDERS, params={"per_page": 1, "_fields": "id", **params})
    assert response.status_code == 200, response.text
    return int(response.headers["x-wp-total"])


async def test_total_moves_with_changes_from_this_and_other_connections(
    client: httpx.AsyncClient, db: Path, sql: Sql
) -> None:
    assert await _total(client) == SEEDED
    assert await _total(client) == SEEDED  # from the cache now

    # Through this app's API.
    await new_order(client)
    assert await _total(client) == SEEDED + 1

    # Through a second app (its own connections) on the same database.
    other = create_app(db)
    try:
        async with make_client(other) as second:
            await new_order(second, status="processing")
            assert await _total(client) == SEEDED + 2
            assert await _total(second) == SEEDED + 2
    finally:
        other.state.shop.close()

    # Through a bare SQLite connection (another process would look the same).
    oldest = sql.value("SELECT id FROM orders ORDER BY date_created_gmt LIMIT 1")
    raw = sqlite3.connect(db)
    try:
        with raw:
            raw.execute("UPDATE orders SET status = 'trash' WHERE id = ?", (oldest,))
    finally:
        raw.close()
    assert await _total(client) == SEEDED + 1
    assert await _total(client, status="trash") == 1

    # A batch whose create fails writes nothing: the total stays.
    batch = await client.post(
        f"{ORDERS}/batch", json={"create": [{"line_items": [{"product_id": 999999}]}]}
    )
    assert "error" in batch.json()["create"][0]
    assert await _total(client) == SEEDED + 1


def test_cached_count_sees_other_commits_and_own_rollbacks(db: Path) -> None:
    first, second = open_connection(db), open_connection(db)
    counted: list[str] = []
    first.set_trace_callback(lambda sql: counted.append(sql) if "COUNT" in sql else None)
    query = "SELECT COUNT(*) FROM orders WHERE status != 'trash'"

    def count() -> int:
        with read_tx(first):
            first.execute("SELECT id FROM orders LIMIT 1").fetchall()  # takes the snapshot
            return cached_count(first, query, ())

    try:
        assert count() == SEEDED
        assert count() == SEEDED
        assert len(counted) == 1  # the second answer came from the cache

        with write_tx(second):
            second.execute("UPDATE orders SET status = 'trash' WHERE id = 1000")
        assert count() == SEEDED - 1

        with pytest.raises(RuntimeError), write_tx(first):
            first.execute("UPDATE orders SET status = 'trash' WHERE id = 1001")
            assert cached_count(first, query, ()) == SEEDED - 2  # sees its own write
            raise RuntimeError("rolled back")
        assert count() == SEEDED - 1

        with write_tx(first):
            first.execute("UPDATE orders SET status = 'processing' WHERE id = 1000")
        assert count() == SEEDED
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(
    ("where", "args"),
    [
        ("status != 'trash'", ()),
        ("status IN (?)", ("processing",)),
        ("status IN (?,?)", ("processing", "on-hold")),
    ],
)
def test_list_queries_walk_an_index_with_the_status(db: Path, where: str, args: tuple) -> None:
    conn = open_connection(db)
    try:
        conn.execute("ANALYZE")
        plan = " / ".join(
            row[3]
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT doc FROM orders WHERE {where} "
                "ORDER BY date_created_gmt DESC, id DESC LIMIT 100 OFFSET 500",
                args,
            )
        )
    finally:
        conn.close()
    assert "TEMP B-TREE" not in plan
    assert "orders_created_status" in plan or "orders_status_created" in plan, plan


# ------------------------------------------------------------------ deep pages (page_seek)

SORTS = [
    ({}, "date_created_gmt DESC, id DESC"),
    ({"order": "asc"}, "date_created_gmt ASC, id ASC"),
    ({"orderby": "id"}, "id DESC"),
    ({"orderby": "modified", "order": "asc"}, "date_modified_gmt ASC, id ASC"),
    ({"orderby": "modified"}, "date_modified_gmt DESC, id DESC"),
    ({"status": "processing,completed"}, "date_created_gmt DESC, id DESC"),
]


def _ids_sorted(db: Path, sort: str, statuses: str | None = None) -> list[int]:
    where = "status != 'trash'"
    args: tuple = ()
    if statuses:
        names = statuses.split(",")
        where = f"status IN ({','.join('?' * len(names))})"
        args = tuple(names)
    return [
        r[0] for r in Sql(db).rows(f"SELECT id FROM orders WHERE {where} ORDER BY {sort}", *args)
    ]


async def _page_ids(client: httpx.AsyncClient, page: int, **params: Any) -> list[int]:
    response = await client.get(
        ORDERS, params={**params, "page": page, "per_page": 7, "_fields": "id"}
    )
    assert response.status_code == 200, response.text
    return [o["id"] for o in response.json()]


async def test_pages_in_any_order_match_the_plain_offset_pages(
    client: httpx.AsyncClient, db: Path
) -> None:
    # Orders sharing a creation and modification second: the seek must use the id too.
    raw = sqlite3.connect(db)
    try:
        with raw:
            raw.execute(
                "UPDATE orders SET date_created_gmt = '2026-01-01T00:00:00', "
                "date_modified_gmt = '2026-01-02T00:00:00' WHERE id % 4 = 0"
            )
    finally:
        raw.close()
    pages = range(1, SEEDED // 7 + 2)
    for params, sort in SORTS:
        expected = _ids_sorted(db, sort, params.get("status"))
        chunks = [expected[i : i + 7] for i in range(0, len(expected), 7)]
        chunks += [[]] * (len(pages) - len(chunks))
        forward = [await _page_ids(client, p, **params) for p in pages]
        assert forward == chunks, params
        backward = [await _page_ids(client, p, **params) for p in reversed(pages)]
        assert backward[::-1] == chunks, params
        shuffled = [5, 2, 7, 1, 3, 6, 4, 8, 2, 5]
        assert [await _page_ids(client, p, **params) for p in shuffled] == [
            chunks[p - 1] for p in shuffled
        ]
        # offset= pages land between remembered boundaries
        for offset in (3, 10, 17, 40):
            got = await client.get(
                ORDERS, params={**params, "offset": offset, "per_page": 7, "_fields": "id"}
            )
            assert [o["id"] for o in got.json()] == expected[offset : offset + 7]


async def test_remembered_page_boundaries_are_dropped_when_orders_change(
    client: httpx.AsyncClient, db: Path
) -> None:
    before = [await _page_ids(client, p) for p in range(1, 9)]
    made = await new_order(client)  # the newest order: every page shifts by one
    after = [await _page_ids(client, p) for p in range(1, 9)]
    assert after[0][0] == made["id"]
    flat_before = [i for page in before for i in page]
    flat_after = [i for page in after for i in page]
    assert flat_after == [made["id"], *flat_before]
    assert flat_after == _ids_sorted(db, "date_created_gmt DESC, id DESC")


def test_deep_pages_seek_from_a_remembered_boundary(db: Path) -> None:
    from shop.page_seek import page_rows

    conn = open_connection(db)
    sent: list[str] = []
    conn.set_trace_callback(sent.append)

    def page(skip: int) -> list[int]:
        with read_tx(conn):
            rows = page_rows(
                conn,
                select="id",
                table="orders",
                where=" WHERE status != 'trash'",
                args=[],
                sort="date_created_gmt DESC, id DESC",
                keyset=("date_created_gmt", "id"),
                descending=True,
                limit=10,
                skip=skip,
            )
        return [r[0] for r in rows]

    try:
        expected = _ids_sorted(db, "date_created_gmt DESC, id DESC")
        assert page(0) == expected[0:10]
        assert page(10) == expected[10:20]
        assert page(25) == expected[25:35]
        seeks = [s for s in sent if "(date_created_gmt, id) <" in s]
        assert len(seeks) == 2  # pages 2 and 3 started from the boundaries noted before
        assert "OFFSET 5" in seeks[-1]
    finally:
        conn.close()
