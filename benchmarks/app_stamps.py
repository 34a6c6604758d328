"""Time stamps taken inside a running Textual app, for benchmarks driven by its pilot.

Why: `pilot.press()` returns only once the app has gone idle (~40 ms after the key on this
machine), so a clock around it measures the pilot. The benchmarks stamp the moment the app
receives a key and the moment it has done the work instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import App


def on_key_received(app: App, record: Callable[[events.Key, float], None]) -> None:
    """Call `record(key_event, perf_counter())` as the app receives each key (its own
    `on_event`, wrapped: before bindings or the focused widget see the key)."""
    on_event = app.on_event

    async def stamped(event: events.Event) -> None:
        if isinstance(event, events.Key):
            record(event, time.perf_counter())
        await on_event(event)

    app.on_event = stamped  # type: ignore[method-assign]
