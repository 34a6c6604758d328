"""The whole console in a real terminal: the installed `orderdesk` command, driven in tmux."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import ORDERDESK, Tmux, console_env, demo_shop_client

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def tmux(tmp_path: Path):
    session = Tmux(console_env(tmp_path, TERM="xterm-256color"))
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

    async with demo_shop_client(tmp_path / "data") as client:
        order = await client.get_order(int(number))
    assert order.status == "on-hold"
