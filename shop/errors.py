"""Errors in WordPress REST's shape: `{"code", "message", "data"}`.

Raising `ApiError` anywhere in a handler aborts the request; the transaction rolls back, so
nothing is half-written, and the client gets the JSON below with the HTTP status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_UNSET: Any = object()


class ApiError(Exception):
    """An answer other than success. `data` defaults to `{"status": status}`.

    A few WooCommerce errors carry a bare number as `data` (the refunds controller); pass
    `data=500` to reproduce them exactly.
    """

    def __init__(
        self, status: int, code: str, message: str, data: Any = _UNSET, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        if data is _UNSET:
            data = {"status": status, **extra}
        self.data = data

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}


def wp_list(items: Sequence[str]) -> str:
    """WordPress's `wp_sprintf_l`: "a", "a and b", "a, b, and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + f", and {items[-1]}"


class ParamErrors:
    """Collects invalid parameters, then raises one `rest_invalid_param` naming them all."""

    def __init__(self) -> None:
        self.params: dict[str, str] = {}
        self.details: dict[str, dict[str, Any]] = {}

    def add(self, param: str, code: str, message: str) -> None:
        if param not in self.params:
            self.params[param] = message
            self.details[param] = {"code": code, "message": message, "data": None}

    def __bool__(self) -> bool:
        return bool(self.params)

    def raise_if_any(self) -> None:
        if self.params:
            raise ApiError(
                400,
                "rest_invalid_param",
                f"Invalid parameter(s): {', '.join(self.params)}",
                params=self.params,
                details=self.details,
            )


def missing_params(names: Sequence[str]) -> ApiError:
    return ApiError(
        400,
        "rest_missing_callback_param",
        f"Missing parameter(s): {', '.join(names)}",
        params=list(names),
    )


def not_found_route() -> ApiError:
    return ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


def invalid_order_id(status: int = 404) -> ApiError:
    return ApiError(status, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
