"""orderdesk's own themes, beside Textual's built-in ones (all choosable by config `theme`
or the command palette's "Theme" command).

- `orderdesk-high-contrast`: pure black and white with saturated accents, for wall screens,
  glare in a warehouse and low vision.
- Light: Textual's `textual-light`; for 16-colour terminals `ansi-dark`/`ansi-light`, which
  use the terminal's own palette.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="orderdesk-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffaa00",
    error="#ff3333",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    boost="#333333",
    dark=True,
    luminosity_spread=0.3,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#ffff00",
        "input-selection-background": "#ffff00 40%",
    },
)

THEMES: tuple[Theme, ...] = (HIGH_CONTRAST,)
