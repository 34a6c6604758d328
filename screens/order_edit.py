"""Edit an order (key e on an order): items, quantities, addresses, shipping method.

Edits collect in a draft (`tui.order_draft.OrderDraft`) and go to the shop in one `PUT`
on ctrl+s; the screen then shows what the shop made of them — its recomputed totals, its
stock — never its own arithmetic (the draft's estimate is labelled as such until then).
Every edit is checked where it is made: quantities of at least 1, stock (refused unless
the product allows backorders, which warns), addresses per country (`tui.addresses`),
and item changes only in the statuses WooCommerce allows them in (`is_editable`).

The write is conditional (`If-Match` with the order's ETag, honoured by the reference
shop): if someone changed the order meanwhile, nothing is written and the screen says so.
A private note names who edited what, like status changes do.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from client.errors import Conflict, ShopError
from client.model import STOCK_HOLDING_STATUSES, Order, Product
from screens.edit_dialogs import (
    AddressForm,
    ProductPicker,
    QuantityPrompt,
    ShippingForm,
    search_products,
)
from screens.order_detail import render_totals, stock_state
from tui.addresses import ADDRESS_FIELDS, AddressKind
from tui.error_text import error_text
from tui.i18n import N_, _
from tui.order_draft import DraftLine, OrderDraft, ShippingChoice, Verdict, address_dict
from tui.render import format_money
from tui.widgets.footer import Footer

#: Most products loaded for searching locally (10 pages); bigger catalogues are searched
#: in the shop (name and exact SKU; EAN only among those loaded).
CATALOGUE_LIMIT = 1000

LINE_COLUMNS = (N_("SKU"), N_("Item"), N_("Qty"), N_("Unit"), N_("Total"), N_("Stock"))


def line_row(line: DraftLine, product: Product | None, currency: str) -> list[Text | str]:
    """One row of the items table, edits marked: new, removed, quantity before → after."""
    style = "strike dim" if line.removed else ("bold" if line.changed else "")
    if line.removed:
        quantity = Text(f"{line.original_quantity} → 0", style="red")
    elif line.is_new:
        quantity = Text(f"+{line.quantity}", style="green")
    elif line.quantity != line.original_quantity:
        quantity = Text(f"{line.original_quantity} → {line.quantity}", style="yellow")
    else:
        quantity = Text(str(line.quantity))
    total = format_money(line.estimated_total, currency)
    if line.changed and not line.removed:
        total = f"≈{total}"
    name = Text(line.name, style=style)
    if line.is_new:
        name.append(_("  new"), style="green")
    return [
        Text(line.sku or "—", style=style),
        name,
        quantity,
        format_money(line.unit_price, currency),
        total,
        stock_state(product),
    ]


def render_address_block(title: str, address: dict[str, str], before: dict[str, str]) -> Group:
    """The draft's address, changed fields in bold yellow."""
    lines: list[Text] = [Text(title, style="bold")]
    changed = {k for k in ADDRESS_FIELDS if address.get(k, "") != before.get(k, "")}

    def part(*keys: str) -> Text | None:
        text = Text()
        for key in keys:
            value = address.get(key, "")
            if not value:
                continue
            if text:
                text.append(" ")
            text.append(value, style="bold yellow" if key in changed else "")
        return text or None

    for keys in (
        ("first_name", "last_name"),
        ("company",),
        ("address_1",),
        ("address_2",),
        ("postcode", "city", "state"),
        ("country",),
        ("email", "phone"),
    ):
        piece = part(*keys)
        if piece is not None:
            lines.append(piece)
    if len(lines) == 1:
        lines.append(Text("—", style="dim"))
    return Group(*lines)


