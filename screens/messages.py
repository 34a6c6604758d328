"""One order's conversation: customer messages and private notes, and a place to write.

Key ``m`` on the queue or the detail screen. The thread reads oldest to newest; each entry
says when, what kind (to the customer, private, from the customer) and who (system, staff,
customer). Below it a multi-line compose area, a customer/private switch (ctrl+n) and
ctrl+s to send; ctrl+t fills the compose area from a predefined message.

Who wrote what — WooCommerce cannot say: a note added through the API is authored
"WooCommerce" (or the API key's user), not the person at the console. So orderdesk records
its staff member itself, in a way the thread reads back:

- A *private note* ends with a signature line ``— alice (orderdesk)``. Only staff see it.
- A *customer message* is sent exactly as typed, unsigned: the customer reads it, and the
  shop's email already says who it is from. Who sent it is recorded in a private note,
  ``Message to the customer (note 812) sent by alice on bench-1 (orderdesk).`` — only when
  ``attribute_changes`` is on, like status changes. The thread folds that note into the
  message it names, so it shows "staff alice" and no extra entry.
- The customer's own words are the order's checkout note (WooCommerce has no notes by
  customers); it is the first entry, dated when the order was created.
- Status-change attributions (``… by alice on bench-1 (orderdesk).``) show as staff notes.

Sending is careful because the customer may get an email per note:

- Nothing is sent that is empty, longer than 10,000 characters, holds control characters,
  still holds a ``{placeholder}`` without a value, or a broken one (``{tracking_number``).
  The problems are listed under the compose area as they appear, and again on ctrl+s.
- Each draft has one idempotency key, reused by every attempt to send it, so a second
  ctrl+s, a retry after a network failure or a lost answer all make at most one note; the
  send key is also refused while a send is under way. A new key is made only once the
  draft has been sent and cleared. If an earlier attempt did reach the shop and the draft
  was edited since, the shop refuses the key for the new text; the thread is reloaded to
  show what was sent and the edited draft is kept, with a new key, for a deliberate resend.
- A failure (shop unreachable, refused) keeps the draft and says it was not sent.
- Drafts outlive the screen: leaving and coming back to the order finds the draft, its
  kind and its key as they were.
"""

from __future__ import annotations

import asyncio
import re
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from client.errors import ShopError
from client.model import Note, Order
from tui.error_text import error_text
from tui.i18n import N_, _, count
from tui.messages import (
    MAX_LENGTH,
    PLACEHOLDERS,
    MessageStore,
    PredefinedMessage,
    TemplateError,
    render,
    validate_message,
)
from tui.notifications import message_context
from tui.render import local_time, plain_note
from tui.widgets.footer import Footer

EntryKind = Literal["to_customer", "private", "from_customer"]
AuthorKind = Literal["system", "staff", "customer"]

KIND_LABELS: dict[str, str] = {
    "to_customer": N_("✉ to customer"),
    "private": N_("✎ private note"),
    "from_customer": N_("✉ from customer"),
}

#: How a shop kind is named where the console says what that shop cannot do.
SHOP_NAMES: dict[str, str] = {"prestashop": "PrestaShop", "woocommerce": "WooCommerce"}

#: The shop's answer when a key is reused for a different note (an earlier version landed).
IDEMPOTENCY_MISMATCH = "orderdesk_idempotency_mismatch"
#: Who wrote an entry, as the thread names them (English ids).
AUTHOR_KINDS = {"system": N_("system"), "staff": N_("staff"), "customer": N_("customer")}

_SIGNED = re.compile(r"\n— (?P<staff>[^\n]+) \(orderdesk\)\Z")
_SENT_BY = re.compile(
    r"\AMessage to the customer \(note (?P<id>\d+)\) sent by (?P<staff>.+) on (?P<ws>.+) "
    r"\(orderdesk\)\.\Z"
)
_CHANGED_BY = re.compile(r" by (?P<staff>.+?) on (?P<ws>.+?) \(orderdesk\)\.\Z")
_KNOWN = "|".join(PLACEHOLDERS)
_UNCLOSED = re.compile(r"\{(" + _KNOWN + r")(?![A-Za-z0-9_]*\})")
_UNOPENED = re.compile(r"(?<![{A-Za-z0-9_])(" + _KNOWN + r")\}")


# --------------------------------------------------------------------------- attribution


def sign_private(text: str, staff: str) -> str:
    """A private note as stored: the text, then ``— alice (orderdesk)`` on its own line."""
    return f"{text.rstrip()}\n— {staff} (orderdesk)"


