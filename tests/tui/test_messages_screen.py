"""The messages screen on a real reference shop: what staff write is what the customer gets.

Every sending test checks the shop's notes *and* its outbox (the emails the shop would
send), since that is what the customer reads. Bad input is refused before anything leaves.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date

import pytest

from client.model import Order
from client.woocommerce import WooCommerceClient
from screens.message_picker import MessagePicker, fuzzy_score, rank
from screens.messages import MessagesScreen, compose_problems
from screens.queue import QueueScreen
from shop.outbox import read_outbox
from tests.tui.helpers import eventually, notifications, screen_text, wait_until
from tui.app import OrderDeskApp
from tui.config import Config
from tui.messages import DEFAULT_MESSAGES, MessageStore
from tui.notifications import status_notification
from tui.widgets.order_table import OrderTable

CHECKOUT_NOTE = "Please leave the parcel with the neighbour."


@pytest.fixture
def config() -> Config:
    """The shared test config, with the language fixed (placeholders read in English)."""
    # A slow live feed: these tests reload what they look at themselves, and a quiet
    # background keeps them quick.
    return Config(
        staff="alice", workstation="bench-1", poll_interval=5.0, bell=False, language="en"
    )


async def _no_wait(_seconds: float) -> None:
    return None


@pytest.fixture
def make_quick_app(shop, key_pair, config, isolated_dirs):
    """An app whose client does not wait between attempts (for network-failure tests)."""

    def factory() -> OrderDeskApp:
        client = WooCommerceClient(shop.url, *key_pair, name="test shop", sleep=_no_wait, retries=0)
        return OrderDeskApp(client, config=config, shop_label="test shop")

    return factory


async def _new_order(api: WooCommerceClient, **extra: object) -> Order:
    """An order of our own, with a name, an email and a checkout note."""
    product = (await api.list_products(per_page=1))[0]
    data = {
        "status": "processing",
        "billing": {"first_name": "Anna", "last_name": "Martin", "email": "anna@example.fr"},
        "customer_note": CHECKOUT_NOTE,
        "line_items": [{"product_id": product.id, "quantity": 1}],
    }
    data.update(extra)
    return await api.create_order(data)


def _customer_emails(db_path, order_id: int) -> list[dict]:
    return [m for m in read_outbox(db_path, order_id) if m["kind"] == "customer_note"]


def _screen(app) -> MessagesScreen:
    assert isinstance(app.screen, MessagesScreen)
    return app.screen


async def _open(pilot, order_id: int) -> MessagesScreen:
    app = pilot.app
    await wait_until(pilot, lambda: app.loaded, what="the first load")
    app.open_messages(order_id)
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, MessagesScreen) and app.screen.order is not None,
        what="the messages screen",
    )
    return _screen(app)


def _compose(screen: MessagesScreen):
    from textual.widgets import TextArea

    return screen.query_one("#compose", TextArea)


async def _sent(pilot, screen: MessagesScreen) -> None:
    await wait_until(
        pilot, lambda: not screen.sending and not screen.draft.text, what="the message to be sent"
    )


# --------------------------------------------------------------------------- sending


async def test_customer_message_from_queue_reaches_the_customer_as_typed(make_app, api, db_path):
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        app.screen.query_one(OrderTable).move_cursor_to_order(order.id)
        await pilot.press("m")
        await wait_until(
            pilot, lambda: isinstance(app.screen, MessagesScreen) and app.screen.order is not None
        )
        screen = _screen(app)
        assert "TO THE CUSTOMER" in screen_text(pilot)
        await pilot.press(*"Leaves today.", "enter", *"Regards")
        await pilot.press("ctrl+s")
        await _sent(pilot, screen)

        text = "Leaves today.\nRegards"
        notes = await api.list_notes(order.id)
        sent = [n for n in notes if n.customer_note]
        assert [n.note for n in sent] == [text]  # unsigned: the customer reads it
        [email] = _customer_emails(db_path, order.id)
        assert email["recipient"] == "anna@example.fr"
        assert f"The following note has been added to your order:\n\n{text}\n\n" in email["body"]
        # Who sent it is recorded privately and shown in the thread.
        assert any(f"(note {sent[0].id}) sent by alice on bench-1" in n.note for n in notes)
        await wait_until(pilot, lambda: "staff alice" in screen_text(pilot))
        shown = screen_text(pilot)
        assert "to customer  · staff alice" in shown
        assert "sent by alice" not in shown  # folded into the message, not a second entry
        assert _compose(screen).text == ""


async def test_private_note_is_signed_and_never_emailed(make_app, api, db_path):
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press("ctrl+n")
        assert "PRIVATE NOTE" in screen_text(pilot)
        assert "never sent to the customer" in screen_text(pilot)
        await pilot.press(*"Wants gift wrap")
        await pilot.press("ctrl+s")
        await _sent(pilot, screen)

        notes = await api.list_notes(order.id, type="internal")
        assert any(n.note == "Wants gift wrap\n— alice (orderdesk)" for n in notes)
        assert _customer_emails(db_path, order.id) == []
        await wait_until(pilot, lambda: "Wants gift wrap" in screen_text(pilot))
        shown = screen_text(pilot)
        assert "private note  · staff alice" in shown
        assert "(orderdesk)" not in shown


async def test_thread_runs_oldest_to_newest_from_the_checkout_note(make_app, api):
    order = await _new_order(api)
    await api.add_note(order.id, "First reply to the customer.", customer_note=True)
    await api.add_note(order.id, "Second, private.", customer_note=False)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, order.id)
        await wait_until(pilot, lambda: "Second, private." in screen_text(pilot))
        shown = screen_text(pilot)
        checkout = shown.index(CHECKOUT_NOTE)
        assert shown.rfind("from customer  · customer Anna Martin", 0, checkout) >= 0
        assert checkout < shown.index("First reply") < shown.index("Second, private.")


# --------------------------------------------------------------------------- predefined


async def test_predefined_message_fills_flags_missing_tracking_then_sends_edited(
    make_app, api, db_path
):
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, MessagePicker))
        await pilot.press(*"shipd")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen)
        area = _compose(screen)
        assert area.text.startswith(
            f"Hello Anna,\n\nGood news: your order {order.number} was shipped on "
        )
        assert "{tracking_number}" in area.text and "test shop" in area.text
        assert "{tracking_number} has no value" in screen_text(pilot)

        await pilot.press("ctrl+s")  # refused: the placeholder is still there
        assert any("{tracking_number}" in n for n in notifications(pilot))
        assert area.text.count("{tracking_number}") == 1

        # The placeholder is selected: typing replaces it.
        assert area.selected_text == "{tracking_number}"
        await pilot.press(*"6A12345")
        await pilot.press("ctrl+s")
        await _sent(pilot, screen)

    [email] = _customer_emails(db_path, order.id)
    assert "Your tracking number is 6A12345." in email["body"]
    assert "{" not in email["body"]
    notes = [n for n in await api.list_notes(order.id) if n.customer_note]
    assert len(notes) == 1 and notes[0].note.endswith("test shop")


async def test_tracking_number_from_order_meta_fills_the_shipped_message(make_app, api):
    order = await _new_order(api, meta_data=[{"key": "_tracking_number", "value": "LA998877"}])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press("ctrl+t", *"shipped", "enter")
        await wait_until(pilot, lambda: app.screen is screen)
        area = _compose(screen)
        assert "Your tracking number is LA998877." in area.text
        assert compose_problems(area.text) == []


async def test_picker_offers_both_languages_shop_language_first(make_app, api, db_path):
    """Messages go to customers: the shop's language (here French) comes first, whatever
    the console's (here English)."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE settings SET value = 'fr_FR' WHERE key = 'language'")
    order = await _new_order(api)
    app = make_app(
        cfg=Config(
            staff="alice", workstation="bench-1", poll_interval=5.0, bell=False, language="en"
        )
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.customer_lang == "fr", what="the shop's language")
        screen = await _open(pilot, order.id)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, MessagePicker))
        picker = app.screen
        langs = [m.lang for m in picker.shown]
        assert langs[0] == "fr" and "en" in langs
        assert langs == sorted(langs, key=lambda lang: lang != "fr")
        await pilot.press(*"delai", "enter")
        await wait_until(pilot, lambda: app.screen is screen)
        text = _compose(screen).text
        assert text.startswith("Bonjour Anna,") and f"commande {order.number}" in text


