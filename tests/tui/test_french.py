"""The console in French: every screen shows French, the catalog is complete and compiled,
and what customers read follows the shop's language, not the console's.

How "no English on screen" is checked: the English vocabulary is every word of the
catalog's message ids (the console's English), minus the words its French translations
also use ("Total", "Stock"...), minus the words of the shop's own data (product and
customer names, notes, addresses: every text in the shop's database) and key names. Any
of the remaining words visible on a screen is English the console forgot to translate,
reported with the screen and the line it is on.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from client.protocol import OrderQuery
from client.woocommerce import WooCommerceClient
from tests.tui.helpers import eventually, notifications, screen_text, wait_until
from tui import i18n
from tui.config import Config
from tui.i18n_build import compile_mo, extract, mo_path, po_path, read_po
from tui.shop_language import customer_language

_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
#: Key names, product names of tools and formats: the same in both languages.
_NEUTRAL = {
    "ctrl", "shift", "esc", "escape", "enter", "tab", "space", "delete", "home", "end",
    "pgup", "pgdn", "backspace", "orderdesk", "woocommerce", "csv", "pdf", "ean", "gtin",
    "iso", "tls", "api", "ssh", "bom", "json", "https", "http", "toml", "config", "messages",
    "auto", "test", "shop", "demo",
}


_PATH = re.compile(r"\S*/\S*")


def _words(text: str) -> set[str]:
    """The words of `text`, file paths left out (they name test folders, not messages)."""
    return {w.lower() for w in _WORD.findall(_PATH.sub(" ", text))}


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """The language is process-wide: leave the next test in English."""
    yield
    i18n.install("en")


@pytest.fixture(scope="module")
def english_words() -> set[str]:
    _, entries = read_po(po_path("fr"))
    english: set[str] = set()
    french: set[str] = set()
    for entry in entries:
        english |= _words(entry.msgid) | _words(entry.msgid_plural or "")
        for text in entry.msgstr:
            french |= _words(text)
    # Placeholders ({number}) are not words anyone reads.
    placeholders = {w.lower() for e in entries for w in re.findall(r"\{(\w+)", e.msgid)}
    return english - french - placeholders - _NEUTRAL


def _shop_words(db_path: Path) -> set[str]:
    """Every word of the shop's data: it is shown as the shop has it."""
    words: set[str] = set()
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        words |= _words(value)
    return words


def _predefined_words() -> set[str]:
    """The built-in predefined messages and status templates: customer texts, shown in the
    shop's language (English for the reference shop) whatever the console's."""
    from tui.messages import DEFAULT_MESSAGES, DEFAULT_STATUS_TEMPLATES

    words: set[str] = set()
    for message in DEFAULT_MESSAGES:
        words |= _words(message.name) | _words(message.text)
    for templates in DEFAULT_STATUS_TEMPLATES.values():
        for text in templates.values():
            words |= _words(text)
    return words


def _set_shop_language(db_path: Path, locale: str) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('language', ?)", (locale,)
        )


class EnglishFinder:
    """Collects, screen by screen, the English words left on screen."""

    def __init__(self, english: set[str], allowed: set[str]) -> None:
        self.english = english - allowed
        self.found: list[str] = []
        self.visited: list[str] = []

    def check(self, where: str, text: str) -> None:
        self.visited.append(where)
        for line in text.splitlines():
            left = sorted(_words(line) & self.english)
            if left:
                self.found.append(f"{where}: {left} in {line.strip()!r}")


async def _all_orders(api: WooCommerceClient):
    orders = []
    async for page in api.iter_orders(OrderQuery()):
        orders.extend(page)
    return orders


def test_catalog_is_complete_and_the_mo_matches_the_po() -> None:
    """Every string the source passes to _() (and every binding description) has a French
    translation, and the committed .mo is the compiled .po."""
    header, entries = read_po(po_path("fr"))
    in_source = set(extract())
    in_catalog = {e.key for e in entries}
    assert in_source - in_catalog == set(), "run: python -m tui.i18n_build"
    untranslated = [e.msgid for e in entries if not e.translated]
    assert untranslated == [], "fill these msgstr in the .po, then python -m tui.i18n_build"
    assert mo_path("fr").read_bytes() == compile_mo(header, entries)


def test_french_formats_and_ages() -> None:
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from tui.render import format_money, status_label
    from tui.widgets.order_format import format_age

    i18n.install("fr")
    assert format_money(Decimal("1234.5"), "EUR") == "1\u00a0234,50\u00a0€"
    assert status_label("on-hold") == "En pause"
    now = datetime.now(UTC)
    assert format_age(now - timedelta(minutes=3), now) == "il y a 3 min"
    i18n.install("en")
    assert format_money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert format_age(now - timedelta(minutes=3), now) == "3 minutes ago"


