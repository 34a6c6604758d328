"""Predefined messages to customers, and per-status notification templates.

A message is a named text with placeholders (``{first_name}``, ``{tracking_number}``…).
Staff pick one, it is rendered against the order into the compose area, they edit it and
send. Three rules shape this module:

- A placeholder that has no value (no tracking number yet) is *left visible* as
  ``{tracking_number}`` and reported, never silently dropped, so it is caught before the
  customer sees it (``render`` reports it; ``validate_message`` refuses to send it).
- Template syntax is Python-format-like but strict and small: ``{name}`` or ``{{``/``}}``
  for literal braces. Anything else (a lone ``{``, ``{}``, ``{two words}``) is a
  ``TemplateError`` with its line and column, shown while the template is edited.
- ``messages.toml`` is owned by the console (written with tomli-w, atomically). The shipped
  defaults are used until the first save creates it. A file that cannot be read or is
  malformed is never overwritten: the defaults stay usable and ``save`` refuses, naming the
  file and line so the user can mend or move it. Likewise a file changed on disk since it
  was loaded is not clobbered.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from client.model import Order
from tui import doc_labels as labels
from tui import paths
from tui.config import (
    STATUS_SLUG,
    ConfigError,
    Section,
    atomic_write_text,
    dotted,
    read_toml,
)
from tui.i18n import _, count, ngettext
from tui.render import status_label as _english_status_label

#: The placeholders a template may use, in the order the manager screen lists them.
PLACEHOLDERS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "order_number",
    "order_total",
    "status",
    "tracking_number",
    "shop_name",
    "date",
)
#: The longest message (template or outgoing text), in characters.
MAX_LENGTH = 10_000
#: The longest message name.
MAX_NAME_LENGTH = 80
#: ``messages.toml`` format version written by this code.
FILE_VERSION = 1

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LEFT_OVER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_LANG = re.compile(r"[a-z]{2,3}")


class TemplateError(ValueError):
    """Broken placeholder syntax; ``position`` is the 0-based index, ``line``/``column`` 1-based."""

    def __init__(self, problem: str, text: str, position: int) -> None:
        self.problem = problem
        self.position = position
        self.line = text.count("\n", 0, position) + 1
        self.column = position - (text.rfind("\n", 0, position) + 1) + 1
        super().__init__(
            _("line {line}, column {column}: {problem}").format(
                line=self.line, column=self.column, problem=problem
            )
        )


class MessageError(ValueError):
    """A refused change to the store: duplicate or unknown name, invalid text."""


class MessageStoreError(ConfigError):
    """``messages.toml`` cannot be used or must not be written; names the file and line."""


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    position: int


def _parse(text: str) -> list[str | _Field]:
    """Split a template into literal text and placeholders, or raise ``TemplateError``."""
    parts: list[str | _Field] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "{":
            if text.startswith("{{", i):
                literal.append("{")
                i += 2
                continue
            end = text.find("}", i + 1)
            newline = text.find("\n", i + 1)
            if end < 0 or 0 <= newline < end:
                raise TemplateError(
                    _("'{' is never closed (write {{ for a literal brace)"), text, i
                )
            name = text[i + 1 : end]
            if not name:
                raise TemplateError(
                    _("empty placeholder {} (write {{}} for literal braces)"), text, i
                )
            if not _NAME.fullmatch(name):
                raise TemplateError(
                    _(
                        "{{{name}}} is not a placeholder: names are letters, digits and _ "
                        "(write {{{{ for a literal brace)"
                    ).format(name=name), text, i,
                )
            if literal:
                parts.append("".join(literal))
                literal.clear()
            parts.append(_Field(name, i))
            i = end + 1
        elif c == "}":
            if not text.startswith("}}", i):
                raise TemplateError(
                    _("'}' without '{' (write }} for a literal brace)"), text, i
                )
            literal.append("}")
            i += 2
        else:
            j = i
            while j < n and text[j] not in "{}":
                j += 1
            literal.append(text[i:j])
            i = j
    if literal:
        parts.append("".join(literal))
    return parts


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a template uses, once each, in order of appearance."""
    return list(dict.fromkeys(p.name for p in _parse(text) if isinstance(p, _Field)))


