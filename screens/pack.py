"""The pack screen: verify a parcel item by item with the scanner, then ship it.

A packer works here for a whole shift without the mouse, so:
- The scan field always has the focus; every key that acts on the lines works from it.
  Scanning a product's SKU or GTIN counts one; a wrong item or one too many is refused
  loudly (red flash, bell, the line named) and counts nothing (`tui.packing`).
- Counts by hand, for lines without a code or a torn label: `↑`/`↓` choose the line,
  `F5` (or `+` typed into the empty field) adds one, `F6` (or `-`) takes one away,
  `F7` completes the line, `F8` sets it back to 0. Function keys reach the app from any
  terminal and are never typed into the field; `+`/`-` only act on an empty field, so
  they never cut into a scanned code (a code cannot *start* with `+` or `-` here).
- When everything is packed, the shipping prompt opens: carrier and tracking number
  (the scanner can fill the tracking field from the carrier's label). Then the tracking
  is saved — through the Shipment Tracking extension when the shop has it, else as order
  meta (`_tracking_number`, `_tracking_provider`) — the order is set to completed through
  the app (so the queue updates at once and the change is attributed), and, without the
  extension, a customer note carries carrier and tracking number. With the extension its
  tracking item goes into WooCommerce's own "completed" email instead, so the customer
  does not get the tracking twice.
- After shipping (or on an order that must not be packed), scanning an order number opens
  the next order right here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import Input, ProgressBar, Static

from client.errors import ShopError
from client.model import Order, Product
from screens.scan import ScanInput, signal_scan
from tui.error_text import error_text
from tui.i18n import _, ngettext
from tui.messages import MessageStore, MessageStoreError
from tui.packing import (
    TRACKING_CARRIER_META,
    TRACKING_NUMBER_META,
    PackOutcome,
    PackState,
    shipped_message,
    tracking_text,
)
from tui.render import refunded_quantities, status_label
from tui.scan_codes import (
    CARRIERS,
    carrier_from_shipping,
    clean_code,
    find_in_queue,
    guess_carrier,
    looks_like_order_code,
    resolve_order,
)
from tui.widgets.footer import Footer

#: Statuses in which an order must not be packed (shipped already, or not to be sent).
BLOCKED_STATUSES = frozenset({"completed", "cancelled", "refunded", "failed", "trash"})
#: Statuses in which packing is allowed but the packer is warned (not paid yet).
UNPAID_STATUSES = frozenset({"pending", "on-hold", "checkout-draft"})


@dataclass(frozen=True, slots=True)
class Shipment:
    carrier: str
    tracking: str


@dataclass(frozen=True, slots=True)
class PackLoad:
    order: Order
    products: dict[int, Product]
    refunded: dict[int, int]


def render_lines(state: PackState, selected: int) -> Table:
    """The lines to pack: code, item, needed and packed, the chosen line reversed."""
    table = Table(expand=True, box=None, header_style="bold", pad_edge=False)
    table.add_column("", width=1, no_wrap=True)
    table.add_column(_("SKU"), no_wrap=True, max_width=16)
    table.add_column(_("EAN/GTIN"), no_wrap=True, max_width=14)
    table.add_column(_("Item"), ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column(_("Need"), justify="right", no_wrap=True)
    table.add_column(_("Packed"), justify="right", no_wrap=True)
    for index, line in enumerate(state.lines):
        if line.done:
            style, mark = "green", "✓"
        elif line.packed:
            style, mark = "yellow", "…"
        else:
            style, mark = "", " "
        if index == selected:
            style = f"{style} reverse".strip()
            mark = "▶" if not line.done else mark
        name = (
        line.name
        if line.scannable
        else _("{name} (no code: count by hand)").format(name=line.name)
    )
        table.add_row(
            mark,
            line.sku or "—",
            line.gtin or "—",
            name,
            str(line.needed),
            str(line.packed),
            style=style,
        )
    return table


def order_info(
    order: Order, *, shipped: bool = False, label: Callable[[str], str] = status_label
) -> Text:
    """Who and where, and what the packer must know before closing the box."""
    text = Text()
    destination = order.shipping if order.shipping.lines() else order.billing
    place = ", ".join(p for p in (destination.city, destination.country) if p)
    parts = [order.customer_name, place, order.shipping_method or _("no shipping method")]
    text.append(" · ".join(p for p in parts if p))
    if shipped:
        text.append(_("\n✓ Shipped from this screen."), style="bold green")
    elif order.status in BLOCKED_STATUSES:
        text.append(_(
            "\n✖ This order is {label}: do not ship it."
        ).format(label=label(order.status)), style="bold red")
    elif order.status in UNPAID_STATUSES:
        text.append(_(
            "\n⚠ {label}: not paid yet."
        ).format(label=label(order.status)), style="bold yellow")
    if order.customer_note.strip():
        text.append(_("\nNote: "), style="bold")
        text.append(f"“{order.customer_note.strip()}”", style="italic")
    return text


class ShipScreen(ModalScreen[Shipment | None]):
    """Carrier and tracking number for a packed order. The tracking field takes the
    scanner; `↑`/`↓` cycle the carriers from either field."""

    CSS_PATH = Path(__file__).with_name("pack.tcss")
    BINDINGS = [
        Binding("escape", "cancel", "Not yet", id="ship.cancel"),
        Binding("up", "cycle(-1)", "Previous carrier", priority=True, id="ship.carrier_up"),
        Binding("down", "cycle(1)", "Next carrier", priority=True, id="ship.carrier_down"),
        Binding("ctrl+n", "no_tracking", "No tracking", id="ship.no_tracking"),
    ]

    def __init__(self, order: Order, *, items: int, carrier: str = "") -> None:
        super().__init__()
        self.order = order
        self.items = items
        self.initial_carrier = carrier
        #: The carrier last filled in by the console (not typed by the packer).
        self._auto_carrier = carrier
        #: Set once the packer picks a carrier with the arrows.
        self._carrier_chosen = False

    def compose(self) -> ComposeResult:
        with Vertical(id="ship-dialog", classes="dialog"):
            yield Static(
                ngettext(
                    "Ship #{number} · {items} item packed",
                    "Ship #{number} · {items} items packed",
                    self.items,
                ).format(number=self.order.number, items=self.items),
                classes="dialog-title",
            )
            yield Static(_("Carrier (↑/↓ to choose, or type)"), classes="ship-label")
            yield Input(
                self.initial_carrier,
                id="ship-carrier",
                suggester=SuggestFromList(CARRIERS, case_sensitive=False),
            )
            yield Static(_("Tracking number (scan the label)"), classes="ship-label")
            yield ScanInput(id="ship-tracking", placeholder=_("scan or type…"))
            yield Static("", id="ship-message")
            yield Static(
                _("enter: complete · ctrl+n: no tracking · escape: not yet"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        # The tracking field first, whatever the carrier: the packer scans the label, and
        # an unknown carrier is asked for after (often guessed from the number's format).
        self.query_one("#ship-tracking", Input).focus()

    @property
    def carrier(self) -> str:
        return " ".join(self.query_one("#ship-carrier", Input).value.split())

    @on(Input.Changed, "#ship-tracking")
    def _tracking_changed(self, event: Input.Changed) -> None:
        """The label's number format names the carrier better than the order's shipping
        method does, unless the packer chose or typed one."""
        guess = guess_carrier(event.value)
        if guess and not self._carrier_chosen and self.carrier in ("", self._auto_carrier):
            self.query_one("#ship-carrier", Input).value = guess
            self._auto_carrier = guess

    @on(Input.Submitted, "#ship-carrier")
    def _carrier_submitted(self) -> None:
        if self.query_one("#ship-tracking", Input).value.strip():
            self._finish()
        else:
            self.query_one("#ship-tracking", Input).focus()

    @on(Input.Submitted, "#ship-tracking")
    def _tracking_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#ship-tracking", Input).value = "".join(clean_code(event.value).split())
        self._finish()

    def _say(self, message: str) -> None:
        self.query_one("#ship-message", Static).update(message)
        if getattr(self.app, "config", None) is None or self.app.config.bell:  # type: ignore[attr-defined]
            self.app.bell()

    def _finish(self) -> None:
        tracking = "".join(clean_code(self.query_one("#ship-tracking", Input).value).split())
        if not tracking:
            self._say(_("Scan or type the tracking number (ctrl+n ships without one)."))
            self.query_one("#ship-tracking", Input).focus()
            return
        carrier = self.carrier or guess_carrier(tracking) or ""
        if not carrier:
            self._say(_("Choose the carrier (↑/↓) or type its name."))
            self.query_one("#ship-carrier", Input).focus()
            return
        self.dismiss(Shipment(carrier, tracking))

    def action_cycle(self, step: int) -> None:
        field = self.query_one("#ship-carrier", Input)
        current = next(
            (i for i, c in enumerate(CARRIERS) if c.casefold() == self.carrier.casefold()), None
        )
        index = (0 if step > 0 else len(CARRIERS) - 1) if current is None else current + step
        field.value = CARRIERS[index % len(CARRIERS)]
        field.cursor_position = len(field.value)
        self._carrier_chosen = True

    def action_no_tracking(self) -> None:
        self.dismiss(Shipment(self.carrier, ""))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PackScreen(Screen[None]):
    """Pack one order by scanning, then ship it. See the module docstring for the keys."""

    CSS_PATH = Path(__file__).with_name("pack.tcss")
    AUTO_FOCUS = "#scan-input"
    BINDINGS = [
        Binding("escape", "back", "Back", id="pack.back"),
        Binding("f5", "adjust(1)", "+1", key_display="F5/+", priority=True, id="pack.plus"),
        Binding("f6", "adjust(-1)", "-1", key_display="F6/-", priority=True, id="pack.minus"),
        Binding("f7", "fill", "Line done", key_display="F7", priority=True, id="pack.fill"),
        Binding(
            "f8",
            "reset_line",
            "Line to 0",
            key_display="F8",
            show=False,
            priority=True,
            id="pack.reset",
        ),
        Binding("f9", "ship", "Ship", key_display="F9", priority=True, id="pack.ship"),
        Binding("f4", "print_slip", "Slip", key_display="F4", priority=True, id="pack.print"),
        Binding("up", "move(-1)", "Previous line", show=False, priority=True, id="pack.up"),
        Binding("down", "move(1)", "Next line", show=False, priority=True, id="pack.down"),
        Binding("f2", "focus_scan", "Scan", show=False, priority=True, id="pack.scan"),
        Binding("ctrl+r", "reload", "Reload", show=False, priority=True, id="pack.reload"),
        Binding(
            "f3", "receive_return", "Return", key_display="F3", priority=True, id="pack.return"
        ),
    ]

    #: The carrier chosen last in this session (the next parcel likely goes the same way).
    last_carrier: str = ""

    class Loaded(Message):
        def __init__(self, load: PackLoad) -> None:
            super().__init__()
            self.load = load

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.order: Order | None = None
        self.state: PackState | None = None
        self.selected = 0
        self.shipped = False
        self.shipping = False
        self._asking = False
        self._pending: list[str] = []

    # ---- building ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_(
            "Pack order #{order_id}"
        ).format(order_id=self.order_id), id="pack-title", classes="screen-title")
        yield Static(_("Loading…"), id="pack-info")
        with VerticalScroll(id="pack-lines"):
            yield Static("", id="pack-table")
        with Vertical(id="pack-bottom"):
            yield ProgressBar(id="pack-progress", show_eta=False, show_percentage=False)
            yield Static("", id="pack-count")
            yield ScanInput(
                adjust_keys=True, id="scan-input", placeholder=_("scan a product (SKU or EAN)…")
            )
            yield Static("", id="scan-message")
        yield Footer()

    def _label(self, status: str) -> str:
        """A status as this shop names it (custom statuses from config included)."""
        label = getattr(self.app, "status_label", None)
        return label(status) if label is not None else status_label(status)

    def on_mount(self) -> None:
        self.query_one("#pack-lines").can_focus = False
        self.app.orders_changed.subscribe(self, self._orders_changed)  # type: ignore[attr-defined]
        self.load()

    def on_screen_resume(self) -> None:
        self.action_focus_scan()

    def _orders_changed(self, order_ids: set[int]) -> None:
        if self.order_id in order_ids and self.state is not None:
            self.load()

    @work(exclusive=True, group="pack-load", exit_on_error=False)
    async def load(self) -> None:
        shop = self.app.shop  # type: ignore[attr-defined]
        try:
            order, refunds = await asyncio.gather(
                shop.get_order(self.order_id), shop.list_refunds(self.order_id)
            )
            products = await self._products(order)
        except ShopError as error:
            signal_scan(self, False, _(
                "Could not load order #{order_id}: {error}"
            ).format(order_id=self.order_id, error=error_text(error)))
            self.query_one("#pack-info", Static).update(_(
                "Could not load: {error}"
            ).format(error=error_text(error)))
            return
        self.post_message(self.Loaded(PackLoad(order, products, refunded_quantities(refunds))))

    async def _products(self, order: Order) -> dict[int, Product]:
        """The lines' products (for GTINs): one request for the products, one per
        variation (wc/v3 lists variations only under their parent)."""
        shop = self.app.shop  # type: ignore[attr-defined]
        ids = sorted({i.product_id for i in order.line_items if i.product_id})
        found: dict[int, Product] = {}
        for start in range(0, len(ids), 100):
            for product in await shop.list_products(include=ids[start : start + 100]):
                found[product.id] = product
        variations = sorted({i.variation_id for i in order.line_items if i.variation_id})

        async def one(variation_id: int) -> Product | None:
            try:
                return await shop.get_product(variation_id)
            except ShopError:
                return None  # the SKU on the line still counts; only its GTIN is unknown

        for product in await asyncio.gather(*(one(v) for v in variations)):
            if product is not None:
                found[product.id] = product
        return found

    def on_pack_screen_loaded(self, message: Loaded) -> None:
        load = message.load
        first = self.state is None
        previous = self.order
        self.order = load.order
        if first:
            self.state = PackState.from_order(load.order, load.products, load.refunded)
        self._refresh_view()
        info = order_info(load.order, shipped=self.shipped, label=self._label)
        self.query_one("#pack-info", Static).update(info)
        if first:
            self._first_message()
            pending, self._pending = self._pending, []
            for code in pending:
                self.handle_scan(code)
        elif (
            previous is not None
            and previous.status != load.order.status
            and load.order.status in BLOCKED_STATUSES
            and not (self.shipped or self.shipping)
        ):
            signal_scan(
                self,
                False,
                _(
                    "Order #{number} was set to {label} in the shop meanwhile: do not ship it."
                ).format(number=load.order.number, label=self._label(load.order.status)),
            )

    def _first_message(self) -> None:
        assert self.order is not None and self.state is not None
        order = self.order
        if order.status in BLOCKED_STATUSES:
            signal_scan(
                self,
                False,
                _(
                    "#{number} is {label}: nothing to pack. Scan the next order."
                ).format(number=order.number, label=self._label(order.status)),
            )
        elif not self.state.lines:
            signal_scan(self, False, _(
                "#{number} has nothing left to pack."
            ).format(number=order.number))
        else:
            self.query_one("#scan-message", Static).update(
                _(
                    "Scan each item of #{number}: {needed} to pack."
                ).format(number=order.number, needed=self.state.needed)
            )

    # ---- showing -------------------------------------------------------------------

    def _refresh_view(self) -> None:
        state, order = self.state, self.order
        if state is None or order is None:
            return
        title = _("Pack #{number} · {status}").format(
            number=order.number, status=self._label(order.status)
        )
        if self.shipped:
            title += " · " + _("shipped")
        self.query_one("#pack-title", Static).update(title)
        self.query_one("#pack-table", Static).update(render_lines(state, self.selected))
        bar = self.query_one("#pack-progress", ProgressBar)
        bar.update(total=max(state.needed, 1), progress=state.packed)
        count = _("Packed {packed} of {needed}").format(packed=state.packed, needed=state.needed)
        if state.by_hand:
            count += " · " + _("{n} by hand").format(n=state.by_hand)
        self.query_one("#pack-count", Static).update(count)
        self.set_class(state.complete, "-complete")
        if self.shipped or order.status in BLOCKED_STATUSES or not state.lines:
            self.query_one("#scan-input", Input).placeholder = _("scan the next order's number…")
        lines = self.query_one("#pack-lines", VerticalScroll)
        lines.scroll_to(y=max(0, self.selected - 2), animate=False)

    def _show(self, outcome: PackOutcome) -> None:
        if outcome.kind == "empty":
            return
        if outcome.line is not None:
            self.selected = outcome.line
        self._refresh_view()
        signal_scan(self, outcome.ok, ("✓ " if outcome.ok else "✖ ") + outcome.message)

    # ---- scanning ------------------------------------------------------------------

    @on(Input.Submitted, "#scan-input")
    def _scanned(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#scan-input", Input).value = ""
        code = clean_code(event.value)
        if not code:
            return
        if self.state is None or self.order is None:
            self._pending.append(code)
            self.query_one("#scan-message", Static).update(_(
                "Loading the order… ({code} kept)"
            ).format(code=code))
            return
        self.handle_scan(code)

    def handle_scan(self, code: str) -> None:
        """One scanned code: an item of this order, or (when that makes sense) the next order."""
        assert self.state is not None and self.order is not None
        if self.shipping:
            signal_scan(
                self, False, _(
                    "Still completing #{number}; scan again in a moment."
                ).format(number=self.order.number)
            )
            return
        if self.shipped or self.order.status in BLOCKED_STATUSES or not self.state.lines:
            self.open_order(code)
            return
        outcome = self.state.scan(code)
        if outcome.kind == "wrong_item" and self._is_order_code(code):
            if self.state.started:
                signal_scan(
                    self,
                    False,
                    _(
                        "✖ {code} is an order, not an item. Finish #{number} first (or escape to "
                        "leave it)."
                    ).format(code=code, number=self.order.number),
                )
            else:
                self.open_order(code)
            return
        self._show(outcome)
        if outcome.ok and self.state.complete:
            self.ship()

    def _is_order_code(self, code: str) -> bool:
        if looks_like_order_code(code):
            return True
        return find_in_queue(self.app.queue, code) is not None  # type: ignore[attr-defined]

    @work(exclusive=True, group="pack-open", exit_on_error=False)
    async def open_order(self, code: str) -> None:
        """Open the order `code` names here, in place of this one."""
        try:
            found = await resolve_order(self.app.shop, self.app.queue, code)  # type: ignore[attr-defined]
        except ShopError as error:
            signal_scan(self, False, _(
                "✖ Could not look up {code}: {error}"
            ).format(code=code, error=error_text(error)))
            return
        if found is None:
            signal_scan(
                self, False, _(
                    "✖ Unknown code {code}: not an item of this order, not an order."
                ).format(code=code)
            )
            return
        if found.order_id == self.order_id:
            signal_scan(self, False, _(
                "✖ #{number} is the order on screen."
            ).format(number=found.number))
            return
        self.app.switch_screen(PackScreen(found.order_id))

    @on(ScanInput.Adjust)
    def _adjust_key(self, message: ScanInput.Adjust) -> None:
        self.action_adjust(message.delta)

    # ---- keys ----------------------------------------------------------------------

    def _by_hand(self, outcome: PackOutcome | None) -> None:
        if outcome is None:
            return
        self._show(outcome)
        if outcome.ok and self.state is not None and self.state.complete and not self.shipped:
            self.ship()

    def _editable(self) -> bool:
        if self.state is None or self.order is None:
            return False
        if self.shipped or self.shipping or self.order.status in BLOCKED_STATUSES:
            signal_scan(self, False, _("✖ This order is not being packed any more."))
            return False
        return True

    def action_adjust(self, delta: int) -> None:
        if self._editable():
            assert self.state is not None
            self._by_hand(self.state.adjust(self.selected, delta))

    def action_fill(self) -> None:
        if self._editable():
            assert self.state is not None
            self._by_hand(self.state.fill(self.selected))

    def action_reset_line(self) -> None:
        if self._editable():
            assert self.state is not None
            self._by_hand(self.state.reset(self.selected))

    def action_move(self, step: int) -> None:
        if self.state is None or not self.state.lines:
            return
        self.selected = max(0, min(len(self.state.lines) - 1, self.selected + step))
        self._refresh_view()

    def action_receive_return(self) -> None:
        """A parcel that came back is scanned like one going out: F3 receives it."""
        self.app.open_return(self.order_id)  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        """Read the order again (its status, a failed first load); counts are kept."""
        self.load()
        self.action_focus_scan()

    def action_focus_scan(self) -> None:
        self.query_one("#scan-input", Input).focus()

    def action_print_slip(self) -> None:
        self.app.print_documents("packing_slip", [self.order_id])  # type: ignore[attr-defined]
        self.action_focus_scan()

    def action_back(self) -> None:
        if self.shipping:
            signal_scan(self, False, _("Completing the order with the shop; wait a moment."))
            return
        self.app.pop_screen()

    def action_ship(self) -> None:
        if self.state is None or self.order is None:
            return
        if self.shipped:
            signal_scan(self, True, _(
                "#{number} is shipped. Scan the next order."
            ).format(number=self.order.number))
            return
        if not self._editable():
            return
        if not self.state.complete:
            missing = self.state.needed - self.state.packed
            signal_scan(self, False, _(
                "✖ {missing} item(s) still to pack before shipping."
            ).format(missing=missing))
            return
        self.ship()

    # ---- shipping ------------------------------------------------------------------

    def _default_carrier(self) -> str:
        assert self.order is not None
        return carrier_from_shipping(self.order.shipping_method) or PackScreen.last_carrier

    @work(group="pack-ship", exit_on_error=False)
    async def ship(self) -> None:
        """Ask for carrier and tracking, then complete the order with the shop."""
        if self.order is None or self.state is None or self.shipping or self._asking:
            return
        self._asking = True
        try:
            shipment = await self.app.push_screen_wait(
                ShipScreen(self.order, items=self.state.packed, carrier=self._default_carrier())
            )
        finally:
            self._asking = False
        self.action_focus_scan()
        if shipment is None:
            self.query_one("#scan-message", Static).update(
                _("Everything is packed. F9 ships it (carrier and tracking number).")
            )
            return
        if shipment.carrier:
            PackScreen.last_carrier = shipment.carrier
        self.shipping = True
        try:
            await self._complete(self.order, shipment)
        finally:
            self.shipping = False

    def _progress(self, message: str) -> None:
        label = self.query_one("#scan-message", Static)
        label.remove_class("-ok", "-error")
        label.update(message)

    async def _complete(self, order: Order, shipment: Shipment) -> None:
        """Tracking first (nothing changes if it cannot be saved), then the status, then
        the customer's message: each step only once the previous one reached the shop."""
        app = self.app
        shop = app.shop  # type: ignore[attr-defined]
        warnings: list[str] = []
        via_extension = False
        if shipment.tracking:
            self._progress(_("Saving the tracking number…"))
            via_extension = await self._tracking_extension(order.id)
            if via_extension:
                try:
                    await shop.add_shipment_tracking(
                        order.id,
                        shipment.tracking,
                        carrier=shipment.carrier,
                        date_shipped=date.today(),
                    )
                except ShopError as error:
                    warnings.append(_(
                        "Shipment Tracking refused it ({error}); sent as a note"
                    ).format(error=error_text(error)))
                    via_extension = False
            if not via_extension:
                try:
                    await shop.update_order(
                        order.id,
                        {
                            "meta_data": [
                                {"key": TRACKING_NUMBER_META, "value": shipment.tracking},
                                {"key": TRACKING_CARRIER_META, "value": shipment.carrier},
                            ]
                        },
                    )
                except ShopError as error:
                    signal_scan(
                        self,
                        False,
                        _(
                            "✖ Tracking not saved, order not completed: {error}. F9 tries again."
                        ).format(error=error_text(error)),
                    )
                    return
        if order.status != "completed":
            self._progress(_("Completing the order…"))
            worker = app.apply_status([order], "completed", notify=False)  # type: ignore[attr-defined]
            await worker.wait()
            try:
                current = await shop.get_order(order.id)
            except ShopError as error:
                signal_scan(self, False, _(
                    "✖ Could not check the order's status: {error}"
                ).format(error=error_text(error)))
                return
            if current.status != "completed":
                signal_scan(
                    self,
                    False,
                    _(
                        "✖ #{number} was not completed (still {label}). F9 tries again."
                    ).format(number=order.number, label=self._label(current.status)),
                )
                return
            self.order = order = current
        if shipment.tracking and not via_extension:
            self._progress(_("Sending the tracking number to the customer…"))
            try:
                await shop.add_note(
                    order.id, self._customer_text(order, shipment), customer_note=True
                )
            except ShopError as error:
                warnings.append(_(
                    "customer not told the tracking number ({error})"
                ).format(error=error_text(error)))
        await self._pack_note(order, shipment, warnings)
        self.shipped = True
        self._refresh_view()
        self.query_one("#pack-info", Static).update(
            order_info(order, shipped=True, label=self._label)
        )
        shown = tracking_text(shipment.carrier, shipment.tracking) if shipment.tracking else ""
        if shown:
            text = _("✓ #{number} completed · {tracking} sent to the customer.").format(
                number=order.number, tracking=shown
            )
        else:
            text = _("✓ #{number} completed.").format(number=order.number)
        if warnings:
            text += " " + _("Warning: {warnings}.").format(warnings="; ".join(warnings))
        signal_scan(self, not warnings, text + _(" Scan the next order."))

    async def _tracking_extension(self, order_id: int) -> bool:
        probe = getattr(self.app.shop, "shipment_tracking_available", None)  # type: ignore[attr-defined]
        if probe is None:
            return False
        try:
            return bool(await probe(order_id))
        except ShopError:
            return False

    def _customer_text(self, order: Order, shipment: Shipment) -> str:
        config = self.app.config  # type: ignore[attr-defined]
        lang = self.app.customer_lang  # type: ignore[attr-defined]
        try:
            template = MessageStore(lang=lang).load().status_template("completed")
        except (MessageStoreError, OSError):
            template = None
        shop_name = config.shop_identity.name or self.app.shop_label  # type: ignore[attr-defined]
        return shipped_message(
            order,
            carrier=shipment.carrier,
            tracking=shipment.tracking,
            shop_name=shop_name,
            lang=lang,
            template=template,
        )

    async def _pack_note(self, order: Order, shipment: Shipment, warnings: list[str]) -> None:
        """A private note saying who packed it and how it was checked (when changes are
        attributed): the order's timeline then answers "was this parcel verified?"."""
        config = self.app.config  # type: ignore[attr-defined]
        if not config.attribute_changes or self.state is None:
            return
        shipped = (
            f" Shipped with {tracking_text(shipment.carrier, shipment.tracking)}."
            if shipment.tracking
            else " Shipped without tracking number."
        )
        text = (
            f"Packed by {config.staff} on {config.workstation} (orderdesk): "
            f"{self.state.summary()}.{shipped}"
        )
        try:
            await self.app.shop.add_note(order.id, text, customer_note=False)  # type: ignore[attr-defined]
        except ShopError as error:
            warnings.append(_("packing note not saved ({error})").format(error=error_text(error)))
