"""Scan mode and the pack screen on a real reference shop, driven the way a scanner drives
them: fast keystrokes and Enter into the focused field (`pilot.press(*code, "enter")`)."""

from __future__ import annotations

import json

import httpx
import pytest
from textual import events
from textual.widgets import Input, Static

from client.model import Order, Product
from client.protocol import OrderQuery
from client.woocommerce import WooCommerceClient
from screens.pack import PackScreen, ShipScreen
from screens.queue import QueueScreen
from screens.scan import ScanScreen
from shop.outbox import read_outbox
from tests.tui.helpers import wait_until
from tui.app import OrderDeskApp
from tui.config import Config


async def _packable(api: WooCommerceClient, *, skip: int = 0) -> tuple[Order, dict[int, Product]]:
    """A processing order of 2-6 items, every line with a SKU, nothing refunded; and its
    products (for their EANs)."""
    orders: list[Order] = []
    async for page in api.iter_orders(OrderQuery()):
        orders.extend(page)
    candidates = [
        o
        for o in orders
        if o.line_items
        and not o.refunds
        and all(line.sku for line in o.line_items)
        and 2 <= o.item_count <= 6
        and o.status not in ("cancelled", "refunded")
    ]
    order = candidates[skip]
    if order.status != "processing":
        order = await api.set_status(order.id, "processing")
    products = await api.list_products(include=[line.product_id for line in order.line_items])
    return order, {p.id: p for p in products}


def _codes(order: Order, products: dict[int, Product]) -> list[str]:
    """Every item's code once per unit: SKU and EAN alternately, as mixed labels come."""
    codes = []
    for line in order.line_items:
        for unit in range(line.quantity):
            ean = products[line.product_id].global_unique_id
            codes.append(ean if unit % 2 and ean else line.sku)
    return codes


def _message(app) -> str:
    return str(app.screen.query_one("#scan-message", Static).content)


def _ringing(app: OrderDeskApp) -> list[int]:
    """Record the terminal bell (headless tests have no terminal to ring)."""
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    return rings


async def _loaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.loaded, what="the queue")
    await pilot.pause()


async def _on_pack(pilot, order_id: int) -> PackScreen:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, PackScreen)
            and app.screen.order_id == order_id
            and app.screen.state is not None
        ),
        what=f"the pack screen of order {order_id}",
    )
    await pilot.pause()
    return app.screen


async def _scan(pilot, code: str) -> None:
    await pilot.press(*code, "enter")
    await pilot.pause()


@pytest.fixture
def loud_config() -> Config:
    return Config(staff="alice", workstation="bench-1", poll_interval=0.5, bell=True)


# --------------------------------------------------------------------------- scan mode


async def test_scanning_an_order_number_opens_it_on_the_pack_screen(make_app, api):
    order, _ = await _packable(api)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ScanScreen)
        await _scan(pilot, order.number)
        pack = await _on_pack(pilot, order.id)
        assert pack.query_one("#scan-input", Input).has_focus
        assert f"#{order.number}" in str(pack.query_one("#pack-title", Static).content)

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen))
        await pilot.press("colon")
        await pilot.pause()
        await _scan(pilot, f"#{order.number}")
        await _on_pack(pilot, order.id)


async def test_scanning_an_order_key_opens_that_order(make_app, api):
    order, _ = await _packable(api, skip=1)
    full = await api.get_order(order.id)
    assert full.order_key.startswith("wc_order_")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await _scan(pilot, full.order_key)
        await _on_pack(pilot, order.id)


