"""A shop error as the user should read it, in the interface language.

Why here and not in ``client/``: the client holds no UI code, so its messages are English
sentences fit for logs and the command line. In English the console shows them as they
are (they are the most precise). In another language it shows a sentence chosen by the
error's class (and, for a few of the console's own checks, its code), adding what only
the shop can say: the field it refused, its own message (written in the shop's language),
the HTTP status.
"""

from __future__ import annotations

from client.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    Invalid,
    ModelError,
    NotFound,
    ShopError,
    Unavailable,
)
from tui.i18n import N_, _, current_language

#: Codes of the console's own refusals and the sentence shown for each.
_OWN_CODES = {
    "orderdesk_offline": N_("The shop is offline."),
    "orderdesk_refund_tax_rate": N_(
        "A line is taxed at several rates; refund its tax in the shop's admin, or refund "
        "by amount."
    ),
    "orderdesk_not_json": N_(
        "The shop's answer is not JSON; is this the WooCommerce site address?"
    ),
    "orderdesk_invalid_param": N_("The request is not valid."),
}


def _shop_detail(error: ShopError) -> str:
    """The shop's own message, when it sent one (it is in the shop's language)."""
    code = error.code or ""
    if code.startswith("orderdesk_") or code.startswith("http_"):
        return ""
    return error.message.strip()


def error_text(error: BaseException) -> str:
    """`error` as one sentence in the interface language (``str(error)`` in English)."""
    if current_language() == "en" or not isinstance(error, ShopError):
        return str(error)
    own = _OWN_CODES.get(error.code or "")
    if own is not None:
        return _(own)
    detail = _shop_detail(error)
    status = f" (HTTP {error.status})" if error.status else ""
    if not isinstance(error, Invalid) or isinstance(error, ModelError):
        # Only a refusal carries the shop's own explanation; the other messages are the
        # client's English sentences, replaced by ours.
        detail = ""
    if isinstance(error, NotFound):
        text = _("Not found in the shop.")
    elif isinstance(error, AuthFailed):
        text = _("The shop did not accept the API key.") + status
    elif isinstance(error, Forbidden):
        text = _("The shop does not allow this for this API key.")
    elif isinstance(error, Conflict):
        text = _("Someone else changed this in the meantime; reload and try again.")
    elif isinstance(error, Unavailable):
        text = _("The shop cannot be reached or failed") + status + "."
    elif isinstance(error, ModelError):
        text = _("The shop's answer has an unexpected field ({field}).").format(field=error.field)
    elif isinstance(error, Invalid):
        text = _("The shop refused the request")
        if error.field:
            text += " " + _("(field {field})").format(field=error.field)
        text += "."
    else:
        text = _("The shop answered with an error") + status + "."
    return f"{text} {detail}".strip() if detail else text
