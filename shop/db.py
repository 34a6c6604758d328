"""SQLite storage for the reference shop: schema, connections, transactions.

Why SQLite in WAL mode with `BEGIN IMMEDIATE`: several clients (the console, a test, a
second terminal) may talk to one shop at once. WAL lets readers run while one writer
writes; `BEGIN IMMEDIATE` takes the write lock at the start of a request's transaction, so
two writers queue instead of both reading stale state and one failing half-way. Every
request that writes runs in exactly one such transaction: validation errors raise before
anything is written, and any exception rolls the whole request back.

An order is stored as its wc/v3 JSON document (minus the parts that depend on the host the
client used: `_links`, `payment_url`) next to the few columns lists filter and sort on.
Writes re-render the document; reads hand it out almost as stored. That keeps a page of 100
orders out of 100,000 cheap to serve.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

#: Order and refund ids share one sequence (as in WooCommerce's order table); the first
#: seeded order is 1000.
FIRST_OBJECT_ID = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS order_statuses (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    holds_stock INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'customer',
    billing TEXT NOT NULL DEFAULT '{}',
    shipping TEXT NOT NULL DEFAULT '{}',
    is_paying_customer INTEGER NOT NULL DEFAULT 0,
    date_created_gmt TEXT NOT NULL,
    date_modified_gmt TEXT,
    search TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    permissions TEXT NOT NULL,
    consumer_key_hash TEXT NOT NULL UNIQUE,
    consumer_secret TEXT NOT NULL,
    truncated_key TEXT NOT NULL,
    date_created_gmt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_nonces (
    key_id INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (key_id, nonce)
);
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    sku TEXT NOT NULL DEFAULT '',
    global_unique_id TEXT NOT NULL DEFAULT '',
    regular_price TEXT NOT NULL DEFAULT '',
    sale_price TEXT NOT NULL DEFAULT '',
    weight TEXT NOT NULL DEFAULT '',
    manage_stock INTEGER NOT NULL DEFAULT 0,
    stock_quantity INTEGER,
    stock_status TEXT NOT NULL DEFAULT 'instock',
    backorders TEXT NOT NULL DEFAULT 'no',
    low_stock_amount INTEGER,
    total_sales INTEGER NOT NULL DEFAULT 0,
    category TEXT NOT NULL DEFAULT 'Uncategorized',
    description TEXT NOT NULL DEFAULT '',
    date_created_gmt TEXT NOT NULL,
    date_modified_gmt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coupons (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    date_created_gmt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    customer_id INTEGER NOT NULL DEFAULT 0,
    date_created_gmt TEXT NOT NULL,
    date_modified_gmt TEXT NOT NULL,
    search TEXT NOT NULL DEFAULT '',
    stock_reduced INTEGER NOT NULL DEFAULT 0,
    trashed_from TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_items (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    date_created_gmt TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_notes (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    customer_note INTEGER NOT NULL DEFAULT 0,
    added_by_user INTEGER NOT NULL DEFAULT 0,
    date_created_gmt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    order_id INTEGER,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at_gmt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at_gmt TEXT NOT NULL,
    PRIMARY KEY (key_id, method, path, idem_key)
);
"""

#: Secondary indexes: created after a bulk seed (inserting into indexed tables is slower).
#: `orders_created_status` carries the status so the default list (newest first, anything
#: but trash) tests each skipped row in the index: a deep page of 100,000 orders no longer
#: reads every skipped row from the table (92 ms → 12 ms for the last page). It replaces
#: `orders_created` (its prefix), dropped from databases made before it.
INDEXES = """
DROP INDEX IF EXISTS orders_created;
CREATE INDEX IF NOT EXISTS orders_created_status ON orders (date_created_gmt, id, status);
CREATE INDEX IF NOT EXISTS orders_modified ON orders (date_modified_gmt, id);
CREATE INDEX IF NOT EXISTS orders_status_created ON orders (status, date_created_gmt, id);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id, date_created_gmt);
CREATE INDEX IF NOT EXISTS order_items_product ON order_items (product_id, order_id);
CREATE INDEX IF NOT EXISTS order_items_order ON order_items (order_id);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds (order_id, id);
CREATE INDEX IF NOT EXISTS order_notes_order ON order_notes (order_id, date_created_gmt);
CREATE INDEX IF NOT EXISTS outbox_order ON outbox (order_id);
CREATE INDEX IF NOT EXISTS products_sku ON products (sku);
CREATE INDEX IF NOT EXISTS users_email ON users (email);
"""

INDEX_NAMES = tuple(re.findall(r"CREATE INDEX IF NOT EXISTS (\w+)", INDEXES))


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock_for(path: str) -> threading.RLock:
    key = path if path.startswith(":") or path.startswith("file:") else os.path.realpath(path)
    with _WRITE_LOCKS_GUARD:
        lock = _WRITE_LOCKS.get(key)
        if lock is None:
            lock = _WRITE_LOCKS[key] = threading.RLock()
        return lock


