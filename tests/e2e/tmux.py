"""Driving the installed `orderdesk` command in a real terminal: a tmux session per test.

`Tmux` starts a command in a detached session of a given size with a clean environment
(only what the test passes: no COLORTERM or TEXTUAL_* leaking in from the machine), sends
keys and text, and reads the pane back as plain text or with its SGR escape codes.
`demo_shop_client(data_dir)` opens the demo shop the console used, after it has quit, to
check what really landed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from client.woocommerce import WooCommerceClient
from shop.server import start_in_thread
from tui.embedded import DB_NAME, KEYS_NAME

ORDERDESK = Path(sys.executable).with_name("orderdesk")

#: After the command ends the pane stays open this long, so its last words can be read.
LINGER_SECONDS = 30

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def console_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The console's whole environment: isolated config and data, and `extra`."""
    return {
        "ORDERDESK_CONFIG_DIR": str(tmp_path / "config"),
        "ORDERDESK_DATA_DIR": str(tmp_path / "data"),
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": os.environ.get("PATH", ""),
        **extra,
    }


class Tmux:
    def __init__(self, env: dict[str, str], width: int = 120, height: int = 36) -> None:
        self.name = f"orderdesk-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.width, self.height = width, height

    def start(self, command: str) -> None:
        """Run `command` under `env -i` with exactly `self.env`, then linger."""
        exports = " ".join(shlex.quote(f"{k}={v}") for k, v in self.env.items())
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                f"env -i {exports} {command}; sleep {LINGER_SECONDS}",
            ],
            check=True,
        )
        subprocess.run(["tmux", "set-option", "-t", self.name, "escape-time", "10"], check=False)

    def keys(self, *keys: str) -> None:
        """Press keys by tmux name ("Enter", "Escape", "C-s", "q")."""
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def text(self, *keys: str) -> None:
        """Type text literally."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", *keys], check=True)

    def screen(self, *, escapes: bool = False) -> str:
        """The pane as text; with `escapes`, with the SGR codes tmux holds for each cell."""
        command = ["tmux", "capture-pane", "-p", "-t", self.name]
        if escapes:
            command.insert(2, "-e")
        return subprocess.run(command, capture_output=True, text=True).stdout

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        return self.wait_until(lambda screen: needle in screen, timeout=timeout, what=needle)

    def wait_until(
        self, check: Callable[[str], bool], *, timeout: float = 30.0, what: str = ""
    ) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{what or check!r} never appeared; screen was:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


def sgr_parameters(captured: str) -> list[str]:
    """The parameter lists of every SGR sequence in a `screen(escapes=True)` capture."""
    return _SGR.findall(captured)


def extended_colours(captured: str) -> list[str]:
    """SGR sequences that use 256 or 24-bit colour (38;5 / 38;2, and 48 / 58 likewise)."""
    found = []
    for params in sgr_parameters(captured):
        parts = re.split(r"[;:]", params)
        for index, part in enumerate(parts[:-1]):
            if part in ("38", "48", "58") and parts[index + 1] in ("2", "5"):
                found.append(params)
                break
    return found


@asynccontextmanager
async def demo_shop_client(data_dir: Path) -> AsyncIterator[WooCommerceClient]:
    """A client on the demo shop the console ran on (start it again on its database)."""
    keys = json.loads((data_dir / KEYS_NAME).read_text())
    running = start_in_thread(data_dir / DB_NAME)
    client = WooCommerceClient(running.url, keys["key"], keys["secret"])
    try:
        yield client
    finally:
        await client.aclose()
        running.stop()
