"""A yes/no question before anything destructive or bulk is sent to the shop."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.i18n import _


class ConfirmScreen(ModalScreen[bool]):
    """Answers True only on an explicit yes (`y` or the Yes button); escape is no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(
        self, question: str, *, title: str | None = None, yes_label: str | None = None
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title if title is not None else _("Confirm")
        self.yes_label = yes_label if yes_label is not None else _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.question, id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yes = _("{label} (y)").format(label=self.yes_label)
                yield Button(yes, id="yes", variant="warning")
                yield Button(_("No (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
