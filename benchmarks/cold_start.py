"""1. Cold start: from launching the console to a filled, interactive queue.

`orderdesk --url … --key … --secret …` is launched in a 120x40 tmux pane against a
subprocess shop with 10,000 orders (fresh config and data directories each time). The
screen is captured every ~10 ms; the clock runs from just before tmux starts the process
to the first capture showing:
- first rows: an order row (`#<number>`) in the table;
- full queue: the status bar reading "10,000 of 10,000" with the "loading…" mark gone
  (the app sets it once the last page is in the model; the table is usable throughout).
Baseline (the floor): an empty Textual app launched the same way, until its one word shows.
Capturing costs a few ms of resolution; both sides pay it alike.

Relaunch: the same, in a data directory where an earlier run (quit with `q`) left its
queue snapshot (`tui.snapshot`), as every start after the first one is. "Full queue" then
also waits for the catch-up with the shop (the "loading…" mark goes once the feed has
asked what changed since the snapshot).

Demo shop (issue #3's target): plain `orderdesk`, which starts the embedded demo shop
(2,000 orders) itself, launched in a data directory where a first run has seeded it;
measured with the queue snapshot of the previous run (every start after the first) and
without it (snapshot removed before each launch). "Full queue": "2,000 of 2,000" shown,
"loading…" gone.

Without bytecode caches: the first figure again, with the checkout's `__pycache__`
removed and Python kept from writing it (`benchmarks.bytecode`): what a start costs where
the environment sets PYTHONDONTWRITEBYTECODE on an editable install. Every other launch
runs from compiled modules, as an installed console does.

Target: full queue < 1.0 s, median of at least 5 launches.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from benchmarks.bytecode import without_checkout_bytecode
from benchmarks.context import SMALL, Run
from benchmarks.floor_app import READY
from benchmarks.harness import BenchResult, Figure, summary
from benchmarks.shops import KEY, ROOT, SECRET
from benchmarks.terminal import launch, tmux

NAME = "cold_start"
TITLE = "Cold start to a filled, interactive queue"
ROW = re.compile(r"^\s*#\d+\s", re.MULTILINE)


def console_command(url: str) -> list[str]:
    """`orderdesk --url … --key … --secret …`, run as `python -m tui.cli` (what the
    `orderdesk` script runs) so it uses this checkout's code whatever is installed."""
    return [sys.executable, "-m", "tui.cli", "--url", url, "--key", KEY, "--secret", SECRET]


def console_env(workdir: Path, home: Path | None = None) -> dict[str, str]:
    """Fresh per-launch config and data directories (nothing cached between launches),
    or those of `home` when given (a relaunch)."""
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="launch-", dir=workdir))
        (home / "config").mkdir()
        (home / "data").mkdir()
    return {
        "ORDERDESK_CONFIG_DIR": str(home / "config"),
        "ORDERDESK_DATA_DIR": str(home / "data"),
        "COLORTERM": "truecolor",
    }


def full_count_shown(orders: int) -> Callable[[str], bool]:
    wanted = f"{orders:,} of {orders:,}"

    def shown(screen: str) -> bool:
        return wanted in screen and "loading…" not in screen

    return shown


def console_process(pid: int) -> psutil.Process:
    """The console's Python process behind a tmux pane (the pane runs it via exec)."""
    process = psutil.Process(pid)
    for candidate in (process, *process.children(recursive=True)):
        try:
            if "orderdesk" in " ".join(candidate.cmdline()):
                return candidate
        except psutil.Error:
            continue
    return process


