"""Turn whatever a shop answered (or failed to answer) into one `client.errors` exception.

This is the one place where HTTP statuses, WooCommerce error codes and httpx exceptions meet
the error hierarchy screens know. Error bodies are `{"code", "message", "data"}`, but `data`
may be anything: an object with `status`/`params`, or a bare number (the refunds controller
answers HTTP 500 with `"data": 500` for "Invalid refund amount.") — so every field is read
defensively (shared/woocommerce-real/NOTES.md).
"""

from __future__ import annotations

import html
import json
import re
import socket
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from client.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ShopError,
    Unavailable,
)
from client.urls import sanitize_url

#: Codes that are a refusal of the request's content even though WooCommerce answers 500.
REFUSAL_CODES: frozenset[str] = frozenset(
    {
        "woocommerce_rest_cannot_create_order_refund",  # "Invalid refund amount.", no gateway
        "woocommerce_rest_invalid_order_refund",
        "woocommerce_rest_trash_not_supported",  # 501: delete without force
    }
)

_TAG = re.compile(r"<[^>]+>")


def _clean(text: str) -> str:
    """A shop message as plain text: WordPress messages may hold HTML tags and entities."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def parse_error_body(content: bytes) -> tuple[str, str, Any]:
    """(code, message, data) from an error body; empty strings where the body has none."""
    try:
        payload = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, Mapping):
        return "", "", None
    code = payload.get("code")
    message = payload.get("message")
    return (
        code if isinstance(code, str) else "",
        _clean(message) if isinstance(message, str) else "",
        payload.get("data"),
    )


def _intended_status(status: int, data: Any) -> int:
    """The status the shop meant: `data.status`, or a bare-int `data`, else the HTTP status."""
    if isinstance(data, Mapping):
        inner = data.get("status")
        if isinstance(inner, int) and not isinstance(inner, bool) and 400 <= inner <= 599:
            return inner
    if isinstance(data, int) and not isinstance(data, bool) and 400 <= data <= 599:
        return data
    return status


def _invalid_field(data: Any) -> tuple[str | None, str]:
    """(first offending parameter, its message) from `data.params`, if the shop named one."""
    if isinstance(data, Mapping):
        params = data.get("params")
        if isinstance(params, Mapping) and params:
            name, text = next(iter(params.items()))
            return str(name), _clean(text) if isinstance(text, str) else ""
    return None, ""


def error_from_payload(
    status: int,
    code: str,
    message: str,
    data: Any,
    *,
    what: str | None = None,
    shop: str = "the shop",
) -> ShopError:
    """The exception for an error answer with HTTP `status` and WooCommerce `code`/`message`."""
    kwargs: dict[str, Any] = {"code": code or f"http_{status}", "status": status, "data": data}
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    if code in REFUSAL_CODES:
        field, detail = _invalid_field(data)
        return Invalid(detail or message or f"{shop} refused the request", field=field, **kwargs)
    meant = _intended_status(status, data) if status >= 500 else status
    if meant == 401:
        return AuthFailed(message or f"{shop} did not accept the API key (HTTP 401)", **kwargs)
    if meant == 403:
        return Forbidden(message or f"{shop} does not allow this for this API key", **kwargs)
    if code == "rest_no_route":
        return NotFound(
            f"{shop} has no such WooCommerce API route; check the address and that the "
            "REST API is enabled.",
            **kwargs,
        )
    if meant == 404:
        text = f"{what[0].upper()}{what[1:]} was not found in the shop." if what else ""
        return NotFound(text or message or f"Not found: {shop} answered HTTP 404.", **kwargs)
    if meant in (409, 412):
        return Conflict(
            message or "Someone else changed this in the meantime; reload and try again.",
            **kwargs,
        )
    if meant == 410:
        return Conflict(message or "This is already in the trash.", **kwargs)
    if meant == 429:
        return Unavailable(f"{shop} is limiting requests (HTTP 429); try again shortly.", **kwargs)
    if 400 <= meant < 500 or meant == 501:
        field, detail = _invalid_field(data)
        return Invalid(
            detail or message or f"{shop} refused the request (HTTP {status})",
            field=field,
            **kwargs,
        )
    if 300 <= status < 400:
        return ShopError(
            f"{shop} redirected the request (HTTP {status}); check its address.", **kwargs
        )
    suffix = f": {message}" if message else ""
    return Unavailable(
        f"{shop} failed (HTTP {status} {reason}){suffix}".replace(" )", ")"), **kwargs
    )


def error_from_response(
    response: httpx.Response, *, what: str | None = None, shop: str = "the shop"
) -> ShopError:
    """The exception for a non-2xx `response` (its body must have been read)."""
    code, message, data = parse_error_body(response.content)
    error = error_from_payload(response.status_code, code, message, data, what=what, shop=shop)
    if 300 <= response.status_code < 400 and response.headers.get("location"):
        where = sanitize_url(response.headers["location"])
        error = ShopError(
            f"{shop} redirected the request to {where}; use that address.",
            code=error.code,
            status=error.status,
            data=error.data,
        )
    return error


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and what caused it (httpx wraps httpcore wraps anyio wraps the OSError)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _network_reason(exc: Exception) -> str:
    chain = _chain(exc)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "host name not found"
    text = " ".join(str(e) for e in chain).lower()
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.ReadTimeout):
        return "no answer in time"
    if isinstance(exc, httpx.WriteTimeout):
        return "timed out sending the request"
    if isinstance(exc, httpx.PoolTimeout):
        return "too many requests waiting"
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename" in text or "getaddrinfo" in text:
        return "host name not found"
    if "certificate" in text or "ssl" in text or "tls" in text:
        return f"TLS problem ({str(exc) or type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection was dropped"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "the connection broke"
    if "all connection attempts failed" in text:
        return "could not connect"
    return str(exc) or type(exc).__name__


def error_from_exception(exc: Exception, *, shop_url: str) -> ShopError:
    """The exception for an httpx failure before any answer arrived."""
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return ShopError(f"Shop address {shop_url} is not usable: {exc}", code="orderdesk_bad_url")
    if isinstance(exc, httpx.TransportError):
        return Unavailable(
            f"Shop unreachable at {shop_url}: {_network_reason(exc)}",
            code="orderdesk_unreachable",
        )
    return ShopError(f"Talking to the shop at {shop_url} failed: {exc}", code="orderdesk_error")
