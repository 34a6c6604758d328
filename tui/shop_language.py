"""The language customers read: the shop's own, not the console's.

Why separate: the console's interface follows its user (``Config.lang``), but what goes to a
customer (predefined messages, status notifications, vouchers) and onto documents
(invoices, packing slips, credit notes) must follow the shop's language setting, whoever
runs the console. WooCommerce reports the site's locale in ``GET system_status``
(``environment.language``, e.g. "fr_FR"); the reference shop answers the same.

The answer is asked once per client and remembered; until it is known (or when the shop
does not say, e.g. a key that may not read the system status), the console's language is
used, which is the best guess of who runs this shop.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

#: Languages documents and messages exist in.
CUSTOMER_LANGUAGES = ("en", "fr")

_known: WeakKeyDictionary[object, str] = WeakKeyDictionary()


def language_of_locale(locale: str) -> str:
    """"fr_FR", "fr_BE", "fr" -> "fr"; anything else -> "en"."""
    return "fr" if locale.strip().lower().startswith("fr") else "en"


async def customer_language(shop: object, fallback: str = "en") -> str:
    """The shop's language ("en"/"fr"), asked once; `fallback` when the shop cannot say."""
    known = known_language(shop)
    if known is not None:
        return known
    ask = getattr(shop, "site_language", None)
    locale = await ask() if callable(ask) else None
    if not locale:
        return fallback if fallback in CUSTOMER_LANGUAGES else "en"
    lang = language_of_locale(locale)
    _known[shop] = lang
    return lang


def known_language(shop: object) -> str | None:
    """The shop's language if it was already learnt, else None (no request made)."""
    try:
        return _known.get(shop)
    except TypeError:  # an object that cannot be weakly referenced
        return None


def customer_language_now(shop: object, fallback: str) -> str:
    """The shop's language if known, else `fallback` (for code that cannot wait)."""
    lang = known_language(shop) or fallback
    return lang if lang in CUSTOMER_LANGUAGES else "en"