async def test_every_screen_in_french_shows_no_english(
    make_app, api, db_path, english_words, config
):
    orders = await _all_orders(api)
    order = next(o for o in orders if o.line_items and o.status == "processing")
    # Items can be edited only on hold or pending (as in WooCommerce).
    editable = next(o for o in orders if o.line_items and o.id != order.id)
    editable = await api.set_status(editable.id, "on-hold")
    finder = EnglishFinder(english_words, _shop_words(db_path) | _predefined_words())
    app = make_app(cfg=Config(**{**_fields(config), "language": "fr"}))

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loaded, what="the first load")

        async def look(where: str, ready: Callable[[], bool] = lambda: True) -> None:
            try:
                await wait_until(pilot, ready, timeout=15, what=where)
            except AssertionError:
                raise AssertionError(f"{where} never showed:\n{screen_text(pilot)}") from None
            await pilot.pause(0.1)
            finder.check(where, screen_text(pilot))

        def showing(fragment: str) -> Callable[[], bool]:
            def ready() -> bool:
                text = screen_text(pilot)
                return fragment in text and "Chargement" not in text

            return ready

        async def visit(where: str, open_it, ready: Callable[[], bool]) -> None:
            depth = len(app.screen_stack)
            result = open_it()
            if hasattr(result, "__await__"):
                await result
            await wait_until(pilot, lambda: len(app.screen_stack) > depth, what=where)
            await look(where, ready)
            while len(app.screen_stack) > depth:
                app.pop_screen()
                await pilot.pause()

        await look("queue", lambda: "Commande" in screen_text(pilot))
        assert "Commande" in screen_text(pilot) and "Statut" in screen_text(pilot)

        await visit("help", lambda: pilot.press("question_mark"), showing("Touches"))
        await visit("status filter", lambda: pilot.press("f"), showing("Statuts"))
        await visit("scan", app.action_scan, showing("Scanner"))
        await visit(
            "command palette", lambda: pilot.press("ctrl+p"), showing("Rechercher une action")
        )
        # Textual draws "No matches found" itself (tui.widgets.palette translates it).
        await pilot.press("ctrl+p")
        await pilot.press(*"zzqx")
        await look("palette, no match", showing("Aucun résultat"))
        await pilot.press("escape")
        await pilot.pause()

        app.open_order(order.id)
        await look("order detail", showing(f"Commande #{order.number}"))
        await visit("status picker", lambda: pilot.press("s"), showing("Prévenir"))
        await visit("detail help", lambda: pilot.press("question_mark"), showing("Touches"))
        await visit(
            "messages", lambda: app.open_messages(order.id), showing("AU CLIENT")
        )
        await visit("refund", lambda: app.open_refund(order.id), showing("Remboursé "))
        # A French amount with a decimal comma and a narrow no-break space for thousands.
        app.open_refund(order.id)
        await wait_until(pilot, showing("Remboursé "), what="refund again")
        await pilot.press("ctrl+t")
        await pilot.press(*"1\u202f234,5")
        await look("refund, amount typed", showing("Ce remboursement 1\u00a0234,50"))
        await pilot.press("ctrl+u", *"{oops")
        await look("refund, not an amount", showing("n'est pas un montant"))
        app.pop_screen()
        await pilot.pause()
        await visit("return", lambda: app.open_return(order.id), showing("Retour"))
        await visit("pack", lambda: app.open_pack(order.id), showing("Emballer"))
        await visit(
            "payment link", lambda: app.open_payment_link(order.id), showing("Lien de paiement")
        )
        await visit("delete", lambda: app.open_delete(order.id), showing("Supprimer"))
        await visit("customers", app.open_customers, showing("Clients"))
        await visit("reports", app.action_reports, showing("Rapports"))
        await visit("message manager", app.action_message_manager, showing("Messages"))
        depth = len(app.screen_stack)
        app.action_message_manager()
        await wait_until(pilot, showing("Notifications de statut"), what="message manager")
        await pilot.press("e")
        await wait_until(pilot, showing("Modifier « "), what="template editor")
        await pilot.press("ctrl+e", *" {prenom} {oops")
        await look("template editor", showing("n'est jamais fermée"))
        while len(app.screen_stack) > depth:
            app.pop_screen()
            await pilot.pause()
        await visit("shop form", app.action_add_shop, showing("Ajouter une boutique"))
        await visit("invoice range", app.action_invoice_range, showing("Factures sur une période"))

        # Screens reached from others: messages -> predefined picker; edit -> its dialogs.
        app.open_messages(order.id)
        await look("messages again", showing("AU CLIENT"))
        await pilot.press(*"{tracking_number} {truc", "ctrl+s")
        await look("messages, not sent", showing("n'a pas de valeur pour cette commande"))
        await pilot.press("ctrl+a", "ctrl+k")
        await visit("message picker", lambda: pilot.press("ctrl+t"), showing("Message prédéfini"))
        app.pop_screen()
        await pilot.pause()

        app.open_edit(editable.id)
        await look("order edit", showing("Modifier la commande"))
        for key, where, fragment in (
            ("a", "product picker", "Ajouter un produit"),
            ("q", "quantity prompt", "Quantité"),
            ("b", "billing address form", "Adresse de facturation"),
            ("m", "shipping method form", "Mode de livraison"),
        ):
            await visit(where, lambda key=key: pilot.press(key), showing(fragment))
        app.pop_screen()
        await pilot.pause()

        await look("back on the detail", showing(f"Commande #{order.number}"))
        app.pop_screen()
        await pilot.pause()

        # The queue's own dialogs: pick list and export of the marked order.
        await visit("pick list", lambda: pilot.press("P"), showing("Liste de préparation"))
        await visit("export", lambda: pilot.press("x"), showing("Exporter"))

        # A confirmation: cancelling an order asks first.
        app.pick_status([order])
        await wait_until(pilot, showing("Prévenir"), what="status picker for cancel")
        await pilot.press(*"annul")
        await pilot.press("enter")
        await look("confirm", showing("Changer le statut"))
        await pilot.press("n")
        await pilot.pause()

        finder.check("notifications", "\n".join(notifications(pilot)))

    assert len(finder.visited) >= 25
    assert finder.found == [], "untranslated English on screen:\n" + "\n".join(finder.found)