@dataclass(frozen=True, slots=True)
class RenderResult:
    """A rendered template. Placeholders without a value stay in ``text`` as ``{name}``."""

    text: str
    #: Known placeholders with no value for this order (e.g. no tracking number yet).
    unresolved: list[str] = field(default_factory=list)
    #: Placeholders that are not in ``PLACEHOLDERS`` (typos): also left as ``{name}``.
    unknown: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unresolved and not self.unknown


def render(text: str, context: Mapping[str, str | None]) -> RenderResult:
    """Fill in ``text``'s placeholders from ``context``; ``TemplateError`` on broken syntax.

    A value that is ``None`` or blank counts as missing: the placeholder is kept and listed
    in ``unresolved`` rather than sent as an empty gap.
    """
    out: list[str] = []
    unresolved: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for part in _parse(text):
        if isinstance(part, str):
            out.append(part)
            continue
        if part.name not in PLACEHOLDERS:
            unknown[part.name] = None
            out.append("{" + part.name + "}")
            continue
        value = context.get(part.name)
        if value is None or not str(value).strip():
            unresolved[part.name] = None
            out.append("{" + part.name + "}")
        else:
            out.append(str(value))
    return RenderResult("".join(out), list(unresolved), list(unknown))


def _common_problems(text: str) -> list[str]:
    problems: list[str] = []
    if not text.strip():
        problems.append(_("The message is empty."))
    if len(text) > MAX_LENGTH:
        problems.append(
            _("The message is {length} characters long; the limit is {limit}.").format(
                length=count(len(text)), limit=count(MAX_LENGTH)
            )
        )
    for i, ch in enumerate(text):
        if ch not in "\n\t" and unicodedata.category(ch) == "Cc":
            line = text.count("\n", 0, i) + 1
            column = i - (text.rfind("\n", 0, i) + 1) + 1
            problems.append(
                _("Control character U+{code:04X} at line {line}, column {column}.").format(
                    code=ord(ch), line=line, column=column
                )
            )
            break
    return problems


def validate_template(text: str) -> list[str]:
    """Problems with a template being saved (manager screen); empty when it is fine."""
    problems = _common_problems(text)
    try:
        names = placeholders_in(text)
    except TemplateError as exc:
        problems.append(_("Broken placeholder at {where}.").format(where=exc))
        return problems
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        problems.append(
            ngettext(
                "Unknown placeholder {names}; known: {known}.",
                "Unknown placeholders {names}; known: {known}.",
                len(unknown),
            ).format(
                names=", ".join("{" + n + "}" for n in unknown),
                known=", ".join("{" + n + "}" for n in PLACEHOLDERS),
            )
        )
    return problems


def validate_message(text: str) -> list[str]:
    """Problems with a message about to be *sent* (the compose area); empty when fine.

    The text is what the customer will read, so braces are literal here; what is refused
    is a ``{name}`` still standing, i.e. a placeholder that was never filled in.
    """
    problems = _common_problems(text)
    left = list(dict.fromkeys(_LEFT_OVER.findall(text)))
    for name in left:
        if name in PLACEHOLDERS:
            problems.append(
                _("{{{name}}} has no value for this order: replace it before sending.").format(
                    name=name
                )
            )
        else:
            problems.append(
                _("{{{name}}} looks like a placeholder that was not filled in.").format(name=name)
            )
    return problems


# --------------------------------------------------------------------------- order context

#: French labels of WooCommerce's core statuses (English ones: ``tui.render``).
_FRENCH_STATUS_LABELS: dict[str, str] = {
    "pending": "En attente de paiement", "processing": "En cours", "on-hold": "En attente",
    "completed": "Terminée", "cancelled": "Annulée", "refunded": "Remboursée",
    "failed": "Échouée", "trash": "Corbeille", "checkout-draft": "Brouillon",
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}


