"""When and how long to wait before asking a shop again.

Only requests that are safe to repeat are retried automatically: GET (reading twice changes
nothing) and PUT (WooCommerce's PUT sets fields, so a second identical PUT leaves the same
state). POST creates things — a refund, a note, a coupon — and is never repeated blindly;
`WooCommerceClient` checks whether the first attempt landed before it tries again.

Waits grow exponentially with jitter (so many consoles do not hammer a recovering shop in
step) and honour a shop's `Retry-After`. `sleep` and `random` are injectable so tests run
without waiting.
"""

from __future__ import annotations

import asyncio
import random as _random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: Statuses worth another try for any retryable method: the shop or a proxy in front of it
#: was overloaded or restarting.
TRANSIENT_STATUSES: frozenset[int] = frozenset({429, 502, 503, 504})

#: Methods retried automatically; POST and DELETE are not.
RETRYABLE_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "PUT"})


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass
class RetryPolicy:
    """Up to `retries` further attempts, waiting `base_delay * 2**n` (jittered, capped)."""

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    #: A longer Retry-After than this is not waited out: the call fails and says when to retry.
    max_retry_after: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    random: Callable[[], float] = field(default=_random.random)

    def should_retry(self, method: str, status: int) -> bool:
        """Whether an answer with `status` to `method` is worth asking again."""
        method = method.upper()
        if method not in RETRYABLE_METHODS:
            return False
        if status in TRANSIENT_STATUSES:
            return True
        # A 500 on a read is usually a passing database hiccup; on a PUT it may mean the
        # write half-happened (WooCommerce writes are not atomic), so a person should look.
        return status == 500 and method in ("GET", "HEAD")

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `attempt` (0 for the first retry)."""
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        # "Equal jitter": at least half the ceiling, so waits still grow.
        return ceiling / 2 + self.random() * ceiling / 2
