"""A transport that breaks requests on purpose, around the real reference shop.

The faults a refund must survive happen between the console and the shop, so they are
injected there: the shop itself runs for real (in-process through httpx.ASGITransport, or
over loopback HTTP), and this wrapper decides, per request, what goes wrong:

- "drop":       the shop handles the request (and commits), the answer is lost;
- "timeout":    the request times out before the shop ever sees it;
- "connect":    the connection cannot be made (shop down, port closed);
- "500-before": a 500 from in front of the shop (a proxy); the shop never saw it;
- "500-after":  the shop commits, then a 500 comes back instead of its answer;
- "restart":    the shop handles the request, then stops before answering (a real stop
                with `on_restart` for a RunningShop, else `down_for` requests refused).

`plain=True` plays a plain WooCommerce store, which ignores `Idempotency-Key`: the header
is removed before the shop sees it, so only the client's meta marker can prevent a
duplicate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

#: What a rule may answer for a request (None: let it through untouched).
Fault = str | None
Rule = Callable[[httpx.Request, int], Fault]

FAULTS = ("drop", "timeout", "connect", "500-before", "500-after", "restart")


def _server_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        500,
        json={
            "code": "internal_server_error",
            "message": "There has been a critical error on this website.",
            "data": {"status": 500},
        },
        request=request,
    )


@dataclass
class FaultTransport(httpx.AsyncBaseTransport):
    inner: httpx.AsyncBaseTransport
    rule: Rule | None = None
    plain: bool = False
    #: After a "restart" without `on_restart`: how many requests find the shop down.
    down_for: int = 0
    #: Called (awaited) after a "restart" request was handled: stop (and maybe restart)
    #: the real shop.
    on_restart: Callable[[], Awaitable[None]] | None = None
    seen: Counter[str] = field(default_factory=Counter)
    requests: list[httpx.Request] = field(default_factory=list)
    _down: int = 0

    def posts(self, path_end: str = "/refunds") -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path.endswith(path_end)]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.plain and "idempotency-key" in request.headers:
            del request.headers["idempotency-key"]
        if self._down > 0:
            self._down -= 1
            self.seen["down"] += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        fault = self.rule(request, len(self.requests) - 1) if self.rule else None
        if fault:
            self.seen[fault] += 1
        if fault == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault == "connect":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if fault == "500-before":
            return _server_error(request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if fault == "drop":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if fault == "500-after":
            return _server_error(request)
        if fault == "restart":
            if self.on_restart is not None:
                await self.on_restart()
            else:
                self._down = self.down_for
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=response.content,
            request=request,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def on_post_refund(fault: str, times: int = 1) -> Rule:
    """A rule breaking the first `times` refund POSTs with `fault`."""
    left = [times]

    def rule(request: httpx.Request, _n: int) -> Fault:
        if request.method == "POST" and request.url.path.endswith("/refunds") and left[0] > 0:
            left[0] -= 1
            return fault
        return None

    return rule


async def no_wait(_seconds: float) -> None:
    return None
