"""Copy text to the user's clipboard from the terminal, over SSH too: OSC 52.

Why OSC 52: the console often runs on a warehouse server reached by SSH, where no
clipboard program (xclip, pbcopy) can reach the user's desktop. The OSC 52 escape
sequence asks the *terminal* to set its clipboard, so it travels through SSH to the
machine the user sits at. Textual writes it (`App.copy_to_clipboard`); this module adds
what a person needs to know when it cannot work:

- many terminals refuse payloads above about 100 kB of base64 (xterm's and hterm's limit);
- tmux passes it on only with `set -g set-clipboard on`; GNU screen not at all;
- some terminals (macOS Terminal.app) ignore it: the text stays on screen to select.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from tui.i18n import _, count

#: Largest base64 payload sent: xterm's and hterm's default limit.
OSC52_LIMIT = 100_000


class _CanCopy(Protocol):
    def copy_to_clipboard(self, text: str) -> None: ...


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    sent: bool
    message: str


def osc52(text: str, selection: str = "c") -> str:
    """The escape sequence that asks the terminal to put `text` on its clipboard."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;{selection};{payload}\a"


def multiplexer_hint(environ: Mapping[str, str] | None = None) -> str:
    """A sentence for users inside tmux or GNU screen, where OSC 52 may stop on its way."""
    env = os.environ if environ is None else environ
    if env.get("TMUX"):
        return _("Inside tmux, copying needs `set -g set-clipboard on` in ~/.tmux.conf.")
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        return _("GNU screen does not pass clipboard requests on; select the text instead.")
    return ""


def copy_text(app: _CanCopy, text: str, environ: Mapping[str, str] | None = None) -> CopyOutcome:
    """Send `text` to the terminal's clipboard and say what to expect."""
    payload = len(base64.b64encode(text.encode("utf-8")))
    if payload > OSC52_LIMIT:
        return CopyOutcome(
            False,
            _("Too long to copy through the terminal ({size} bytes); select it.").format(
                size=count(payload)
            ),
        )
    app.copy_to_clipboard(text)
    hint = multiplexer_hint(environ)
    message = _("Copied to the clipboard (through the terminal, also over SSH).")
    return CopyOutcome(True, f"{message} {hint}".strip())
