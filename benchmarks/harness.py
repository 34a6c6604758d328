"""What every benchmark shares: figures with their targets, statistics, the table, the JSON.

Why one small model of a result: the issue asks for a table with the target, the measured
figure and the baseline side by side, and for JSON of the same run. Each benchmark returns
`Figure`s; this module prints and writes them, so no benchmark formats output itself.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

Compare = Literal["<", "<=", ">=", ">"]


@dataclass(slots=True)
class Figure:
    """One measured figure: what it is, its target (if any) and the baseline run beside it.

    `target` is met when `measured <compare> target`. `baseline` is the same figure for the
    comparison run in the same session (an empty app, the official client, a naive scan).
    `samples` keeps the raw values for the JSON.
    """

    name: str
    measured: float | None
    unit: str
    target: float | None = None
    compare: Compare = "<"
    baseline: float | None = None
    baseline_label: str = ""
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        if self.target is None or self.measured is None:
            return None
        value, target = self.measured, self.target
        return {
            "<": value < target,
            "<=": value <= target,
            ">=": value >= target,
            ">": value > target,
        }[self.compare]


@dataclass(slots=True)
class BenchResult:
    """What one benchmark measured, plus what it wants the reader to know."""

    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)


# ------------------------------------------------------------------ statistics


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: p99 of 50 samples is the largest but none (honest, no
    interpolation that invents a value nobody measured)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "min": min(values),
        "median": statistics.median(values),
        "mean": statistics.fmean(values),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values),
    }


def repeat(
    run: Callable[[], float],
    *,
    times: int,
    min_times: int = 1,
    budget: float | None = None,
) -> list[float]:
    """Call `run` (which returns one sample) up to `times` times.

    Stops early, after at least `min_times`, once `budget` seconds are spent: at 100,000
    orders one run can take a minute, and the whole suite must stay within ~10 minutes.
    """
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(times):
        samples.append(run())
        spent = time.perf_counter() - started
        if budget is not None and i + 1 >= min_times and spent > budget:
            break
    return samples


# ------------------------------------------------------------------ formatting


def fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "B":
        if value >= 1_000_000:
            return f"{value / 1_000_000:.1f} MB"
        if value >= 10_000:
            return f"{value / 1000:.1f} kB"
        return f"{value:.0f} B"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "x":
        return f"{value:.1f}×"
    if unit == "req/s":
        return f"{value:.0f} req/s"
    if unit in ("", "requests"):
        return f"{value:g}" if value != int(value) else f"{int(value)}"
    return f"{value:.3g} {unit}"


def _target_text(figure: Figure) -> str:
    if figure.target is None:
        return ""
    return f"{figure.compare} {fmt(figure.target, figure.unit)}"


def _verdict(figure: Figure) -> str:
    met = figure.met
    return "" if met is None else ("ok" if met else "MISSED")


def table(results: Iterable[BenchResult]) -> str:
    """The results as a fixed-width text table (also pasted into RESULTS.md)."""
    rows = [("benchmark", "figure", "target", "measured", "baseline (same run)", "")]
    for result in results:
        if result.error:
            rows.append((result.name, "ERROR", "", result.error[:60], "", ""))
            continue
        for i, figure in enumerate(result.figures):
            baseline = ""
            if figure.baseline is not None:
                baseline = fmt(figure.baseline, figure.unit)
                if figure.baseline_label:
                    baseline += f" ({figure.baseline_label})"
            rows.append(
                (
                    result.name if i == 0 else "",
                    figure.name,
                    _target_text(figure),
                    fmt(figure.measured, figure.unit),
                    baseline,
                    _verdict(figure),
                )
            )
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ------------------------------------------------------------------ the machine


def _first_line(path: str, prefix: str) -> str:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict[str, Any]:
    """What the figures were measured on; the load average matters (other work may run)."""
    versions = {}
    for package in (
        "textual",
        "rich",
        "httpx",
        "starlette",
        "uvicorn",
        "woocommerce",
        "requests",
        "psutil",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    import sqlite3

    return {
        "cpu": _first_line("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "memory": _command("free", "-h").splitlines()[1:2],
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "tmux": _command("tmux", "-V"),
        "packages": versions,
    }


def write_json(path: Path, results: Sequence[BenchResult], info: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": info,
        "results": [
            {**asdict(result), "figures": [{**asdict(f), "met": f.met} for f in result.figures]}
            for result in results
        ],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
