"""Translation of the console's visible text (English source strings, French catalog).

Every string a user reads on screen goes through `_()` (or `ngettext()` for counts) so the
interface can be shown in the configured language. This module is the one place that
knows how translations are loaded; screens and widgets only call these two functions.
"""

from __future__ import annotations


def _(message: str) -> str:
    """`message` in the interface language (English until a catalog is installed)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the interface language."""
    return singular if count == 1 else plural
