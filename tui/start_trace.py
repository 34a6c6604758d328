"""An opt-in trace of the console's start-up: time stamps of its milestones, to a file.

Why: "where do the first 1.4 s go" needs the same milestones on every run, outside a
profiler (which doubles the import time it measures). `ORDERDESK_TRACE_START=path` appends
one line per milestone, `<seconds since the process started> <CPU seconds of the
process> <label>`, to `path` (the two differ by the time spent waiting); without
it `mark` does nothing (one dict lookup), and nothing is ever printed.
"""

from __future__ import annotations

import os
import time

_PATH = os.environ.get("ORDERDESK_TRACE_START", "")
#: Whether milestones are recorded (callers skip work that only serves the trace).
ENABLED = bool(_PATH)


def _process_start() -> float:
    """When this process started (wall clock), from /proc; now when unknown."""
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])  # starttime, field 22 (after pid and comm)
        with open("/proc/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.time()


_STARTED = _process_start() if _PATH else 0.0


def mark(label: str) -> None:
    """Record that the start-up reached `label` (when ORDERDESK_TRACE_START is set)."""
    if not _PATH:
        return
    try:
        with open(_PATH, "a", encoding="utf-8") as handle:
            handle.write(f"{time.time() - _STARTED:7.3f} {time.process_time():7.3f} {label}\n")
    except OSError:
        pass
