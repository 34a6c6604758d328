"""Scan mode: a field that takes a barcode scanner's input and opens the order it names.

A USB scanner types the code and Enter, fast. `ScanInput` is the field for it (also used
by the pack screen): Enter submits, and a scanner or terminal that delivers the code as a
paste with line breaks submits each line. `signal_scan` gives every scan its feedback: a
green or red flash on the screen, the terminal bell for errors (when `bell` is on in
config), and a message that stays until the next scan — a packer looks up at the screen
only when something went wrong, so an error must be loud and must say what happened.

`ScanScreen` (F2 or `:` anywhere) resolves order numbers (`1234`, `#1234`), order keys
(`wc_order_…`) and customer order links (see `tui.scan_codes`) and opens the order on the
pack screen. An unknown code is refused loudly and the field is cleared for the next scan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from client.errors import ShopError
from tui.error_text import error_text
from tui.i18n import _
from tui.scan_codes import FoundOrder, clean_code, resolve_order

#: How long the red/green flash stays, in seconds.
FLASH_SECONDS = 0.5


class ScanInput(Input):
    """The scanner's field. `+`/`-` typed into the *empty* field are posted as `Adjust`
    (the pack screen counts by hand with them); anything else is typed as usual."""

    class Adjust(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def __init__(self, *, adjust_keys: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.adjust_keys = adjust_keys

    async def _on_key(self, event: events.Key) -> None:
        # Otherwise Textual goes on to Input's own `_on_key` (handlers run down the MRO
        # until one prevents the default), which types the key as usual.
        if self.adjust_keys and not self.value and event.character in ("+", "-"):
            event.stop()
            event.prevent_default()
            self.post_message(self.Adjust(1 if event.character == "+" else -1))

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls `_on_paste` of every class in the MRO unless the default is
        # prevented: prevent it, and call Input's own handler only for a plain paste.
        event.prevent_default()
        if "\n" not in event.text and "\r" not in event.text:
            super()._on_paste(event)
            return
        event.stop()
        prefix = self.value
        for line in event.text.splitlines():
            if line.strip():
                self.post_message(self.Submitted(self, prefix + line))
                prefix = ""
        self.value = ""


def signal_scan(screen: Screen, ok: bool, message: str, *, target: str = "#scan-message") -> None:
    """Show a scan's outcome: flash the screen green or red, ring on errors, say why."""
    label = screen.query_one(target, Static)
    label.update(message)
    label.set_class(not ok, "-error")
    label.set_class(ok, "-ok")
    flash = "-flash-ok" if ok else "-flash-error"
    screen.remove_class("-flash-ok", "-flash-error")
    screen.add_class(flash)
    screen.set_timer(FLASH_SECONDS, lambda: screen.remove_class(flash))
    if not ok and getattr(getattr(screen.app, "config", None), "bell", True):
        screen.app.bell()


class ScanScreen(ModalScreen[None]):
    """Scan (or type) an order number or key; the order opens on the pack screen."""

    CSS_PATH = Path(__file__).with_name("scan.tcss")
    BINDINGS = [Binding("escape", "close", "Close", id="scan.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="scan-dialog", classes="dialog"):
            yield Static(_("Scan an order"), classes="dialog-title")
            yield ScanInput(placeholder=_("order number, #number or order key…"), id="scan-input")
            yield Static("", id="scan-message")
            yield Static(
                _("The order opens on the pack screen · escape closes"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()

    @on(Input.Submitted, "#scan-input")
    def _submitted(self, event: Input.Submitted) -> None:
        code = clean_code(event.value)
        self.query_one(ScanInput).value = ""
        if code:
            looking = _("Looking for {code}…").format(code=code)
            self.query_one("#scan-message", Static).update(looking)
            self.open_code(code)

    @work(group="scan-resolve", exit_on_error=False)
    async def open_code(self, code: str) -> None:
        app = self.app
        try:
            if app.session is not None:  # type: ignore[attr-defined]
                found = await self._resolve_in_shops(code)
                if found is False:
                    return  # the person closed the "which shop?" question
            else:
                found = await resolve_order(app.shop, app.queue, code)  # type: ignore[attr-defined]
        except ShopError as error:
            signal_scan(
                self,
                False,
                _("Could not look up {code}: {error}").format(code=code, error=error_text(error)),
            )
            return
        if found is None:
            unknown = _("Unknown code {code}: no order with this number or key.").format(code=code)
            signal_scan(self, False, unknown)
            return
        from screens.pack import PackScreen

        # No await from here on: dismissing ends this screen's workers at the next one.
        under = app.screen_stack[-2] if len(app.screen_stack) > 1 else None
        app.work_on(found.order_id)  # type: ignore[attr-defined]
        self.dismiss()
        if isinstance(under, PackScreen):
            app.switch_screen(PackScreen(found.order_id))  # scanning from a pack screen
        else:
            app.push_screen(PackScreen(found.order_id))

    async def _resolve_in_shops(self, code: str) -> FoundOrder | bool | None:
        """Several shops: `MAIN-1234` is that shop's order; a bare number several shops
        have asks which one (False: the person cancelled)."""
        from screens.shop_filter import ShopChoice
        from tui.i18n import _

        app = self.app
        session = app.session  # type: ignore[attr-defined]
        candidates = await session.resolve_scan(app.queue, code)  # type: ignore[attr-defined]
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        choices = []
        for found in candidates:
            order = app.queue.get(found.order_id)  # type: ignore[attr-defined]
            name = session.shop_of(found.order_id)
            line = f"{name}  #{found.number}"
            if order is not None:
                status = app.status_label(order.status)  # type: ignore[attr-defined]
                line = f"{session.code(order)}  {order.customer_name}  {status}"
            choices.append((found.order_id, line))
        chosen = await app.push_screen_wait(
            ShopChoice(_("Order {code} is in several shops: which one?").format(code=code), choices)
        )
        if chosen is None:
            self.query_one("#scan-message", Static).update("")
            return False
        return next(f for f in candidates if f.order_id == chosen)

    def action_close(self) -> None:
        self.dismiss()