def _fields(config: Config) -> dict:
    from dataclasses import fields

    return {f.name: getattr(config, f.name) for f in fields(config)}


async def test_customer_messages_follow_the_shop_language_not_the_console(
    make_app, api, db_path, config
):
    """Console in English, shop in French: the customer is told in French."""
    _set_shop_language(db_path, "fr_FR")
    orders = await _all_orders(api)
    order = next(o for o in orders if o.status == "processing" and o.billing.email)
    app = make_app(cfg=Config(**{**_fields(config), "language": "en"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loaded and app.customer_lang == "fr")
        assert "Status" in screen_text(pilot)  # the console stays English
        app.apply_status([app.queue.get(order.id)], "completed", notify=True)

        async def told_in_french() -> bool:
            notes = await api.list_notes(order.id)
            return any(n.customer_note and "terminée" in n.note.lower() for n in notes)

        await eventually(told_in_french, what="a French customer note")


async def test_documents_follow_the_shop_language(api, db_path, config, isolated_dirs):
    """An English shop gets English documents even from a French console (and back)."""
    from tui.print_jobs import produce_and_print
    from tui.shop_language import _known

    fr_console = Config(**{**_fields(config), "language": "fr"})
    orders = await _all_orders(api)
    order = next(o for o in orders if o.line_items)
    assert await customer_language(api, "fr") == "en"  # the reference shop says en_US
    result = await produce_and_print(api, fr_console, "packing_slip", [order.id])
    assert result.ok, result.message
    assert "Packing slip" in _pdf_text(result)

    _known.pop(api, None)
    _set_shop_language(db_path, "fr_FR")
    assert await customer_language(api, "en") == "fr"
    result = await produce_and_print(api, config, "packing_slip", [order.id])
    assert "Bon de livraison" in _pdf_text(result)


def _pdf_text(result) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(result.path).pages)


def test_shop_errors_are_shown_in_the_interface_language() -> None:
    from client.errors import Invalid, NotFound, Unavailable
    from tui.error_text import error_text

    missing = NotFound(
        "Order #12 was not found in the shop.",
        code="woocommerce_rest_shop_order_invalid_id",
        status=404,
    )
    refused = Invalid("Statut invalide.", field="status", code="rest_invalid_param", status=400)
    down = Unavailable("the shop failed (HTTP 503)", code="http_503", status=503)
    assert error_text(missing) == "Order #12 was not found in the shop."  # English: as is
    i18n.install("fr")
    assert error_text(missing) == "Introuvable dans la boutique."
    # The shop's own words (in its language) follow the console's sentence.
    assert error_text(refused) == "La boutique a refusé la demande (champ status). Statut invalide."
    assert error_text(down) == "La boutique est injoignable ou en erreur (HTTP 503)."


def _no_english(english_words: set[str], where: str, texts: list[str]) -> None:
    finder = EnglishFinder(english_words, set())
    for text in texts:
        finder.check(where, re.sub(r"\{\w+\}", "", text))  # placeholders are not English
    assert finder.found == [], "untranslated English:\n" + "\n".join(finder.found)


async def test_conflict_dialog_in_french(make_app, api, db_path, english_words, config):
    """Changed in the shop between the load and the status change: the dialog says what
    changed (here its status) in French."""
    import dataclasses

    orders = await _all_orders(api)
    order = next(o for o in orders if o.line_items and o.status == "processing")
    # Polls rarely: the console still shows the order as loaded when the shop changes it.
    slow = dataclasses.replace(config, language="fr", poll_interval=60)
    finder = EnglishFinder(english_words, _shop_words(db_path))
    app = make_app(cfg=slow)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded, what="the first load")
        await api.set_status(order.id, "on-hold")
        app.apply_status([app.queue.get(order.id)], "completed", notify=False, check=True)
        await wait_until(
            pilot, lambda: "Modifiée par quelqu'un d'autre" in screen_text(pilot), what="dialog"
        )
        text = screen_text(pilot)
        finder.check("conflict dialog", text)
        assert "Statut : En cours → En pause" in text, text
        assert "La passer quand même en Terminée ?" in text
        await pilot.press("n")
        await pilot.pause()
    assert finder.found == [], "untranslated English on screen:\n" + "\n".join(finder.found)


