"""Textual's Footer with binding descriptions shown in the interface language.

Why: a Binding's description is fixed when its class is defined (English, the message
id); Textual's Footer draws it as it is. This Footer passes each description (and
tooltip) through `_()` when it builds its keys, so every screen's key hints follow the
language installed at start.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from tui.i18n import _


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if widget.tooltip and isinstance(widget.tooltip, str):
                    widget.tooltip = _(widget.tooltip)
            yield widget
