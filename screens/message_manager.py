"""Predefined messages and status notifications: list, add, edit, rename, delete.

Opened from the command palette ("Predefined messages"). Two lists: the named messages
(ctrl+t on the messages screen offers them) and, per status, the template of the customer
note sent when an order is moved to that status with "notify customer" on (empty: a plain
default sentence is sent; see ``tui.notifications``).

Every change is written to ``messages.toml`` at once through ``tui.messages.MessageStore``
(created on the first change). The editor checks a template as it is typed — broken
braces are reported with their line and column — and stays open when the store refuses a
change (duplicate name, bad text) or the file cannot be written, so nothing typed is lost.
If the file could not be loaded (malformed, unreadable), the error is shown at the top,
the built-in messages are listed, and changes are refused until the file is fixed or moved
away: the file is never overwritten by accident. ctrl+r reads the file again.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, Static, TextArea
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from screens.message_picker import summary_line
from tui.error_text import error_text
from tui.i18n import _
from tui.messages import (
    PLACEHOLDERS,
    MessageError,
    MessageStore,
    MessageStoreError,
    PredefinedMessage,
    validate_template,
)
from tui.widgets.footer import Footer

#: Called with the dialog's values; returns why they were refused, or None when saved.
Submit = Callable[..., str | None]

def _placeholder_hint() -> str:
    return _("Placeholders:") + " " + " ".join("{" + p + "}" for p in PLACEHOLDERS)


class TemplateEditor(ModalScreen[bool]):
    """Edit a message (name, language, text) or a status template (text only).

    ``submit(name, lang, text)`` applies and saves; the dialog closes (True) only when it
    returns None, and otherwise shows the refusal and keeps everything typed.
    """

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="message_editor.save"),
        Binding("escape", "cancel", "Cancel", id="message_editor.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        submit: Submit,
        name: str | None = None,
        lang: str | None = None,
        text: str = "",
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.submit = submit
        self.initial_name = name
        self.initial_lang = lang
        self.initial_text = text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.initial_name is not None:
                with Horizontal(id="editor-fields"):
                    yield Label(_("Name"), classes="field-label")
                    yield Input(self.initial_name, id="editor-name", compact=True, max_length=80)
                    yield Label(_("Language"), classes="field-label")
                    yield Input(
                        self.initial_lang or "en", id="editor-lang", compact=True, max_length=3
                    )
            if self.note:
                yield Static(self.note, classes="dialog-hint")
            yield TextArea(self.initial_text, id="editor-text", soft_wrap=True)
            yield Static("", id="editor-problems")
            yield Static(
                _placeholder_hint() + "\n" + _("ctrl+s saves · escape cancels"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        first = (
            "#editor-name"
            if self.initial_name is not None and not self.initial_name
            else ("#editor-text")
        )
        self.query_one(first).focus()
        self._check()

    @on(TextArea.Changed, "#editor-text")
    def _text_changed(self) -> None:
        self._check()

    def _check(self) -> list[str]:
        text = self.query_one("#editor-text", TextArea).text
        problems = validate_template(text) if text.strip() else []
        self._show(problems)
        return problems

    def _show(self, problems: list[str]) -> None:
        box = self.query_one("#editor-problems", Static)
        box.update(Text("\n".join(f"⚠ {p}" for p in problems), style="bold red"))
        box.display = bool(problems)

    def _value(self, selector: str) -> str:
        found = self.query(selector)
        return found.first(Input).value if found else ""

    def action_save(self) -> None:
        text = self.query_one("#editor-text", TextArea).text
        refusal = self.submit(self._value("#editor-name"), self._value("#editor-lang"), text)
        if refusal is None:
            self.dismiss(True)
            return
        self._show([refusal])
        self.notify(refusal, title=_("Not saved"), severity="error", timeout=10)

    def action_cancel(self) -> None:
        self.dismiss(False)


class RenamePrompt(ModalScreen[bool]):
    """A new name for a message; ``submit(new_name)`` as in ``TemplateEditor``."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="message_rename.cancel")]

    def __init__(self, current: str, submit: Callable[[str], str | None]) -> None:
        super().__init__()
        self.current = current
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-dialog", classes="dialog"):
            yield Static(_("Rename “{current}”").format(
                current=self.current,
            ), classes="dialog-title")
            yield Input(self.current, id="rename-input", max_length=80)
            yield Static("", id="rename-problem")
            yield Static(_("enter renames · escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#rename-input", Input).focus()

    @on(Input.Submitted, "#rename-input")
    def _submitted(self, event: Input.Submitted) -> None:
        refusal = self.submit(event.value)
        if refusal is None:
            self.dismiss(True)
            return
        self.query_one("#rename-problem", Static).update(Text(f"⚠ {refusal}", style="bold red"))
        self.notify(refusal, title=_("Not renamed"), severity="error", timeout=10)

    def action_cancel(self) -> None:
        self.dismiss(False)


class MessageManagerScreen(Screen[None]):
    """The predefined messages and status templates of ``messages.toml``."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("a", "add", "Add", id="message_manager.add"),
        Binding("e", "edit", "Edit", id="message_manager.edit"),
        Binding("n", "rename", "Rename", id="message_manager.rename"),
        Binding("d", "delete", "Delete", id="message_manager.delete"),
        Binding("ctrl+r", "reload", "Reload file", id="message_manager.reload"),
        Binding("escape", "back", "Back", id="message_manager.back"),
        Binding("question_mark,f1", "app.help", "Help", id="message_manager.help"),
    ]

    def __init__(self, store: MessageStore | None = None) -> None:
        super().__init__()
        self._given_store = store
        self.store = store or MessageStore()

    # ---- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Predefined messages"), id="manager-title", classes="screen-title")
        yield Static("", id="manager-error")
        yield Static(_("Messages  (ctrl+t on an order's messages)"), classes="manager-section")
        yield DataTable(id="message-table", cursor_type="row", zebra_stripes=True)
        yield Static(
            _("Status notifications  (sent on a status change with “notify customer”)"),
            classes="manager-section",
        )
        yield DataTable(id="template-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        messages = self.query_one("#message-table", DataTable)
        messages.add_column(_("Name"), key="name", width=24)
        messages.add_column(_("Lang"), key="lang", width=4)
        messages.add_column(_("Text"), key="text")
        templates = self.query_one("#template-table", DataTable)
        templates.add_column(_("Status"), key="status", width=24)
        templates.add_column(_("Customer note"), key="text")
        self.reload()
        messages.focus()

    # ---- data ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read ``messages.toml`` again (for the console's language) and show it."""
        if self._given_store is None:
            self.store = MessageStore(lang=self.app.customer_lang)  # type: ignore[attr-defined]
        self.store.load()
        error = self.query_one("#manager-error", Static)
        if self.store.error:
            error.update(
                Text.assemble(
                    ("⚠ " + _("messages.toml cannot be used") + "\n", "bold"),
                    f"{self.store.error}\n"
                    + _("Nothing is written to it until then; ctrl+r reads it again."),
                )
            )
        error.display = bool(self.store.error)
        self.refresh_tables()

    def _statuses(self) -> list[tuple[str, str]]:
        pairs = list(self.app.statuses())  # type: ignore[attr-defined]
        known = {slug for slug, _ in pairs}
        extra = sorted(set(self.store.status_templates()) - known)
        return pairs + [(slug, slug) for slug in extra]

    def refresh_tables(self, *, message: str | None = None, status: str | None = None) -> None:
        where = str(self.store.path)
        if not self.store.path.exists():
            where = _("built-in; saved to {where} on the first change").format(where=where)
        self.query_one("#manager-title", Static).update(_(
            "Predefined messages · {where}"
        ).format(where=where))
        table = self.query_one("#message-table", DataTable)
        keep = message or self._cursor_key(table)
        table.clear()
        for item in self.store.list():
            table.add_row(item.name, item.lang, summary_line(item.text, 60), key=item.name)
        self._move_to(table, keep)
        templates = self.query_one("#template-table", DataTable)
        keep = status or self._cursor_key(templates)
        templates.clear()
        for slug, label in self._statuses():
            text = self.store.status_template(slug)
            shown = (
                Text(summary_line(text, 60))
                if text
                else Text(_("— default sentence"), style="dim italic")
            )
            templates.add_row(label, shown, key=slug)
        self._move_to(templates, keep)

    @staticmethod
    def _cursor_key(table: DataTable) -> str | None:
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # a stale cursor: no row to keep
            return None

    @staticmethod
    def _move_to(table: DataTable, key: str | None) -> None:
        if key is None:
            return
        with suppress(RowDoesNotExist):  # the row is gone (deleted or renamed)
            table.move_cursor(row=table.get_row_index(key))

    def _on_templates(self) -> bool:
        return self.focused is self.query_one("#template-table", DataTable)

    def _current_message(self) -> PredefinedMessage | None:
        key = self._cursor_key(self.query_one("#message-table", DataTable))
        if key is None:
            return None
        try:
            return self.store.get(key)
        except MessageError:
            return None

    def _current_status(self) -> str | None:
        return self._cursor_key(self.query_one("#template-table", DataTable))

    # ---- changes ------------------------------------------------------------------

    def _refused(self) -> str | None:
        if self.store.error:
            return _(
                "{name} could not be loaded, so it is not changed: fix it or move it away, "
                "then press ctrl+r."
            ).format(name=self.store.path.name)
        return None

    def _commit(
        self, change: Callable[[], None], *, message: str | None = None, status: str | None = None
    ) -> str | None:
        """Apply ``change`` to the store and save; why not, or None when saved."""
        refusal = self._refused()
        if refusal:
            return refusal
        try:
            change()
        except MessageError as error:
            # Memory equals the file after every save: reading it again drops any half of
            # the change (a rename done before the text was refused).
            self.store.load()
            return error_text(error)
        try:
            self.store.save()
        except MessageStoreError as error:
            # Back to what the file says: the change is not half-kept in memory.
            self.store.load()
            self.refresh_tables()
            return _("Not saved: {error}").format(error=error)
        self.refresh_tables(message=message, status=status)
        return None

    def _check_allowed(self) -> bool:
        refusal = self._refused()
        if refusal:
            self.notify(refusal, title=_("Not changed"), severity="error", timeout=10)
            return False
        return True

    def action_add(self) -> None:
        if self._on_templates():
            self.action_edit()
            return
        if not self._check_allowed():
            return
        lang = self.store.lang

        def submit(name: str, lang: str, text: str) -> str | None:
            return self._commit(
                lambda: self.store.add(PredefinedMessage(name.strip(), text, lang.strip())),
                message=name.strip(),
            )

        self.app.push_screen(
            TemplateEditor(title=_("New message"), submit=submit, name="", lang=lang)
        )

    def action_edit(self) -> None:
        if not self._check_allowed():
            return
        if self._on_templates():
            self._edit_status()
            return
        current = self._current_message()
        if current is None:
            self.notify(_("No message selected."), severity="warning")
            return

        def submit(name: str, lang: str, text: str) -> str | None:
            def change() -> None:
                if name.strip() != current.name:
                    self.store.rename(current.name, name.strip())
                self.store.update(name.strip(), text, lang=lang.strip())

            return self._commit(change, message=name.strip())

        self.app.push_screen(
            TemplateEditor(
                title=_("Edit “{name}”").format(name=current.name),
                submit=submit,
                name=current.name,
                lang=current.lang,
                text=current.text,
            )
        )

    def _edit_status(self) -> None:
        status = self._current_status()
        if status is None:
            return

        def submit(_name: str, _lang: str, text: str) -> str | None:
            value = text if text.strip() else None
            return self._commit(
                lambda: self.store.set_status_template(status, value), status=status
            )

        self.app.push_screen(
            TemplateEditor(
                title=_("Customer note when an order becomes “{status}”").format(status=status),
                submit=submit,
                text=self.store.status_template(status) or "",
                note=_(
                    "Leave empty to send the default sentence. A placeholder without a value "
                    "for the order also sends the default sentence."
                ),
            )
        )

    def action_rename(self) -> None:
        if self._on_templates():
            self.notify(_("Status notifications are named after their status."), severity="warning")
            return
        if not self._check_allowed():
            return
        current = self._current_message()
        if current is None:
            return

        def submit(new: str) -> str | None:
            return self._commit(
                lambda: self.store.rename(current.name, new.strip()), message=new.strip()
            )

        self.app.push_screen(RenamePrompt(current.name, submit))

    @work(group="message-manager", exit_on_error=False)
    async def action_delete(self) -> None:
        from screens.confirm import ConfirmScreen

        if not self._check_allowed():
            return
        if self._on_templates():
            status = self._current_status()
            if status is None or self.store.status_template(status) is None:
                self.notify(_("This status has no template: the default sentence is sent."))
                return
            question = _(
                "Remove the “{status}” notification? The default sentence is sent instead."
            ).format(status=status)
            if await self.app.push_screen_wait(ConfirmScreen(question, title=_("Remove template"))):
                self._report(
                    self._commit(
                        lambda: self.store.set_status_template(status, None), status=status
                    )
                )
            return
        current = self._current_message()
        if current is None:
            return
        question = _("Delete the message “{name}”?").format(name=current.name)
        if await self.app.push_screen_wait(ConfirmScreen(question, title=_("Delete message"))):
            self._report(self._commit(lambda: self.store.delete(current.name)))

    def _report(self, refusal: str | None) -> None:
        if refusal:
            self.notify(refusal, title=_("Not changed"), severity="error", timeout=10)

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_edit()

    def action_reload(self) -> None:
        self.reload()
        self.notify(_("messages.toml read again."))

    def action_back(self) -> None:
        self.app.pop_screen()
