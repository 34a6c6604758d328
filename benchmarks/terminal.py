"""Driving a real terminal (tmux) for the benchmarks that start the console as users do.

A private tmux server (`-L`) keeps the benchmarks away from anyone else's sessions, and a
keeper session keeps that server alive between launches, so each launch measures the
console and not tmux starting up. The server is private to this process: two benchmark
runs at once (two checkouts) would otherwise share sessions named alike and close each
other's panes (`kill-session -t memory`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SOCKET = f"orderdesk-bench-{os.getpid()}"
KEEPER = "keeper"


def tmux(*args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def start_server() -> None:
    if _has(KEEPER):
        return
    tmux("new-session", "-d", "-s", KEEPER, "-x", "80", "-y", "24", "sleep 86400")
    tmux("set-option", "-g", "escape-time", "10")


def _has(name: str) -> bool:
    return (
        subprocess.run(
            ["tmux", "-L", SOCKET, "has-session", "-t", name], capture_output=True
        ).returncode
        == 0
    )


def stop_server() -> None:
    tmux("kill-server", check=False)


@dataclass
class Pane:
    name: str
    launched_at: float

    def text(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name, check=False)

    def pid(self) -> int:
        return int(tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def wait_for(
        self, predicate: Callable[[str], bool], *, timeout: float, poll: float = 0.01
    ) -> float | None:
        """Seconds since launch when `predicate(screen text)` first held, None on timeout."""
        deadline = self.launched_at + timeout
        while time.perf_counter() < deadline:
            screen = self.text()
            now = time.perf_counter()
            if predicate(screen):
                return now - self.launched_at
            time.sleep(poll)
        return None

    def close(self) -> None:
        tmux("kill-session", "-t", self.name, check=False)


def launch(
    name: str,
    command: list[str],
    *,
    env: Mapping[str, str],
    size: tuple[int, int] = (120, 40),
    cwd: str | None = None,
) -> Pane:
    """Start `command` in a new tmux session of `size`; the clock starts just before."""
    start_server()
    tmux("kill-session", "-t", name, check=False)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    line = f"cd {shlex.quote(cwd)} && " if cwd else ""
    line += f"exec env {exports} {shlex.join(command)}"
    width, height = size
    launched_at = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), line)
    return Pane(name, launched_at)
