"""Seeded reference-shop databases for tests: seed once per session, copy per test.

Seeding costs far more than copying, and every test needs a shop it may change freely.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


def seeded_template(factory: pytest.TempPathFactory, name: str, orders: int) -> Path:
    from shop import db as shop_db
    from shop import seed as shop_seed

    path = factory.mktemp(name) / "shop.sqlite3"
    shop_db.init_db(path)
    shop_seed.seed(path, orders)
    return path


def private_copy(template: Path, folder: Path) -> Path:
    """A copy of `template` in `folder` (SQLite's backup API: safe whatever the WAL holds)."""
    target = folder / "shop.sqlite3"
    source = sqlite3.connect(template)
    dest = sqlite3.connect(target)
    with dest:
        source.backup(dest)
    source.close()
    dest.close()
    return target