def customer_attribution(note_id: int, staff: str, workstation: str) -> str:
    """The private note recording who sent customer message ``note_id``."""
    return f"Message to the customer (note {note_id}) sent by {staff} on {workstation} (orderdesk)."


# --------------------------------------------------------------------------- the thread


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    when: datetime | None
    kind: EntryKind
    author_kind: AuthorKind
    author: str
    text: str
    note_id: int | None = None


def build_thread(order: Order, notes: list[Note]) -> list[ThreadEntry]:
    """The conversation, oldest first: checkout note, then notes in the order written."""
    senders: dict[int, str] = {}
    for note in notes:
        if not note.customer_note:
            match = _SENT_BY.match(plain_note(note.note))
            if match:
                senders[int(match["id"])] = match["staff"]
    entries: list[ThreadEntry] = []
    if order.customer_note.strip():
        entries.append(
            ThreadEntry(
                order.date_created,
                "from_customer",
                "customer",
                order.customer_name or "customer",
                order.customer_note.strip(),
            )
        )
    epoch = datetime.min.replace(tzinfo=UTC)
    for note in sorted(notes, key=lambda n: (n.date_created or epoch, n.id)):
        text = plain_note(note.note)
        if note.from_customer:
            who = order.customer_name or "customer"
            entries.append(
                ThreadEntry(note.date_created, "from_customer", "customer", who, text, note.id)
            )
            continue
        if note.customer_note:
            if note.id in senders:
                entries.append(
                    ThreadEntry(
                        note.date_created, "to_customer", "staff", senders[note.id], text, note.id
                    )
                )
            elif note.is_system:
                entries.append(
                    ThreadEntry(note.date_created, "to_customer", "system", "system", text, note.id)
                )
            else:
                entries.append(
                    ThreadEntry(
                        note.date_created, "to_customer", "staff", note.author, text, note.id
                    )
                )
            continue
        if _SENT_BY.match(text):
            continue  # folded into the customer message it names
        signed = _SIGNED.search(text)
        changed = _CHANGED_BY.search(text)
        if signed:
            author_kind: AuthorKind = "staff"
            author = signed["staff"]
            text = text[: signed.start()].rstrip()
        elif changed:
            author_kind, author = "staff", changed["staff"]
        elif note.is_system:
            author_kind, author = "system", "system"
        else:
            author_kind, author = "staff", note.author
        entries.append(
            ThreadEntry(note.date_created, "private", author_kind, author, text, note.id)
        )
    return entries


_KIND_STYLES = {
    "to_customer": "bold cyan",
    "private": "bold yellow",
    "from_customer": "bold magenta",
}


def render_thread(entries: list[ThreadEntry]) -> RenderableType:
    if not entries:
        return Text(_("No messages or notes yet."), style="italic")
    blocks: list[RenderableType] = []
    for entry in entries:
        head = Text()
        head.append(local_time(entry.when), style="dim")
        head.append("  ")
        head.append(_(KIND_LABELS[entry.kind]), style=_KIND_STYLES[entry.kind])
        head.append("  · ")
        kind = _(AUTHOR_KINDS[entry.author_kind])
        who = kind if entry.author_kind == "system" else f"{kind} {entry.author}"
        head.append(who, style="dim" if entry.author_kind == "system" else "bold")
        body = Text(entry.text, style="dim" if entry.author_kind == "system" else "")
        blocks.append(head)
        blocks.append(Padding(body, (0, 0, 1, 2)))
    return Group(*blocks)


# --------------------------------------------------------------------------- checks


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return _("line {line}, column {column}").format(line=line, column=column)


def compose_problems(text: str) -> list[str]:
    """Why ``text`` cannot be sent as it is; empty when it can.

    ``tui.messages.validate_message`` (empty, length, control characters, placeholders left
    unfilled) plus placeholders half-edited: ``{tracking_number`` or ``first_name}``. Other
    braces are the customer's business and are sent as typed.
    """
    problems = validate_message(text)
    for match in _UNCLOSED.finditer(text):
        problems.append(
            _(
                "Broken placeholder at {where}: “{{{item}” has no closing brace."
            ).format(where=_where(text, match.start()), item=match[1])
        )
    for match in _UNOPENED.finditer(text):
        problems.append(
            _(
                "Broken placeholder at {where}: “{item}}}” has no opening brace."
            ).format(where=_where(text, match.start()), item=match[1])
        )
    return problems


def _location(text: str, index: int) -> tuple[int, int]:
    """A string index as the (row, column) a TextArea uses."""
    row = text.count("\n", 0, index)
    return row, index - (text.rfind("\n", 0, index) + 1)


# --------------------------------------------------------------------------- drafts