class ShopConnection(sqlite3.Connection):
    """A connection with a memo of facts about the data, kept until the database changes.

    Why: a list answer states how many orders match (`X-WP-Total`), and a deep page makes
    SQLite walk every row before it; at 100,000 orders the count cost 60 ms and the walk up
    to 90 ms per page, though both only change when the data does. `snapshot_memo` gives
    the dict where `list_orders` keeps counts and page boundaries.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Shared by every connection of this process to the same file (see `write_tx`).
        self.write_lock = _write_lock_for(str(args[0] if args else kwargs["database"]))
        #: (data_version, total_changes) the memo's facts were read at.
        self.memo_stamp: tuple[int, int] | None = None
        self.memo: dict[Any, Any] = {}

    def forget_memo(self) -> None:
        self.memo_stamp = None
        self.memo.clear()


#: Entries kept per connection (a console asks a handful of distinct lists; this bounds a
#: client that varies its filters endlessly).
MEMO_SIZE = 256


def snapshot_memo(conn: sqlite3.Connection) -> dict[Any, Any] | None:
    """A dict for facts about the data as this transaction sees it, or None (plain
    connection, or no transaction open): what was stored in it is still true.

    The memo is emptied whenever the data may have changed since its facts were stored:
    `PRAGMA data_version` moves when another connection (in this process or another)
    commits, `total_changes` with this connection's own writes; rolled-back writes empty it
    through `write_tx`/`savepoint` (a fact noted inside them may include rows that never
    committed). SQLite only notices others' commits when a transaction starts reading, so
    a tiny read comes first: `data_version` then describes this transaction's snapshot.
    """
    if not isinstance(conn, ShopConnection) or not conn.in_transaction:
        return None
    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    if stamp != conn.memo_stamp or len(conn.memo) >= MEMO_SIZE:
        conn.forget_memo()
        conn.memo_stamp = stamp
    return conn.memo


def cached_count(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> int:
    """`sql`'s single integer (a `SELECT COUNT(*) …`), from the memo if the data is
    unchanged since it was counted (see `snapshot_memo`)."""
    memo = snapshot_memo(conn)
    if memo is None:
        return conn.execute(sql, args).fetchone()[0]
    key = ("count", sql, tuple(args))
    count = memo.get(key)
    if count is None:
        count = memo[key] = conn.execute(sql, args).fetchone()[0]
    return count


def open_connection(db_path: str | Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) that waits for locks.

    `check_same_thread=False` only so `Store.close()` may close it from another thread;
    each connection is still used by one thread at a time.
    """
    conn = sqlite3.connect(
        str(db_path),
        isolation_level=None,
        timeout=30.0,
        check_same_thread=False,
        factory=ShopConnection,
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def _forget_memo(conn: sqlite3.Connection) -> None:
    if isinstance(conn, ShopConnection):
        conn.forget_memo()


@contextmanager
def write_tx(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One writing transaction: `BEGIN IMMEDIATE` … `COMMIT`, rolled back on any exception.

    Writers of this process queue on a lock first. Why: SQLite makes a writer that finds
    the database locked sleep and retry with growing naps (up to 100 ms each), so with 20
    clients changing statuses some waited a second though each write takes a few
    milliseconds; a lock hands over to the next writer as soon as the last one commits.
    Other processes (a second server, the seeder) still meet SQLite's own waiting.
    """
    lock = conn.write_lock if isinstance(conn, ShopConnection) else None
    if lock is not None:
        lock.acquire()
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            _forget_memo(conn)
            raise
        conn.execute("COMMIT")
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def read_tx(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction, so a count and the page it describes see the same snapshot."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


@contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "item") -> Iterator[None]:
    """A nested rollback point inside a transaction (one batch item)."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        _forget_memo(conn)
        raise
    conn.execute(f"RELEASE {name}")


def next_ids(conn: sqlite3.Connection, name: str, count: int = 1) -> int:
    """Reserve `count` consecutive ids from sequence `name`; returns the first one.

    Must run inside a write transaction (the row update is what serialises allocation).
    """
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    last = row[0] if row else 0
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, last + count),
    )
    return last + 1


def init_db(db_path: str | Path) -> None:
    """Create the schema and the store's defaults if missing. Safe to call again."""
    # Imported here: settings/statuses import this module.
    from shop.settings import DEFAULT_SETTINGS
    from shop.statuses import CORE_STATUSES

    conn = open_connection(db_path)
    try:
        # Big pages pack the ~3 KB order documents densely (4 KB pages would hold one each);
        # only takes effect on a new database, so before WAL is switched on.
        conn.execute("PRAGMA page_size = 16384")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(SCHEMA)
        with write_tx(conn):
            conn.executemany(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                DEFAULT_SETTINGS.items(),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO order_statuses (slug, label, holds_stock, position) "
                "VALUES (?, ?, ?, ?)",
                [(s, label, int(h), i) for i, (s, label, h) in enumerate(CORE_STATUSES)],
            )
            conn.execute(
                "INSERT OR IGNORE INTO counters (name, value) VALUES ('object', ?)",
                (FIRST_OBJECT_ID - 1,),
            )
            conn.execute(
                "INSERT OR IGNORE INTO users (id, username, email, display_name, role, "
                "date_created_gmt) VALUES (1, 'orderdesk', 'admin@orderdesk.example', "
                "'orderdesk', 'administrator', '2026-01-01T00:00:00')"
            )
        conn.executescript(INDEXES)
    finally:
        conn.close()


class Store:
    """The shop's database as the server uses it: one connection per thread.

    Handlers run in a thread pool; each worker thread gets its own connection on first use
    (SQLite connections must not be shared between concurrent threads). `close()` closes
    them all when the server stops.
    """

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = str(db_path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = open_connection(self.db_path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
