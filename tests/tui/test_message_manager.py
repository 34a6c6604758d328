"""The predefined-messages manager: every change lands in messages.toml, and a broken file
is reported, never overwritten."""

from __future__ import annotations

import tomllib

import pytest
from textual.widgets import DataTable, Input, TextArea

from screens.confirm import ConfirmScreen
from screens.message_manager import MessageManagerScreen, RenamePrompt, TemplateEditor
from screens.message_picker import MessagePicker
from screens.messages import MessagesScreen
from tests.tui.helpers import notifications, screen_text, wait_until
from tui import paths
from tui.config import Config
from tui.messages import DEFAULT_MESSAGES, MessageStore


@pytest.fixture
def config() -> Config:
    # A slow live feed: these tests reload what they look at themselves, and a quiet
    # background keeps them quick.
    return Config(
        staff="alice", workstation="bench-1", poll_interval=5.0, bell=False, language="en"
    )


async def _manager(pilot) -> MessageManagerScreen:
    app = pilot.app
    app.action_message_manager()
    await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))
    await pilot.pause()
    return app.screen


def _file() -> dict:
    return tomllib.loads(paths.messages_file().read_text(encoding="utf-8"))


def _names() -> list[str]:
    return [m["name"] for m in _file()["message"]]


async def _to_row(pilot, table_id: str, key: str) -> None:
    table = pilot.app.screen.query_one(table_id, DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


async def _named_order(api):
    return next(o for o in (await api.list_orders()).orders if o.billing.first_name)


async def _type_text(pilot, text: str) -> None:
    for line_number, line in enumerate(text.split("\n")):
        if line_number:
            await pilot.press("enter")
        await pilot.press(*line)


async def test_round_trip_add_edit_rename_delete_through_the_toml_file(make_app, api):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _manager(pilot)
        assert not paths.messages_file().exists()  # nothing written just by looking
        assert "Délai" in screen_text(pilot) and "Delay" in screen_text(pilot)

        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, TemplateEditor))
        await pilot.press(*"Return label")
        editor = app.screen
        editor.query_one("#editor-lang", Input).value = "en"
        area = editor.query_one("#editor-text", TextArea)
        area.load_text("Hello {first_name},\nyour return label for ")
        area.focus()
        area.move_cursor(area.document.end)
        await _type_text(pilot, "{order_number}.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))
        assert _names()[-1] == "Return label"
        entry = _file()["message"][-1]
        assert entry == {
            "name": "Return label",
            "lang": "en",
            "text": "Hello {first_name},\nyour return label for {order_number}.",
        }
        assert "Return label" in screen_text(pilot)

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, RenamePrompt))
        field = app.screen.query_one(Input)
        field.value = ""
        await pilot.press(*"Retour", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))
        assert "Retour" in _names() and "Return label" not in _names()

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, TemplateEditor))
        app.screen.query_one("#editor-lang", Input).value = "fr"
        area = app.screen.query_one("#editor-text", TextArea)
        area.load_text("Bonjour {first_name},\nvoici l'étiquette de retour.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))
        entry = next(m for m in _file()["message"] if m["name"] == "Retour")
        assert entry["lang"] == "fr" and entry["text"].startswith("Bonjour {first_name},\n")
        assert MessageStore(lang="en").load().get("Retour").lang == "fr"

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: "Retour" not in _names())
        assert _names() == [m.name for m in DEFAULT_MESSAGES]


async def test_a_saved_message_is_offered_by_the_picker(make_app, api):
    store = MessageStore(lang="en").load()
    store.update("Delay", "Dear {first_name}, order {order_number} is running late.")
    store.save()
    order = await _named_order(api)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        app.open_messages(order.id)
        await wait_until(
            pilot, lambda: isinstance(app.screen, MessagesScreen) and app.screen.order is not None
        )
        messages = app.screen
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, MessagePicker))
        await pilot.press(*"delay", "enter")
        await wait_until(pilot, lambda: app.screen is messages)
        assert messages.query_one("#compose", TextArea).text == (
            f"Dear {order.billing.first_name}, order {order.number} is running late."
        )


