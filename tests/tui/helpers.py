"""Waiting and reading helpers for pilot tests.

The console works in workers, so tests poll for outcomes instead of sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot


async def wait_until(
    pilot: Pilot, predicate: Callable[[], bool], *, timeout: float = 10.0, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.05)


async def eventually(
    check: Callable[[], Awaitable[bool]], *, timeout: float = 10.0, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)


def screen_text(pilot: Pilot) -> str:
    """The plain text a person would read on the terminal right now."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def notifications(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]
