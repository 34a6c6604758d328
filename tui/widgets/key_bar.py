"""A one-line key bar: the keys of the current screen, like Textual's Footer, but drawn as
one line of text that always fits the terminal's width.

Why not Footer: Footer mounts a widget per key and re-mounts them all whenever the bindings
change, which cost ~0.2 s of the console's 1-second start-up budget (measured: the queue
screen's first paint 0.45 s with Footer, 0.2 s without). The key bar redraws one Static.

Why it drops keys itself: at 80 columns most screens have more keys than fit, and a Footer
simply cuts the line at the right edge, which is where `? Help` and `^p palette` are. The
bar keeps the way out (help, back, quit) and the palette hint whatever the width, and drops
the other keys from the end; every key stays listed in `?` help and the palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import _

#: Actions always shown, whatever the width: the way to every other key, and the way out.
ESSENTIAL_ACTIONS = frozenset(
    {"help", "app.help", "quit", "app.quit", "back", "close", "cancel", "dismiss"}
)


@dataclass(frozen=True, slots=True)
class KeyItem:
    key: str
    description: str
    enabled: bool
    essential: bool

    @property
    def width(self) -> int:
        return Text(f" {self.key} {self.description}").cell_len


def fit_items(items: list[KeyItem], width: int, tail: int) -> list[KeyItem]:
    """The items to show in `width` cells (`tail` cells are taken by the palette hint).

    All of them if they fit; else the essential ones and, in order, as many of the
    others as fit beside them.
    """
    if sum(item.width for item in items) + tail <= width:
        return items
    room = width - tail - sum(item.width for item in items if item.essential)
    kept: list[KeyItem] = []
    for item in items:
        if item.essential:
            kept.append(item)
        elif item.width <= room:
            kept.append(item)
            room -= item.width
        else:
            room = -1  # keep the order: once one is dropped, the later ones go too
    return kept


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

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._redraw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.call_after_refresh(self._redraw)

    def refresh_keys(self) -> None:
        """Redraw after a change that enables or disables keys without a bindings signal."""
        self.call_after_refresh(self._redraw)

    def items(self) -> list[KeyItem]:
        """Every key the bar would show given room: bindings with `show` and a description."""
        items: list[KeyItem] = []
        seen: set[tuple[str, str]] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description:
                continue
            # A screen's `q` → app.quit and the app's ctrl+q → quit are one entry.
            what = (binding.action.removeprefix("app."), binding.description)
            if what in seen:
                continue
            seen.add(what)
            display = binding.key_display or self.app.get_key_display(binding)
            items.append(
                KeyItem(
                    display,
                    _(binding.description),
                    active.enabled,
                    binding.action in ESSENTIAL_ACTIONS,
                )
            )
        return items

    def _redraw(self) -> None:
        if not self.is_attached:
            return
        variables = self.app.theme_variables
        key_style = f"bold {variables.get('footer-key-foreground', '')}".strip()
        palette = _("palette")
        tail = Text(f"  ^p {palette}").cell_len
        width = self.content_region.width or self.app.size.width
        text = Text()
        for item in fit_items(self.items(), width, tail):
            text.append(f" {item.key} ", style=key_style)
            text.append(item.description, style="" if item.enabled else "dim")
        text.append("  ^p ", style=key_style)
        text.append(palette)
        self.update(text)
