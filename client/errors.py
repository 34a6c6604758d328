"""The errors a shop client raises.

Screens catch these, never httpx's: every failure of a shop call ends up as one of the
classes below, carrying the shop's own `code` and a message fit to show a person.
"""

from __future__ import annotations

from typing import Any


class ShopError(Exception):
    """Any failure talking to a shop, or a shop answer that does not fit the model.

    `code` is the shop's error code (WooCommerce's `woocommerce_rest_*`, `rest_*`) or one
    of ours (`orderdesk_*`); `status` the HTTP status when there was an answer.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "orderdesk_error",
        status: int | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.data = data

    def __str__(self) -> str:
        return self.message


class NotFound(ShopError):
    """The order, note, refund or route does not exist (404)."""


class AuthFailed(ShopError):
    """The shop did not accept the credentials, or the key lacks the permission (401)."""


class Forbidden(ShopError):
    """Authenticated, but the key's user may not do this (403)."""


class Invalid(ShopError):
    """The shop refused the request's content (400, 413, refund bounds).

    `field` names the offending parameter where the shop says which.
    """

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.field = field


class Conflict(ShopError):
    """Someone else changed the resource since it was read (409, 412)."""


class Unavailable(ShopError):
    """The shop could not be reached or failed (network errors, timeouts, 429, 5xx)."""


class Unsupported(ShopError):
    """The shop cannot do this through its API (a PrestaShop refund, say); the message says
    where it can be done instead."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("code", "orderdesk_unsupported")
        super().__init__(message, **kwargs)


class ModelError(ShopError):
    """A shop answer had a field of the wrong type; `field` names it (`line_items[2].quantity`)."""

    def __init__(self, message: str, *, field: str, **kwargs: Any) -> None:
        kwargs.setdefault("code", "orderdesk_bad_field")
        super().__init__(message, **kwargs)
        self.field = field
