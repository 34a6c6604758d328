"""An httpx transport that counts requests and bytes on the way, without buffering.

Bytes are counted as HTTP/1.1 puts them on the wire: request line, headers, the blank
line and the body, and the same for the answer (the reference shop does not compress, so
the body as read is the body as sent).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import httpx


def head_bytes(first_line: str, headers: Iterable[tuple[str, str]]) -> int:
    """Size of an HTTP/1.1 head: the first line, `name: value` lines, the blank line."""
    size = len(first_line) + 2
    for name, value in headers:
        size += len(name) + 2 + len(value) + 2
    return size + 2


@dataclass
class Counter:
    requests: int = 0
    sent: int = 0
    received: int = 0
    paths: list[str] = field(default_factory=list)

    def snapshot(self) -> tuple[int, int, int]:
        return self.requests, self.sent, self.received


class _CountingStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, counter: Counter) -> None:
        self._inner = inner
        self._counter = counter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._counter.received += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class CountingTransport(httpx.AsyncBaseTransport):
    """Real loopback HTTP (httpx's own transport), with every exchange counted."""

    def __init__(self, counter: Counter | None = None, *, keep_paths: bool = False) -> None:
        self.counter = counter or Counter()
        self.keep_paths = keep_paths
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        counter = self.counter
        counter.requests += 1
        target = request.url.raw_path.decode("ascii", "replace")
        if self.keep_paths:
            counter.paths.append(f"{request.method} {target}")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        counter.sent += head_bytes(f"{request.method} {target} HTTP/1.1", headers)
        counter.sent += int(request.headers.get("content-length") or 0)
        response = await self._inner.handle_async_request(request)
        counter.received += head_bytes(
            f"HTTP/1.1 {response.status_code} OK",
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
        )
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _CountingStream(response.stream, counter)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