def new_key() -> str:
    return uuid.uuid4().hex


@dataclass(slots=True)
class Draft:
    """What is being written for one order: text, kind and the key every attempt reuses."""

    text: str = ""
    private: bool = False
    key: str = field(default_factory=new_key)


_DRAFTS: weakref.WeakKeyDictionary[App[object], dict[int, Draft]] = weakref.WeakKeyDictionary()


def draft_for(app: App[object], order_id: int) -> Draft:
    """The app's draft for ``order_id`` (a new one the first time)."""
    return _DRAFTS.setdefault(app, {}).setdefault(order_id, Draft())


# --------------------------------------------------------------------------- the screen


class MessagesScreen(Screen[None]):
    """The messages of one order; escape goes back."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True, id="messages.send"),
        Binding("ctrl+t", "pick", "Predefined", priority=True, id="messages.pick"),
        Binding("ctrl+n", "toggle_kind", "Customer/private", priority=True, id="messages.toggle"),
        Binding("escape", "back", "Back", id="messages.back"),
        Binding("ctrl+r", "reload", "Reload", id="messages.reload"),
        Binding("f1", "app.help", "Help", id="messages.help"),
    ]

    class Loaded(Message):
        def __init__(self, order: Order, notes: list[Note]) -> None:
            super().__init__()
            self.order = order
            self.notes = notes

    class Sent(Message):
        def __init__(self, note: Note, key: str, private: bool, warning: str | None) -> None:
            super().__init__()
            self.note = note
            self.key = key
            self.private = private
            self.warning = warning

    class SendFailed(Message):
        def __init__(self, error: ShopError, key: str) -> None:
            super().__init__()
            self.error = error
            self.key = key

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.order: Order | None = None
        self.notes: list[Note] = []
        self.sending = False
        self.store: MessageStore | None = None
        self.draft = Draft()
        #: Whether the shop e-mails a message to the customer (None until known).
        self.emailed: bool | None = None
        self.shop_kind = ""

    # ---- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(
            _(
                "Messages · order #{order_id}"
            ).format(order_id=self.order_id), id="messages-title", classes="screen-title"
        )
        with VerticalScroll(id="thread"):
            yield Static(_("Loading…"), id="thread-body")
        yield Static("", id="compose-mode")
        yield TextArea(
            id="compose",
            soft_wrap=True,
            tab_behavior="focus",
            placeholder=_("Write to the customer… (ctrl+t: predefined message)"),
        )
        yield Static("", id="compose-problems")
        yield Static("", id="compose-status")
        yield Footer()

    def on_mount(self) -> None:
        self.draft = draft_for(self.app, self.order_id)
        area = self.query_one("#compose", TextArea)
        if self.draft.text:
            area.load_text(self.draft.text)
            area.move_cursor(area.document.end)
        self._show_kind()
        self._check_draft()
        area.focus()
        self.app.orders_changed.subscribe(self, self._orders_changed)  # type: ignore[attr-defined]
        self.load()

    @property
    def _config(self):  # -> tui.config.Config
        return self.app.config  # type: ignore[attr-defined]

    def _load_store(self) -> MessageStore:
        if self.store is None:
            self.store = MessageStore(lang=self.app.customer_lang).load()  # type: ignore[attr-defined]
        return self.store

    # ---- loading ------------------------------------------------------------------

    def _orders_changed(self, order_ids: set[int]) -> None:
        if self.order_id in order_ids:
            self.load()

    @work(exclusive=True, group="messages-load", exit_on_error=False)
    async def load(self) -> None:
        shop = self.app.shop  # type: ignore[attr-defined]
        try:
            order, notes = await asyncio.gather(
                shop.get_order(self.order_id), shop.list_notes(self.order_id)
            )
            if self.emailed is None:
                capabilities = await shop.capabilities()
                self.emailed = capabilities.customer_notes_emailed
                self.shop_kind = SHOP_NAMES.get(capabilities.kind, "")
        except ShopError as error:
            self.notify(error_text(error), title=_(
                "Order #{order_id}"
            ).format(order_id=self.order_id), severity="error")
            if self.order is None:
                self.query_one("#thread-body", Static).update(_(
                    "Could not load: {error}"
                ).format(error=error_text(error)))
            return
        self.post_message(self.Loaded(order, notes))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.order, self.notes = message.order, message.notes
        order = message.order
        who = order.customer_name or _("no name")
        email = f" · {order.billing.email}" if order.billing.email else ""
        self.query_one("#messages-title", Static).update(
            _(
                "Messages · order #{number} · {who}{email}"
            ).format(number=order.number, who=who, email=email)
        )
        self.query_one("#thread-body", Static).update(
            render_thread(build_thread(order, self.notes))
        )
        self.query_one("#thread", VerticalScroll).scroll_end(animate=False)
        self._show_kind()

    # ---- compose area -------------------------------------------------------------

    def _show_kind(self) -> None:
        mode = self.query_one("#compose-mode", Static)
        self.set_class(self.draft.private, "-private")
        if self.draft.private:
            mode.update(_("✎ PRIVATE NOTE — staff only, never sent to the customer"))
            return
        email = self.order.billing.email if self.order else ""
        if self.emailed is False:
            mode.update(
                _("✉ TO THE CUSTOMER — {shop} does not e-mail it; shown in their account").format(
                    shop=self.shop_kind or _("the shop")
                )
            )
        elif email:
            mode.update(_("✉ TO THE CUSTOMER — the shop emails it to {email}").format(email=email))
        elif self.order is not None:
            mode.update(_("✉ TO THE CUSTOMER — no email address: shown in their account only"))
        else:
            mode.update(_("✉ TO THE CUSTOMER — the shop emails it"))

    @on(TextArea.Changed, "#compose")
    def _edited(self, event: TextArea.Changed) -> None:
        self.draft.text = event.text_area.text
        self._check_draft()

    def _check_draft(self) -> list[str]:
        text = self.draft.text
        problems = compose_problems(text) if text.strip() else []
        self._show_problems(problems)
        if not self.sending:
            self._status(_(
                "{count} / {MAX_LENGTH} characters"
            ).format(count=count(len(text)), MAX_LENGTH=count(MAX_LENGTH)))
        return problems

    def _show_problems(self, problems: list[str]) -> None:
        box = self.query_one("#compose-problems", Static)
        box.update(Text("\n".join(f"⚠ {p}" for p in problems), style="bold red"))
        box.display = bool(problems)

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#compose-status", Static).update(Text(text, style=style))

    def action_toggle_kind(self) -> None:
        if self.sending:
            self.notify(_("Wait for the message being sent."), severity="warning")
            return
        self.draft.private = not self.draft.private
        self._show_kind()

    # ---- predefined messages ------------------------------------------------------

    def _values_for(self, message: PredefinedMessage) -> dict[str, str | None]:
        assert self.order is not None
        return message_context(
            self.order,
            config=self._config,
            shop_label=self.app.shop_label,  # type: ignore[attr-defined]
            lang=message.lang,
        )

    def _preview(self, message: PredefinedMessage) -> str:
        try:
            return render(message.text, self._values_for(message)).text
        except TemplateError as error:
            return _("(broken template: {error})").format(error=error)

    @work(group="messages-pick", exit_on_error=False)
    async def action_pick(self) -> None:
        from screens.message_picker import MessagePicker

        if self.order is None:
            self.notify(_("The order is still loading."), severity="warning")
            return
        if self.sending:
            self.notify(_("Wait for the message being sent."), severity="warning")
            return
        store = self._load_store()
        warning = f"messages.toml: {store.error}" if store.error else None
        chosen = await self.app.push_screen_wait(
            MessagePicker(store.list(), lang=store.lang, preview=self._preview, warning=warning)
        )
        if chosen is not None:
            self.fill(chosen)

    def fill(self, message: PredefinedMessage) -> None:
        """Put ``message``, resolved for this order, in the compose area (at the cursor if
        something is written already) and select the first placeholder without a value."""
        if self.order is None:
            return
        try:
            result = render(message.text, self._values_for(message))
        except TemplateError as error:
            self.notify(_(
                "“{name}” is broken: {error}"
            ).format(name=message.name, error=error_text(error)), severity="error")
            return
        area = self.query_one("#compose", TextArea)
        if area.text.strip():
            area.insert(result.text)
        else:
            area.clear()
            area.insert(result.text)
        area.focus()
        missing = [*result.unresolved, *result.unknown]
        if missing:
            text = area.text
            index = text.find("{" + missing[0] + "}")
            if index >= 0:
                start = _location(text, index)
                end = _location(text, index + len(missing[0]) + 2)
                area.selection = Selection(start, end)
            self.notify(
                _(
                    "No value for {join} on this order: replace it before sending."
                ).format(join=', '.join('{' + m + '}' for m in missing)),
                title=message.name,
                severity="warning",
            )

    # ---- sending ------------------------------------------------------------------

    def action_send(self) -> None:
        if self.sending:
            self.notify(_("Already sending this message."), severity="warning")
            return
        text = self.query_one("#compose", TextArea).text
        self.draft.text = text
        problems = compose_problems(text)
        if problems:
            self._show_problems(problems)
            self.notify(" ".join(problems), title=_("Not sent"), severity="error")
            return
        if self.app.connection_of(self.order_id) in ("offline", "reconnecting"):  # type: ignore[attr-defined]
            self._queue_offline(text, self.draft.private)
            return
        self.sending = True
        self.query_one("#compose", TextArea).read_only = True
        self._status(_("Sending…"), "bold")
        self._send(text, self.draft.private, self.draft.key)

    def _queue_offline(self, text: str, private: bool) -> None:
        """The shop is known to be away: the message waits in the offline journal (sent,
        checked against the shop first, when it is back) and the draft is cleared."""
        app = self.app
        config = self._config
        body = sign_private(text, config.staff) if private else text
        order = app.queue.get(self.order_id)  # type: ignore[attr-defined]
        number = order.number if order is not None else str(self.order_id)
        shop_name, own_id = app.journal_key(self.order_id)  # type: ignore[attr-defined]
        app.journal.add_note(  # type: ignore[attr-defined]
            shop_name,
            own_id,
            body,
            customer_note=not private,
            number=number,  # type: ignore[attr-defined]
        )
        if not private and config.attribute_changes:
            app.journal.add_note(  # type: ignore[attr-defined]
                shop_name,
                own_id,
                f"Message to the customer queued offline by {config.staff} on "
                f"{config.workstation} (orderdesk).",
                number=number,
            )
        self.draft.text = ""
        self.draft.key = new_key()
        self.query_one("#compose", TextArea).clear()
        text = _("The shop is offline: the message is queued and sent when the shop is back.")
        self._status(text, "bold yellow")
        self.notify(text, title=_("Queued"), severity="warning", timeout=8)
        app.connection_changed.publish(app.connection)  # type: ignore[attr-defined]

    @work(group="messages-send", exit_on_error=False)
    async def _send(self, text: str, private: bool, key: str) -> None:
        shop = self.app.shop  # type: ignore[attr-defined]
        config = self._config
        body = sign_private(text, config.staff) if private else text
        try:
            note = await shop.add_note(
                self.order_id, body, customer_note=not private, idempotency_key=key
            )
        except ShopError as error:
            self.post_message(self.SendFailed(error, key))
            return
        warning = None
        if not private and config.attribute_changes:
            try:
                await shop.add_note(
                    self.order_id,
                    customer_attribution(note.id, config.staff, config.workstation),
                    customer_note=False,
                    idempotency_key=f"{key}-by",
                )
            except ShopError as error:
                warning = _(
                    "The message was sent, but who sent it was not recorded ({error})."
                ).format(error=error_text(error))
        self.post_message(self.Sent(note, key, private, warning))

    @on(Sent)
    def _sent(self, message: Sent) -> None:
        self.sending = False
        area = self.query_one("#compose", TextArea)
        area.read_only = False
        if self.draft.key == message.key:
            self.draft.text = ""
            self.draft.key = new_key()
            area.clear()
        if message.private:
            self.notify(_("Private note saved (not sent to the customer)."), title=_("Saved"))
        elif self.emailed is False:
            self.notify(
                _(
                    "Message saved in the customer's account. {shop} does not e-mail it: "
                    "tell the customer another way if it is urgent."
                ).format(shop=self.shop_kind or _("This shop")),
                title=_("Sent"),
                timeout=8,
            )
        else:
            self.notify(_("Message sent: the shop emails it to the customer."), title=_("Sent"))
        if message.warning:
            self.notify(message.warning, severity="warning", timeout=10)
        self._check_draft()
        self.load()

    @on(SendFailed)
    def _send_failed(self, message: SendFailed) -> None:
        self.sending = False
        area = self.query_one("#compose", TextArea)
        area.read_only = False
        area.focus()
        error = message.error
        if error.code == IDEMPOTENCY_MISMATCH:
            # An earlier attempt of this draft reached the shop before it was edited.
            if self.draft.key == message.key:
                self.draft.key = new_key()
            text = _(
                "An earlier version of this message already reached the shop (see the "
                "thread). Your edited draft is kept: press ctrl+s to send it as well."
            )
            self.load()
        else:
            reason = error_text(error).strip().rstrip(".")
            text = _("Not sent: {reason}. Your draft is kept; press ctrl+s to try again.").format(
                reason=reason
            )
        self._status(text, "bold red")
        self.notify(text, title=_("Message not sent"), severity="error", timeout=10)

    # ---- navigation ---------------------------------------------------------------

    def action_reload(self) -> None:
        self.store = None
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
