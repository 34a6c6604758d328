"""The `?` help screen, built from the bindings that are active where it was opened.

Why built and not written: keys can be remapped in config, so a hand-written help page
would lie the day someone remaps one.
"""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.i18n import _


def bindings_table(screen: Screen) -> Table:
    """Every active binding of `screen` (and the app), one row per action."""
    table = Table(box=None, show_header=True, header_style="bold", expand=True)
    table.add_column(_("Key"), style="bold", no_wrap=True)
    table.add_column(_("Action"))
    seen: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        action = f"{binding.action}|{binding.description}"
        display = binding.key_display or screen.app.get_key_display(binding)
        seen.setdefault(action, [])
        if display not in seen[action]:
            seen[action].append(display)
        descriptions[action] = _(binding.description)
        del key
    for action, keys in seen.items():
        table.add_row(", ".join(keys), descriptions[action])
    table.add_row("ctrl+p", _("Command palette: every action by name"))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(_("Keys"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(bindings_table(self.for_screen))
            yield Static(_("escape closes"), classes="dialog-hint")

    def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
