"""A one-line key bar: the keys of the current screen, like Textual's Footer, but drawn as
one line of text.

Why not Footer: Footer mounts a widget per key and re-mounts them all whenever the bindings
change, which cost ~0.2 s of the console's 1-second start-up budget (measured: the queue
screen's first paint 0.45 s with Footer, 0.2 s without). The key bar redraws one Static.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import _


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        # The focused widget's keys (the table's space/enter) join the screen's.
        self.watch(self.screen, "focused", lambda _focused: self.call_after_refresh(self._redraw))
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.call_after_refresh(self._redraw)

    def refresh_keys(self) -> None:
        """Redraw after a change that enables or disables keys without a bindings signal."""
        self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        variables = self.app.theme_variables
        key_style = f"bold {variables.get('footer-key-foreground', '')}".strip()
        text = Text()
        seen: set[tuple[str, str]] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description:
                continue
            what = (binding.action, binding.description)
            if what in seen:
                continue
            seen.add(what)
            display = binding.key_display or self.app.get_key_display(binding)
            text.append(f" {display} ", style=key_style)
            text.append(_(binding.description), style="" if active.enabled else "dim")
        text.append("  ^p ", style=key_style)
        text.append(_("palette"))
        self.update(text)