async def test_the_shop_language_is_learnt_once_the_queue_has_loaded(make_app, db_path):
    """Asked after the first load (not competing with it), without anyone asking first."""
    from tui.shop_language import known_language

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE settings SET value = 'fr_FR' WHERE key = 'language'")
    app = make_app(cfg=Config(staff="alice", workstation="w", bell=False, language="en"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded, what="the queue")
        await wait_until(
            pilot, lambda: known_language(app.shop) == "fr", what="the shop's language"
        )


def test_fuzzy_match_is_a_subsequence_ignoring_case_and_accents() -> None:
    assert fuzzy_score("dlai", "Délai") is not None
    assert fuzzy_score("xyz", "Délai") is None
    assert fuzzy_score("", "anything") == 0
    names = [m.name for m in rank(DEFAULT_MESSAGES, "stock", "en")]
    assert names[:2] == ["Out of stock", "Rupture de stock"]
    # A text-only match still counts, after the name matches.
    assert "Shipped" in [m.name for m in rank(DEFAULT_MESSAGES, "tracking", "en")]


# --------------------------------------------------------------------------- bad input


async def _refused(pilot, screen: MessagesScreen, api, order_id: int, why: str) -> None:
    before = len(await api.list_notes(order_id))
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert not screen.sending, "a refused message must not start sending"
    assert any(why in n for n in notifications(pilot)), notifications(pilot)
    assert len(await api.list_notes(order_id)) == before


async def test_bad_messages_are_refused_and_nothing_reaches_the_shop(make_app, api, db_path):
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        area = _compose(screen)

        await _refused(pilot, screen, api, order.id, "empty")
        await pilot.press("space", "enter", "space")
        await _refused(pilot, screen, api, order.id, "empty")

        area.load_text("x" * 10_001)
        await pilot.pause()
        assert "10,001 / 10,000" in screen_text(pilot)
        await _refused(pilot, screen, api, order.id, "the limit is 10,000")

        area.load_text("Hello\nAn\x07na")
        await pilot.pause()
        await _refused(pilot, screen, api, order.id, "U+0007 at line 2, column 3")

        area.load_text("Hello {first_name, your order is late.")
        await pilot.pause()
        assert "Broken placeholder" in screen_text(pilot)
        await _refused(pilot, screen, api, order.id, "“{first_name” has no closing brace")

        area.load_text("Your tracking: tracking_number}")
        await pilot.pause()
        await _refused(pilot, screen, api, order.id, "has no opening brace")

        area.load_text("Dear {frist_name}")
        await pilot.pause()
        await _refused(pilot, screen, api, order.id, "{frist_name}")

        # The exact limit and ordinary braces are fine.
        area.load_text("Prices {in euros} " + "x" * (10_000 - 18))
        await pilot.pause()
        assert compose_problems(area.text) == []
    assert _customer_emails(db_path, order.id) == []


async def test_network_failure_keeps_the_draft_and_says_it_was_not_sent(make_quick_app, api, shop):
    order = await _new_order(api)
    app = make_quick_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press(*"Delayed")
        key = screen.draft.key
        await asyncio.to_thread(shop.stop)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.sending, what="the failed send")
        assert _compose(screen).text == "Delayed"
        assert screen.draft.key == key  # the retry will carry the same key
        assert any("Not sent" in n and "draft is kept" in n for n in notifications(pilot))
        assert "Not sent" in screen_text(pilot)