async def test_broken_placeholder_is_flagged_in_the_editor_and_not_saved(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _manager(pilot)
        await pilot.press("e")  # the first message, "Delay"
        await wait_until(pilot, lambda: isinstance(app.screen, TemplateEditor))
        area = app.screen.query_one("#editor-text", TextArea)
        area.load_text("Hello,\nyour order {order_number is late.")
        await pilot.pause()
        assert "line 2, column 12" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TemplateEditor)  # stays open, text kept
        assert area.text == "Hello,\nyour order {order_number is late."
        assert any("Not saved" in n or "column 12" in n for n in notifications(pilot))
        assert not paths.messages_file().exists()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))


async def test_duplicate_name_is_refused_and_the_editor_keeps_the_text(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _manager(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, TemplateEditor))
        await pilot.press(*"shipped")
        app.screen.query_one("#editor-text", TextArea).load_text("Another text")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TemplateEditor)
        assert "already exists" in screen_text(pilot)
        assert not paths.messages_file().exists()


async def test_status_template_is_edited_saved_and_removed(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _manager(pilot)
        await _to_row(pilot, "#template-table", "on-hold")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TemplateEditor))
        app.screen.query_one("#editor-text", TextArea).load_text(
            "Hello {first_name}, order {order_number} waits for your payment."
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))
        assert _file()["status_templates"]["on-hold"].startswith("Hello {first_name}, order")
        assert "order {order_number} waits" in screen_text(pilot)
        assert "built-in" not in screen_text(pilot)

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: "on-hold" not in _file()["status_templates"])
        assert "completed" in _file()["status_templates"]  # the others are kept


MALFORMED = """version = 1

[[message]]
name = "Delay"
text = "Hello {first_name"
"""


async def test_malformed_file_is_reported_with_its_line_and_never_overwritten(make_app):
    path = paths.messages_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MALFORMED, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _manager(pilot)
        shown = screen_text(pilot)
        assert "messages.toml cannot be used" in shown
        assert "line 5" in shown
        assert "Shipped" in shown  # the built-in messages are still listed
        for key in ("a", "e", "n", "d"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MessageManagerScreen)
        assert any("fix it or move it away" in n for n in notifications(pilot))
        assert path.read_text(encoding="utf-8") == MALFORMED


async def test_malformed_file_leaves_the_defaults_usable_in_the_picker(make_app, api):
    path = paths.messages_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("this is = not [ toml\n", encoding="utf-8")
    order = await _named_order(api)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        app.open_messages(order.id)
        await wait_until(
            pilot, lambda: isinstance(app.screen, MessagesScreen) and app.screen.order is not None
        )
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, MessagePicker))
        assert "line 1" in screen_text(pilot)
        assert [m.name for m in app.screen.shown][:4] == [
            m.name for m in DEFAULT_MESSAGES if m.lang == "en"
        ]
    assert path.read_text(encoding="utf-8") == "this is = not [ toml\n"


async def test_file_changed_behind_the_managers_back_is_not_clobbered(make_app):
    store = MessageStore(lang="en").load()
    store.save()
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _manager(pilot)
        # Someone else (another console) saves meanwhile.
        other = MessageStore(lang="en").load()
        other.delete("Shipped")
        other.save()
        theirs = paths.messages_file().read_text(encoding="utf-8")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, TemplateEditor))
        app.screen.query_one("#editor-text", TextArea).load_text("Mine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TemplateEditor)
        assert "changed on disk" in screen_text(pilot)
        assert paths.messages_file().read_text(encoding="utf-8") == theirs
        # The manager now shows the file as it is; saving again applies on top of it.
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageManagerScreen))
        assert "Shipped" not in _names()
        assert next(m for m in _file()["message"] if m["name"] == "Delay")["text"] == "Mine"
