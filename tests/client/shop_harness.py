"""The reference shop as tests reach it: clients on it, and transports that count requests
or inject faults the real shop cannot produce on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from client import WooCommerceClient

SEEDED_ORDERS = 60
ASGI_URL = "http://127.0.0.1:8765"


@dataclass(frozen=True)
class Keys:
    read_write: tuple[str, str]
    read: tuple[str, str]


# ---------------------------------------------------------------- transports


@dataclass
class Exchange:
    request: httpx.Request
    response: httpx.Response | None

    @property
    def request_bytes(self) -> int:
        line = f"{self.request.method} {self.request.url.raw_path.decode()} HTTP/1.1\r\n"
        headers = "".join(f"{k}: {v}\r\n" for k, v in self.request.headers.items())
        return len(line) + len(headers) + 2 + len(self.request.content)

    @property
    def response_bytes(self) -> int:
        assert self.response is not None
        headers = "".join(f"{k}: {v}\r\n" for k, v in self.response.headers.items())
        return len("HTTP/1.1 200 OK\r\n") + len(headers) + 2 + len(self.response.content)


Rule = Callable[[httpx.Request, int], "str | httpx.Response | Exception | None"]


@dataclass
class ShopTransport(httpx.AsyncBaseTransport):
    """Wraps the real shop's transport: records every exchange, and lets a test break some.

    `rule(request, n)` (n = how many requests matched so far, from 0) may answer:
    None → pass through; an httpx.Response → answer that instead (the shop never sees it);
    an Exception → raise it before the shop sees the request; "drop" → let the shop handle
    it, then lose the answer (raise ReadTimeout, as when a connection dies mid-answer).
    """

    inner: httpx.AsyncBaseTransport
    rule: Rule | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        verdict = self.rule(request, len(self.exchanges)) if self.rule else None
        if isinstance(verdict, Exception):
            self.exchanges.append(Exchange(request, None))
            raise verdict
        if isinstance(verdict, httpx.Response):
            self.exchanges.append(Exchange(request, verdict))
            return verdict
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if verdict == "drop":
            self.exchanges.append(Exchange(request, None))
            raise httpx.ReadTimeout("the answer was lost", request=request)
        self.exchanges.append(Exchange(request, response))
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=response.content,
            request=request,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()

    def requests(self, method: str | None = None, path_part: str = "") -> list[httpx.Request]:
        return [
            e.request
            for e in self.exchanges
            if (method is None or e.request.method == method) and path_part in e.request.url.path
        ]

    def clear(self) -> None:
        self.exchanges.clear()


async def no_wait(_seconds: float) -> None:
    return None


@dataclass
class Shop:
    """One running reference shop and a way to make clients for it."""

    db_path: Path
    keys: Keys
    url: str
    transport_factory: Callable[[], httpx.AsyncBaseTransport]
    kind: str
    clients: list[WooCommerceClient] = field(default_factory=list)

    def client(
        self, *, key: tuple[str, str] | None = None, rule: Rule | None = None, **kwargs: Any
    ) -> tuple[WooCommerceClient, ShopTransport]:
        consumer_key, secret = key or self.keys.read_write
        transport = ShopTransport(self.transport_factory(), rule)
        kwargs.setdefault("sleep", no_wait)
        made = WooCommerceClient(self.url, consumer_key, secret, transport=transport, **kwargs)
        self.clients.append(made)
        return made, transport


def asgi_shop_for(db_path: Path, keys: Keys) -> Shop:
    from shop.app import create_app

    app = create_app(db_path)
    return Shop(
        db_path,
        keys,
        ASGI_URL,
        lambda: httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        "asgi",
    )
