"""The console at the floor size, in a real terminal with 16 colours, from start to quit.

The installed `orderdesk` command runs in tmux at 80x24 with `TERM=xterm` and no
`COLORTERM` (what PuTTY and many SSH sessions give: 16 colours), on its demo shop. A person
opens an order from the queue, changes its status, writes to the customer and quits; the
test reads the terminal at each step, checks that only 16-colour codes were drawn, and
finally asks the shop itself what landed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.e2e.tmux import (
    ORDERDESK,
    Tmux,
    console_env,
    demo_shop_client,
    extended_colours,
    sgr_parameters,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

NOTE = "Your parcel leaves today; the tracking number follows."
BASIC_COLOUR = re.compile(r"^(3[0-7]|9[0-7]|4[0-7]|10[0-7])$")


@pytest.fixture
def tmux(tmp_path: Path):
    session = Tmux(console_env(tmp_path, TERM="xterm"), width=80, height=24)
    yield session
    session.kill()


def _assert_16_colours(tmux: Tmux, where: str) -> None:
    captured = tmux.screen(escapes=True)
    assert not extended_colours(captured), f"{where}: 256/24-bit colours in {captured!r}"
    basic = {
        part
        for params in sgr_parameters(captured)
        for part in params.split(";")
        if BASIC_COLOUR.match(part)
    }
    assert len(basic) >= 3, f"{where}: hardly any colour drawn: {basic}"


def _first_line(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def _order_rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if re.match(r"^\s*\S?\s*#\d+\s", line)]


def _thread_lines(screen: str) -> list[str]:
    """Lines of the messages screen outside the compose box (drawn with ▊ … ▎)."""
    return [line for line in screen.splitlines() if "▊" not in line and "▎" not in line]


async def test_queue_detail_status_message_quit_at_80x24_in_16_colours(tmux: Tmux, tmp_path: Path):
    tmux.start(f"{ORDERDESK}; echo EXITED-$?")
    tmux.wait_for("● live", timeout=60)
    _assert_16_colours(tmux, "queue")

    # Queue → detail: only pending orders, cursor to the top, open it.
    tmux.keys("1", "g")
    tmux.wait_until(
        lambda s: bool(_order_rows(s)) and all("pending" in row for row in _order_rows(s)),
        timeout=10,
        what="only pending orders",
    )
    tmux.keys("Enter")
    screen = tmux.wait_until(
        lambda s: re.search(r"#(\d+) · ", _first_line(s)) is not None and "Pending payment" in s,
        timeout=15,
        what="the order's detail",
    )
    number = int(re.search(r"#(\d+) · ", _first_line(screen)).group(1))  # type: ignore[union-attr]
    _assert_16_colours(tmux, "detail")

    # Status change: s, pick On hold, enter; the detail shows it.
    tmux.keys("s")
    tmux.wait_for("type to filter")
    tmux.text("on hold")
    tmux.keys("Enter")
    tmux.wait_for(f"#{number} → On hold", timeout=15)
    tmux.wait_until(
        lambda s: any(
            f"#{number}" in line and "On hold" in line and "→" not in line
            for line in s.splitlines()
        ),
        timeout=15,
        what="the detail showing On hold",
    )

    # Messaging: m, type, ctrl+s; the note shows in the thread, the compose box empties.
    tmux.keys("m")
    tmux.wait_until(
        lambda s: f"#{number}" in _first_line(s) and "✉" in s, timeout=15, what="messages"
    )
    _assert_16_colours(tmux, "messages")
    tmux.text(NOTE)
    tmux.wait_for(NOTE[:30], timeout=10)
    tmux.keys("C-s")
    tmux.wait_until(
        lambda s: (
            any(NOTE[:30] in line for line in _thread_lines(s))
            and not any(NOTE[:30] in line for line in s.splitlines() if "▊" in line)
        ),
        timeout=20,
        what="the note in the thread",
    )

    # Back out and quit with q: the process ends cleanly.
    tmux.keys("Escape")
    tmux.wait_until(lambda s: "▊" not in s, timeout=10, what="back on the detail")
    tmux.keys("Escape")
    tmux.wait_for("● live", timeout=10)
    tmux.keys("q")
    screen = tmux.wait_for("EXITED-", timeout=15)
    assert "EXITED-0" in screen, screen
    assert "Traceback" not in screen and "Error" not in screen, screen

    async with demo_shop_client(tmp_path / "data") as client:
        order = await client.get_order(number)
        notes = await client.list_notes(number)
    assert order.status == "on-hold"
    assert any(note.note.strip() == NOTE and note.customer_note for note in notes), notes
