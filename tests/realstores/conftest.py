"""Fixtures for the "real stores" tests: reference shops on loopback (seeded once, copied per
test), their keys, and orderdesk's folders moved into tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shop import db as shop_db
from shop import keys as shop_keys
from shop import seed as shop_seed
from shop.server import RunningShop, start_in_thread

SEEDED_ORDERS = 40


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("realstores-template") / "shop.sqlite3"
    shop_db.init_db(path)
    shop_seed.seed(path, SEEDED_ORDERS)
    return path


def copy_shop(template: Path, target: Path) -> Path:
    """A private copy of a seeded shop (sqlite backup: safe whatever the WAL holds)."""
    source = sqlite3.connect(template)
    dest = sqlite3.connect(target)
    with dest:
        source.backup(dest)
    source.close()
    dest.close()
    return target


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    return copy_shop(template_db, tmp_path / "shop.sqlite3")


@pytest.fixture
def make_db(template_db: Path, tmp_path: Path) -> Callable[[str], Path]:
    """More shops: `make_db("b")` is another private copy."""

    def factory(name: str) -> Path:
        return copy_shop(template_db, tmp_path / f"shop-{name}.sqlite3")

    return factory


@pytest.fixture
def running_shop(db_path: Path) -> Iterator[RunningShop]:
    running = start_in_thread(db_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def rw_key(db_path: Path) -> tuple[str, str]:
    return shop_keys.create_key(db_path, "read_write")


@pytest.fixture
def read_key(db_path: Path) -> tuple[str, str]:
    return shop_keys.create_key(db_path, "read")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


async def no_wait(_seconds: float) -> None:
    return None