def run(ctx: Run) -> BenchResult:
    result = BenchResult(NAME, f"{TITLE} ({SMALL:,} orders)")
    shop = ctx.shop(SMALL)
    launches = 5 if ctx.quick else 7
    first_rows: list[float] = []
    full: list[float] = []
    floor: list[float] = []
    cpu: list[float] = []
    for i in range(launches):
        pane = launch(
            f"cold-{i}",
            console_command(shop.url),
            env=console_env(ctx.workdir),
            cwd=str(ROOT),
        )
        try:
            rows_at = pane.wait_for(lambda s: bool(ROW.search(s)), timeout=60)
            full_at = pane.wait_for(full_count_shown(SMALL), timeout=120)
            if full_at is None:
                result.notes.append(f"launch {i}: the queue never showed {SMALL:,} orders")
                result.details.setdefault("screens", []).append(pane.text())
                continue
            first_rows.append(rows_at or full_at)
            full.append(full_at)
            try:
                times = console_process(pane.pid()).cpu_times()
                cpu.append(times.user + times.system)
            except psutil.Error:
                pass
            ctx.log(f"  launch {i}: first rows {rows_at:.2f} s, full queue {full_at:.2f} s")
        finally:
            pane.close()
        floor_pane = launch(
            f"floor-{i}",
            [sys.executable, "-m", "benchmarks.floor_app"],
            env=console_env(ctx.workdir),
            cwd=str(ROOT),
        )
        try:
            at = floor_pane.wait_for(lambda s: READY in s, timeout=30)
            if at is not None:
                floor.append(at)
        finally:
            floor_pane.close()
    uncached = _uncached_launches(ctx, shop.url, 3 if ctx.quick else 5, result)
    relaunch_rows, relaunch_full = _relaunches(ctx, shop.url, launches, result)
    demo = _demo_launches(ctx, launches, result)
    floor_median = summary(floor)["median"] if floor else None
    result.add(
        Figure(
            "to full queue, median",
            summary(full)["median"] if full else None,
            "s",
            target=1.0,
            baseline=floor_median,
            baseline_label="empty Textual app",
            samples=full,
        ),
        Figure(
            "to first rows, median",
            summary(first_rows)["median"] if first_rows else None,
            "s",
            baseline=floor_median,
            baseline_label="empty Textual app",
            samples=first_rows,
        ),
    )
    result.add(
        Figure(
            "no bytecode cache: to full queue, median",
            summary(uncached)["median"] if uncached else None,
            "s",
            baseline=floor_median,
            baseline_label="empty Textual app",
            samples=uncached,
            note="first launch, the checkout's modules compiled at start (PYTHONDONTWRITEBYTECODE)",
        ),
    )
    result.add(
        Figure(
            "relaunch (queue snapshot): to full queue, median",
            summary(relaunch_full)["median"] if relaunch_full else None,
            "s",
            target=1.0,
            baseline=floor_median,
            baseline_label="empty Textual app",
            samples=relaunch_full,
        ),
        Figure(
            "relaunch (queue snapshot): to first rows, median",
            summary(relaunch_rows)["median"] if relaunch_rows else None,
            "s",
            samples=relaunch_rows,
        ),
    )
    for label, (rows, full_queue) in demo.items():
        result.add(
            Figure(
                f"demo shop, {label}: to full queue, median",
                summary(full_queue)["median"] if full_queue else None,
                "s",
                target=1.0,
                baseline=floor_median,
                baseline_label="empty Textual app",
                samples=full_queue,
            ),
            Figure(
                f"demo shop, {label}: to first rows, median",
                summary(rows)["median"] if rows else None,
                "s",
                samples=rows,
            ),
        )
    result.add(
        Figure(
            "console CPU to full queue, median",
            summary(cpu)["median"] if cpu else None,
            "s",
            note="CPU seconds of the console process: unaffected by other work on the machine",
            samples=cpu,
        )
    )
    result.details.update(
        {
            "full_s": full,
            "first_rows_s": first_rows,
            "floor_s": floor,
            "cpu_s": cpu,
            "uncached_full_s": uncached,
            "relaunch_full_s": relaunch_full,
            "relaunch_first_rows_s": relaunch_rows,
            "demo_s": demo,
        }
    )
    result.notes.append(f"{len(full)} launches, floor {len(floor)} launches, 120x40 tmux pane")
    return result


def _uncached_launches(ctx: Run, url: str, launches: int, result: BenchResult) -> list[float]:
    """First launches (fresh directories) without the checkout's bytecode caches."""
    full: list[float] = []
    with without_checkout_bytecode() as no_cache:
        for i in range(launches):
            env = {**console_env(ctx.workdir), **no_cache}
            pane = launch(f"uncached-{i}", console_command(url), env=env, cwd=str(ROOT))
            try:
                full_at = pane.wait_for(full_count_shown(SMALL), timeout=120)
                if full_at is None:
                    result.notes.append(f"uncached launch {i}: the queue never loaded")
                    continue
                full.append(full_at)
                ctx.log(f"  no bytecode cache {i}: full queue {full_at:.2f} s")
            finally:
                pane.close()
    return full


