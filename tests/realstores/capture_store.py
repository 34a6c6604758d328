"""A WooCommerce 10.0.2 store as the captures show it, behind `httpx.MockTransport`.

For what the reference shop cannot be: a store that refuses Basic over plain HTTP, one with
"Plain" permalinks, one too old for `modified_after`. Every answer that was captured on the
real store is replayed from tests/client/captures (shared/woocommerce-real); the few that
were not (the site index, the system status, a 404 page) are built here and marked so.

Authentication follows WooCommerce's rules: Basic and query keys only over HTTPS (an unknown
key falls through to "cannot view"), OAuth 1.0a checked with the reference shop's own
server-side signature code (an implementation apart from the client's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from shop.auth import signature_base
from tests.client.wc_captures import load_capture

#: Built, not captured: the public index of a WordPress 6.8 site with WooCommerce.
WORDPRESS_INDEX: dict[str, Any] = {
    "name": "Real Test Store",
    "description": "Just another WordPress site",
    "url": "https://shop.test",
    "home": "https://shop.test",
    "gmt_offset": -5,
    "timezone_string": "America/New_York",
    "namespaces": ["oembed/1.0", "wc/store/v1", "wc/v1", "wc/v2", "wc/v3", "wp/v2"],
    "authentication": {"application-passwords": {}},
}

#: Built, not captured: a theme's "page not found", as WordPress serves /wp-json/ with
#: Plain permalinks.
NOT_FOUND_PAGE = b"<!DOCTYPE html><html><head><title>Page not found</title></head></html>"

ModifiedAfter = Literal["supported", "ignored", "rejected"]


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers={
        "Content-Type": "application/json; charset=UTF-8", **(headers or {})
    })


def replayed(name: str) -> httpx.Response:
    return load_capture(name).response()


@dataclass
class CaptureStore:
    """Call it with a request (it is an httpx.MockTransport handler)."""

    scheme: str = "https"
    host: str = "shop.test"
    keys: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "ck_rw": ("cs_rw", "read_write"),
            "ck_ro": ("cs_ro", "read"),
        }
    )
    pretty_permalinks: bool = True
    modified_after: ModifiedAfter = "supported"
    system_status: bool = True
    version: str = "10.0.2"
    seen: list[httpx.Request] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if path in ("", "/") and "rest_route" in request.url.params:
            route = request.url.params["rest_route"]
            if route == "/":
                return _json(200, WORDPRESS_INDEX)
            # WooCommerce checks keys only on URIs containing wp-json/wc/.
            return replayed("error_401_rest_route_style_not_authenticated")
        if not self.pretty_permalinks and path.startswith("/wp-json"):
            return httpx.Response(
                404, content=NOT_FOUND_PAGE, headers={"Content-Type": "text/html"}
            )
        if path == "/wp-json/":
            return _json(200, WORDPRESS_INDEX)
        if not path.startswith("/wp-json/wc/v3/"):
            return replayed("error_404_no_route")
        key, refusal = self._authenticate(request)
        if refusal is not None:
            return refusal
        if key is None:
            if request.url.scheme == "http" and request.headers.get("authorization", "").startswith(
                "Basic"
            ):
                return replayed("error_401_http_basic_not_accepted")
            return replayed("error_401_no_auth")
        if request.method != "GET" and self.keys[key][1] == "read":
            return replayed("error_401_read_only_key_write")
        return self._route(request, path.removeprefix("/wp-json/wc/v3/"))

    # ------------------------------------------------------------------ auth

    def _authenticate(self, request: httpx.Request) -> tuple[str | None, httpx.Response | None]:
        params = request.url.params
        if request.url.scheme == "https":
            ck = params.get("consumer_key", "")
            cs = params.get("consumer_secret", "")
            header = request.headers.get("authorization", "")
            if not (ck and cs) and header.startswith("Basic "):
                ck, _, cs = base64.b64decode(header[6:]).decode().partition(":")
            if ck and cs and ck in self.keys:
                if self.keys[ck][0] != cs:
                    return None, replayed("error_401_https_basic_bad_secret")
                return ck, None
        if "oauth_consumer_key" not in params:
            return None, None
        ck = params["oauth_consumer_key"]
        if ck not in self.keys:
            return None, replayed("error_401_http_oauth_unknown_key")
        method = params["oauth_signature_method"]
        digest = hashlib.sha256 if method == "HMAC-SHA256" else hashlib.sha1
        base = signature_base(
            request.method,
            f"{request.url.scheme}://{request.url.netloc.decode()}"
            + request.url.raw_path.decode().split("?")[0],
            dict(params.items()),
        )
        expected = base64.b64encode(
            hmac.new(f"{self.keys[ck][0]}&".encode(), base.encode(), digest).digest()
        ).decode()
        if not hmac.compare_digest(expected, params["oauth_signature"]):
            return None, replayed("error_401_http_oauth_bad_signature")
        return ck, None

    # ------------------------------------------------------------------ routes

    def _route(self, request: httpx.Request, route: str) -> httpx.Response:
        if request.method == "GET" and route == "orders":
            if "modified_after" in request.url.params and self.modified_after != "ignored":
                if self.modified_after == "rejected":
                    # Built: the shape of WordPress's rest_invalid_param (as in the captures).
                    return _json(400, {
                        "code": "rest_invalid_param",
                        "message": "Invalid parameter(s): orderby",
                        "data": {"status": 400, "params": {
                            "orderby": "orderby is not one of date, id, include, title, slug."
                        }},
                    })
                return _json(200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})
            answer = replayed("orders_list_default")
            body = json.loads(answer.content)
            for order in body:
                order["version"] = self.version
            return httpx.Response(200, headers=answer.headers, content=json.dumps(body).encode())
        if request.method == "GET" and route == "system_status":
            if not self.system_status:
                return replayed("error_404_no_route")
            # Built: the environment section of WooCommerce's system status.
            return _json(200, {"environment": {"version": self.version, "wp_version": "6.8.8"}})
        if request.method == "POST" and route == "orders/0/notes":
            # Built: WordPress refuses a missing required argument before any handler runs.
            return _json(400, {
                "code": "rest_missing_callback_param",
                "message": "Missing parameter(s): note",
                "data": {"status": 400, "params": ["note"]},
            })
        return replayed("error_404_no_route")
