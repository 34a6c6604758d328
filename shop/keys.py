"""REST API keys, stored the way WooCommerce stores them.

The consumer key is kept only as a keyed hash (WooCommerce's `wc_api_hash`), so a copied
database does not hand out working keys; the secret is kept in clear because OAuth 1.0a
needs it to recompute signatures. Each key belongs to a user whose display name appears
on notes the key adds with `added_by_user`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from shop.db import init_db, open_connection, write_tx
from shop.settings import now_gmt

PERMISSIONS = ("read", "write", "read_write")


def key_hash(consumer_key: str) -> str:
    return hmac.new(b"wc-api", consumer_key.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    user_id: int
    user_name: str
    permissions: str
    consumer_secret: str

    @property
    def can_read(self) -> bool:
        return self.permissions in ("read", "read_write")

    @property
    def can_write(self) -> bool:
        return self.permissions in ("write", "read_write")


def find_key(conn: sqlite3.Connection, consumer_key: str) -> ApiKey | None:
    row = conn.execute(
        "SELECT k.id, k.user_id, k.permissions, k.consumer_secret, "
        "COALESCE(NULLIF(u.display_name, ''), u.username, 'orderdesk') AS user_name "
        "FROM api_keys k LEFT JOIN users u ON u.id = k.user_id WHERE consumer_key_hash = ?",
        (key_hash(consumer_key),),
    ).fetchone()
    if row is None:
        return None
    return ApiKey(
        id=row["id"],
        user_id=row["user_id"],
        user_name=row["user_name"],
        permissions=row["permissions"],
        consumer_secret=row["consumer_secret"],
    )


def create_key(
    db_path: str | Path,
    permission: str = "read_write",
    *,
    key: str | None = None,
    secret: str | None = None,
    description: str = "",
    user: str = "orderdesk",
) -> tuple[str, str]:
    """Create an API key pair; returns `(consumer_key, consumer_secret)`.

    Passing `key` and `secret` installs a known pair (for `shop serve --key --secret` and
    tests); installing the same pair twice is a no-op, the same key with another secret a
    `ValueError`. `user` is the username the key acts as (created as a shop manager if new).
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"permission must be one of {', '.join(PERMISSIONS)}, not {permission!r}")
    consumer_key = key or "ck_" + secrets.token_hex(20)
    consumer_secret = secret or "cs_" + secrets.token_hex(20)
    if not consumer_key.startswith("ck_") or len(consumer_key) < 8:
        raise ValueError("a consumer key starts with 'ck_' and has at least 5 more characters")
    if not consumer_secret.startswith("cs_") or len(consumer_secret) < 8:
        raise ValueError("a consumer secret starts with 'cs_' and has at least 5 more characters")
    init_db(db_path)
    conn = open_connection(db_path)
    try:
        with write_tx(conn):
            existing = find_key(conn, consumer_key)
            if existing is not None:
                if not hmac.compare_digest(existing.consumer_secret, consumer_secret):
                    raise ValueError("that consumer key already exists with another secret")
                return consumer_key, consumer_secret
            row = conn.execute("SELECT id FROM users WHERE username = ?", (user,)).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO users (username, display_name, role, date_created_gmt) "
                    "VALUES (?, ?, 'shop_manager', ?)",
                    (user, user, now_gmt()),
                )
                user_id = cur.lastrowid
            else:
                user_id = row["id"]
            conn.execute(
                "INSERT INTO api_keys (user_id, description, permissions, consumer_key_hash, "
                "consumer_secret, truncated_key, date_created_gmt) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    description,
                    permission,
                    key_hash(consumer_key),
                    consumer_secret,
                    consumer_key[-7:],
                    now_gmt(),
                ),
            )
    finally:
        conn.close()
    return consumer_key, consumer_secret
