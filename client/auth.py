"""How a request proves who it is to a WooCommerce store.

WooCommerce accepts an API key three ways, and which one works depends on the transport:

* **Basic** (`Authorization: Basic base64(ck:cs)`) — only when PHP believes the request came
  over HTTPS (`is_ssl()`); over plain HTTP a real store ignores it and answers 401.
* **Query keys** (`?consumer_key=…&consumer_secret=…`) — same HTTPS-only rule; for servers
  that strip the Authorization header. The secret then sits in every URL (and in the
  `Link` header the store sends back), so it is a last resort.
* **OAuth 1.0a one-legged** — what a real store requires over plain HTTP: every request is
  signed with HMAC-SHA1 or HMAC-SHA256 using `consumer_secret + "&"` as the key, a fresh
  32-character nonce and a timestamp; nothing secret travels.

`choose_auth_mode()` picks one for "auto". The signature base string is built exactly the way
WooCommerce's `check_oauth_signature()` rebuilds it (see `signature_base_string`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable, Generator, Iterable
from typing import Literal
from urllib.parse import quote

import httpx

AuthMode = Literal["auto", "basic", "query", "oauth"]
SignatureMethod = Literal["HMAC-SHA1", "HMAC-SHA256"]

_DIGESTS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def choose_auth_mode(
    url: str | httpx.URL, mode: AuthMode = "auto"
) -> Literal["basic", "query", "oauth"]:
    """The concrete mode for `mode` against a shop at `url`.

    "auto" means: Basic over HTTPS (simple, nothing in URLs); OAuth 1.0a over plain HTTP,
    because a real WooCommerce refuses Basic and query keys unless PHP sees HTTPS — sending a
    Basic secret in clear text over a network would be wrong anyway. The one exception is a
    loopback host: the reference shop (shop/) listens on 127.0.0.1 over plain HTTP and
    accepts Basic, and the secret never leaves the machine. (A real WooCommerce on loopback
    over HTTP refuses Basic; `WooCommerceClient` notices its 401 and switches to OAuth.)
    """
    if mode != "auto":
        return mode
    parsed = httpx.URL(str(url))
    if parsed.scheme == "https" or is_loopback(parsed.host):
        return "basic"
    return "oauth"


def percent_encode(value: str) -> str:
    """RFC 3986 percent-encoding, as PHP's `rawurlencode` (only A-Z a-z 0-9 - . _ ~ kept)."""
    return quote(value, safe="-._~")


def signature_base_string(method: str, url: httpx.URL, params: Iterable[tuple[str, str]]) -> str:
    """The OAuth 1.0a signature base string, as WooCommerce's `check_oauth_signature()` builds it.

    `UPPER(method) & enc(scheme://host[:port]/path) & enc(k1=v1&k2=v2…)` where the pairs are
    every query parameter and oauth_* parameter except `oauth_signature`, sorted by raw key
    (PHP `uksort(strcmp)`; ties — which PHP cannot have — by value), each key and value
    RFC 3986-encoded, then the joined string encoded again. The port appears only when it is
    not the scheme's default; the query string is never part of the URL part.
    """
    scheme = url.scheme.lower()
    host = url.host.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = f":{url.port}" if url.port is not None else ""
    path = url.raw_path.split(b"?", 1)[0].decode("ascii") or "/"
    base_url = f"{scheme}://{host}{port}{path}"
    pairs = sorted(
        ((k, v) for k, v in params if k != "oauth_signature"),
        key=lambda kv: (kv[0].encode(), kv[1].encode()),
    )
    normalized = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in pairs)
    return "&".join((method.upper(), percent_encode(base_url), percent_encode(normalized)))


def sign(
    base_string: str,
    consumer_secret: str,
    method: SignatureMethod = "HMAC-SHA256",
    token_secret: str = "",
) -> str:
    """base64(HMAC(base_string, consumer_secret & token_secret)).

    One-legged OAuth (WooCommerce) has no token, so the key is `consumer_secret + "&"`.
    WooCommerce uses the secret as stored, not percent-encoded as RFC 5849 says; its
    secrets (`cs_` + hex) read the same either way, and we do as the server does.
    """
    key = f"{consumer_secret}&{token_secret}"
    digest = hmac.new(key.encode(), base_string.encode(), _DIGESTS[method]).digest()
    return base64.b64encode(digest).decode("ascii")


def new_nonce() -> str:
    """32 random hex characters, the length WooCommerce's docs recommend."""
    return secrets.token_hex(16)


class OAuth1Auth(httpx.Auth):
    """Signs each request (each retry too) with OAuth 1.0a one-legged, parameters in the query.

    `oauth_version` is left out, as WooCommerce's docs advise. `clock` and `nonce` are
    injectable so tests can reproduce a signature.
    """

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        method: SignatureMethod = "HMAC-SHA256",
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = new_nonce,
    ) -> None:
        if method not in _DIGESTS:
            raise ValueError(f"unsupported OAuth signature method {method!r}")
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.method: SignatureMethod = method
        self._clock = clock
        self._nonce = nonce

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        oauth = {
            "oauth_consumer_key": self.consumer_key,
            "oauth_nonce": self._nonce(),
            "oauth_signature_method": self.method,
            "oauth_timestamp": str(int(self._clock())),
        }
        # Drop any oauth_* left from a copied URL (a Link header), then sign afresh.
        kept = [(k, v) for k, v in request.url.params.multi_items() if not k.startswith("oauth_")]
        params = [*kept, *oauth.items()]
        url = request.url.copy_with(params=params)
        signature = sign(
            signature_base_string(request.method, url, params), self.consumer_secret, self.method
        )
        request.url = url.copy_with(params=[*params, ("oauth_signature", signature)])
        yield request


class QueryKeyAuth(httpx.Auth):
    """`consumer_key`/`consumer_secret` as query parameters (HTTPS only on a real store)."""

    def __init__(self, consumer_key: str, consumer_secret: str) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        kept = [
            (k, v)
            for k, v in request.url.params.multi_items()
            if k not in ("consumer_key", "consumer_secret")
        ]
        request.url = request.url.copy_with(
            params=[
                *kept,
                ("consumer_key", self.consumer_key),
                ("consumer_secret", self.consumer_secret),
            ]
        )
        yield request


def build_auth(
    mode: Literal["basic", "query", "oauth"],
    consumer_key: str,
    consumer_secret: str,
    *,
    oauth_method: SignatureMethod = "HMAC-SHA256",
) -> httpx.Auth:
    """The httpx.Auth for a concrete mode."""
    if mode == "basic":
        return httpx.BasicAuth(consumer_key, consumer_secret)
    if mode == "query":
        return QueryKeyAuth(consumer_key, consumer_secret)
    if mode == "oauth":
        return OAuth1Auth(consumer_key, consumer_secret, method=oauth_method)
    raise ValueError(f"unknown auth mode {mode!r}")