async def test_an_unknown_code_is_a_loud_error_and_the_field_is_cleared(make_app, loud_config):
    app = make_app(cfg=loud_config)
    rings = _ringing(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await _scan(pilot, "99999999")
        await wait_until(pilot, lambda: "Unknown code" in _message(app), what="the error")
        assert "99999999" in _message(app)
        assert "-error" in app.screen.query_one("#scan-message").classes
        assert rings == [1]
        assert isinstance(app.screen, ScanScreen)  # ready for the next scan
        assert app.screen.query_one("#scan-input", Input).value == ""


# --------------------------------------------------------------------------- packing


async def test_pack_by_scanning_every_item_then_ship_with_tracking(make_app, api, db_path):
    order, products = await _packable(api)
    following, _ = await _packable(api, skip=1)
    outbox_before = len(read_outbox(db_path, order.id))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        app.open_pack(order.id)
        pack = await _on_pack(pilot, order.id)
        codes = _codes(order, products)
        for code in codes[:-1]:
            await _scan(pilot, code)
            assert isinstance(app.screen, PackScreen)
        assert pack.state.packed == len(codes) - 1
        await _scan(pilot, codes[-1])
        await wait_until(pilot, lambda: isinstance(app.screen, ShipScreen), what="the prompt")
        assert pack.state.complete and pack.state.by_hand == 0
        # The tracking field has the focus: the packer scans the carrier's label.
        await _scan(pilot, "6A12345678901")
        await wait_until(pilot, lambda: pack.shipped, what="the shipment", timeout=15)
        assert "completed" in _message(app) and "6A12345678901" in _message(app)
        # The next parcel: its order number, scanned into the same field, opens it here.
        await _scan(pilot, following.number)
        await _on_pack(pilot, following.id)
        assert len([s for s in app.screen_stack if isinstance(s, PackScreen)]) == 1

    shipped = await api.get_order(order.id)
    assert shipped.status == "completed"
    meta = {m.key: m.value for m in shipped.meta_data}
    assert meta["_tracking_number"] == "6A12345678901"
    assert meta["_tracking_provider"] == "Colissimo"  # guessed from the number's format
    notes = await api.list_notes(order.id)
    to_customer = [n.note for n in notes if n.customer_note]
    assert any("6A12345678901 (Colissimo)" in text for text in to_customer)
    private = [n.note for n in notes if not n.customer_note]
    assert any(
        f"Packed by alice on bench-1 (orderdesk): {len(codes)} items verified by scan" in text
        for text in private
    )
    kinds = [mail["kind"] for mail in read_outbox(db_path, order.id)[outbox_before:]]
    assert "customer_completed_order" in kinds and "customer_note" in kinds


async def test_wrong_item_and_one_too_many_are_refused_and_count_nothing(
    make_app, api, loud_config
):
    order, _ = await _packable(api)
    first = order.line_items[0]
    other_sku = next(
        p.sku for p in await api.list_products() if p.sku not in {i.sku for i in order.line_items}
    )
    app = make_app(cfg=loud_config)
    rings = _ringing(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        app.open_pack(order.id)
        pack = await _on_pack(pilot, order.id)

        await _scan(pilot, other_sku)
        assert pack.state.packed == 0
        assert f"Wrong item: {other_sku} is not in this order" in _message(app)
        assert rings == [1]

        for _ in range(first.quantity):
            await _scan(pilot, first.sku)
        assert pack.state.lines[0].packed == first.quantity
        await _scan(pilot, first.sku)
        assert pack.state.lines[0].packed == first.quantity
        assert "One too many" in _message(app) and f"({first.sku})" in _message(app)
        assert first.name.split()[0] in _message(app)
        assert rings == [1, 1]
        assert pack.query_one("#scan-input", Input).value == ""
        assert isinstance(app.screen, PackScreen)  # no shipping prompt
    assert (await api.get_order(order.id)).status == "processing"


async def test_counts_by_hand_from_the_scan_field(make_app, api):
    order, _ = await _packable(api)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        app.open_pack(order.id)
        pack = await _on_pack(pilot, order.id)
        field = pack.query_one("#scan-input", Input)

        await pilot.press("f5")
        await pilot.pause()
        assert pack.state.lines[0].packed == 1 and pack.state.lines[0].by_hand == 1
        await pilot.press("minus")
        await pilot.pause()
        assert pack.state.lines[0].packed == 0
        if len(pack.state.lines) > 1:
            await pilot.press("down")
            await pilot.press("plus")
            await pilot.pause()
            assert pack.state.lines[1].packed == 1
            await pilot.press("f6")
            await pilot.pause()
            assert pack.state.lines[1].packed == 0
        # "-" inside a code is typed as usual: only an empty field turns it into a key.
        await pilot.press("A", "minus", "B")
        assert field.value == "A-B"
        assert field.has_focus
        # A scanner whose codes arrive as one paste, line breaks included: each one counts.
        field.value = ""
        sku = pack.state.lines[0].sku
        field.post_message(events.Paste(f"{sku}\r\n{sku}\n"))
        await pilot.pause()
        assert pack.state.lines[0].packed == min(2, pack.state.lines[0].needed)
        assert field.value == ""


async def test_escape_at_the_prompt_keeps_the_order_open_and_f9_asks_again(make_app, api):
    order, _ = await _packable(api)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        app.open_pack(order.id)
        pack = await _on_pack(pilot, order.id)
        for index in range(len(pack.state.lines)):
            pack.selected = index
            await pilot.press("f7")
            await pilot.pause()
        await wait_until(pilot, lambda: isinstance(app.screen, ShipScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PackScreen))
        assert not pack.shipped and "F9 ships it" in _message(app)
        assert (await api.get_order(order.id)).status == "processing"

        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ShipScreen))
        await pilot.press("down")  # a carrier from the list
        await pilot.pause()
        carrier = app.screen.query_one("#ship-carrier", Input).value
        await _scan(pilot, "TRK-42")
        await wait_until(pilot, lambda: pack.shipped, timeout=15)
    shipped = await api.get_order(order.id)
    meta = {m.key: m.value for m in shipped.meta_data}
    assert shipped.status == "completed"
    assert (meta["_tracking_number"], meta["_tracking_provider"]) == ("TRK-42", carrier)