def status_label(slug: str, lang: str = "en") -> str:
    """A status as the customer should read it, in ``lang``; a custom slug made readable."""
    if lang == "fr" and slug in _FRENCH_STATUS_LABELS:
        return _FRENCH_STATUS_LABELS[slug]
    return _english_status_label(slug)


def format_date(day: date, lang: str = "en") -> str:
    """``23 November 2025`` / ``23 novembre 2025`` (``1er`` for the first, as in French)."""
    if lang == "fr":
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {_MONTHS['fr'][day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS['en'][day.month - 1]} {day.year}"


def _tracking_from_meta(order: Order) -> str | None:
    """A tracking number the shop already knows (Shipment Tracking plugin or plain meta)."""
    for entry in reversed(order.meta_data):
        if entry.key == "_wc_shipment_tracking_items" and isinstance(entry.value, list):
            for item in reversed(entry.value):
                if isinstance(item, Mapping) and str(item.get("tracking_number") or "").strip():
                    return str(item["tracking_number"]).strip()
        if entry.key in ("_tracking_number", "tracking_number") and str(entry.value or "").strip():
            return str(entry.value).strip()
    return None


#: The tracking number an order already carries, if any (public name for screens).
tracking_from_meta = _tracking_from_meta


def placeholder_context(
    order: Order,
    *,
    shop_name: str,
    tracking_number: str | None = None,
    lang: str = "en",
    status: str | None = None,
    today: date | None = None,
) -> dict[str, str | None]:
    """The values of every placeholder for ``order``; ``None`` where there is none.

    ``status`` overrides the label (a custom status's label from the config, or the
    status being set when notifying of a change); ``tracking_number`` falls back to
    tracking meta on the order; ``today`` is for tests.

    ``order_total`` reads as on the shop's documents (``tui.doc_labels.money``):
    ``€65.75`` in English, ``65,75 €`` in French (no-break spaces), ``12.00 CHF`` for a
    currency without a one-character symbol. ``date`` is today: ``3 March 2026`` /
    ``1er mars 2026``.
    """
    lang = lang if lang in _MONTHS else "en"
    first = order.billing.first_name or order.shipping.first_name
    last = order.billing.last_name or order.shipping.last_name
    if tracking_number is None or not tracking_number.strip():
        tracking_number = _tracking_from_meta(order)
    return {
        "first_name": first.strip() or None,
        "last_name": last.strip() or None,
        "order_number": order.number or str(order.id),
        "order_total": labels.money(order.total, order.currency, lang, order.currency_symbol),
        "status": status or status_label(order.status, lang),
        "tracking_number": tracking_number,
        "shop_name": shop_name.strip() or None,
        "date": format_date(today or date.today(), lang),
    }


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True, slots=True)
class PredefinedMessage:
    name: str
    text: str
    lang: str = "en"


