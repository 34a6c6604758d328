"""The predefined-message store: defaults, edits through messages.toml, broken files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui import paths
from tui.messages import (
    DEFAULT_MESSAGES,
    PLACEHOLDERS,
    MessageError,
    MessageStore,
    MessageStoreError,
    PredefinedMessage,
    placeholders_in,
    validate_template,
)


def names(store: MessageStore, lang: str | None = None) -> list[str]:
    return [m.name for m in store.list(lang)]


def test_defaults_in_english_and_french_without_a_file(config_dir: Path) -> None:
    store = MessageStore().load()
    assert store.error is None
    assert names(store, "en") == ["Delay", "Shipped", "Out of stock", "Awaiting payment"]
    assert names(store, "fr") == ["Délai", "Expédiée", "Rupture de stock",
                                  "En attente de paiement"]
    assert store.get("Délai").text.startswith("Bonjour {first_name},")
    assert "{tracking_number}" in store.get("Shipped").text
    assert "{order_total}" in store.get("En attente de paiement").text
    for message in DEFAULT_MESSAGES:
        assert validate_template(message.text) == [], message.name
        assert set(placeholders_in(message.text)) <= set(PLACEHOLDERS)
    assert not paths.messages_file().exists()


def test_file_created_only_on_first_save(config_dir: Path) -> None:
    store = MessageStore().load()
    store.add(PredefinedMessage("Thanks", "Thank you {first_name}!"))
    assert not paths.messages_file().exists()
    store.save()
    assert paths.messages_file().exists()
    assert "Thanks" in names(MessageStore().load())


def test_add_edit_rename_delete_round_trip(config_dir: Path) -> None:
    store = MessageStore().load()
    store.add(PredefinedMessage("Pickup", "Hello {first_name},\nyour order {order_number} "
                                          "is ready.\n\t— {shop_name} {{desk}}", "en"))
    store.add(PredefinedMessage("Retrait", "Bonjour {first_name}, c'est prêt.", "fr"))
    store.update("Delay", "Order {order_number} will ship late.\nSorry!")
    store.rename("Out of stock", "Sold out")
    store.delete("Awaiting payment")
    store.save()

    reloaded = MessageStore().load()
    assert reloaded.error is None
    assert reloaded.list() == store.list()
    assert reloaded.get("Pickup").text.endswith("\t— {shop_name} {{desk}}")
    assert reloaded.get("Delay").text == "Order {order_number} will ship late.\nSorry!"
    assert reloaded.get("Sold out").text == MessageStore().get("Out of stock").text
    with pytest.raises(MessageError):
        reloaded.get("Awaiting payment")
    assert reloaded.get("retrait").lang == "fr"  # names are matched without case


def test_deleting_every_message_sticks(config_dir: Path) -> None:
    store = MessageStore().load()
    for message in store.list():
        store.delete(message.name)
    store.save()
    assert MessageStore().load().list() == []  # the defaults do not come back


def test_refused_changes(config_dir: Path) -> None:
    store = MessageStore().load()
    with pytest.raises(MessageError, match="already exists"):
        store.add(PredefinedMessage("delay", "Hi {first_name}"))
    with pytest.raises(MessageError, match="already exists"):
        store.rename("Shipped", "Délai")
    with pytest.raises(MessageError, match="no message named"):
        store.update("Nope", "text")
    with pytest.raises(MessageError, match="empty"):
        store.update("Delay", "   ")
    with pytest.raises(MessageError, match="column 7"):
        store.add(PredefinedMessage("Broken", "Hello {first_name"))
    with pytest.raises(MessageError, match="Unknown placeholder"):
        store.add(PredefinedMessage("Typo", "Hello {frist_name}"))
    with pytest.raises(MessageError, match="10,000"):
        store.add(PredefinedMessage("Long", "x" * 10_001))
    with pytest.raises(MessageError, match="name"):
        store.add(PredefinedMessage("", "Hello"))
    assert len(store.list()) == len(DEFAULT_MESSAGES)


BROKEN = """\
version = 1

