"""Replaying what a real WooCommerce answered (shared/woocommerce-real) and the docs' examples
(shared/woocommerce-examples), copied into captures/, through `httpx.MockTransport`."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from client.woocommerce import WooCommerceClient

CAPTURES = Path(__file__).parent / "captures"
REAL = CAPTURES / "woocommerce-real"
EXAMPLES = CAPTURES / "woocommerce-examples"
CONSTRUCTED = EXAMPLES / "constructed"

_HOP_BY_HOP = {"transfer-encoding", "content-length", "connection", "content-encoding"}

SHOP_URL = "https://shop.test"


@dataclass(frozen=True)
class Capture:
    name: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_line: str

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def response(self) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, content=self.body)


def load_capture(name: str) -> Capture:
    raw_headers = (REAL / f"{name}.headers.txt").read_text().splitlines()
    status = int(raw_headers[0].split()[1])
    headers = []
    for line in raw_headers[1:]:
        if ":" not in line:
            continue
        key, value = line.split(":", 1)
        if key.strip().lower() not in _HOP_BY_HOP:
            headers.append((key.strip(), value.strip()))
    body_file = next(REAL.glob(f"{name}.body.*"))
    request_line = (REAL / f"{name}.request.txt").read_text().splitlines()[0]
    return Capture(name, status, headers, body_file.read_bytes(), request_line)


def capture_names(prefix: str = "") -> list[str]:
    return sorted(p.name.removesuffix(".headers.txt") for p in REAL.glob(f"{prefix}*.headers.txt"))


Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def mock_client(handler: Handler, **kwargs: Any) -> WooCommerceClient:
    """A client whose network is `handler`; retries wait for nothing."""

    async def no_wait(_seconds: float) -> None:
        return None

    kwargs.setdefault("sleep", no_wait)
    return WooCommerceClient(
        kwargs.pop("url", SHOP_URL),
        "ck_test",
        "cs_test",
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


def replay(capture: Capture, **kwargs: Any) -> tuple[WooCommerceClient, list[httpx.Request]]:
    """A client that answers every request with `capture`; the requests are recorded."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return capture.response()

    return mock_client(handler, **kwargs), seen


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)