async def test_offline_journal_speaks_french(api, tmp_path, english_words):
    """What the console shows about changes queued offline: replay results (applied,
    already there, changed meanwhile), the refund refusal, the banner."""
    from datetime import UTC, datetime, timedelta

    from tui.journal import Journal, RefundNotQueued, offline_banner

    i18n.install("fr")
    orders = [o for o in await _all_orders(api) if o.status == "processing"]
    first, second = orders[0], orders[1]
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.add_status("main", first, "completed", label="Terminée")
    journal.add_status("main", second, "completed", label="Terminée")
    journal.add_note("main", first.id, "Colis remis au transporteur.", number=first.number)
    await api.set_status(second.id, "on-hold")  # someone else, while we were offline
    summary = await journal.replay("main", api)
    messages = [r.message for r in summary.results]
    assert [r.outcome for r in summary.results] == ["applied", "conflict", "applied"]
    assert f"#{second.number} → Terminée" in messages[1]
    assert "maintenant En pause (avant : En cours)" in messages[1]
    now = datetime.now(UTC)
    texts = [
        *messages,
        str(RefundNotQueued()),
        offline_banner("offline", now - timedelta(minutes=4), 2, shop="main", now=now) or "",
        offline_banner("reconnecting", None, 0) or "",
    ]
    _no_english(english_words, "journal", texts)


async def test_print_errors_and_change_warnings_in_french(tmp_path, english_words) -> None:
    from client.model import Order
    from tui.messages import MessageStore
    from tui.notifications import StatusNotifier
    from tui.print_jobs import save_and_print
    from tui.printing import print_file

    i18n.install("fr")
    document = tmp_path / "slip.pdf"
    document.write_bytes(b"%PDF-1.4\n")
    failing = tmp_path / "lp"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    missing = await print_file(document, printer="desk", lp_command="nolpx")
    failed = await print_file(document, printer="desk", lp_command=str(failing))
    assert not missing.ok and "introuvable" in missing.message
    assert not failed.ok and "L'impression sur desk a échoué" in failed.message
    saved = await save_and_print(Config(), "packing_slip", b"%PDF-1.4\n", "x.pdf", print_it=False)
    assert saved.message.startswith("Enregistré dans")

    # A status template that cannot be used: staff are told why, in French.
    store_path = tmp_path / "messages.toml"
    store = MessageStore(store_path).load()
    store.set_status_template("on-hold", "Bonjour {first_name}, suivi : {tracking_number}")
    store.save()
    warnings: list[str] = []

    class Host:
        config = Config(staff="alice", workstation="w", language="fr")
        shop_label = "Bocaux"

    order = Order.from_wc({"id": 8, "number": "8", "status": "on-hold"})
    StatusNotifier(Host(), store_path=store_path, warn=warnings.append)(order, "on-hold")
    assert len(warnings) == 1 and "n'a pas de valeur" in warnings[0]
    _no_english(
        english_words,
        "print and warnings",
        [missing.message, failed.message, saved.message, *warnings],
    )
