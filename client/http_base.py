"""What every shop adapter shares around its httpx client.

Closing (also as `async with`) and request logging: the address only, sanitised (a
`Link` header or a query can carry secrets), and built only when debug logging is on —
sanitising every URL costs ~7 % of a large load otherwise.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Self

import httpx

from client.urls import sanitize_url


class HttpShopClient:
    """Base of the WooCommerce and PrestaShop adapters: subclasses set `_http` and `log`."""

    log: ClassVar[logging.Logger]
    _http: httpx.AsyncClient

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _log_request(self, request: httpx.Request) -> None:
        # The method and address only: never a body (customers carry password hashes).
        if self.log.isEnabledFor(logging.DEBUG):
            self.log.debug("→ %s %s", request.method, sanitize_url(request.url))
