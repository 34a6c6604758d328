"""Pick a predefined message by typing a few letters of its name or text (ctrl+t).

The match is fuzzy (the letters typed, in order, anywhere), ignoring case and accents, so
"dlai" finds "Délai" and "track" finds the message that mentions a tracking number. Messages
whose name matches come before those that only match in their text; within each, those in
the shop's language (the customer's) come first; both languages are always offered. The
highlighted message is previewed as it would be filled in for this order, missing values in red, so
staff see before choosing that a tracking number is still missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import _
from tui.messages import PLACEHOLDERS, PredefinedMessage

_LEFT_OVER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def _fold(text: str) -> str:
    """Lower case without accents: what a person typing quickly means."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fuzzy_score(query: str, text: str) -> int | None:
    """How well ``query``'s characters appear in order in ``text``; None if they do not.

    Consecutive characters and characters at the start of a word score more, so "shipd"
    ranks "Shipped" above a text that merely contains those letters far apart.
    """
    needle = _fold(query).replace(" ", "")
    if not needle:
        return 0
    haystack = _fold(text)
    score = 0
    position = 0
    previous = -2
    for char in needle:
        found = haystack.find(char, position)
        if found < 0:
            return None
        score += 1
        if found == previous + 1:
            score += 3
        if found == 0 or not haystack[found - 1].isalnum():
            score += 2
        previous = found
        position = found + 1
    return score * 100 - min(previous, 99)


def rank(messages: Sequence[PredefinedMessage], query: str, lang: str) -> list[PredefinedMessage]:
    """The messages matching ``query``, best first (see the module docstring)."""
    scored: list[tuple[tuple[int, int, int, int], PredefinedMessage]] = []
    for index, message in enumerate(messages):
        by_name = fuzzy_score(query, message.name)
        by_text = fuzzy_score(query, message.text) if by_name is None else None
        if by_name is None and by_text is None:
            continue
        key = (
            0 if by_name is not None else 1,
            0 if message.lang == lang else 1,
            -(by_name if by_name is not None else by_text or 0),
            index,
        )
        scored.append((key, message))
    scored.sort(key=lambda pair: pair[0])
    return [message for _, message in scored]


def highlight_missing(text: str) -> Text:
    """``text`` with every placeholder still standing shown in bold red."""
    out = Text()
    last = 0
    for match in _LEFT_OVER.finditer(text):
        out.append(text[last : match.start()])
        out.append(match.group(0), style="bold red reverse")
        last = match.end()
    out.append(text[last:])
    return out


def summary_line(text: str, width: int = 48) -> str:
    """The line that says what a message is about: the first one that is not a greeting
    ("Hello {first_name},") — all messages start alike, so the greeting tells nothing."""
    lines = [part.strip() for part in text.splitlines() if part.strip()]
    line = next((part for part in lines if not part.endswith(",")), lines[0] if lines else "")
    return line if len(line) <= width else line[: width - 1] + "…"


class MessagePicker(ModalScreen[PredefinedMessage | None]):
    """Returns the chosen message, or None on escape."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="message_picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="message_picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="message_picker.up"),
    ]

    def __init__(
        self,
        messages: Sequence[PredefinedMessage],
        *,
        lang: str,
        preview: Callable[[PredefinedMessage], str] | None = None,
        warning: str | None = None,
    ) -> None:
        super().__init__()
        self.messages = list(messages)
        self.lang = lang
        self.preview = preview
        self.warning = warning
        self.shown: list[PredefinedMessage] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog", classes="dialog"):
            yield Static(_("Predefined message"), classes="dialog-title")
            if self.warning:
                yield Static(self.warning, id="picker-warning")
            yield Input(
                placeholder=_("type a few letters of the name or text…"),
                id="picker-filter",
                compact=True,
            )
            yield OptionList(id="picker-options")
            with VerticalScroll(id="picker-preview-box"):
                yield Static("", id="picker-preview")
            yield Static(
                _("enter fills the compose area · escape cancels · red = no value yet"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        self.shown = rank(self.messages, query, self.lang)
        for index, message in enumerate(self.shown):
            prompt = Text()
            prompt.append(message.name, style="bold")
            prompt.append(f"  {message.lang}", style="dim")
            prompt.append(f"  {summary_line(message.text)}", style="italic dim")
            options.add_option(Option(prompt, id=str(index)))
        if options.option_count:
            options.highlighted = 0
        self._update_preview()

    def _highlighted(self) -> PredefinedMessage | None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is None or not self.shown:
            return None
        return self.shown[options.highlighted]

    def _update_preview(self) -> None:
        message = self._highlighted()
        body = self.query_one("#picker-preview", Static)
        if message is None:
            body.update(Text(_("No message matches."), style="italic"))
            return
        text = self.preview(message) if self.preview else message.text
        body.update(highlight_missing(text))

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self._update_preview()

    @on(Input.Submitted, "#picker-filter")
    def _submit(self) -> None:
        self._choose(self._highlighted())

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.shown[int(event.option.id or 0)])

    def _choose(self, message: PredefinedMessage | None) -> None:
        if message is None:
            self.notify(_("No message matches."), severity="warning")
            return
        self.dismiss(message)

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.option_count == 0:
            return
        current = options.highlighted or 0
        options.highlighted = (current + step) % options.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)