async def test_send_pressed_twice_makes_one_note_and_one_email(make_app, api, db_path):
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press(*"Once")
        await pilot.press("ctrl+s", "ctrl+s")
        await _sent(pilot, screen)
        # Two presses handled before the shop answers: the second is refused outright.
        await pilot.press(*"Twice")
        screen.action_send()
        screen.action_send()
        await pilot.pause()
        assert any("Already sending" in n for n in notifications(pilot))
        await _sent(pilot, screen)
    notes = [n for n in await api.list_notes(order.id) if n.customer_note]
    assert sorted(n.note for n in notes) == ["Once", "Twice"]
    assert len(_customer_emails(db_path, order.id)) == 2


async def test_two_attempts_of_one_draft_carry_one_key_so_the_shop_keeps_one(
    make_app, api, db_path
):
    """Even past the UI guard (two attempts in flight), the draft's key makes one note."""
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press(*"Same draft")
        first_key = screen.draft.key
        screen.action_send()
        screen.sending = False  # as if the guard had let a second press through
        screen.action_send()
        await wait_until(
            pilot,
            lambda: sum("Message sent" in n for n in notifications(pilot)) == 2,
            what="both attempts to be answered",
        )
        # The draft was sent and cleared; the next one gets a new key.
        assert screen.draft.text == "" and screen.draft.key != first_key
    notes = [n for n in await api.list_notes(order.id) if n.customer_note]
    assert [n.note for n in notes] == ["Same draft"]
    assert len(_customer_emails(db_path, order.id)) == 1


