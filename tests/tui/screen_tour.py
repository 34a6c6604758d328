"""A tour of every screen of the console in one app run, the way staff reach them by key.

`tour(pilot, orders, visit)` opens each screen (or dialog) in turn, waits until it has
loaded, awaits `visit(name, screen)` and closes it again. The size tests and the keyboard
tests share it so that one app per terminal size is enough.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import WorkerState

from client.model import Order, Product
from client.woocommerce import WooCommerceClient
from tests.tui.helpers import wait_until

Visit = Callable[[str, Screen[Any]], Awaitable[None]]

LONG_ADDRESS = {
    "first_name": "Marie-Charlotte",
    "last_name": "de La Rochefoucauld-Montmorency",
    "company": "Établissements Rochefoucauld & Fils",
    "address_1": "142 boulevard de la Reine-Hortense, bâtiment C",
    "address_2": "escalier 4, 3e étage, porte gauche",
    "city": "Saint-Rémy-de-Provence",
    "postcode": "13210",
    "country": "FR",
    "email": "marie-charlotte.delarochefoucauld@example.fr",
    "phone": "+33 6 12 34 56 78",
}


@dataclass(frozen=True, slots=True)
class TourOrders:
    """Orders made for the tour through the shop's API, with long names on purpose."""

    processing: Order  # paid, several lines, notes: detail, status, messages, refund, pack
    pending: Order  # unpaid: edit, delete, payment link
    others: list[Order]  # changed behind the console's back for the conflict dialog


async def make_tour_orders(api: WooCommerceClient) -> TourOrders:
    products: list[Product] = [
        p
        for p in await api.list_products(per_page=100)
        if p.manage_stock and (p.stock_quantity or 0) >= 20
    ][:4]

    def body(status: str, paid: bool) -> dict[str, Any]:
        return {
            "status": status,
            "set_paid": paid,
            "billing": LONG_ADDRESS,
            "shipping": {k: v for k, v in LONG_ADDRESS.items() if k not in ("email", "phone")},
            "line_items": [{"product_id": p.id, "quantity": 2} for p in products],
            "shipping_lines": [
                {"method_id": "flat_rate", "method_title": "Colissimo suivi", "total": "6.90"}
            ],
            "payment_method": "bacs",
            "payment_method_title": "Direct bank transfer",
            "customer_note": "Please leave the parcel with the neighbour at number 144 "
            "if nobody answers; the bell is broken.",
        }

    processing = await api.create_order(body("processing", True))
    for text in (
        "Customer phoned: asks whether the blue hoodie runs small. Answered by email.",
        "Gift wrap requested for every item, with a card saying happy birthday.",
    ):
        await api.add_note(processing.id, text, customer_note=False)
    pending = await api.create_order(body("pending", False))
    others = [await api.create_order(body("on-hold", False)) for _ in range(7)]
    return TourOrders(processing, pending, others)


async def settled(pilot: Pilot, screen: Screen[Any]) -> None:
    """Wait until the screen's own workers (its loads) have finished, then for a repaint."""

    def idle() -> bool:
        if pilot.app.screen is not screen:
            return False
        for worker in pilot.app.workers:
            node = worker.node
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING) and (
                node is screen or (isinstance(node, Widget) and node.screen is screen)
            ):
                return False
        return True

    await wait_until(pilot, idle, timeout=20, what=f"{type(screen).__name__} to load")
    await pilot.pause()


async def opened(pilot: Pilot, kind: type[Screen[Any]] | str) -> Screen[Any]:
    """Wait for a screen of `kind` (a class or a class name) on top, loaded."""

    def on_top() -> bool:
        screen = pilot.app.screen
        if isinstance(kind, str):
            return type(screen).__name__ == kind
        return isinstance(screen, kind)

    await wait_until(pilot, on_top, timeout=20, what=f"{kind} on top")
    screen = pilot.app.screen
    await settled(pilot, screen)
    return screen


async def closed(pilot: Pilot, screen: Screen[Any], key: str = "escape") -> None:
    """Press `key` until `screen` is gone (escape first leaves a search field, say)."""
    for _ in range(3):
        await pilot.press(key)
        try:
            await wait_until(pilot, lambda: screen not in pilot.app.screen_stack, timeout=2)
        except AssertionError:
            continue
        await pilot.pause()
        return
    raise AssertionError(f"{type(screen).__name__} did not close with {key}")


