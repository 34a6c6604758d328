"""6. Memory: resident size of the console with every order of the big shop loaded.

The console is launched in tmux (120x40) against the big subprocess shop; once the status
bar shows the full count with loading done, its RSS is read with psutil (and the peak seen
while loading, sampled every 100 ms). Baseline: the empty Textual app's RSS, launched the
same way. The time to the full queue at this size is reported too.

Target: RSS < 300 MB with 100,000 orders.
"""

from __future__ import annotations

import sys
import time

from benchmarks.cold_start import console_command, console_env, console_process, full_count_shown
from benchmarks.context import Run
from benchmarks.floor_app import READY
from benchmarks.harness import BenchResult, Figure
from benchmarks.shops import ROOT
from benchmarks.terminal import launch

NAME = "memory"
TITLE = "Resident memory with the queue loaded"
MB = 1024 * 1024


def run(ctx: Run) -> BenchResult:
    size = ctx.large
    result = BenchResult(NAME, f"{TITLE} ({size:,} orders)")
    shop = ctx.shop(size)
    pane = launch("memory", console_command(shop.url), env=console_env(ctx.workdir), cwd=str(ROOT))
    shown = full_count_shown(size)
    peak = 0
    loaded_at = rss = None
    try:
        time.sleep(0.3)
        process = console_process(pane.pid())
        deadline = pane.launched_at + 600
        while time.perf_counter() < deadline:
            peak = max(peak, process.memory_info().rss)
            if shown(pane.text()):
                loaded_at = time.perf_counter() - pane.launched_at
                break
            time.sleep(0.1)
        if loaded_at is not None:
            time.sleep(1.0)  # let the last redraw and any garbage collection settle
            rss = process.memory_info().rss
            peak = max(peak, rss)
            ctx.log(f"  loaded in {loaded_at:.1f} s, RSS {rss / MB:.0f} MB (peak {peak / MB:.0f})")
        else:
            result.notes.append("the queue never finished loading; screen: " + pane.text()[-400:])
    finally:
        pane.close()

    floor_pane = launch(
        "memory-floor",
        [sys.executable, "-m", "benchmarks.floor_app"],
        env=console_env(ctx.workdir),
        cwd=str(ROOT),
    )
    floor_rss = None
    try:
        if floor_pane.wait_for(lambda s: READY in s, timeout=30) is not None:
            time.sleep(0.5)
            floor_rss = console_process_any(floor_pane.pid()).memory_info().rss
    finally:
        floor_pane.close()

    result.add(
        Figure(
            "RSS, queue loaded",
            rss / MB if rss else None,
            "MB",
            target=300,
            baseline=floor_rss / MB if floor_rss else None,
            baseline_label="empty Textual app",
        ),
        Figure("RSS peak while loading", peak / MB if peak else None, "MB", target=300),
        Figure("time to full queue", loaded_at, "s"),
    )
    result.details = {"rss": rss, "peak": peak, "floor_rss": floor_rss, "loaded_at": loaded_at}
    return result


def console_process_any(pid: int):  # -> psutil.Process
    """The pane's main process (the floor app runs directly under it via exec)."""
    import psutil

    return psutil.Process(pid)
