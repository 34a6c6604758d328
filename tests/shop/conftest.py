"""Fixtures for the reference shop's tests.

A shop is seeded once per session (50 orders, fixed anchor, known keys) and copied per test,
so each test gets a private database in milliseconds. Most tests talk to the real app
in-process through httpx.ASGITransport; `live_shop` serves the copy over loopback HTTP.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shop.app import create_app
from shop.keys import create_key
from shop.seed import seed
from shop.server import RunningShop, start_in_thread

#: Seeded history ends at today's midnight (UTC), so every seeded change is in the past.
ANCHOR = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
SEEDED = 50
RW = ("ck_rw_0123456789abcdef", "cs_rw_0123456789abcdef")
READ = ("ck_ro_0123456789abcdef", "cs_ro_0123456789abcdef")
WRITE = ("ck_wo_0123456789abcdef", "cs_wo_0123456789abcdef")
BASE = "http://shop.test"
API = f"{BASE}/wp-json/wc/v3"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shop-template") / "shop.db"
    seed(path, SEEDED, anchor=ANCHOR)
    create_key(path, "read_write", key=RW[0], secret=RW[1])
    create_key(path, "read", key=READ[0], secret=READ[1], user="reader")
    create_key(path, "write", key=WRITE[0], secret=WRITE[1])
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "shop.db"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture
def app(db: Path) -> Iterator[Any]:
    made = create_app(db)
    yield made
    made.state.shop.close()


def make_client(app: Any, auth: Any = RW, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, auth=auth, **kwargs
    )


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as made:
        yield made


@pytest.fixture
def live_shop(db: Path) -> Iterator[RunningShop]:
    running = start_in_thread(db)
    try:
        yield running
    finally:
        running.stop()


class Sql:
    """Read the shop's database directly, to check what was (not) written."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(query, args).fetchall()
        finally:
            conn.close()

    def value(self, query: str, *args: Any) -> Any:
        rows = self.rows(query, *args)
        return rows[0][0] if rows else None

    def stock(self, product_id: int) -> int:
        return self.value("SELECT stock_quantity FROM products WHERE id = ?", product_id)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's rows (except nonces), to prove a failed request wrote nothing."""
        tables = [
            r[0]
            for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] != "oauth_nonces"
        ]
        return {t: sorted(self.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}


@pytest.fixture
def sql(db: Path) -> Sql:
    return Sql(db)


async def new_order(
    client: httpx.AsyncClient, *, status: str = "pending", items: Any = None, **extra: Any
) -> dict[str, Any]:
    """Create an order for a known managed product (id 10, Blue Enamel Mug)."""
    body = {
        "status": status,
        "billing": {
            "first_name": "Élodie",
            "last_name": "Lefèvre",
            "email": "elodie@example.fr",
            "city": "Saint-Étienne",
        },
        "line_items": items if items is not None else [{"product_id": 10, "quantity": 2}],
        "shipping_lines": [
            {"method_id": "flat_rate", "method_title": "Colissimo", "total": "6.90"}
        ],
        "payment_method": "bacs",
        **extra,
    }
    response = await client.post("/wp-json/wc/v3/orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()
