"""Who is calling: WooCommerce's API-key authentication, rebuilt step by step.

Three ways to present a key, tried in WooCommerce's order:

1. `consumer_key`/`consumer_secret` in the query, else HTTP Basic with key:secret. A real
   store only looks at these over HTTPS; the reference shop listens on loopback over plain
   HTTP and accepts them there (the secret never leaves the machine). An unknown key falls
   through (the endpoint then answers 401 "cannot view"); a wrong secret is a 401 at once.
2. OAuth 1.0a one-legged, parameters in the query, a form body or an `Authorization: OAuth`
   header, signed with HMAC-SHA1 or HMAC-SHA256 over the base string WooCommerce's
   `check_oauth_signature()` builds. Timestamps must be within 15 minutes; a nonce may be
   used once per key in that window.

Errors carry the exact codes and messages of WooCommerce 10.0.2 (see the captures in
shared/woocommerce-real/).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import sqlite3
import time
from collections.abc import Mapping
from urllib.parse import quote, unquote, unquote_plus

from shop.db import write_tx
from shop.errors import ApiError
from shop.keys import ApiKey, find_key
from shop.request import PhpQuery

OAUTH_WINDOW = 15 * 60
OAUTH_REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')
_DIGESTS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}

Params = dict[str, "str | dict[str, str]"]


def _auth_error(message: str, code: str = "woocommerce_rest_authentication_error") -> ApiError:
    return ApiError(401, code, message)


def rawurlencode(value: str) -> str:
    """PHP's `rawurlencode` (RFC 3986: only A-Z a-z 0-9 - . _ ~ kept)."""
    return quote(value, safe="-._~")


def authenticate(
    conn: sqlite3.Connection,
    *,
    method: str,
    url: str,
    query: PhpQuery,
    form: Mapping[str, str],
    authorization: str,
    now: float | None = None,
) -> ApiKey | None:
    """The key behind this request, None if it carries none, or ApiError 401."""
    key = _basic(conn, query, authorization)
    if key is not None:
        return key
    return _oauth(conn, method, url, query, form, authorization, now or time.time())


def check_permission(key: ApiKey, method: str) -> None:
    """WooCommerce's `check_permissions`: reads need read, writes need write."""
    if method in ("GET", "HEAD") and not key.can_read:
        raise _auth_error("The API key provided does not have read permissions.")
    if method in ("POST", "PUT", "PATCH", "DELETE") and not key.can_write:
        raise _auth_error("The API key provided does not have write permissions.")


def _basic(conn: sqlite3.Connection, query: PhpQuery, authorization: str) -> ApiKey | None:
    consumer_key = query.get("consumer_key") or ""
    consumer_secret = query.get("consumer_secret") or ""
    if not (consumer_key and consumer_secret):
        consumer_key = consumer_secret = ""
        if authorization[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            consumer_key, _, consumer_secret = decoded.partition(":")
    if not (consumer_key and consumer_secret):
        return None
    key = find_key(conn, consumer_key)
    if key is None:
        return None
    if not hmac.compare_digest(key.consumer_secret.encode(), consumer_secret.encode()):
        raise _auth_error("Consumer secret is invalid.")
    return key


def header_params(authorization: str) -> dict[str, str]:
    """The oauth_* parameters of an `Authorization: OAuth …` header (WooCommerce's parser)."""
    header = authorization.strip()
    if not header.startswith("OAuth "):
        return {}
    params = {}
    for match in _HEADER_PARAM.finditer(header):
        value = match.group(3) if match.group(3) else match.group(4)
        params[match.group(1)] = unquote_plus(value or "")
    return params


def _oauth(
    conn: sqlite3.Connection,
    method: str,
    url: str,
    query: PhpQuery,
    form: Mapping[str, str],
    authorization: str,
    now: float,
) -> ApiKey | None:
    params: Params = dict(query.values)
    params.update(form)
    params.update(header_params(authorization))
    missing = [name for name in OAUTH_REQUIRED if not params.get(name)]
    if len(missing) == len(OAUTH_REQUIRED):
        return None  # not trying OAuth at all
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise _auth_error(
            f"Missing OAuth {noun} {', '.join(missing)}",
            "woocommerce_rest_authentication_missing_parameter",
        )
    flat = {k: v for k, v in params.items() if isinstance(v, str)}
    key = find_key(conn, flat.get("oauth_consumer_key", ""))
    if key is None:
        raise _auth_error("Consumer key is invalid.")
    _check_signature(key, method, url, params)
    _check_timestamp_and_nonce(
        conn, key, flat.get("oauth_timestamp", ""), flat.get("oauth_nonce", ""), now
    )
    return key


def signature_base(method: str, url: str, params: Params) -> str:
    """`METHOD&enc(url)&enc(sorted, encoded k=v pairs)`, exactly as WooCommerce builds it.

    Keys are sorted raw (PHP `uksort(strcmp)`), then keys and values are RFC 3986-encoded,
    each `key=value` encoded again and the pairs joined with `%26`. Array parameters are
    flattened as `name%5B0%5D=value`.
    """
    ordered = sorted(
        ((k, v) for k, v in params.items() if k != "oauth_signature"),
        key=lambda kv: kv[0].encode(),
    )
    pairs = []
    for name, value in ordered:
        enc_name = rawurlencode(name)
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                pairs.append(rawurlencode(f"{enc_name}%5B{sub}%5D={rawurlencode(sub_value)}"))
        else:
            pairs.append(rawurlencode(f"{enc_name}={rawurlencode(value)}"))
    return f"{method.upper()}&{rawurlencode(url)}&{'%26'.join(pairs)}"


def _check_signature(key: ApiKey, method: str, url: str, params: Params) -> None:
    signature_method = params.get("oauth_signature_method")
    digest = _DIGESTS.get(signature_method) if isinstance(signature_method, str) else None
    if digest is None:
        raise _auth_error("Invalid signature - signature method is invalid.")
    provided = params.get("oauth_signature")
    provided = unquote(provided.replace(" ", "+")) if isinstance(provided, str) else ""
    base = signature_base(method, url, params)
    expected = base64.b64encode(
        hmac.new(f"{key.consumer_secret}&".encode(), base.encode(), digest).digest()
    ).decode()
    if not hmac.compare_digest(expected.encode(), provided.encode()):
        raise _auth_error("Invalid signature - provided signature does not match.")


def _check_timestamp_and_nonce(
    conn: sqlite3.Connection, key: ApiKey, timestamp: str, nonce: str, now: float
) -> None:
    try:
        stamp = int(timestamp)
    except ValueError:
        raise _auth_error("Invalid timestamp.") from None
    if stamp < now - OAUTH_WINDOW or stamp > now + OAUTH_WINDOW:
        raise _auth_error("Invalid timestamp.")
    with write_tx(conn):
        conn.execute(
            "DELETE FROM oauth_nonces WHERE key_id = ? AND timestamp < ?",
            (key.id, int(now) - OAUTH_WINDOW),
        )
        used = conn.execute(
            "SELECT 1 FROM oauth_nonces WHERE key_id = ? AND nonce = ?", (key.id, nonce)
        ).fetchone()
        if used:
            raise _auth_error("Invalid nonce - nonce has already been used.")
        conn.execute(
            "INSERT INTO oauth_nonces (key_id, nonce, timestamp) VALUES (?, ?, ?)",
            (key.id, nonce, stamp),
        )