async def tour(
    pilot: Pilot, orders: TourOrders, visit: Visit, *, api: WooCommerceClient
) -> list[str]:
    """Open every screen in turn and visit it. Returns the names visited, in order.

    The app must not poll the shop often (a long `poll_interval`): the last dialog, the
    conflict report, needs orders changed by `api` that the console has not seen yet.
    """
    from screens.confirm import ConfirmScreen
    from screens.customers import CustomersScreen
    from screens.delete_order import DeleteOrderScreen
    from screens.edit_dialogs import AddressForm, ProductPicker, QuantityPrompt, ShippingForm
    from screens.export import ExportScreen, InvoiceRangeScreen
    from screens.help import HelpScreen
    from screens.message_manager import MessageManagerScreen, RenamePrompt, TemplateEditor
    from screens.message_picker import MessagePicker
    from screens.messages import MessagesScreen
    from screens.order_detail import OrderDetailScreen
    from screens.order_edit import OrderEditScreen
    from screens.pack import PackScreen, ShipScreen
    from screens.payment_link import PaymentLinkScreen
    from screens.pick_list import PickListScreen
    from screens.queue import QueueScreen
    from screens.refund import RefundScreen
    from screens.reports import ReportsScreen
    from screens.returns import ReturnScreen
    from screens.scan import ScanScreen
    from screens.shop_form import ShopFormScreen
    from screens.status_filter import StatusFilterPicker
    from screens.status_picker import StatusPicker

    app: Any = pilot.app
    visited: list[str] = []

    async def see(name: str, kind: type[Screen[Any]]) -> Screen[Any]:
        screen = await opened(pilot, kind)
        await visit(name, screen)
        visited.append(name)
        return screen

    await wait_until(pilot, lambda: app.loaded, timeout=20, what="the queue")
    queue = await see("queue", QueueScreen)

    await pilot.press("f1")
    await closed(pilot, await see("help", HelpScreen))
    await pilot.press("f")
    await closed(pilot, await see("status filter", StatusFilterPicker))
    await pilot.press("f2")
    await closed(pilot, await see("scan", ScanScreen))

    # Marks for the queue's bulk screens: the three "others" and the processing order.
    marked = [o.id for o in orders.others]
    table = queue.table  # type: ignore[attr-defined]
    for order_id in marked:
        assert table.move_cursor_to_order(order_id)
        await pilot.press("space")
    await pilot.pause()
    await pilot.press("P")
    await closed(pilot, await see("pick list", PickListScreen))
    await pilot.press("x")
    export = await see("export", ExportScreen)
    await pilot.press("f3")
    await closed(pilot, await see("invoice range", InvoiceRangeScreen))
    if export in app.screen_stack:
        await closed(pilot, export)
    await pilot.press("C")
    await closed(pilot, await see("customers", CustomersScreen))

    # One order, from the detail screen.
    app.open_order(orders.processing.id)
    detail = await see("order detail", OrderDetailScreen)
    await pilot.press("s")
    picker = await see("status picker", StatusPicker)
    await pilot.press("f1")  # help opens from a dialog too
    await closed(pilot, await see("help from a dialog", HelpScreen))
    await closed(pilot, picker)
    await pilot.press("s")
    await opened(pilot, StatusPicker)
    await pilot.press(*"canc", "enter")
    await closed(pilot, await see("confirm", ConfirmScreen))
    await pilot.press("m")
    messages = await see("messages", MessagesScreen)
    await pilot.press("ctrl+t")
    await closed(pilot, await see("message picker", MessagePicker))
    await closed(pilot, messages)
    await pilot.press("r")
    await closed(pilot, await see("refund", RefundScreen))
    await pilot.press("R")
    await closed(pilot, await see("returns", ReturnScreen))
    await pilot.press("c")
    pack = await see("pack", PackScreen)
    lines = len(orders.processing.line_items)
    for index in range(lines):
        await pilot.press("f7")
        if index < lines - 1:
            await pilot.press("down")
    await pilot.press("f9")
    await closed(pilot, await see("ship dialog", ShipScreen))
    await closed(pilot, pack)
    await closed(pilot, detail)

    app.open_order(orders.pending.id)
    detail = await see("order detail (unpaid)", OrderDetailScreen)
    await pilot.press("e")
    edit = await see("order edit", OrderEditScreen)
    await pilot.press("a")
    await closed(pilot, await see("product picker", ProductPicker))
    await pilot.press("q")
    await closed(pilot, await see("quantity", QuantityPrompt))
    await pilot.press("b")
    await closed(pilot, await see("address form", AddressForm))
    await pilot.press("m")
    await closed(pilot, await see("shipping form", ShippingForm))
    await closed(pilot, edit)
    await pilot.press("D")
    await closed(pilot, await see("delete order", DeleteOrderScreen))
    await pilot.press("l")
    await closed(pilot, await see("payment link", PaymentLinkScreen))
    await closed(pilot, detail)

    app.action_message_manager()
    manager = await see("message manager", MessageManagerScreen)
    await pilot.press("a")
    await closed(pilot, await see("message editor", TemplateEditor))
    await pilot.press("n")
    await closed(pilot, await see("rename", RenamePrompt))
    await closed(pilot, manager)
    app.action_reports()
    await closed(pilot, await see("reports", ReportsScreen))
    app.action_add_shop()
    await closed(pilot, await see("shop form", ShopFormScreen))

    # Orders changed in the shop behind the console's back, then a bulk status change on
    # them: the console lists what changed and asks before overwriting.
    for other in orders.others:
        await api.update_order(
            other.id,
            {"status": "processing", "billing": {**LONG_ADDRESS, "city": "Avignon"}},
        )
    await pilot.press("s")
    await opened(pilot, StatusPicker)
    await pilot.press(*"compl", "enter")
    bulk = await opened(pilot, ConfirmScreen)
    await pilot.press("y")
    await wait_until(pilot, lambda: app.screen is not bulk, what="the bulk confirmation")
    await closed(pilot, await see("conflict", ConfirmScreen), key="n")
    return visited