async def test_edited_draft_whose_earlier_version_landed_is_kept_not_lost(make_app, api):
    """The first attempt reached the shop but its answer was lost; the draft was then
    edited. The shop refuses the old key for the new text: say so, keep the draft."""
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        await pilot.press(*"First")
        landed_key = screen.draft.key
        await pilot.press("ctrl+s")
        await _sent(pilot, screen)
        screen.draft.key = landed_key  # as if the answer had never arrived
        await pilot.press(*"Edited")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.sending)
        assert any("already reached the shop" in n for n in notifications(pilot))
        assert _compose(screen).text == "Edited" and screen.draft.key != landed_key
        await pilot.press("ctrl+s")
        await _sent(pilot, screen)
    notes = [n for n in await api.list_notes(order.id) if n.customer_note]
    assert sorted(n.note for n in notes) == ["Edited", "First"]


async def test_draft_survives_leaving_the_screen_and_letters_stay_text(make_app, api):
    order = await _new_order(api)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, order.id)
        # Letters bound on other screens (m, s, q, ?, :) are text here.
        await pilot.press("ctrl+n", *"m: s?q")
        assert app.screen is screen
        key = screen.draft.key
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen))
        screen = await _open(pilot, order.id)
        assert _compose(screen).text == "m: s?q"
        assert screen.draft.private and screen.draft.key == key
        assert "PRIVATE NOTE" in screen_text(pilot)


# --------------------------------------------------------------------------- notifications


def _with_template(status: str, text: str) -> None:
    store = MessageStore(lang="en").load()
    store.set_status_template(status, text)
    store.save()


async def _change_status_with_notify(pilot, order_id: int, status: str) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.loaded)
    app.screen.query_one(OrderTable).move_cursor_to_order(order_id)
    await pilot.press("s")
    await pilot.pause(0.1)
    await pilot.press(*status, "ctrl+n", "enter")


async def test_status_change_with_notify_sends_the_status_template(
    make_app, api, db_path, isolated_dirs
):
    order = await _new_order(api, status="pending")
    _with_template(
        "on-hold", "Hello {first_name}, order {order_number} is {status} at {shop_name}."
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _change_status_with_notify(pilot, order.id, "on-hold")

        def emailed() -> bool:
            return bool(_customer_emails(db_path, order.id))

        await wait_until(pilot, emailed, what="the notification email")
    [email] = _customer_emails(db_path, order.id)
    expected = f"Hello Anna, order {order.number} is On hold at test shop."
    assert f"added to your order:\n\n{expected}\n\n" in email["body"]


async def test_status_template_missing_a_value_sends_the_default_sentence(
    make_app, api, db_path, isolated_dirs
):
    order = await _new_order(api, status="pending")
    _with_template("on-hold", "Parcel {tracking_number} is on hold, {first_name}.")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _change_status_with_notify(pilot, order.id, "on-hold")

        async def noted() -> bool:
            return any(n.customer_note for n in await api.list_notes(order.id))

        await eventually(noted, what="the notification note")
        await wait_until(
            pilot, lambda: any("template was not used" in n for n in notifications(pilot))
        )
    [email] = _customer_emails(db_path, order.id)
    assert f"Hello Anna, your order #{order.number} is now: On hold." in email["body"]
    assert "{tracking_number}" not in email["body"]


def test_status_notification_text_in_each_case(tmp_path) -> None:
    order = Order.from_wc(
        {
            "id": 7,
            "number": "1042",
            "status": "completed",
            "currency": "EUR",
            "total": "65.75",
            "billing": {"first_name": "Anna", "last_name": "Martin"},
            "meta_data": [{"id": 1, "key": "_tracking_number", "value": "6A1"}],
        }
    )
    config = Config(staff="alice", workstation="w", language="fr")
    store = MessageStore(tmp_path / "messages.toml", lang="fr").load()
    shipped = status_notification(
        order, "completed", store=store, config=config, shop_label="Bocaux", today=date(2026, 3, 1)
    )
    assert shipped.from_template
    assert shipped.text == (
        "Bonjour Anna, votre commande 1042 a été expédiée. Votre numéro de "
        "suivi est 6A1. Merci ! Bocaux"
    )
    plain = status_notification(order, "on-hold", store=store, config=config, shop_label="Bocaux")
    assert not plain.from_template
    assert plain.text == "Bonjour Anna, votre commande n° 1042 est maintenant : En attente."
    nameless = Order.from_wc({"id": 8, "number": "8", "status": "completed"})
    fallback = status_notification(
        nameless, "completed", store=store, config=config, shop_label="Bocaux"
    )
    assert not fallback.from_template and "{" not in fallback.text
    assert {"{first_name} has no value", "{tracking_number} has no value"} <= set(
        fallback.skipped_because
    )
