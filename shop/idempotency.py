"""`Idempotency-Key`: a retried write returns the first answer instead of writing again.

Our extension (a real WooCommerce ignores the header). The first successful answer to a
POST/PUT/PATCH carrying the header is stored under (API key, method, path, key) in the same
transaction as the write itself, so two concurrent replays cannot both write: the second
waits for the first's transaction (`BEGIN IMMEDIATE`), then finds the stored answer. The
same key with a different body is a client bug: 422 `orderdesk_idempotency_mismatch`.
Failed requests are not stored (they wrote nothing; a retry runs again).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from shop.errors import ApiError

REPLAY_HEADER = "Idempotent-Replayed"
IDEMPOTENT_METHODS = frozenset({"POST", "PUT", "PATCH"})


def request_hash(method: str, path: str, query: str, body: Any) -> str:
    canonical = json.dumps(
        {"method": method, "path": path, "query": query, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def find_stored(
    conn: sqlite3.Connection, key_id: int, method: str, path: str, idem_key: str, digest: str
) -> tuple[int, dict[str, str], bytes] | None:
    row = conn.execute(
        "SELECT request_hash, status, headers, body FROM idempotency "
        "WHERE key_id = ? AND method = ? AND path = ? AND idem_key = ?",
        (key_id, method, path, idem_key),
    ).fetchone()
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise ApiError(
            422,
            "orderdesk_idempotency_mismatch",
            "This Idempotency-Key was already used for a different request; "
            "use a new key for a new request.",
        )
    headers = json.loads(row["headers"])
    headers[REPLAY_HEADER] = "true"
    return row["status"], headers, bytes(row["body"])


def store(
    conn: sqlite3.Connection,
    key_id: int,
    method: str,
    path: str,
    idem_key: str,
    digest: str,
    status: int,
    headers: dict[str, str],
    body: bytes,
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO idempotency (key_id, method, path, idem_key, request_hash, status, "
        "headers, body, created_at_gmt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key_id, method, path, idem_key, digest, status, json.dumps(headers), body, now),
    )
