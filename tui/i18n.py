"""Translation of the console's visible text (English source strings, French catalog).

Every string a user reads on screen goes through `_()` (or `ngettext()` for counts) so the
interface can be shown in the configured language. This module is the one place that
knows how translations are loaded; screens and widgets only call these functions.

How it works: the English text *is* the message id (gettext's usual way), so a missing
translation shows English rather than a key. The French catalog is the source file
``tui/locale/fr/LC_MESSAGES/orderdesk.po``, compiled to the ``.mo`` beside it, which is
committed (``python -m tui.i18n_build`` rebuilds it; a test checks it matches the ``.po``).
``install(lang)`` is called once by the app before any screen is built (and by tests to
switch language); it also switches humanize's French locale so "3 minutes ago" reads
"il y a 3 minutes".

Why strings are translated at call time and not at import: binding descriptions and
module-level tables (status labels) are evaluated when a module is imported, possibly
before the language is known, so they hold the English id (marked with `N_()` for the
extractor) and the key bar, help screen, footer and command palette pass them through
`_()` when they draw.

Adding a string: write it in English inside `_()` (`_("Saved {n} orders").format(n=n)`,
never an f-string inside `_()`; `ngettext(singular, plural, n)` for counts; `N_()` in a
module-level table, translated with `_()` where shown; `pgettext(context, text)` when
one English text needs two translations, e.g. ``pgettext("amount", "Refunded")``), then run
``python -m tui.i18n_build``: it adds the id to the ``.po`` and lists what is untranslated;
write the ``msgstr`` and run it again to compile. ``tests/tui/test_french.py`` fails while
a string is untranslated or the ``.mo`` is stale.

Not translated on purpose: the command line (``tui/cli.py``, ``orderdesk shops``),
``config.toml`` errors, notes the console writes into the shop's order history (they are
records, parsed back by the console), file names.

Import cost: this module imports nothing heavy; ``gettext`` is loaded only when a
non-English catalog is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

#: The gettext domain: the catalog file's name.
DOMAIN = "orderdesk"
#: Where ``<lang>/LC_MESSAGES/orderdesk.mo`` live.
LOCALE_DIR = Path(__file__).parent / "locale"
#: The languages the interface can be shown in (English is the source, no catalog).
SUPPORTED = ("en", "fr")
#: humanize's locale for each language (None: its built-in English).
_HUMANIZE_LOCALES = {"en": None, "fr": "fr_FR"}


class _Catalog(Protocol):
    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def pgettext(self, context: str, message: str) -> str: ...
    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str: ...


_catalog: _Catalog | None = None
_language = "en"


def install(lang: str) -> str:
    """Show the interface in `lang` from now on ("en", "fr"; anything else is English).

    Returns the language installed. Strings already drawn keep their language; the app
    calls this before building its first screen.
    """
    global _catalog, _language
    lang = lang if lang in SUPPORTED else "en"
    if lang == "en":
        _catalog = None
    else:
        import gettext

        with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
            _catalog = gettext.GNUTranslations(handle)
    _language = lang
    _install_humanize(lang)
    return lang


def _install_humanize(lang: str) -> None:
    import humanize.i18n

    locale = _HUMANIZE_LOCALES.get(lang)
    if locale is None:
        humanize.i18n.deactivate()
    else:
        humanize.i18n.activate(locale)


def current_language() -> str:
    """The language the interface is shown in ("en" or "fr")."""
    return _language


def _(message: str) -> str:
    """`message` in the interface language (English when it has no translation)."""
    if _catalog is None or not message:
        return message
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the interface language."""
    if _catalog is None:
        return singular if count == 1 else plural
    return _catalog.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` as used in `context`, in the interface language.

    For an English word that needs different words in another language depending on where
    it is shown: "Refunded" is an order's status ("Remboursée") but also an amount's label
    ("Remboursé"). The catalog keeps one entry per (context, message).
    """
    if _catalog is None or not message:
        return message
    return _catalog.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    """`ngettext` with a context (see `pgettext`)."""
    if _catalog is None:
        return singular if count == 1 else plural
    return _catalog.npgettext(context, singular, plural, count)


def count(n: int) -> str:
    """A whole number grouped the interface's way: "2,000" in English, "2 000" in French."""
    text = f"{n:,}"
    return text.replace(",", "\u202f") if _language == "fr" else text


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (module-level tables).

    The caller translates it with `_()` when it is shown.
    """
    return message