def _relaunches(
    ctx: Run, url: str, launches: int, result: BenchResult
) -> tuple[list[float], list[float]]:
    """Launches in one data directory where a first run, quit with `q`, saved its queue."""
    home = Path(tempfile.mkdtemp(prefix="relaunch-", dir=ctx.workdir))
    (home / "config").mkdir()
    (home / "data").mkdir()
    env = console_env(ctx.workdir, home)
    first = launch("cold-first", console_command(url), env=env, cwd=str(ROOT))
    try:
        if first.wait_for(full_count_shown(SMALL), timeout=120) is None:
            result.notes.append("relaunch: the first run never loaded")
            return [], []
        tmux("send-keys", "-t", first.name, "q")
        deadline = time.perf_counter() + 60
        while _alive(first.name) and time.perf_counter() < deadline:
            time.sleep(0.1)
    finally:
        first.close()
    if not any((home / "data").rglob("*.snapshot")):
        result.notes.append("relaunch: no queue snapshot was saved at exit")
    rows: list[float] = []
    full: list[float] = []
    for i in range(launches):
        pane = launch(f"relaunch-{i}", console_command(url), env=env, cwd=str(ROOT))
        try:
            rows_at = pane.wait_for(lambda s: bool(ROW.search(s)), timeout=60)
            full_at = pane.wait_for(full_count_shown(SMALL), timeout=120)
            if full_at is None:
                result.notes.append(f"relaunch {i}: the queue never showed {SMALL:,} orders")
                continue
            rows.append(rows_at or full_at)
            full.append(full_at)
            ctx.log(f"  relaunch {i}: first rows {rows_at:.2f} s, full queue {full_at:.2f} s")
        finally:
            pane.close()
    return rows, full


def _alive(session: str) -> bool:
    return bool(tmux("list-panes", "-t", session, "-F", "#{pane_dead}", check=False).strip())


def _demo_launches(
    ctx: Run, launches: int, result: BenchResult
) -> dict[str, tuple[list[float], list[float]]]:
    """Plain `orderdesk` on the embedded demo shop, seeded by a first run (not timed)."""
    home = Path(tempfile.mkdtemp(prefix="demo-", dir=ctx.workdir))
    (home / "config").mkdir()
    (home / "data").mkdir()
    env = console_env(ctx.workdir, home)
    command = [sys.executable, "-m", "tui.cli"]
    demo_orders = 2_000
    first = launch("demo-first", command, env=env, cwd=str(ROOT))
    try:
        if first.wait_for(full_count_shown(demo_orders), timeout=300) is None:
            result.notes.append("demo shop: the first run never loaded")
            return {}
        tmux("send-keys", "-t", first.name, "q")
        deadline = time.perf_counter() + 60
        while _alive(first.name) and time.perf_counter() < deadline:
            time.sleep(0.1)
    finally:
        first.close()
    figures: dict[str, tuple[list[float], list[float]]] = {}
    for label, keep_snapshot in (("with snapshot", True), ("without snapshot", False)):
        rows: list[float] = []
        full: list[float] = []
        for i in range(launches):
            if not keep_snapshot:
                for path in (home / "data").rglob("*.snapshot"):
                    path.unlink()
            pane = launch(f"demo-{keep_snapshot}-{i}", command, env=env, cwd=str(ROOT))
            try:
                rows_at = pane.wait_for(lambda s: bool(ROW.search(s)), timeout=60)
                full_at = pane.wait_for(full_count_shown(demo_orders), timeout=120)
                if full_at is None:
                    result.notes.append(f"demo {label} {i}: the queue never showed every order")
                    continue
                rows.append(rows_at or full_at)
                full.append(full_at)
                ctx.log(f"  demo {label} {i}: first rows {rows_at:.2f} s, full {full_at:.2f} s")
                # Quit with q, as staff do, so the next launch finds this run's snapshot.
                tmux("send-keys", "-t", pane.name, "q")
                deadline = time.perf_counter() + 30
                while _alive(pane.name) and time.perf_counter() < deadline:
                    time.sleep(0.05)
            finally:
                pane.close()
        figures[label] = (rows, full)
    return figures