DEFAULT_MESSAGES: tuple[PredefinedMessage, ...] = (
    PredefinedMessage(
        "Delay",
        "Hello {first_name},\n\n"
        "We are sorry: preparing your order {order_number} is taking longer than we planned. "
        "We are doing all we can to send it as soon as possible, and we will let you know "
        "as soon as it is on its way.\n\n"
        "Thank you for your patience.\n\n"
        "{shop_name}",
        "en",
    ),
    PredefinedMessage(
        "Shipped",
        "Hello {first_name},\n\n"
        "Good news: your order {order_number} was shipped on {date}. "
        "Your tracking number is {tracking_number}.\n\n"
        "Thank you for shopping with us.\n\n"
        "{shop_name}",
        "en",
    ),
    PredefinedMessage(
        "Out of stock",
        "Hello {first_name},\n\n"
        "We are sorry: an item in your order {order_number} is out of stock at the moment. "
        "We can send it as soon as it is back in stock, offer you a replacement, or refund "
        "it, whichever you prefer. Just reply to this message to tell us.\n\n"
        "Please accept our apologies for the inconvenience.\n\n"
        "{shop_name}",
        "en",
    ),
    PredefinedMessage(
        "Awaiting payment",
        "Hello {first_name},\n\n"
        "Thank you for your order {order_number}. We have not received its payment of "
        "{order_total} yet; we will prepare and ship your order as soon as it reaches us. "
        "If you have already paid, please disregard this message.\n\n"
        "{shop_name}",
        "en",
    ),
    PredefinedMessage(
        "Délai",
        "Bonjour {first_name},\n\n"
        "Nous sommes désolés : la préparation de votre commande {order_number} prend plus de "
        "temps que prévu. Nous faisons tout notre possible pour vous l'expédier au plus vite "
        "et nous vous préviendrons dès son envoi.\n\n"
        "Merci de votre patience.\n\n"
        "{shop_name}",
        "fr",
    ),
    PredefinedMessage(
        "Expédiée",
        "Bonjour {first_name},\n\n"
        "Bonne nouvelle : votre commande {order_number} a été expédiée le {date}. "
        "Votre numéro de suivi est {tracking_number}.\n\n"
        "Merci de votre confiance.\n\n"
        "{shop_name}",
        "fr",
    ),
    PredefinedMessage(
        "Rupture de stock",
        "Bonjour {first_name},\n\n"
        "Nous sommes désolés : un article de votre commande {order_number} est actuellement "
        "en rupture de stock. Nous pouvons vous l'envoyer dès son retour en stock, vous "
        "proposer un article de remplacement ou vous le rembourser, comme vous le préférez : "
        "il vous suffit de répondre à ce message.\n\n"
        "Veuillez nous excuser pour ce désagrément.\n\n"
        "{shop_name}",
        "fr",
    ),
    PredefinedMessage(
        "En attente de paiement",
        "Bonjour {first_name},\n\n"
        "Merci pour votre commande {order_number}. Nous n'avons pas encore reçu son paiement "
        "de {order_total} ; nous la préparerons et l'expédierons dès sa réception. "
        "Si vous avez déjà réglé, merci de ne pas tenir compte de ce message.\n\n"
        "{shop_name}",
        "fr",
    ),
)

#: Status-change notifications shipped per language (the store seeds those of its ``lang``).
DEFAULT_STATUS_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "processing": "Hello {first_name}, we have received your order {order_number} and "
                      "are preparing it. {shop_name}",
        "completed": "Hello {first_name}, your order {order_number} has been shipped. "
                     "Your tracking number is {tracking_number}. Thank you! {shop_name}",
    },
    "fr": {
        "processing": "Bonjour {first_name}, nous avons bien reçu votre commande "
                      "{order_number} et nous la préparons. {shop_name}",
        "completed": "Bonjour {first_name}, votre commande {order_number} a été expédiée. "
                     "Votre numéro de suivi est {tracking_number}. Merci ! {shop_name}",
    },
}

_HEADER = (
    "# orderdesk predefined messages and status-change templates.\n"
    "# Written by orderdesk (the messages screen); comments here are not kept.\n"
    "# Placeholders: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + "\n\n"
)


_BLOCK_STRING_START = re.compile(r"=\s*(\"\"\"|''')\s*$")


def _check_stored_template(section: Section, key: str, text: str) -> None:
    """Refuse a bad template read from the file, naming the file line of a broken brace."""
    try:
        placeholders_in(text)
    except TemplateError as exc:
        line = section.line_of(key)
        if line is None:
            where = f"line {exc.line}, column {exc.column} of the text"
        elif _BLOCK_STRING_START.search(section.text.splitlines()[line - 1]):
            # `text = """` then a newline: the text starts on the next line of the file.
            line += exc.line
            where = f"column {exc.column}"
        else:
            line += exc.line - 1
            where = f"character {exc.position + 1} of the text"
        raise MessageStoreError(f"{exc.problem} ({where})", path=section.path, line=line,
                                key=dotted((*section.key, key))) from None
    problems = validate_template(text)
    if problems:
        raise section.fail(key, " ".join(problems))


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return _("A message needs a name.")
    if name != name.strip():
        return _("A message name cannot start or end with spaces.")
    if len(name) > MAX_NAME_LENGTH:
        return _("A message name is at most {n} characters.").format(n=MAX_NAME_LENGTH)
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return _("A message name cannot contain control characters.")
    return None


