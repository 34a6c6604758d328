"""The whole console in a real terminal: the installed `orderdesk` command, driven in tmux."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from client.woocommerce import WooCommerceClient
from shop.server import start_in_thread
from tui.embedded import DB_NAME, KEYS_NAME

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ORDERDESK = Path(sys.executable).with_name("orderdesk")


class Tmux:
    def __init__(self, env: dict[str, str], width: int = 120, height: int = 36) -> None:
        self.name = f"orderdesk-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.width, self.height = width, height

    def start(self, command: str) -> None:
        exports = " ".join(f"{k}={v}" for k, v in self.env.items())
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
                f"env {exports} {command}; sleep 30",
            ],
            check=True,
        )
        subprocess.run(["tmux", "set-option", "-t", self.name, "escape-time", "10"], check=False)

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def text(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", *keys], check=True)

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return out.stdout

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; screen was:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.fixture
def tmux(tmp_path: Path):
    env = {
        "ORDERDESK_CONFIG_DIR": str(tmp_path / "config"),
        "ORDERDESK_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": os.environ.get("PATH", ""),
    }
    session = Tmux(env)
    yield session
    session.kill()


async def test_start_see_orders_change_a_status_and_quit(tmux: Tmux, tmp_path: Path):
    tmux.start(f"{ORDERDESK}; echo EXITED-$?")
    tmux.wait_for("DEMO SHOP", timeout=60)
    screen = tmux.wait_for("● live", timeout=30)
    assert "#" in screen
    # Only pending orders, open the picker on the first one, make it on-hold.
    tmux.keys("1")
    time.sleep(0.5)
    tmux.keys("s")
    tmux.wait_for("type to filter")
    tmux.text("on hold")
    tmux.keys("Enter")
    screen = tmux.wait_for("Status changed", timeout=15)
    found = re.search(r"#(\d+) → On hold", screen)
    assert found, screen
    number = found.group(1)
    tmux.keys("q")
    tmux.wait_for("EXITED-0", timeout=15)

    data = tmp_path / "data"
    keys = json.loads((data / KEYS_NAME).read_text())
    running = start_in_thread(data / DB_NAME)
    try:
        client = WooCommerceClient(running.url, keys["key"], keys["secret"])
        order = await client.get_order(int(number))
        await client.aclose()
    finally:
        running.stop()
    assert order.status == "on-hold"
