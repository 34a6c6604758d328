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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from benchmarks.bytecode import without_checkout_bytecode
from benchmarks.context import SMALL, Run
from benchmarks.floor_app import READY
from benchmarks.harness import BenchResult, Figure, summary
from benchmarks.shops import KEY, ROOT, SECRET
from benchmarks.terminal import Pane, launch, tmux

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
        command, env = console_command(shop.url), console_env(ctx.workdir)
        with _timed_launch(f"cold-{i}", command, env, SMALL) as (pane, rows_at, full_at):
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

    def median(label: str, samples: list[float], *, target: float | None = None,
               against_floor: bool = True, note: str = "") -> Figure:
        return Figure(
            f"{label}, median",
            summary(samples)["median"] if samples else None,
            "s",
            target=target,
            baseline=floor_median if against_floor else None,
            baseline_label="empty Textual app" if against_floor else "",
            samples=samples,
            note=note,
        )  # fmt: skip

    result.add(
        median("to full queue", full, target=1.0),
        median("to first rows", first_rows),
        median(
            "no bytecode cache: to full queue",
            uncached,
            note="first launch, the checkout's modules compiled at start (PYTHONDONTWRITEBYTECODE)",
        ),
        median("relaunch (queue snapshot): to full queue", relaunch_full, target=1.0),
        median("relaunch (queue snapshot): to first rows", relaunch_rows, against_floor=False),
    )
    for label, (rows, full_queue) in demo.items():
        result.add(
            median(f"demo shop, {label}: to full queue", full_queue, target=1.0),
            median(f"demo shop, {label}: to first rows", rows, against_floor=False),
        )
    result.add(
        median(
            "console CPU to full queue",
            cpu,
            against_floor=False,
            note="CPU seconds of the console process: unaffected by other work on the machine",
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
            command = console_command(url)
            with _timed_launch(f"uncached-{i}", command, env, SMALL) as (_, _, full_at):
                if full_at is None:
                    result.notes.append(f"uncached launch {i}: the queue never loaded")
                    continue
                full.append(full_at)
                ctx.log(f"  no bytecode cache {i}: full queue {full_at:.2f} s")
    return full


def _relaunches(
    ctx: Run, url: str, launches: int, result: BenchResult
) -> tuple[list[float], list[float]]:
    """Launches in one data directory where a first run, quit with `q`, saved its queue."""
    home = _home(ctx, "relaunch-")
    env = console_env(ctx.workdir, home)
    with _timed_launch("cold-first", console_command(url), env, SMALL) as (first, _, full_at):
        if full_at is None:
            result.notes.append("relaunch: the first run never loaded")
            return [], []
        _quit(first, timeout=60)
    if not any((home / "data").rglob("*.snapshot")):
        result.notes.append("relaunch: no queue snapshot was saved at exit")
    rows: list[float] = []
    full: list[float] = []
    for i in range(launches):
        command = console_command(url)
        with _timed_launch(f"relaunch-{i}", command, env, SMALL) as (_, rows_at, full_at):
            if full_at is None:
                result.notes.append(f"relaunch {i}: the queue never showed {SMALL:,} orders")
                continue
            rows.append(rows_at or full_at)
            full.append(full_at)
            ctx.log(f"  relaunch {i}: first rows {rows_at:.2f} s, full queue {full_at:.2f} s")
    return rows, full


def _home(ctx: Run, prefix: str) -> Path:
    """Config and data directories that several launches share (`console_env(…, home)`)."""
    home = Path(tempfile.mkdtemp(prefix=prefix, dir=ctx.workdir))
    (home / "config").mkdir()
    (home / "data").mkdir()
    return home


@contextmanager
def _timed_launch(
    name: str, command: list[str], env: dict[str, str], orders: int
) -> Iterator[tuple[Pane, float | None, float | None]]:
    """Launch in a pane; yield it with the seconds to first rows and to the full queue of
    `orders` (None: not within the time allowed); the pane is closed after."""
    pane = launch(name, command, env=env, cwd=str(ROOT))
    try:
        rows_at = pane.wait_for(lambda s: bool(ROW.search(s)), timeout=60)
        full_at = pane.wait_for(full_count_shown(orders), timeout=300)
        yield pane, rows_at, full_at
    finally:
        pane.close()


def _quit(pane: Pane, *, timeout: float) -> None:
    """`q`, as staff quit (the console saves its queue snapshot), and wait for the exit."""
    tmux("send-keys", "-t", pane.name, "q")
    deadline = time.perf_counter() + timeout
    while _alive(pane.name) and time.perf_counter() < deadline:
        time.sleep(0.05)


def _alive(session: str) -> bool:
    return bool(tmux("list-panes", "-t", session, "-F", "#{pane_dead}", check=False).strip())


def _demo_launches(
    ctx: Run, launches: int, result: BenchResult
) -> dict[str, tuple[list[float], list[float]]]:
    """Plain `orderdesk` on the embedded demo shop, seeded by a first run (not timed)."""
    home = _home(ctx, "demo-")
    env = console_env(ctx.workdir, home)
    command = [sys.executable, "-m", "tui.cli"]
    demo_orders = 2_000
    with _timed_launch("demo-first", command, env, demo_orders) as (first, _, full_at):
        if full_at is None:
            result.notes.append("demo shop: the first run never loaded")
            return {}
        _quit(first, timeout=60)
    figures: dict[str, tuple[list[float], list[float]]] = {}
    for label, keep_snapshot in (("with snapshot", True), ("without snapshot", False)):
        rows: list[float] = []
        full: list[float] = []
        for i in range(launches):
            if not keep_snapshot:
                for path in (home / "data").rglob("*.snapshot"):
                    path.unlink()
            name = f"demo-{keep_snapshot}-{i}"
            with _timed_launch(name, command, env, demo_orders) as (pane, rows_at, full_at):
                if full_at is None:
                    result.notes.append(f"demo {label} {i}: the queue never showed every order")
                    continue
                rows.append(rows_at or full_at)
                full.append(full_at)
                ctx.log(f"  demo {label} {i}: first rows {rows_at:.2f} s, full {full_at:.2f} s")
                # The next launch finds this run's snapshot.
                _quit(pane, timeout=30)
        figures[label] = (rows, full)
    return figures
