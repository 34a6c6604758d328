"""The floor for cold start: an empty Textual app that paints one word and waits.

Launched exactly like the console (same interpreter, same tmux size), it shows what any
Textual app costs to start on this machine; the console cannot start faster than this.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

READY = "FLOOR-READY"


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(READY)


if __name__ == "__main__":
    FloorApp().run()
