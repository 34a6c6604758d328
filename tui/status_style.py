"""How an order status looks: a word, a symbol and a colour.

Why all three: warehouse terminals range from truecolor laptops to 16-colour PuTTY
sessions and colour-blind staff, so a status must read from its word and symbol alone; the
colour only speeds up scanning.

Colour choice: the defaults are truecolor values picked so that each one still lands on a
*different* colour of the 16-colour ANSI palette when the terminal has only 16 colours
(Rich downgrades to the nearest palette entry; `test_status_style` checks they stay
distinct in 16 and 256 colours) and keeps its hue (failed is red, processing green, ...).
Why not ANSI names ("red", "green") as defaults: with Textual's non-ANSI themes, ANSI names
are first turned into the theme's truecolor palette and then downgraded again; measured
with the default dark theme in a 16-colour terminal, red, bright_red and magenta all come
out magenta and yellow comes out bright red. Config may still use ANSI names (they are
exact with the `ansi-dark`/`ansi-light` themes, the right choice for 16-colour terminals),
hex values, or any Rich colour.

Symbols are single-cell characters present in common monospace fonts (DejaVu Sans Mono,
Menlo, Consolas, Cascadia); `ascii=True` swaps in plain ASCII for the Linux console and
fonts without them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.color import Color, ColorParseError

from tui.i18n import N_, _

#: ANSI background colours on which black text reads better than white.
_LIGHT_ANSI: frozenset[str] = frozenset(
    {
        "green",
        "yellow",
        "cyan",
        "white",
        "bright_red",
        "bright_green",
        "bright_yellow",
        "bright_blue",
        "bright_magenta",
        "bright_cyan",
        "bright_white",
        "default",
    }
)


class StatusStyleError(ValueError):
    """A status style from config is invalid; `key` names the offending entry."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """The look of one status.

    `colour` is the badge background; `text_colour` the badge text, chosen for contrast.
    """

    status: str
    label: str
    symbol: str
    colour: str
    ascii_symbol: str = "?"

    @property
    def text_colour(self) -> str:
        return contrast_text_colour(self.colour)

    def badge(self, *, ascii: bool = False) -> str:
        """Symbol and word, e.g. `"✔ completed"`: what the status column shows.

        The word is passed through `_()`: the defaults are English message ids; a label
        from config has no translation and shows as written.
        """
        return f"{self.ascii_symbol if ascii else self.symbol} {_(self.label)}"


#: The core WooCommerce statuses plus trash: nine colours that stay distinct in 16 colours
#: (the comment names the ANSI colour each one becomes there).
DEFAULT_STYLES: dict[str, StatusStyle] = {
    s.status: s
    for s in (
        StatusStyle("pending", N_("pending"), "…", "#2aa1b3", "."),  # cyan
        StatusStyle("processing", N_("processing"), "●", "#2e9e44", "*"),  # green
        StatusStyle("on-hold", N_("on-hold"), "‖", "#c17d11", "="),  # yellow (brown/orange)
        StatusStyle("completed", N_("completed"), "✔", "#2f5fb3", "+"),  # bright blue
        StatusStyle("cancelled", N_("cancelled"), "✖", "#6b6b6b", "x"),  # bright black (grey)
        StatusStyle("refunded", N_("refunded"), "↺", "#a347ba", "<"),  # magenta
        StatusStyle("failed", N_("failed"), "⚠", "#c01c28", "!"),  # red
        StatusStyle("trash", N_("trash"), "×", "#f66151", "-"),  # bright red
    )
}

#: Statuses the shop reports that nobody configured (plugins add their own, e.g.
#: "shipped", "ready-pickup"): shown with their slug as the word, in light grey (white).
UNKNOWN_SYMBOL = "◆"
UNKNOWN_ASCII_SYMBOL = "?"
UNKNOWN_COLOUR = "#b0b0b0"


def contrast_text_colour(colour: str) -> str:
    """Black or bright white, whichever reads better on `colour`."""
    name = colour.strip().lower()
    if not name.startswith(("#", "rgb", "color(")):
        return "black" if name in _LIGHT_ANSI else "bright_white"
    try:
        triplet = Color.parse(name).get_truecolor()
    except ColorParseError:
        return "bright_white"
    luminance = 0.299 * triplet.red + 0.587 * triplet.green + 0.114 * triplet.blue
    return "black" if luminance > 140 else "bright_white"


def _check_colour(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StatusStyleError(f"{key}: expected a colour name, got {value!r}", key)
    try:
        Color.parse(value.strip())
    except ColorParseError:
        raise StatusStyleError(
            f"{key}: unknown colour {value!r} (use an ANSI name such as 'green', "
            "'bright_blue', or '#rrggbb')",
            key,
        ) from None
    return value.strip()


def _check_text(value: object, key: str, *, single_cell: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StatusStyleError(f"{key}: expected text, got {value!r}", key)
    text = value.strip()
    if single_cell and cell_len(text) != 1:
        raise StatusStyleError(f"{key}: expected one narrow character, got {value!r}", key)
    return text


class StatusStyles:
    """Looks up the style of any status, known or not.

    Build it from config with `from_config`; the defaults cover WooCommerce's core
    statuses and trash.
    """

    _KEYS = frozenset({"label", "colour", "color", "symbol", "ascii_symbol"})

    def __init__(
        self, styles: Mapping[str, StatusStyle] | None = None, *, ascii: bool = False
    ) -> None:
        self._styles: dict[str, StatusStyle] = dict(DEFAULT_STYLES)
        if styles:
            self._styles.update(styles)
        self.ascii = ascii

    @classmethod
    def from_config(
        cls, mapping: Mapping[str, Mapping[str, object]] | None, *, ascii: bool = False
    ) -> StatusStyles:
        """Defaults overlaid with `{status: {label?, colour?, symbol?, ascii_symbol?}}`.

        A core status keeps whatever the config leaves out; a custom status gets its slug
        as label, `◆` and white unless told otherwise. Errors name `status.key`.
        """
        styles: dict[str, StatusStyle] = {}
        for status, entry in (mapping or {}).items():
            if not isinstance(status, str) or not status.strip():
                raise StatusStyleError(f"expected a status name, got {status!r}", str(status))
            if not isinstance(entry, Mapping):
                raise StatusStyleError(
                    f"{status}: expected a table of label/colour/symbol, got {entry!r}", status
                )
            unknown = set(entry) - cls._KEYS
            if unknown:
                bad = sorted(str(k) for k in unknown)[0]
                raise StatusStyleError(
                    f"{status}.{bad}: unknown key (expected label, colour, symbol, ascii_symbol)",
                    f"{status}.{bad}",
                )
            base = DEFAULT_STYLES.get(status) or StatusStyle(
                status, status, UNKNOWN_SYMBOL, UNKNOWN_COLOUR, UNKNOWN_ASCII_SYMBOL
            )
            changes: dict[str, str] = {}
            if "label" in entry:
                changes["label"] = _check_text(entry["label"], f"{status}.label")
            for key in ("colour", "color"):
                if key in entry:
                    changes["colour"] = _check_colour(entry[key], f"{status}.{key}")
            if "symbol" in entry:
                changes["symbol"] = _check_text(
                    entry["symbol"], f"{status}.symbol", single_cell=True
                )
            if "ascii_symbol" in entry:
                changes["ascii_symbol"] = _check_text(
                    entry["ascii_symbol"], f"{status}.ascii_symbol", single_cell=True
                )
            styles[status] = replace(base, **changes)
        return cls(styles, ascii=ascii)

    def __getitem__(self, status: str) -> StatusStyle:
        style = self._styles.get(status)
        if style is None:
            label = status or N_("unknown")
            style = StatusStyle(
                status, label, UNKNOWN_SYMBOL, UNKNOWN_COLOUR, UNKNOWN_ASCII_SYMBOL
            )
        return style

    def __contains__(self, status: object) -> bool:
        return status in self._styles

    def __iter__(self) -> Iterator[str]:
        """Configured statuses: the core ones in WooCommerce's order, then custom ones."""
        return iter(self._styles)

    def badge(self, status: str) -> str:
        """`"● processing"`, or `"* processing"` in ASCII mode."""
        return self[status].badge(ascii=self.ascii)

    def label(self, status: str) -> str:
        return _(self[status].label)

    def colour(self, status: str) -> str:
        return self[status].colour

    @property
    def badge_width(self) -> int:
        """Cells needed for the widest configured badge (unknown ones get truncated)."""
        return max(cell_len(self.badge(s)) for s in self._styles)
