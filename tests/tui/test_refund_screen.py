"""The refund screen on a real reference shop: keys, live totals, confirmation, restock,
gateway, credit notes, every kind of bad input, and a lost answer told truthfully."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from client.model import Order, meta_value
from client.protocol import OrderQuery, ShopCapabilities
from client.woocommerce import WooCommerceClient
from screens.confirm import ConfirmScreen
from screens.order_detail import OrderDetailScreen
from screens.refund import RefundScreen
from tests.refunds.fault_transport import FaultTransport, no_wait, on_post_refund
from tests.tui.helpers import screen_text, wait_until
from tui.app import OrderDeskApp
from tui.refund_plan import QUANTITIES_META
from tui.render import format_money

# ---------------------------------------------------------------- fixtures and helpers

ASGI_URL = "http://127.0.0.1:8765"


@pytest.fixture
def refund_app(db_path, key_pair, config, isolated_dirs):
    """An app on the test's shop database, reached in-process (httpx.ASGITransport, the
    same shop code as over loopback, faster) through a FaultTransport that counts what is
    sent and can break it. Returns (app, transport)."""
    from shop.app import create_app

    asgi = create_app(db_path)

    def factory(
        *, key: tuple[str, str] | None = None, rule=None, **faults
    ) -> tuple[OrderDeskApp, FaultTransport]:
        inner = httpx.ASGITransport(app=asgi, client=("127.0.0.1", 50000))
        transport = FaultTransport(inner, rule, **faults)
        client = WooCommerceClient(
            ASGI_URL, *(key or key_pair), name="test shop", transport=transport, sleep=no_wait
        )
        return OrderDeskApp(client, config=config, shop_label="test shop"), transport

    return factory


async def all_orders(api: WooCommerceClient) -> list[Order]:
    orders: list[Order] = []
    async for page in api.iter_orders(OrderQuery()):
        orders.extend(page)
    return orders


async def refundable_order(
    api: WooCommerceClient, *, payment: str | None = None, skip: int = 0
) -> Order:
    """A paid order never refunded, with shipping and a line of 2 or more, made completed."""
    orders = [
        o
        for o in await all_orders(api)
        if o.status in ("completed", "processing")
        and not o.refunds
        and o.shipping_total > 0
        and len(o.line_items) >= 2
        and any(line.quantity >= 2 for line in o.line_items)
        and (payment is None or o.payment_method == payment)
    ]
    return await api.get_order(orders[skip].id)


async def open_refund(pilot, order_id: int) -> RefundScreen:
    app = pilot.app
    app.open_refund(order_id)
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, RefundScreen) and app.screen.context is not None,
        what="the refund screen to load",
    )
    await pilot.pause()
    return app.screen


async def type_into(pilot, screen: RefundScreen, selector: str, text: str) -> None:
    widget = screen.query_one(selector)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def send_and_confirm(pilot, screen: RefundScreen) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="confirm")
    await pilot.press("y")
    await wait_until(
        pilot,
        lambda: screen.outcome is not None and not screen.busy,
        what="the refund's outcome",
    )
    await pilot.pause()


async def wait_for_credit_note(pilot, screen: RefundScreen) -> None:
    await wait_until(pilot, lambda: "Credit note" in screen.result_text, what="credit note")


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


# ---------------------------------------------------------------- opening the screen


async def test_r_opens_the_refund_screen_from_the_queue_and_from_the_detail(make_app, api):
    orders = await all_orders(api)
    newest = max(orders, key=lambda o: (o.date_created, o.id))
    if newest.status not in ("completed", "processing"):
        await api.set_status(newest.id, "completed")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded, what="the queue")
        await pilot.pause()
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RefundScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.context is not None)
        await pilot.pause()
        assert screen.order_id == newest.id
        text = screen_text(pilot)
        assert newest.line_items[0].name[:20] in text
        assert newest.payment_method_title in text  # staff see how it was paid
        assert "Bought" in text and "Refunded" in text and "Qty" in text
        await pilot.press("escape")
        await pilot.pause()
        app.open_order(newest.id)
        await wait_until(pilot, lambda: isinstance(app.screen, OrderDetailScreen))
        await pilot.pause()
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RefundScreen))


# ---------------------------------------------------------------- refunds that land


async def test_full_refund_shortcut_confirms_refunds_everything_and_saves_a_credit_note(
    refund_app, api, isolated_dirs
):
    order = await refundable_order(api)
    app, transport = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await pilot.press("ctrl+f")
        await pilot.pause()
        total = format_money(order.total, order.currency)
        assert f"This refund {total}" in screen_text(pilot)
        assert "Net after refund €0.00" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = screen_text(pilot)
        assert f"Refund {total} on order #{order.number}" in dialog
        assert order.line_items[0].name[:20] in dialog
        assert "Shipping" in dialog and "Back to stock" in dialog and "manual" in dialog
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.outcome is not None and not screen.busy)
        await wait_for_credit_note(pilot, screen)
        assert "✔ Refund #" in screen.result_text and total in screen.result_text
        note = screen.credit_note
        assert note is not None and note.path.is_file()
        assert note.path.parent == isolated_dirs / "data" / "documents"
        assert str(note.path) in screen.result_text
        assert note.number in pdf_text(note.path) and order.number in pdf_text(note.path)
    refunds = await api.list_refunds(order.id)
    assert [r.amount for r in refunds] == [order.total]
    assert (await api.get_order(order.id)).status == "refunded"
    assert len(transport.posts()) == 1


async def test_a_line_refund_follows_the_quantity_live_and_restocks(refund_app, api):
    order = await refundable_order(api)
    item = next(line for line in order.line_items if line.quantity >= 2)
    product = await api.get_product(item.product_id)
    app, _ = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await type_into(pilot, screen, f"#qty-{item.id}", "1")
        unit = (item.total + item.total_tax) / item.quantity
        amount = format_money(unit, order.currency)
        text = screen_text(pilot)
        assert f"This refund {amount}" in text
        assert f"Net after refund {format_money(order.total - unit, order.currency)}" in text
        assert f"Back to stock: 1 × {item.name}" in text
        await type_into(pilot, screen, f"#qty-{item.id}", "2")
        assert f"This refund {format_money(unit * 2, order.currency)}" in screen_text(pilot)
        await type_into(pilot, screen, f"#qty-{item.id}", "1")
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "landed"
        await wait_until(
            pilot, lambda: screen.query_one(f"#refunded-{item.id}").render().plain == "1"
        )
    (refund,) = await api.list_refunds(order.id)
    assert refund.amount == unit
    assert [(x.refunded_item_id, x.quantity) for x in refund.line_items] == [(item.id, 1)]
    assert (await api.get_product(item.product_id)).stock_quantity == product.stock_quantity + 1


async def test_without_restock_the_reference_shop_keeps_quantities_and_stock(refund_app, api):
    order = await refundable_order(api)
    item = order.line_items[0]
    product = await api.get_product(item.product_id)
    app, _ = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await type_into(pilot, screen, f"#qty-{item.id}", "1")
        screen.query_one("#restock").focus()
        await pilot.press("space")
        await pilot.pause()
        assert "Back to stock" not in screen_text(pilot)
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "landed"
    (refund,) = await api.list_refunds(order.id)
    assert [(x.refunded_item_id, x.quantity) for x in refund.line_items] == [(item.id, 1)]
    assert (await api.get_product(item.product_id)).stock_quantity == product.stock_quantity


async def test_without_restock_on_plain_woocommerce_the_refund_goes_by_amount_and_says_so(
    refund_app, api
):
    order = await refundable_order(api)
    item = order.line_items[0]
    product = await api.get_product(item.product_id)
    app, _ = refund_app()
    # A real WooCommerce 10.0.2 always restocks refunded quantities.
    app.shop._capabilities = ShopCapabilities("woocommerce", restock_choice=False, can_write=True)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await type_into(pilot, screen, f"#qty-{item.id}", "1")
        screen.query_one("#restock").focus()
        await pilot.press("space")
        await pilot.pause()
        assert "sent by amount" in screen_text(pilot)
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "landed"
        await wait_until(
            pilot, lambda: screen.query_one(f"#refunded-{item.id}").render().plain == "1"
        )
    (refund,) = await api.list_refunds(order.id)
    assert [(x.refunded_item_id, x.quantity) for x in refund.line_items] == [(item.id, 0)]
    assert meta_value(refund.meta_data, QUANTITIES_META) == [{"id": item.id, "quantity": 1}]
    assert (await api.get_product(item.product_id)).stock_quantity == product.stock_quantity


async def test_free_amount_with_reason(refund_app, api):
    order = await refundable_order(api)
    app, _ = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await pilot.press("ctrl+t")
        await type_into(pilot, screen, "#free", "4,50")
        screen.query_one("#reason").value = "Goodwill: late delivery"
        await pilot.pause()
        assert "This refund €4.50" in screen_text(pilot)
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "landed"
    (refund,) = await api.list_refunds(order.id)
    assert refund.amount == Decimal("4.50") and refund.line_items == ()
    assert refund.reason == "Goodwill: late delivery"


async def test_a_gateway_that_cannot_refund_is_shown_inline_and_nothing_is_recorded(
    refund_app, api
):
    order = await refundable_order(api, payment="cod")
    app, _ = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        assert f"through {order.payment_method_title}" in screen_text(pilot)
        await type_into(pilot, screen, f"#qty-{order.line_items[0].id}", "1")
        screen.query_one("#method").focus()
        await pilot.press("right", "enter")
        await pilot.pause()
        assert screen.form().gateway
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "refused"
        assert "does not support automatic refunds" in screen.result_text
        assert "Nothing was refunded" in screen.result_text
        assert not screen.query_one(f"#qty-{order.line_items[0].id}").disabled
    assert await api.list_refunds(order.id) == []


# ---------------------------------------------------------------- bad input


async def _cancelled_unpaid(api: WooCommerceClient) -> Order:
    orders = await all_orders(api)
    return next(o for o in orders if o.status == "cancelled" and o.date_paid is None)


BadInput = Callable[[object, RefundScreen, Order], Awaitable[None]]


def _first(order: Order) -> int:
    return next(line for line in order.line_items if line.quantity >= 2).id


async def _qty(pilot, screen, order, text):
    await type_into(pilot, screen, f"#qty-{_first(order)}", text)


async def _amount(pilot, screen, order, text):
    await type_into(pilot, screen, f"#amount-{_first(order)}", text)


async def _free(pilot, screen, order, text):
    await pilot.press("ctrl+t")
    await type_into(pilot, screen, "#free", text)


async def _shipping(pilot, screen, order, text):
    screen.query_one("#ship-part").value = True
    await pilot.pause()
    await type_into(pilot, screen, "#shipping-amount", text)


CASES = {
    "quantity above what remains": (_qty, "9", "Only "),
    "negative quantity": (_qty, "-1", "can't be negative"),
    "non-numeric quantity": (_qty, "two", "is not a number"),
    "negative amount": (_amount, "-5", "can't be negative"),
    "non-numeric amount": (_amount, "lots", "is not an amount"),
    "amount above what remains": (_free, "99999", "more than what is left to refund"),
    "zero total": (None, "", "Nothing to refund: the total is zero"),
    "shipping above shipping paid": (_shipping, "999", "more than the shipping paid"),
}


async def test_each_bad_input_gets_an_inline_message_and_nothing_is_sent(refund_app, api):
    """Every case on a fresh refund screen of the same app (one app start for all)."""
    order = await refundable_order(api)
    app, transport = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for case, (enter, value, message) in CASES.items():
            screen = await open_refund(pilot, order.id)
            if enter is not None:
                await enter(pilot, screen, order, value)
                assert message in screen.problems_text, case  # inline, as it is typed
            await pilot.press("ctrl+s")
            await pilot.pause(0.1)
            assert not isinstance(app.screen, ConfirmScreen), case  # nothing goes further
            assert message in screen.problems_text, case
            assert message in screen_text(pilot), case
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, RefundScreen))
    assert transport.posts() == []
    assert await api.list_refunds(order.id) == []


async def test_a_cancelled_unpaid_order_cannot_be_refunded(refund_app, api):
    order = await _cancelled_unpaid(api)
    before = await api.list_refunds(order.id)
    app, transport = refund_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await pilot.press("ctrl+t")
        await type_into(pilot, screen, "#free", "1")
        assert "was never paid: there is nothing to refund" in screen.problems_text
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)
    assert transport.posts() == []
    assert await api.list_refunds(order.id) == before


async def test_a_read_only_key_is_told_before_anything_is_sent(refund_app, api, db_path):
    from shop.keys import create_key

    order = await refundable_order(api)
    app, transport = refund_app(key=create_key(db_path, "read"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        assert "read-only" in screen.problems_text
        await _qty(pilot, screen, order, "1")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "read/write key" in screen_text(pilot)
    assert transport.posts() == []
    assert await api.list_refunds(order.id) == []


# ---------------------------------------------------------------- a lost answer


async def test_a_lost_answer_is_uncertain_until_checked_and_the_refund_exists_once(refund_app, api):
    """The shop commits and goes down before answering; the console cannot check. The
    screen says it does not know (never "failed"), locks the form, sends nothing; when
    the shop is back, ctrl+s checks and reports the one refund."""
    order = await refundable_order(api)
    item = order.line_items[0]
    app, transport = refund_app(rule=on_post_refund("restart"), down_for=10_000)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await type_into(pilot, screen, f"#qty-{item.id}", "1")
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "uncertain"
        assert "not known" in screen.result_text and "ctrl+s to check" in screen.result_text
        assert "failed" not in screen.result_text.lower()
        assert screen.query_one(f"#qty-{item.id}").disabled
        await pilot.press("escape")  # leaving asks first
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        transport._down = 0  # the shop is back
        await pilot.press("ctrl+s")  # check, not resend
        await wait_until(pilot, lambda: screen.outcome.verdict == "landed", what="landed")
        await wait_for_credit_note(pilot, screen)
        assert "✔ Refund #" in screen.result_text
    refunds = await api.list_refunds(order.id)
    assert len(refunds) == 1
    assert len(transport.posts()) == 1


async def test_a_refund_that_never_reached_the_shop_is_said_so_and_can_be_sent_again(
    refund_app, api
):
    """Both tries time out before the shop: "not known" first; the check says nothing was
    refunded; ctrl+s sends the same refund again (after the confirmation) — once."""
    order = await refundable_order(api)
    item = order.line_items[0]
    app, transport = refund_app(rule=on_post_refund("timeout", times=2))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_refund(pilot, order.id)
        await type_into(pilot, screen, f"#qty-{item.id}", "1")
        await send_and_confirm(pilot, screen)
        assert screen.outcome.verdict == "uncertain"
        key = screen.attempt.key
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.outcome.verdict == "not_landed")
        assert "nothing was refunded" in screen.result_text
        assert not screen.query_one(f"#qty-{item.id}").disabled
        await send_and_confirm(pilot, screen)
        await wait_until(pilot, lambda: screen.outcome.verdict == "landed")
    (refund,) = await api.list_refunds(order.id)
    assert meta_value(refund.meta_data, "_orderdesk_refund_key") == key  # same attempt
    assert len(transport.posts()) == 3
