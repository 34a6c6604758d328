"""The console on a PrestaShop store: pilot tests on the fake store built from the captures.

The app is the same `OrderDeskApp` as for WooCommerce, on a `PrestaShopClient` whose
transport is `tests.prestashop.fake.FakePrestaShop` (JSON reads, XML writes, PrestaShop's
errors and paging). What a person would notice is asserted: the queue's orders and badge
colours, the detail, what a status change, a message, a tracking number and the refund
screen send to the shop (or do not), and that password hashes and secure keys never show.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from client.prestashop import PrestaShopClient
from tests.prestashop.fake import KEY, FakePrestaShop
from tests.tui.helpers import notifications, screen_text, wait_until
from tui.app import OrderDeskApp
from tui.config import Config

SECRETS = ("4ad8846f437e87f7010816fdbf9785ce", "2be63a38bf714e4e39309e746311cbc8",
           "11349c6f6e97d1106ad862fa023aa37c", "REDACTED")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def fake() -> FakePrestaShop:
    return FakePrestaShop.seeded()


@pytest.fixture
def app(fake: FakePrestaShop) -> OrderDeskApp:
    client = PrestaShopClient(
        "http://ps.test",
        KEY,
        name="ps",
        transport=fake.transport(),
        timezone="America/New_York",
        admin_url="http://ps.test/admin-dev",
    )
    config = Config(staff="alice", workstation="bench-1", poll_interval=0.5, bell=False)
    return OrderDeskApp(client, config=config, shop_label="ps shop")


async def _loaded(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.loaded and bool(pilot.app.shop_statuses),
                     what="queue and statuses loaded")


def _orders_writes(fake: FakePrestaShop) -> list[str]:
    return [f"{w.method} {w.resource}" for w in fake.writes if w.resource == "orders"]


async def test_queue_shows_prestashop_orders_with_state_names_and_colours(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        assert app.queue.total == 9
        await wait_until(pilot, lambda: "Jane Doe" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Delivered" in text and "Canceled" in text  # PrestaShop's own names
        assert app.status_styles["ps-5"].colour == "#01B887"  # Delivered's colour
        assert app.status_styles["cancelled"].colour == "#2C3E50"
        assert app.status_label("completed") == "Shipped"
        # The picker lists the shop's states, and only those.
        slugs = [slug for slug, _ in app.statuses()]
        assert "ps-3" in slugs and "ps-11" in slugs and "trash" not in slugs


async def test_detail_shows_rows_customer_addresses_carrier_payment(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_order(9)
        await wait_until(pilot, lambda: "Hummingbird" in screen_text(pilot), what="detail")
        text = screen_text(pilot)
        for expected in ("EIDYORXHA", "Jane Doe", "jane.doe@example.com", "16 Main Street",
                         "Miami", "My carrier", "Bank transfer", "demo_11", "$40.30",
                         "Delivered"):
            assert expected in text, expected
        assert "Refunded" in text and "$12.61" in text  # credit slip 1
        assert not any(secret in text for secret in SECRETS)


async def test_status_change_posts_order_histories_with_sendemail(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        order = app.queue.get(7)  # Processing in progress
        assert order is not None and order.status == "ps-3"
        app.pick_status([order])
        await wait_until(pilot, lambda: pilot.app.screen.query("#status-filter"))
        pilot.app.screen.query_one("#status-filter", Input).value = "Shipped"
        await pilot.press("ctrl+n")  # notify the customer
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake.written("order_histories"), what="status sent")
        await wait_until(pilot, lambda: app.queue.get(7).status == "completed")
        history = fake.written("order_histories")[0]
        assert history.fields == {"id_order": "7", "id_order_state": "4"}
        assert history.params.get("sendemail") == "1"
        assert _orders_writes(fake) == []  # current_state is never written
        # The shop e-mails, so no customer message is added; the attribution is private.
        await wait_until(pilot, lambda: fake.written("customer_messages"))
        messages = fake.written("customer_messages")
        assert [m.fields["private"] for m in messages] == ["1"]
        assert "by alice on bench-1" in messages[0].fields["message"]


async def test_status_change_without_notify_sends_no_email_flag(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.apply_status([app.queue.get(5)], "processing", notify=False)
        await wait_until(pilot, lambda: fake.written("order_histories"))
        history = fake.written("order_histories")[0]
        assert history.fields == {"id_order": "5", "id_order_state": "2"}
        assert "sendemail" not in history.params
        assert _orders_writes(fake) == []


async def test_message_to_customer_and_private_note(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_messages(9)
        await wait_until(pilot, lambda: "has been delivered" in screen_text(pilot))
        assert "PrestaShop does not e-mail" in screen_text(pilot)
        area = pilot.app.screen.query_one("#compose", TextArea)
        area.load_text("Your parcel is on its way.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(fake.written("customer_messages")) >= 1)
        sent = fake.written("customer_messages")[0].fields
        assert sent["private"] == "0" and sent["id_customer_thread"] == "1"
        assert sent["message"] == "Your parcel is on its way."
        await wait_until(pilot, lambda: any("does not e-mail" in n for n in notifications(pilot)))
        await wait_until(pilot, lambda: "on its way" in screen_text(pilot))
        await wait_until(pilot, lambda: not area.read_only)
        await pilot.press("ctrl+n")  # private note
        area.load_text("Fragile: double box.")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: any(w.fields.get("message", "").startswith("Fragile")
                        for w in fake.written("customer_messages")),
        )
        note = next(w for w in fake.written("customer_messages")
                    if w.fields["message"].startswith("Fragile"))
        assert note.fields["private"] == "1"
        assert note.fields["message"].endswith("— alice (orderdesk)")
        assert fake.written("customer_threads") == []  # order 9 already had its thread


async def test_tracking_number_is_patched_and_shown(app, fake) -> None:
    fake.tables["orders"][6]["shipping_number"] = ""  # as before the captured tracking
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_order(6)
        await wait_until(pilot, lambda: "HEYEJJWMN" in screen_text(pilot))
        assert "tracking" not in screen_text(pilot)
        order = app.queue.get(6)
        await app.shop.update_order(
            order.id,
            {"meta_data": [{"key": "_tracking_number", "value": "1Z999AA10123456784"},
                           {"key": "_tracking_provider", "value": "UPS"}]},
        )
        patches = [w for w in fake.writes if w.method == "PATCH"]
        assert [(w.resource, w.fields) for w in patches] == [
            ("order_carriers", {"id": "6", "tracking_number": "1Z999AA10123456784"})
        ]
        # The order now carries it as its shipping number; the feed brings the change.
        await wait_until(pilot, lambda: "tracking 1Z999AA10123456784" in screen_text(pilot),
                         what="tracking shown on the detail")
        assert not [w for w in fake.writes if w.method == "PUT"]


async def test_refund_screen_lists_credit_slips_and_sends_to_back_office(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_refund(9)
        await wait_until(pilot, lambda: "back office" in screen_text(pilot), what="explanation")
        text = screen_text(pilot)
        assert "http://ps.test/admin-dev/index.php?controller=AdminOrders&id_order=9" in text
        assert "#1" in text and "$12.61" in text and "Mug The best is yet to come" in text
        assert "never creates one" in text
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: any("back office" in n for n in notifications(pilot)))
        assert fake.writes == []  # no credit slip, no half-refund


async def test_back_office_change_reaches_the_queue(app, fake) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        fake.set_state(5, 2)  # someone accepts the payment in the back office
        await wait_until(pilot, lambda: app.queue.get(5).status == "processing",
                         what="feed follows date_upd")
        polls = [q for q in fake.requests if "filter[date_upd]" in q.url.params]
        assert polls and all(q.url.params["date"] == "1" for q in polls)


async def test_secrets_never_shown_or_logged(app, fake, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot)
        app.open_customers(3)
        await wait_until(pilot, lambda: "jane.doe@example.com" in screen_text(pilot))
        shown = screen_text(pilot)
        app.pop_screen()
        app.open_order(8)
        await wait_until(pilot, lambda: "PGQDJUXXE" in screen_text(pilot))
        shown += screen_text(pilot)
    assert not any(secret in shown for secret in SECRETS)
    assert not any(secret in caplog.text for secret in SECRETS)
    assert "passwd" not in caplog.text and KEY not in caplog.text
    customer_reads = [q for q in fake.requests if q.url.path == "/api/customers"]
    assert customer_reads and all(
        "passwd" not in q.url.params["display"] and "secure_key" not in q.url.params["display"]
        for q in customer_reads
    )
