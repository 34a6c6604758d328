"""Textual's command palette, with the line it draws itself in the interface language.

Why a subclass: Textual (8.2.8) writes "No matches found" into the palette's list from a
private method (``CommandPalette._start_no_matches_countdown``), with no hook to change
the text. This copies that method's few lines with the text through `_()`; the rest of the
palette (its prompt, the commands' titles) is already passed in translated by the app.
``tests/tui/test_french.py`` types a search with no match and fails if English shows, so
a Textual upgrade that renames the method is noticed.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from tui.i18n import _


class Palette(CommandPalette):
    """`CommandPalette` saying "No matches found" in the interface language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                # Browsing with an empty search: no "no match" to report.
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