class MessageStore:
    """The predefined messages and status templates, backed by ``messages.toml``.

    Changes are made in memory and written by ``save()``. ``error`` is set when the file
    could not be used; the shipped defaults are then in effect and ``save()`` refuses.
    """

    def __init__(self, path: Path | None = None, *, lang: str = "en") -> None:
        self.path = paths.messages_file() if path is None else Path(path)
        self.lang = lang if lang in DEFAULT_STATUS_TEMPLATES else "en"
        #: Why the file is not in use (names file and line), or None.
        self.error: str | None = None
        self._failure: MessageStoreError | None = None
        self._messages: list[PredefinedMessage] = []
        self._templates: dict[str, str] = {}
        #: Digest of the file as loaded (None: absent), to notice changes made behind our back.
        self._loaded_digest: str | None = None
        self._use_defaults()

    def _use_defaults(self) -> None:
        self._messages = list(DEFAULT_MESSAGES)
        self._templates = dict(DEFAULT_STATUS_TEMPLATES[self.lang])

    # -- reading

    def load(self) -> MessageStore:
        """Read the file: absent -> defaults; broken -> defaults plus ``error``."""
        self.error = None
        self._failure = None
        self._use_defaults()
        self._loaded_digest = None
        if not self.path.exists():
            return self
        try:
            self._loaded_digest = self._digest()
            data, text = read_toml(self.path, MessageStoreError)
            messages, templates = self._read(Section(data, (), self.path, text,
                                                     MessageStoreError))
        except MessageStoreError as exc:
            self._failure = exc
            self.error = (f"{exc}\nThe built-in messages are in use until the file is fixed "
                          "or moved away.")
            return self
        self._messages, self._templates = messages, templates
        return self

    @staticmethod
    def _read(root: Section) -> tuple[list[PredefinedMessage], dict[str, str]]:
        root.only(("version", "message", "status_templates"))
        if "version" in root.data:
            version = root.typed("version", (int,), "a whole number")
            if version > FILE_VERSION:
                raise root.fail("version", f"written by a newer orderdesk (format {version})")
        items = root.data.get("message", [])
        if not isinstance(items, list):
            raise root.fail("message", "expected [[message]] tables")
        messages: list[PredefinedMessage] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise root.fail("message", "expected [[message]] tables")
            entry = Section(item, ("message", index), root.path, root.text, root.error)
            entry.only(("name", "text", "lang"))
            name = entry.string("name", required=True)
            problem = _name_problem(name)
            if problem:
                raise entry.fail("name", problem)
            if name.casefold() in seen:
                raise entry.fail("name", f"a second message named {name!r}")
            seen.add(name.casefold())
            lang = entry.string("lang", "en")
            if not _LANG.fullmatch(lang):
                raise entry.fail("lang", f"expected a language code such as 'en', got {lang!r}")
            text = entry.string("text", required=True)
            _check_stored_template(entry, "text", text)
            messages.append(PredefinedMessage(name, text, lang))
        templates: dict[str, str] = {}
        table = root.table("status_templates")
        for slug in table.data:
            if not STATUS_SLUG.fullmatch(slug):
                raise table.fail(slug, "a status slug is 1-20 lower-case letters, digits, "
                                       "'-' or '_'")
            text = table.string(slug)
            _check_stored_template(table, slug, text)
            templates[slug] = text
        return messages, templates

    def _digest(self) -> str | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return None
        except OSError:
            return "unreadable"

    # -- queries

    def list(self, lang: str | None = None) -> list[PredefinedMessage]:
        """The messages in their saved order, optionally only those in ``lang``."""
        return [m for m in self._messages if lang is None or m.lang == lang]

    def get(self, name: str) -> PredefinedMessage:
        """The message called ``name`` (case-insensitive); ``MessageError`` if there is none."""
        return self._messages[self._index(name)]

    def _index(self, name: str) -> int:
        for i, message in enumerate(self._messages):
            if message.name.casefold() == name.casefold():
                return i
        raise MessageError(_("There is no message named “{name}”.").format(name=name))

    def _exists(self, name: str) -> bool:
        return any(m.name.casefold() == name.casefold() for m in self._messages)

    # -- changes (in memory until save)

    @staticmethod
    def _check(name: str, text: str) -> None:
        problems = [p for p in (_name_problem(name),) if p] + validate_template(text)
        if problems:
            raise MessageError(" ".join(problems))

    def add(self, message: PredefinedMessage) -> None:
        self._check(message.name, message.text)
        if not _LANG.fullmatch(message.lang):
            raise MessageError(
                _("“{lang}” is not a language code such as “en”.").format(lang=message.lang)
            )
        if self._exists(message.name):
            raise MessageError(
                _("A message named “{name}” already exists.").format(name=message.name)
            )
        self._messages.append(message)

    def update(self, name: str, text: str, *, lang: str | None = None) -> None:
        index = self._index(name)
        old = self._messages[index]
        self._check(old.name, text)
        if lang is not None and not _LANG.fullmatch(lang):
            raise MessageError(
                _("“{lang}” is not a language code such as “en”.").format(lang=lang)
            )
        self._messages[index] = PredefinedMessage(old.name, text, lang or old.lang)

    def rename(self, old: str, new: str) -> None:
        index = self._index(old)
        problem = _name_problem(new)
        if problem:
            raise MessageError(problem)
        current = self._messages[index]
        if new.casefold() != current.name.casefold() and self._exists(new):
            raise MessageError(_("A message named “{name}” already exists.").format(name=new))
        self._messages[index] = PredefinedMessage(new, current.text, current.lang)

    def delete(self, name: str) -> None:
        del self._messages[self._index(name)]

    def status_template(self, status: str) -> str | None:
        """The notification template for changes *to* ``status``, if there is one."""
        return self._templates.get(status)

    def status_templates(self) -> dict[str, str]:
        return dict(self._templates)

    def set_status_template(self, status: str, text: str | None) -> None:
        """Set (or with ``None``, remove) the template sent when an order moves to ``status``."""
        if not STATUS_SLUG.fullmatch(status):
            raise MessageError(_("“{status}” is not a status slug.").format(status=status))
        if text is None:
            self._templates.pop(status, None)
            return
        problems = validate_template(text)
        if problems:
            raise MessageError(" ".join(problems))
        self._templates[status] = text

    # -- writing

    def save(self) -> None:
        """Write everything to ``messages.toml`` (created on first use), atomically.

        Refuses, with ``MessageStoreError``, to overwrite a file that failed to load or
        that was changed on disk since it was loaded: either would lose someone's work.
        """
        if self._failure is not None:
            raise MessageStoreError(
                f"not overwritten, because it could not be loaded ({self._failure.problem}); "
                "fix it or move it away, then reload",
                path=self.path, line=self._failure.line, key=self._failure.key,
            )
        if self._digest() != self._loaded_digest:
            raise MessageStoreError(
                "changed on disk since it was loaded; reload it before saving", path=self.path
            )
        document: dict[str, Any] = {
            "version": FILE_VERSION,
            "message": [{"name": m.name, "lang": m.lang, "text": m.text}
                        for m in self._messages],
            "status_templates": dict(sorted(self._templates.items())),
        }
        atomic_write_text(self.path, _HEADER + tomli_w.dumps(document, multiline_strings=True))
        self._loaded_digest = self._digest()


def default_messages(lang: str | None = None) -> list[PredefinedMessage]:
    """The shipped messages, for a "restore defaults" action."""
    return [m for m in DEFAULT_MESSAGES if lang is None or m.lang == lang]
