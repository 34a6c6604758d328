"""Fixtures for client tests: the reference shop (seeded once, copied per test), reached over
real loopback HTTP or in-process through httpx.ASGITransport, and transports that count
requests or inject faults the real shop cannot produce on demand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client.shop_harness import SEEDED_ORDERS, Keys, Shop, asgi_shop_for
from tests.shop_copies import private_copy, seeded_template


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory, "client-template", SEEDED_ORDERS)


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    return private_copy(template_db, tmp_path)


@pytest.fixture
def keys(db_path: Path) -> Keys:
    from shop.keys import create_key

    return Keys(
        read_write=create_key(db_path, permission="read_write"),
        read=create_key(db_path, permission="read"),
    )


@pytest.fixture
async def asgi_shop(db_path: Path, keys: Keys) -> AsyncIterator[Shop]:
    shop = asgi_shop_for(db_path, keys)
    yield shop
    for made in shop.clients:
        await made.aclose()


@pytest.fixture
def running_shop(db_path: Path) -> Iterator[Any]:
    from shop.server import start_in_thread

    running = start_in_thread(db_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def http_shop(running_shop: Any, db_path: Path, keys: Keys) -> AsyncIterator[Shop]:
    shop = Shop(db_path, keys, running_shop.url, httpx.AsyncHTTPTransport, "http")
    yield shop
    for made in shop.clients:
        await made.aclose()


@pytest.fixture(params=["asgi", "http"])
async def shop(request: pytest.FixtureRequest, db_path: Path, keys: Keys) -> AsyncIterator[Shop]:
    """The reference shop in-process (ASGI) and over real loopback HTTP."""
    if request.param == "asgi":
        made = asgi_shop_for(db_path, keys)
        running = None
    else:
        from shop.server import start_in_thread

        running = start_in_thread(db_path)
        made = Shop(db_path, keys, running.url, httpx.AsyncHTTPTransport, "http")
    try:
        yield made
    finally:
        for one in made.clients:
            await one.aclose()
        if running is not None:
            running.stop()
