"""The small dialogs of the order edit screen: find a product, type a quantity, edit an
address, choose a shipping method.

Each dialog only collects and checks a value; the edit screen's draft applies it. A value
that does not pass its check keeps the dialog open with the reason under the field, so
nothing invalid ever reaches the draft (and so never the shop).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from client.errors import ShopError
from client.model import Product
from tui.addresses import ADDRESS_FIELDS, FIELD_LABELS, AddressKind, validate_address
from tui.error_text import error_text
from tui.i18n import N_, _
from tui.order_draft import SHIPPING_METHOD_IDS, ShippingChoice, parse_amount, parse_quantity
from tui.render import format_money

CSS = Path(__file__).with_name("order_edit.tcss")

#: Most products listed for one search.
MAX_RESULTS = 30


# --------------------------------------------------------------------------- products


def product_matches(product: Product, needle: str) -> bool:
    """Name (any part, any case), SKU (any part) or EAN/GTIN (leading zeros ignored)."""
    text = needle.strip().casefold()
    if not text:
        return True
    if text in product.name.casefold() or (product.sku and text in product.sku.casefold()):
        return True
    gtin = product.global_unique_id.strip()
    if gtin and text.isdigit():
        return gtin.lstrip("0") == text.lstrip("0") or text in gtin
    return False


def search_products(products: Sequence[Product], needle: str) -> list[Product]:
    """Matches, exact SKU/EAN first, then by name."""
    text = needle.strip().casefold()
    found = [p for p in products if product_matches(p, needle)]

    def rank(product: Product) -> tuple[int, str]:
        exact = text and (
            product.sku.casefold() == text
            or product.global_unique_id.lstrip("0") == text.lstrip("0")
        )
        return (0 if exact else 1, product.name.casefold())

    return sorted(found, key=rank)[:MAX_RESULTS]


def stock_words(product: Product) -> Text:
    if product.manage_stock and product.stock_quantity is not None:
        if product.stock_quantity > 0:
            return Text(_(
                "{stock_quantity} in stock"
            ).format(stock_quantity=product.stock_quantity), style="green")
        if product.backorders_allowed:
            return Text(_("out of stock · backorders allowed"), style="yellow")
        return Text(_("out of stock"), style="bold red")
    if product.stock_status == "outofstock":
        return Text(_("out of stock"), style="bold red")
    if product.stock_status == "onbackorder":
        return Text(_("on backorder"), style="yellow")
    return Text(_("in stock"), style="green")


def product_option(product: Product, currency: str) -> Text:
    text = Text()
    text.append(product.name, style="bold")
    if product.sku:
        text.append(f"  {product.sku}", style="cyan")
    if product.global_unique_id:
        text.append(_(
            "  EAN {global_unique_id}"
        ).format(global_unique_id=product.global_unique_id), style="dim")
    text.append(f"  {format_money(product.price, currency)}  ")
    text.append_text(stock_words(product))
    return text


class ProductPicker(ModalScreen[Product | None]):
    """Type part of a name, a SKU or an EAN; enter adds the highlighted product.

    `search(text)` returns the products to list and a note (the edit screen searches its
    loaded catalogue, or the shop for a catalogue too big to load); it runs in a worker.
    """

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="product_picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="product_picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="product_picker.up"),
    ]

    def __init__(
        self,
        search: Callable[[str], Awaitable[tuple[list[Product], str]]],
        *,
        currency: str = "",
        title: str = N_("Add a product"),
    ) -> None:
        super().__init__()
        self._search = search
        self.currency = currency
        self.title_text = title
        self.results: list[Product] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="product-picker", classes="dialog"):
            yield Static(_(self.title_text), classes="dialog-title")
            yield Input(placeholder=_("name, SKU or EAN…"), id="product-search")
            yield OptionList(id="product-options")
            yield Static(
                _("enter adds 1 (change it on the line) · esc cancels"),
                id="product-hint",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#product-search", Input).focus()
        self.run_search("")

    @work(exclusive=True, group="product-search", exit_on_error=False)
    async def run_search(self, text: str) -> None:
        try:
            products, note = await self._search(text)
        except ShopError as error:
            products, note = [], _("Could not search: {error}").format(error=error_text(error))
        self.show_results(products, note)

    def show_results(self, products: list[Product], note: str = "") -> None:
        self.results = products
        options = self.query_one("#product-options", OptionList)
        options.clear_options()
        for product in products:
            options.add_option(Option(product_option(product, self.currency), id=str(product.id)))
        if products:
            options.highlighted = 0
        hint = note or _("enter adds 1 (change it on the line) · esc cancels")
        if not products:
            hint = note or _("No product matches.")
        self.query_one("#product-hint", Static).update(hint)

    @on(Input.Changed, "#product-search")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, lambda: self.run_search(event.value))

    def _choose(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.results):
            self.notify(_("No product chosen."), severity="warning")
            return
        self.dismiss(self.results[index])

    @on(Input.Submitted, "#product-search")
    def _submitted(self) -> None:
        self._choose(self.query_one("#product-options", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#product-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def action_move(self, step: int) -> None:
        options = self.query_one("#product-options", OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- quantity


class QuantityPrompt(ModalScreen[int | None]):
    """A whole number of at least 1; anything else is explained and not accepted."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="quantity_prompt.cancel")]

    def __init__(self, name: str, current: int) -> None:
        super().__init__()
        self.item_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="quantity-dialog", classes="dialog"):
            yield Static(_(
                "Quantity of {item_name}"
            ).format(item_name=self.item_name), classes="dialog-title")
            yield Input(str(self.current), id="quantity-input")
            yield Static("", id="quantity-error", classes="field-error")
            yield Static(
                _("enter applies · esc cancels · to take the line off, press Delete on it"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#quantity-input", Input).focus()

    @on(Input.Submitted, "#quantity-input")
    def _submitted(self, event: Input.Submitted) -> None:
        value = parse_quantity(event.value)
        if isinstance(value, str):
            self.query_one("#quantity-error", Static).update(value)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- address


class AddressForm(ModalScreen[dict[str, str] | None]):
    """Every field of one address; enter checks it and applies it only when valid."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="address_form.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="address_form.apply"),
    ]

    def __init__(self, kind: AddressKind, address: dict[str, str]) -> None:
        super().__init__()
        self.kind = kind
        self.address = dict(address)
        self.fields = [f for f in ADDRESS_FIELDS if kind == "billing" or f != "email"]

    def compose(self) -> ComposeResult:
        with Vertical(id="address-dialog", classes="dialog"):
            title = _("Billing address") if self.kind == "billing" else _("Shipping address")
            yield Static(title, classes="dialog-title")
            with Grid(id="address-grid"):
                for name in self.fields:
                    yield Label(_(FIELD_LABELS[name]).capitalize(), classes="field-label")
                    yield Input(
                        self.address.get(name, ""),
                        id=f"address-{name}",
                        compact=True,
                        placeholder=_("ISO code: FR, BE, CH, DE, GB, US…")
                        if name == "country"
                        else "",
                    )
            yield Static("", id="address-problems", classes="field-error")
            yield Static(
                _("enter or ctrl+s applies (checked first) · tab next field · esc cancels"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(f"#address-{self.fields[0]}", Input).focus()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#address-{name}", Input).value for name in self.fields}

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        values = self.values()
        problems = validate_address(values, self.kind)
        bad = {p.field for p in problems}
        for name in self.fields:
            self.query_one(f"#address-{name}", Input).set_class(name in bad, "-invalid")
        if problems:
            self.query_one("#address-problems", Static).update(
                "\n".join(p.message for p in problems)
            )
            self.query_one(f"#address-{problems[0].field}", Input).focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- shipping


class ShippingForm(ModalScreen[ShippingChoice | None]):
    """Method (WooCommerce's built-in ones or other), the title the customer reads, cost."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="shipping_form.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="shipping_form.apply"),
    ]

    def __init__(self, current: ShippingChoice | None, currency: str = "") -> None:
        super().__init__()
        self.current = current
        self.currency = currency

    def compose(self) -> ComposeResult:
        current = self.current
        method = current.method_id if current else "flat_rate"
        known = {m for m, _ in SHIPPING_METHOD_IDS}
        with Vertical(id="shipping-dialog", classes="dialog"):
            yield Static(_("Shipping method"), classes="dialog-title")
            with RadioSet(id="shipping-method"):
                for method_id, label in SHIPPING_METHOD_IDS:
                    chosen = method_id == method or (method_id == "other" and method not in known)
                    # "other" is no WooCommerce method id: it is not shown as one.
                    text = _(label) if method_id == "other" else f"{_(label)} ({method_id})"
                    yield RadioButton(text, chosen, name=method_id)
            with Horizontal(classes="form-row"):
                yield Label(_("Title"), classes="field-label")
                yield Input(
                    current.method_title if current else "", id="shipping-title", compact=True
                )
            with Horizontal(classes="form-row"):
                yield Label(
                    _("Cost {currency}").format(currency=self.currency).strip(),
                    classes="field-label",
                )
                yield Input(
                    format(current.total, "f") if current else "0",
                    id="shipping-total",
                    compact=True,
                )
            yield Static("", id="shipping-error", classes="field-error")
            yield Static(
                _("↑↓ method · tab fields · enter or ctrl+s applies · esc cancels "
                "(cost excludes tax; the shop adds it)"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#shipping-method", RadioSet).focus()

    def _method(self) -> str:
        pressed = self.query_one("#shipping-method", RadioSet).pressed_button
        name = pressed.name if pressed is not None else None
        if name == "other" and self.current is not None:
            known = {m for m, _ in SHIPPING_METHOD_IDS}
            if self.current.method_id not in known:
                return self.current.method_id
        return name or "flat_rate"

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        title = self.query_one("#shipping-title", Input).value.strip()
        total = parse_amount(self.query_one("#shipping-total", Input).value)
        error = self.query_one("#shipping-error", Static)
        if not title:
            error.update(_("Title: required (what the customer reads, e.g. Colissimo)."))
            self.query_one("#shipping-title", Input).focus()
            return
        if isinstance(total, str):
            error.update(_("Cost: {total}").format(total=total))
            self.query_one("#shipping-total", Input).focus()
            return
        self.dismiss(ShippingChoice(self._method(), title, Decimal(total)))

    def action_cancel(self) -> None:
        self.dismiss(None)
