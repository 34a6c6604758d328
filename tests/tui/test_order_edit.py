"""Editing, deleting and payment links, driven by keys on a real reference shop and checked
against it: items and stock, totals, addresses per country, shipping method, the gate on
editable statuses, quantities, backorders, conflicts; delete with its confirmations and a
second console; the payment link's copy and QR code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from client.feed import LiveFeed
from client.model import Order, Product
from client.protocol import OrderQuery
from client.woocommerce import WooCommerceClient
from screens.confirm import ConfirmScreen
from screens.delete_order import DeleteOrderScreen
from screens.edit_dialogs import AddressForm, ProductPicker, ShippingForm
from screens.order_detail import OrderDetailScreen
from screens.order_edit import OrderEditScreen
from screens.payment_link import PaymentLinkScreen, qr_rows
from screens.queue import QueueScreen
from tests.tui.helpers import notifications, screen_text, wait_until
from tui.app import OrderDeskApp
from tui.clipboard import osc52

ADDRESS = {
    "first_name": "Anaïs",
    "last_name": "Martin",
    "address_1": "12 rue de la Paix",
    "city": "Paris",
    "postcode": "75002",
    "country": "FR",
    "email": "anais.martin@example.fr",
}


async def _products(api: WooCommerceClient, count: int, min_stock: int = 20) -> list[Product]:
    products = await api.list_products(per_page=100)
    managed = [p for p in products if p.manage_stock and (p.stock_quantity or 0) >= min_stock]
    return managed[:count]


async def _order(api: WooCommerceClient, status: str, products: list[Product], **extra) -> Order:
    body: dict[str, Any] = {
        "status": status,
        "billing": ADDRESS,
        "shipping": {k: v for k, v in ADDRESS.items() if k != "email"},
        "line_items": [{"product_id": p.id, "quantity": 1} for p in products],
        "shipping_lines": [
            {"method_id": "flat_rate", "method_title": "Colissimo", "total": "6.90"}
        ],
        "payment_method": "bacs",
        **extra,
    }
    return await api.create_order(body)


async def _stock(api: WooCommerceClient, product_id: int) -> int | None:
    return (await api.get_product(product_id)).stock_quantity


async def _loaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.loaded, what="the first load")
    await pilot.pause()


async def _open_detail(pilot, order_id: int) -> None:
    pilot.app.open_order(order_id)
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, OrderDetailScreen)
        and pilot.app.screen.order_id == order_id,
        what="the order",
    )


async def _open_edit(pilot, order_id: int) -> OrderEditScreen:
    await _loaded(pilot)
    await _open_detail(pilot, order_id)
    await pilot.press("e")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, OrderEditScreen) and pilot.app.screen.draft,
        what="the edit screen",
    )
    await pilot.pause()
    return pilot.app.screen


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)


async def _add_product(pilot, needle: str) -> None:
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProductPicker))
    picker = pilot.app.screen
    picker.query_one("#product-search").value = needle  # as typed (Input.Changed)
    await wait_until(
        pilot,
        lambda: (
            picker.results
            and all(
                needle.casefold() in (p.sku + p.name + p.global_unique_id).casefold()
                for p in picker.results
            )
        ),
        what="search results",
    )
    await pilot.press("enter")
    await pilot.pause()


async def _cursor_to(pilot, screen: OrderEditScreen, product_id: int) -> None:
    index = next(i for i, line in enumerate(screen.draft.lines) if line.product_id == product_id)
    screen.query_one("#edit-lines").move_cursor(row=index)
    await pilot.pause()


async def _saved(pilot, screen: OrderEditScreen) -> None:
    await pilot.press("ctrl+s")
    await wait_until(
        pilot,
        lambda: any(n.startswith("Saved.") for n in notifications(pilot)),
        what="the save",
    )
    await wait_until(pilot, lambda: not screen.draft.dirty, what="the reloaded draft")


# --------------------------------------------------------------------------- items


async def test_items_change_in_the_shop_with_stock_and_recomputed_totals(make_app, api):
    first, second, third = await _products(api, 3)
    order = await _order(api, "on-hold", [first, second])  # on hold: stock already taken
    stocks = {p.id: await _stock(api, p.id) for p in (first, second, third)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        await _cursor_to(pilot, screen, first.id)
        await pilot.press("plus", "plus")  # 1 → 3
        await _cursor_to(pilot, screen, second.id)
        await pilot.press("x")  # removed
        await _add_product(pilot, third.sku)
        text = screen_text(pilot)
        assert "1 → 3" in text and "1 → 0" in text and "+1" in text
        assert "Unsaved:" in text
        await _saved(pilot, screen)
        saved = await api.get_order(order.id)
        assert sorted((line.product_id, line.quantity) for line in saved.line_items) == sorted(
            [(first.id, 3), (third.id, 1)]
        )
        # The shop recomputed the total, and the screen shows the shop's figure.
        expected = sum(
            (line.total + line.total_tax for line in saved.line_items),
            saved.shipping_total + saved.shipping_tax,
        )
        assert saved.total == expected != order.total
        assert f"€{saved.total:,.2f}" in screen_text(pilot)
        assert f"Saved. Total €{saved.total:,.2f}" in notifications(pilot)[-1]
        assert await _stock(api, first.id) == stocks[first.id] - 2
        assert await _stock(api, second.id) == stocks[second.id] + 1
        assert await _stock(api, third.id) == stocks[third.id] - 1
        notes = [n.note for n in await api.list_notes(order.id)]
        assert any("Order edited by alice on bench-1" in n and "removed" in n for n in notes)


async def test_items_are_locked_outside_pending_and_on_hold_but_addresses_are_not(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "processing", [product])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        text = screen_text(pilot)
        assert "Items can't be changed: the order is Processing" in text
        assert "Pending payment or On hold" in text
        for key in ("plus", "x", "a", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, OrderEditScreen)
        assert any("Items can't be changed" in n for n in notifications(pilot))
        assert not screen.draft.dirty
        # The shipping address can still change.
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, AddressForm))
        form = app.screen
        form.query_one("#address-city").value = "Lyon"
        form.query_one("#address-postcode").value = "69001"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderEditScreen))
        await _saved(pilot, screen)
        saved = await api.get_order(order.id)
        assert (saved.shipping.city, saved.shipping.postcode) == ("Lyon", "69001")
        assert [line.quantity for line in saved.line_items] == [1]


async def test_zero_and_negative_quantities_are_explained_and_nothing_is_sent(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "pending", [product])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        await pilot.press("q")
        await pilot.pause()
        for typed in ("0", "-3"):
            field = app.screen.query_one("#quantity-input")
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            error = str(app.screen.query_one("#quantity-error").render())
            assert "Quantity must be at least 1" in error and "remove it" in error
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("minus")  # 1 → 0 is not a quantity
        await pilot.pause()
        assert "Quantity must be at least 1 (got 0)" in notifications(pilot)[-1]
        assert not screen.draft.dirty
    assert [line.quantity for line in (await api.get_order(order.id)).line_items] == [1]


async def test_out_of_stock_is_refused_unless_the_product_allows_backorders(make_app, api):
    first, no_backorders, backorders = await _products(api, 3)
    await api.update_product(no_backorders.id, {"stock_quantity": 0, "backorders": "no"})
    await api.update_product(backorders.id, {"stock_quantity": 0, "backorders": "notify"})
    order = await _order(api, "pending", [first])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        await _add_product(pilot, no_backorders.sku)
        assert "does not allow backorders" in notifications(pilot)[-1]
        assert not screen.draft.dirty
        await _add_product(pilot, backorders.sku)
        assert "will be on backorder" in notifications(pilot)[-1]
        await _saved(pilot, screen)
    saved = await api.get_order(order.id)
    assert {line.product_id for line in saved.line_items} == {first.id, backorders.id}


async def test_invalid_addresses_are_explained_per_country_and_never_sent(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "on-hold", [product])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, AddressForm))
        form = app.screen
        cases = [
            ("", "75002", "Billing country: required"),
            ("GB", "12345", "Billing postcode: a GB postcode is a UK postcode"),
            ("CH", "80011", "Billing postcode: a CH postcode is 4 digits"),
            ("US", "6270", "Billing postcode: a US postcode is a ZIP code"),
        ]
        for country, postcode, message in cases:
            form.query_one("#address-country").value = country
            form.query_one("#address-postcode").value = postcode
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form, "an invalid address must keep the form open"
            assert message in str(form.query_one("#address-problems").render())
        form.query_one("#address-country").value = "be"
        form.query_one("#address-postcode").value = "1000"
        form.query_one("#address-city").value = "Bruxelles"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderEditScreen))
        await _saved(pilot, screen)
    saved = await api.get_order(order.id)
    assert (saved.billing.country, saved.billing.postcode, saved.billing.city) == (
        "BE",
        "1000",
        "Bruxelles",
    )


async def test_shipping_method_change_is_saved_and_totals_follow(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "pending", [product])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ShippingForm))
        form = app.screen
        await pilot.press("down", "down", "enter")  # flat_rate → free → local pickup
        form.query_one("#shipping-title").value = "Retrait en boutique"
        form.query_one("#shipping-total").value = "-1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not an amount of 0 or more" in str(form.query_one("#shipping-error").render())
        form.query_one("#shipping-total").value = "0"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderEditScreen))
        await _saved(pilot, screen)
    saved = await api.get_order(order.id)
    (line,) = saved.shipping_lines
    assert (line.method_id, line.method_title, line.total) == (
        "local_pickup",
        "Retrait en boutique",
        Decimal("0.00"),
    )
    assert saved.total == order.total - order.shipping_total - order.shipping_tax


async def test_someone_elses_change_meanwhile_is_not_overwritten(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "pending", [product])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_edit(pilot, order.id)
        await pilot.press("plus")
        await api.update_order(order.id, {"customer_note": "Changed at the counter"})
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: any("changed by someone else" in n for n in notifications(pilot))
        )
        assert screen.draft.dirty
        # Leaving with unsaved edits asks first.
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Leave without saving?" in screen_text(pilot)
        await pilot.press("n")
        await pilot.pause(0.2)
        assert app.screen is screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
    saved = await api.get_order(order.id)
    assert [line.quantity for line in saved.line_items] == [1]
    assert saved.customer_note == "Changed at the counter"


# --------------------------------------------------------------------------- delete


async def _open_delete(pilot, order_id: int) -> DeleteOrderScreen:
    await _loaded(pilot)
    await _open_detail(pilot, order_id)
    await pilot.press("D")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, DeleteOrderScreen) and pilot.app.screen.order,
        what="the delete dialog",
    )
    await pilot.pause()
    return pilot.app.screen


async def _listed(api: WooCommerceClient) -> set[int]:
    ids: set[int] = set()
    async for page in api.iter_orders(OrderQuery(fields=("id",))):
        ids.update(o.id for o in page)
    return ids


async def test_delete_names_the_order_restores_stock_and_the_row_leaves_both_consoles(
    make_app, api, shop, key_pair, config
):
    (product,) = await _products(api, 1)
    order = await _order(api, "on-hold", [product])
    stock_held = await _stock(api, product.id)
    other_client = WooCommerceClient(shop.url, *key_pair, name="other console")
    other = OrderDeskApp(
        other_client,
        config=config,
        shop_label="other",
        feed=LiveFeed(other_client, interval=0.2, reconcile_every=1),
    )
    app = make_app()
    async with other.run_test(size=(100, 30)) as other_pilot:
        await wait_until(other_pilot, lambda: other.loaded and order.id in other.queue)
        async with app.run_test(size=(120, 40)) as pilot:
            dialog = await _open_delete(pilot, order.id)
            text = screen_text(pilot)
            assert f"Delete order #{order.number}" in text
            assert f"€{order.total:,.2f}" in text
            assert "Stock goes back: 1 ×" in text
            await pilot.press("y")
            await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen), what="queue")
            assert dialog.step == "done"
            assert order.id not in app.queue
            assert order.id not in app.queue.view
            assert any(f"Order #{order.number}" in n for n in notifications(pilot))
        assert order.id not in await _listed(api)
        assert await _stock(api, product.id) == stock_held + 1
        # The other console's feed reconciles its count with the shop and drops the row.
        await wait_until(other_pilot, lambda: order.id not in other.queue, what="the other console")


async def test_a_paid_order_needs_its_number_typed_before_it_is_deleted(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "pending", [product], set_paid=True)
    assert order.is_paid
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_delete(pilot, order.id)
        await pilot.press("n")  # cancelled: nothing happens
        await pilot.pause(0.2)
        assert isinstance(app.screen, OrderDetailScreen)
        assert order.id in app.queue and order.id in await _listed(api)
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, DeleteOrderScreen))
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.order is not None)
        assert "This order was PAID" in screen_text(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert dialog.step == "paid" and app.screen is dialog
        assert f"type its number ({order.number})" in screen_text(pilot)
        await _type(pilot, "999999")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert "nothing deleted" in screen_text(pilot)
        assert order.id in await _listed(api)
        dialog.query_one("#delete-number").value = ""
        await _type(pilot, order.number)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen), what="queue")
    assert order.id not in await _listed(api)


# --------------------------------------------------------------------------- payment link


async def _open_link(pilot, order_id: int) -> PaymentLinkScreen:
    await _loaded(pilot)
    await _open_detail(pilot, order_id)
    await pilot.press("l")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, PaymentLinkScreen) and pilot.app.screen.order,
        what="the payment link",
    )
    await pilot.pause()
    return pilot.app.screen


async def test_payment_link_is_shown_copied_over_osc52_and_drawn_as_a_qr_code(make_app, api):
    (product,) = await _products(api, 1)
    order = await _order(api, "pending", [product])
    url = (await api.get_order(order.id)).payment_url
    assert "order-pay" in url
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_link(pilot, order.id)
        text = screen_text(pilot)
        assert url[:40] in text.replace("\n", "")
        rows = qr_rows(url)
        assert rows[3] in text  # the code is on screen, row for row
        written: list[str] = []
        app._driver.write = written.append  # what would reach the terminal
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == url
        assert osc52(url) in written
        assert "Copied to the clipboard" in notifications(pilot)[-1]


async def test_orders_that_cannot_be_paid_say_why_instead_of_a_link(make_app, api):
    (product,) = await _products(api, 1)
    paid = await _order(api, "pending", [product], set_paid=True)
    on_hold = await _order(api, "on-hold", [product])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_link(pilot, paid.id)
        assert "was paid on" in screen_text(pilot)
        assert not screen.query_one("#link-qr").display
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == ""
        assert "No payment link is needed" in notifications(pilot)[-1]
        await pilot.press("escape", "escape")
        await pilot.pause(0.2)
        await _open_link(pilot, on_hold.id)
        # The focused body's accent bar (█) starts each line: read the words around it.
        text = " ".join(screen_text(pilot).replace("█", " ").split())
        assert "only for orders Pending payment or Failed" in text
        assert "Set it to Pending payment first" in text
    assert (await api.get_order(on_hold.id)).status == "on-hold"  # nothing changed in the shop