[[message]]
name = "Delay"
text = "unterminated
"""


def test_malformed_file_keeps_defaults_and_is_never_overwritten(config_dir: Path) -> None:
    path = paths.messages_file()
    config_dir.mkdir()
    path.write_text(BROKEN)
    before = path.read_bytes()

    store = MessageStore().load()
    assert store.error is not None
    assert str(path) in store.error and "line 5" in store.error
    assert names(store) == [m.name for m in DEFAULT_MESSAGES]  # still usable

    store.add(PredefinedMessage("New", "Hello {first_name}"))
    with pytest.raises(MessageStoreError) as caught:
        store.save()
    assert "fix it or move it" in str(caught.value) and str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in config_dir.iterdir()) == ["messages.toml"]


def test_invalid_template_in_file_names_its_line(config_dir: Path) -> None:
    path = paths.messages_file()
    config_dir.mkdir()
    path.write_text('[[message]]\nname = "A"\ntext = "fine {first_name}"\n\n'
                    '[[message]]\nname = "B"\nlang = "fr"\n'
                    'text = """\nBonjour {prenom\n"""\n')
    store = MessageStore().load()
    assert store.error is not None
    # `text = """` is line 8; the broken brace is on line 9, column 9.
    assert "line 9" in store.error and "column 9" in store.error
    assert "message[2].text" in store.error and "never closed" in store.error


def test_duplicate_names_in_file_name_the_second(config_dir: Path) -> None:
    path = paths.messages_file()
    config_dir.mkdir()
    path.write_text('[[message]]\nname = "A"\ntext = "x"\n[[message]]\nname = "a"\n'
                    'text = "y"\n')
    store = MessageStore().load()
    assert store.error is not None and "line 5" in store.error and "second" in store.error


def test_unreadable_file_keeps_defaults(config_dir: Path) -> None:
    paths.messages_file().mkdir(parents=True)  # a folder where the file should be
    store = MessageStore().load()
    assert store.error is not None and "cannot be read" in store.error
    assert len(store.list()) == len(DEFAULT_MESSAGES)
    with pytest.raises(MessageStoreError):
        store.save()
    assert paths.messages_file().is_dir()


def test_file_changed_on_disk_is_not_clobbered(config_dir: Path) -> None:
    first = MessageStore().load()
    first.save()
    other = MessageStore().load()
    other.add(PredefinedMessage("From elsewhere", "Hi {first_name}"))
    other.save()
    first.add(PredefinedMessage("Mine", "Hello {first_name}"))
    with pytest.raises(MessageStoreError, match="changed on disk"):
        first.save()
    assert "From elsewhere" in names(MessageStore().load())
    first.load()  # reload picks up the other change; a save is then allowed
    first.add(PredefinedMessage("Mine", "Hello {first_name}"))
    first.save()
    assert {"From elsewhere", "Mine"} <= set(names(MessageStore().load()))


def test_status_templates_round_trip(config_dir: Path) -> None:
    store = MessageStore().load()
    assert "{tracking_number}" in (store.status_template("completed") or "")
    assert store.status_template("on-hold") is None
    store.set_status_template("on-hold", "Order {order_number} is on hold: {status}.")
    store.set_status_template("completed", None)
    store.set_status_template("awaiting-pickup", "Ready for pickup at {shop_name}.")
    with pytest.raises(MessageError, match="never closed"):
        store.set_status_template("failed", "Payment {failed")
    store.save()

    reloaded = MessageStore().load()
    assert reloaded.status_template("on-hold") == "Order {order_number} is on hold: {status}."
    assert reloaded.status_template("completed") is None
    assert reloaded.status_template("awaiting-pickup") == "Ready for pickup at {shop_name}."
    assert reloaded.status_templates() == store.status_templates()


def test_french_store_seeds_french_status_templates(config_dir: Path) -> None:
    assert "Bonjour" in (MessageStore(lang="fr").load().status_template("completed") or "")


@pytest.mark.skipif(os.name != "posix", reason="POSIX rename over a symlink")
def test_save_follows_a_symlinked_file(config_dir: Path, tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "messages.toml"
    MessageStore(real).save()
    config_dir.mkdir()
    paths.messages_file().symlink_to(real)
    store = MessageStore().load()
    store.add(PredefinedMessage("Linked", "Hi {first_name}"))
    store.save()
    assert paths.messages_file().is_symlink()
    assert "Linked" in real.read_text()
