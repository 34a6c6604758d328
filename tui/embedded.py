"""The embedded demo shop: the reference shop run in a background thread on loopback.

Why a real server and not an in-process transport: the console then talks to the demo
exactly as it talks to a real store (HTTP, auth, paging), so the demo proves the real path.
The database lives in the user data directory and is seeded once, on first run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

DEMO_ORDERS = 2_000
DB_NAME = "demo-shop.sqlite3"
KEYS_NAME = "demo-shop.keys.json"


@dataclass(frozen=True, slots=True)
class DemoShop:
    url: str
    key: str
    secret: str
    db_path: Path
    running: object  # shop.server.RunningShop; typed loosely so tui does not import shop eagerly

    def stop(self) -> None:
        self.running.stop()  # type: ignore[attr-defined]


def prepare_demo_db(data_dir: Path, *, orders: int = DEMO_ORDERS) -> tuple[Path, str, str]:
    """Create and seed the demo database on first run; return its path and API key pair."""
    from shop import db, keys, seed

    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / DB_NAME
    keys_path = data_dir / KEYS_NAME
    if not db_path.exists() or not keys_path.exists():
        for stale in (db_path, keys_path):
            stale.unlink(missing_ok=True)
        db.init_db(db_path)
        seed.seed(db_path, orders)
        key, secret = keys.create_key(db_path, "read_write", description="orderdesk console")
        fd = os.open(keys_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"key": key, "secret": secret}, handle)
    stored = json.loads(keys_path.read_text())
    return db_path, stored["key"], stored["secret"]


def start_demo_shop(data_dir: Path, *, orders: int = DEMO_ORDERS) -> DemoShop:
    """Seed if needed, then serve the demo shop on a free loopback port."""
    from shop.server import start_in_thread

    db_path, key, secret = prepare_demo_db(data_dir, orders=orders)
    running = start_in_thread(db_path, host="127.0.0.1", port=0)
    return DemoShop(url=running.url, key=key, secret=secret, db_path=db_path, running=running)