class OrderEditScreen(Screen[None]):
    """One order's items, addresses and shipping, edited and saved in one go."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    AUTO_FOCUS = "#edit-lines"
    BINDINGS = [
        Binding("escape", "back", "Back", id="edit.back"),
        Binding("ctrl+s", "save", "Save", id="edit.save"),
        Binding("a", "add", "Add product", id="edit.add"),
        Binding("plus,equals_sign", "step(1)", "+1", id="edit.more"),
        Binding("minus", "step(-1)", "−1", id="edit.less"),
        Binding("q", "quantity", "Quantity", id="edit.quantity"),
        Binding("delete,x", "remove", "Remove", id="edit.remove"),
        Binding("b", "address('billing')", "Billing", id="edit.billing"),
        Binding("s", "address('shipping')", "Ship to", id="edit.shipping_address"),
        Binding("m", "shipping_method", "Shipping", id="edit.shipping_method"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="edit.reload"),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False, id="edit.page_down"),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False, id="edit.page_up"),
        Binding("question_mark,f1", "app.help", "Help", id="edit.help"),
    ]

    class Loaded(Message):
        def __init__(self, order: Order, products: dict[int, Product]) -> None:
            super().__init__()
            self.order = order
            self.products = products

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.draft: OrderDraft | None = None
        self.saving = False
        self._catalogue: list[Product] | None = None
        self._catalogue_complete = False

    # ---- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_(
            "Edit order #{order_id}"
        ).format(order_id=self.order_id), id="edit-title", classes="screen-title")
        yield Static(_("Loading…"), id="edit-banner")
        table: DataTable[Text | str] = DataTable(id="edit-lines", cursor_type="row")
        table.add_columns(*(_(c) for c in LINE_COLUMNS))
        yield table
        with VerticalScroll(id="edit-body"):
            with Horizontal(id="edit-addresses"):
                yield Static("", id="edit-billing", classes="address")
                yield Static("", id="edit-shipping", classes="address")
            yield Static("", id="edit-shipping-method")
            yield Static("", id="edit-problems")
            yield Static("", id="edit-totals")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @property
    def shop(self):  # -> ShopClient
        return self.app.shop  # type: ignore[attr-defined]

    def _status_label(self, status: str) -> str:
        return self.app.status_label(status)  # type: ignore[attr-defined]

    def _holding(self) -> frozenset[str]:
        custom = {
            slug
            for slug, setting in self.app.config.statuses.items()  # type: ignore[attr-defined]
            if setting.holds_stock
        }
        return STOCK_HOLDING_STATUSES | custom

    # ---- loading --------------------------------------------------------------------

    @work(exclusive=True, group="edit-load", exit_on_error=False)
    async def load(self) -> None:
        try:
            order = await self.shop.get_order(self.order_id)
            products = await self._products_of(order)
        except ShopError as error:
            self.query_one("#edit-banner", Static).update(_(
                "Could not load: {error}"
            ).format(error=error_text(error)))
            self.notify(error_text(error), title=_(
                "Order #{order_id}"
            ).format(order_id=self.order_id), severity="error")
            return
        self.post_message(self.Loaded(order, products))

    async def _products_of(self, order: Order) -> dict[int, Product]:
        ids = sorted({line.product_id for line in order.line_items if line.product_id})
        if not ids:
            return {}
        return {p.id: p for p in await self.shop.list_products(include=ids, per_page=100)}

    def on_order_edit_screen_loaded(self, message: Loaded) -> None:
        order = message.order
        self.draft = OrderDraft(order, dict(message.products), holding_statuses=self._holding())
        self.query_one("#edit-title", Static).update(
            _(
                "Edit order #{number} · {status_label} · {customer_name}"
            ).format(
                number=order.number,
                status_label=self._status_label(order.status),
                customer_name=order.customer_name,
            )
        )
        self.refresh_view()

    # ---- drawing --------------------------------------------------------------------

    def refresh_view(self) -> None:
        draft = self.draft
        if draft is None:
            return
        order = draft.order
        currency = order.currency
        table = self.query_one("#edit-lines", DataTable)
        cursor = table.cursor_row
        table.clear()
        for line in draft.lines:
            table.add_row(
                *line_row(line, draft.products.get(line.product_id), currency), key=line.key
            )
        if draft.lines:
            table.move_cursor(row=min(max(cursor, 0), len(draft.lines) - 1))
        self._draw_banner()
        self.query_one("#edit-billing", Static).update(
            render_address_block(_("Billing (b)"), draft.billing, address_dict(order.billing))
        )
        self.query_one("#edit-shipping", Static).update(
            render_address_block(_("Shipping to (s)"), draft.shipping, address_dict(order.shipping))
        )
        self.query_one("#edit-shipping-method", Static).update(self._shipping_text())
        problems = draft.problems()
        shown = self.query_one("#edit-problems", Static)
        shown.update(Text("\n".join(p.message for p in problems), style="bold red"))
        shown.display = bool(problems)
        self.query_one("#edit-totals", Static).update(self._totals())

    def _draw_banner(self) -> None:
        draft = self.draft
        assert draft is not None
        banner = self.query_one("#edit-banner", Static)
        text = Text()
        if not draft.items_editable:
            text.append(
                draft.not_editable_reason(self._status_label(draft.order.status)),
                style="bold yellow",
            )
        changes = draft.describe()
        if changes:
            if text:
                text.append("\n")
            text.append(_("Unsaved: "), style="bold")
            text.append("; ".join(changes))
            text.append(_("  (ctrl+s saves)"), style="dim")
        elif not text:
            text.append(
                _("a add · +/− qty · q type qty · x remove · b/s addresses · "
                "m shipping · ctrl+s save"),
                style="dim",
            )
        banner.update(text)

    def _shipping_text(self) -> Text:
        draft = self.draft
        assert draft is not None
        order = draft.order
        text = Text(_("Shipping method (m)  "), style="bold")
        if order.shipping_lines:
            line = order.shipping_lines[0]
            text.append(
                f"{line.method_title} ({line.method_id}) {format_money(line.total, order.currency)}"
            )
        else:
            text.append(_("none"))
        if draft.shipping_choice is not None:
            choice = draft.shipping_choice
            text.append("  →  ", style="bold")
            text.append(
                f"{choice.method_title} ({choice.method_id}) "
                f"{format_money(choice.total, order.currency)}",
                style="bold yellow",
            )
            text.append(_("  unsaved"), style="dim")
        return text

    def _totals(self) -> Group:
        draft = self.draft
        assert draft is not None
        order = draft.order
        parts: list[object] = [Text(_("Totals from the shop"), style="bold"), render_totals(order)]
        if any(line.changed for line in draft.lines) or draft.shipping_choice is not None:
            parts.append(
                Text(
                    _(
                        "Items after your edits ≈ {format_money} before tax: the shop recomputes "
                        "every total when you save."
                    ).format(
                        format_money=format_money(draft.estimated_items_total, order.currency),
                    ),
                    style="dim",
                )
            )
        return Group(*parts)  # type: ignore[arg-type]

    # ---- edits ----------------------------------------------------------------------

    def _tell(self, verdict: Verdict) -> None:
        if verdict.message:
            self.notify(
                verdict.message, severity=verdict.severity, timeout=8 if not verdict.ok else 4
            )
        self.refresh_view()

    def _current_line(self) -> DraftLine | None:
        if self.draft is None:
            self.notify(_("The order is still loading."), severity="warning")
            return None
        table = self.query_one("#edit-lines", DataTable)
        if not self.draft.lines or table.cursor_row < 0:
            self.notify(_("No line on the order."), severity="warning")
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self.draft.line(str(key))

    def _items_refused(self) -> bool:
        draft = self.draft
        if draft is None:
            self.notify(_("The order is still loading."), severity="warning")
            return True
        if not draft.items_editable:
            self.notify(
                draft.not_editable_reason(self._status_label(draft.order.status)),
                severity="error",
                timeout=8,
            )
            return True
        return False

    def action_step(self, step: int) -> None:
        if self._items_refused() or (line := self._current_line()) is None:
            return
        assert self.draft is not None
        self._tell(self.draft.change_quantity(line.key, step))

    def action_quantity(self) -> None:
        if self._items_refused() or (line := self._current_line()) is None:
            return

        def chosen(quantity: int | None) -> None:
            if quantity is not None and self.draft is not None:
                self._tell(self.draft.set_quantity(line.key, quantity))

        self.app.push_screen(QuantityPrompt(line.name, line.quantity), chosen)

    def action_remove(self) -> None:
        if self._items_refused() or (line := self._current_line()) is None:
            return
        assert self.draft is not None
        self._tell(self.draft.toggle_remove(line.key))

    def action_add(self) -> None:
        if self._items_refused():
            return
        assert self.draft is not None

        def chosen(product: Product | None) -> None:
            if product is not None and self.draft is not None:
                self._tell(self.draft.add_product(product))
                table = self.query_one("#edit-lines", DataTable)
                table.move_cursor(row=table.row_count - 1)

        self.app.push_screen(
            ProductPicker(self._search_products, currency=self.draft.order.currency), chosen
        )

    async def _search_products(self, text: str) -> tuple[list[Product], str]:
        """The picker's search: local over the loaded catalogue (name, SKU, EAN); a
        catalogue too big to load is searched in the shop (name, exact SKU) as well."""
        if self._catalogue is None:
            self._catalogue, self._catalogue_complete = await self._load_catalogue()
        found = search_products(self._catalogue, text)
        if self._catalogue_complete or not text.strip():
            return found, ""
        by_name, by_sku = await asyncio.gather(
            self.shop.list_products(search=text.strip(), per_page=30),
            self.shop.list_products(sku=text.strip(), per_page=30),
        )
        seen = {p.id for p in found}
        extra = [p for p in [*by_sku, *by_name] if p.id not in seen]
        return search_products([*found, *extra], text), ""

    async def _load_catalogue(self) -> tuple[list[Product], bool]:
        products: list[Product] = []
        page = 1
        while len(products) < CATALOGUE_LIMIT:
            batch = await self.shop.list_products(page=page, per_page=100)
            products.extend(p for p in batch if p.type != "variable")
            if len(batch) < 100:
                return products, True
            page += 1
        return products, False

    def action_address(self, kind: AddressKind) -> None:
        draft = self.draft
        if draft is None:
            self.notify(_("The order is still loading."), severity="warning")
            return
        current = draft.billing if kind == "billing" else draft.shipping

        def chosen(values: dict[str, str] | None) -> None:
            if values is None or self.draft is None:
                return
            problems = self.draft.set_address(kind, values)
            if problems:  # the form checks first; this is the draft's own guard
                self.notify(problems[0].message, severity="error")
            self.refresh_view()

        self.app.push_screen(AddressForm(kind, current), chosen)

    def action_shipping_method(self) -> None:
        if self._items_refused():
            return
        draft = self.draft
        assert draft is not None
        current = draft.shipping_choice
        if current is None and draft.order.shipping_lines:
            line = draft.order.shipping_lines[0]
            current = ShippingChoice(line.method_id, line.method_title, line.total)

        def chosen(choice: ShippingChoice | None) -> None:
            if choice is not None and self.draft is not None:
                self._tell(self.draft.set_shipping(choice))

        self.app.push_screen(ShippingForm(current, draft.order.currency), chosen)

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#edit-body", VerticalScroll)
        body.scroll_relative(y=pages * max(body.size.height - 1, 1), animate=False)

    # ---- saving ---------------------------------------------------------------------

    def action_save(self) -> None:
        draft = self.draft
        if draft is None:
            self.notify(_("The order is still loading."), severity="warning")
            return
        if self.saving:
            return
        problems = draft.problems()
        if problems:
            self.notify(problems[0].message, title=_("Not saved"), severity="error", timeout=8)
            return
        if not draft.dirty:
            self.notify(_("Nothing to save."))
            return
        self.saving = True
        self.query_one("#edit-banner", Static).update(Text(_("Saving…"), style="bold"))
        self.save(draft.order, draft.changes(), draft.describe())

    @work(exclusive=True, group="edit-save", exit_on_error=False)
    async def save(self, before: Order, changes: dict, words: list[str]) -> None:
        try:
            order = await self.shop.update_order(before.id, changes, if_match=before.etag)
        except Conflict:
            self.saving = False
            self.notify(
                _(
                    "Order #{number} was changed by someone else since you opened it; nothing "
                    "was saved. ctrl+r reloads it (your edits are dropped)."
                ).format(number=before.number),
                title=_("Not saved"),
                severity="error",
                timeout=12,
            )
            self._draw_banner()
            return
        except ShopError as error:
            self.saving = False
            self.notify(
                _("The shop refused the changes: {error}").format(error=error_text(error)),
                title=_("Not saved"),
                severity="error",
                timeout=12,
            )
            self._draw_banner()
            return
        await self._attribute(order, words)
        try:
            products = await self._products_of(order)
        except ShopError:
            products = {}
        self.post_message(self.Loaded(order, products))
        self.saving = False
        self.app.orders_changed.publish({order.id})  # type: ignore[attr-defined]
        self.notify(
            _(
                "Saved. Total {format_money} (was {format_money2})."
            ).format(
                format_money=format_money(order.total, order.currency),
                format_money2=format_money(before.total, before.currency),
            ),
            title=_("Order #{number}").format(number=order.number),
        )

    async def _attribute(self, order: Order, words: list[str]) -> None:
        config = self.app.config  # type: ignore[attr-defined]
        if not config.attribute_changes or not words:
            return
        note = (
            f"Order edited by {config.staff} on {config.workstation} (orderdesk): "
            + "; ".join(words)
            + "."
        )
        try:
            await self.shop.add_note(order.id, note)
        except ShopError as error:
            self.notify(_(
                "Saved, but the attribution note failed: {error}"
            ).format(error=error_text(error)), severity="warning")

    # ---- leaving --------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    @work(group="edit-leave", exit_on_error=False)
    async def action_back(self) -> None:
        from screens.confirm import ConfirmScreen

        draft = self.draft
        if draft is not None and draft.dirty and not self.saving:
            leave = await self.app.push_screen_wait(
                ConfirmScreen(
                    _("Leave without saving? Unsaved: ") + "; ".join(draft.describe()),
                    title=_("Unsaved changes"),
                    yes_label=_("Leave"),
                )
            )
            if not leave:
                return
        self.app.pop_screen()

    @on(DataTable.RowSelected, "#edit-lines")
    def _row_selected(self) -> None:
        self.action_quantity()
