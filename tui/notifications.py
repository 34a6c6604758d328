"""What the customer reads when staff change a status with "notify customer" on.

``StatusNotifier`` is the ``customer_message`` callable of ``tui.status_changes.StatusChanger``:
given the order (already in its new status) and the status, it returns the text of the
customer note the shop emails. The text comes from the status template in ``messages.toml``
(edited on the predefined-messages screen), with placeholders resolved for the order.

Decisions, and why:

- The store is read on every notification, not once at start-up: a template edited on the
  manager screen applies to the very next status change, with no restart. The file is small.
- A template with a placeholder that has no value for this order (``{tracking_number}``
  before a parcel has one, ``{first_name}`` on an order without a name) is *not used*: the
  customer gets the plain default sentence instead. Resolving to an empty string would send
  "Your tracking number is ." and sending the braces would show the customer our template;
  a short correct sentence is better than either. ``warn`` (the app's ``notify``) tells staff
  the template was skipped and why, so they can send the details by hand.
- No template for the status: the same default sentence.
- The language is the shop's (``app.customer_lang``, see ``tui.shop_language``; the console's
  ``config.lang`` until the shop has said): the store seeds the status templates of that
  language, and the default sentence, dates and status labels follow it.

``message_context`` is shared with the messages screen so ``{shop_name}`` and ``{status}``
read the same in a predefined message and in a notification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from client.model import Order
from tui.config import Config
from tui.i18n import _
from tui.messages import (
    MessageStore,
    TemplateError,
    placeholder_context,
    render,
    status_label,
    validate_message,
)

#: The sentence sent when a status has no usable template, per language.
DEFAULT_SENTENCES: dict[str, str] = {
    "en": "Hello{name}, your order #{number} is now: {status}.",
    "fr": "Bonjour{name}, votre commande n° {number} est maintenant : {status}.",
}


class NotifierHost(Protocol):
    """What the notifier needs from the app (``tui.app.OrderDeskApp`` has it)."""

    config: Config
    shop_label: str


def shop_name(config: Config, shop_label: str) -> str:
    """``{shop_name}``: the seller named in the config, else the shop's label in the console."""
    return config.shop_identity.name.strip() or shop_label.strip()


def customer_status_label(config: Config, status: str, lang: str) -> str:
    """A status as the customer reads it: a configured label wins (custom statuses),
    else the core label in ``lang``."""
    setting = config.statuses.get(status)
    if setting is not None and setting.label:
        return setting.label
    return status_label(status, lang)


def message_context(
    order: Order,
    *,
    config: Config,
    shop_label: str,
    lang: str,
    status: str | None = None,
    today: date | None = None,
) -> dict[str, str | None]:
    """Every placeholder's value for ``order`` (``None`` where there is none), in ``lang``.

    ``status`` is the status to name (default: the order's own). The tracking number is
    read from the order's meta by ``tui.messages.placeholder_context``.
    """
    return placeholder_context(
        order,
        shop_name=shop_name(config, shop_label),
        lang=lang,
        status=customer_status_label(config, status or order.status, lang),
        today=today,
    )


def default_sentence(order: Order, status_text: str, lang: str) -> str:
    """ "Hello Anna, your order #1042 is now: Completed." (no name: "Hello, your order…")."""
    first = (order.billing.first_name or order.shipping.first_name).strip()
    template = DEFAULT_SENTENCES.get(lang, DEFAULT_SENTENCES["en"])
    return template.format(
        name=f" {first}" if first else "",
        number=order.number or order.id,
        status=status_text,
    )


@dataclass(frozen=True, slots=True)
class Notification:
    """The text to send and, when the template was not used, why (for staff, not customer)."""

    text: str
    from_template: bool
    skipped_because: list[str] = field(default_factory=list)


def status_notification(
    order: Order,
    status: str,
    *,
    store: MessageStore,
    config: Config,
    shop_label: str,
    today: date | None = None,
) -> Notification:
    """The customer note for ``order`` moving to ``status`` (see the module docstring)."""
    lang = store.lang
    context = message_context(
        order, config=config, shop_label=shop_label, lang=lang, status=status, today=today
    )
    fallback = default_sentence(order, context["status"] or status, lang)
    template = store.status_template(status)
    if template is None:
        return Notification(fallback, from_template=False)
    try:
        result = render(template, context)
    except TemplateError as error:  # the store validates templates; kept as a last guard
        return Notification(
            fallback, False, [_("the template is broken ({error})").format(error=error)]
        )
    reasons = [
        _("{{{name}}} has no value").format(name=name)
        for name in (*result.unresolved, *result.unknown)
    ]
    if not reasons:
        reasons = validate_message(result.text)
    if reasons:
        return Notification(fallback, from_template=False, skipped_because=reasons)
    return Notification(result.text, from_template=True)


class StatusNotifier:
    """``StatusChanger(customer_message=StatusNotifier(app))``: builds each notification.

    ``store_path`` is for tests (default: ``messages.toml`` in the config directory);
    ``warn`` receives a sentence for staff when a template had to be skipped (the app's
    ``notify`` when not given and the host has one).
    """

    def __init__(
        self,
        host: NotifierHost,
        *,
        store_path: Path | None = None,
        warn: Callable[[str], object] | None = None,
        today: date | None = None,
    ) -> None:
        self.host = host
        self.store_path = store_path
        self.warn = warn
        self.today = today

    def store(self) -> MessageStore:
        """The templates as they are on disk now (built-in ones if the file is unusable)."""
        lang = getattr(self.host, "customer_lang", None) or self.host.config.lang
        return MessageStore(self.store_path, lang=lang).load()

    def __call__(self, order: Order, status: str) -> str:
        notification = status_notification(
            order,
            status,
            store=self.store(),
            config=self.host.config,
            shop_label=self.host.shop_label,
            today=self.today,
        )
        if notification.skipped_because:
            from tui.render import status_label as shown_label

            # The app's label knows the shop's own statuses; the plain one is for tests.
            shown_label = getattr(self.host, "status_label", shown_label)
            self._warn(
                _(
                    "#{number}: the {status} template was not used ({reasons}); the customer "
                    "got: “{text}”"
                ).format(
                    number=order.number,
                    status=shown_label(status),
                    reasons="; ".join(notification.skipped_because),
                    text=notification.text,
                )
            )
        return notification.text

    def _warn(self, text: str) -> None:
        warn = self.warn
        if warn is None:
            notify = getattr(self.host, "notify", None)
            if callable(notify):
                notify(text, title=_("Notification"), severity="warning", timeout=10)
            return
        warn(text)