async def test_a_cancelled_order_is_not_packed(make_app, api, loud_config):
    order, _ = await _packable(api)
    await api.set_status(order.id, "cancelled")
    app = make_app(cfg=loud_config)
    rings = _ringing(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        app.open_pack(order.id)
        pack = await _on_pack(pilot, order.id)
        assert "nothing to pack" in _message(app)
        await _scan(pilot, order.line_items[0].sku)
        await wait_until(pilot, lambda: "Unknown code" in _message(app))
        assert pack.state.packed == 0 and len(rings) == 2


# --------------------------------------------------------------------------- Shipment Tracking


class TrackingExtension(httpx.AsyncBaseTransport):
    """The reference shop over loopback, plus the Shipment Tracking extension's routes
    (the reference shop has no extensions): what a store with the extension answers."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.posted: list[dict] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/wc-shipment-tracking/v3/" not in path:
            return await self.inner.handle_async_request(request)
        if path.endswith("/providers"):
            return httpx.Response(200, json={"France": {"Colissimo": "https://x/%1$s"}})
        if request.method == "POST":
            body = json.loads(request.content)
            self.posted.append(body)
            return httpx.Response(201, json={"tracking_id": "a1", **body})
        return httpx.Response(200, json=[])

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_with_shipment_tracking_the_tracking_goes_to_the_extension(
    shop, key_pair, config, isolated_dirs, api
):
    order, _ = await _packable(api)
    transport = TrackingExtension()
    client = WooCommerceClient(shop.url, *key_pair, name="test shop", transport=transport)
    app = OrderDeskApp(client, config=config, shop_label="test shop")
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        app.open_pack(order.id)
        pack = await _on_pack(pilot, order.id)
        for index in range(len(pack.state.lines)):  # counted by hand: scanning is tested above
            pack.selected = index
            await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, ShipScreen))
        await _scan(pilot, "6A12345678901")
        await wait_until(pilot, lambda: pack.shipped, timeout=15)
    assert transport.posted == [
        {
            "tracking_number": "6A12345678901",
            "date_shipped": transport.posted[0]["date_shipped"],
            "tracking_provider": "Colissimo",
        }
    ]
    shipped = await api.get_order(order.id)
    assert shipped.status == "completed"
    # The extension puts the tracking into WooCommerce's completed email: no second message.
    notes = await api.list_notes(order.id)
    assert not any("6A12345678901" in n.note for n in notes if n.customer_note)


async def test_a_scanned_order_can_be_received_as_a_return(make_app, api):
    from screens.returns import ReturnScreen

    order, _ = await _packable(api)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _loaded(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await _scan(pilot, order.number)
        await _on_pack(pilot, order.id)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ReturnScreen), what="returns")
        assert app.screen.order_id == order.id
