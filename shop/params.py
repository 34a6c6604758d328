"""Query-parameter validation with WordPress's codes and messages.

A client that sends `per_page=101` or `modified_after=2026-11-01` to a real store gets a
400 naming the parameter; the reference shop answers the same so the client's handling is
tested against the same words. Every reader records its problem in a `ParamErrors` and the
caller raises once, so one answer names all bad parameters (as WordPress does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from shop.errors import ParamErrors, wp_list
from shop.request import PhpQuery
from shop.settings import Settings

_REST_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_INT = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def parse_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value.strip())
    return None


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


class QueryReader:
    """Typed access to a request's query, collecting errors."""

    def __init__(self, query: PhpQuery, errors: ParamErrors | None = None) -> None:
        self.query = query
        self.errors = errors or ParamErrors()

    def integer(
        self,
        name: str,
        default: int | None = None,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        raw = self.query.get(name)
        if raw is None:
            if name in self.query:  # given as an array
                self.errors.add(name, "rest_invalid_type", f"{name} is not of type integer.")
            return default
        value = parse_int(raw)
        if value is None:
            self.errors.add(name, "rest_invalid_type", f"{name} is not of type integer.")
            return default
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.errors.add(
                name,
                "rest_out_of_bounds",
                f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)",
            )
            return default
        if minimum is not None and value < minimum:
            self.errors.add(
                name, "rest_out_of_bounds", f"{name} must be greater than or equal to {minimum}"
            )
            return default
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        raw = self.query.get(name)
        if raw is None:
            return default
        value = parse_bool(raw)
        if value is None:
            self.errors.add(name, "rest_invalid_type", f"{name} is not of type boolean.")
            return default
        return value

    def string(self, name: str, default: str = "") -> str:
        raw = self.query.get(name)
        if raw is None:
            if name in self.query:
                self.errors.add(name, "rest_invalid_type", f"{name} is not of type string.")
            return default
        return raw

    def enum(self, name: str, allowed: Sequence[str], default: str) -> str:
        raw = self.query.get(name)
        if raw is None:
            return default
        if raw not in allowed:
            self.errors.add(
                name, "rest_not_in_enum", f"{name} is not one of {wp_list(list(allowed))}."
            )
            return default
        return raw

    def enum_list(self, name: str, allowed: Sequence[str]) -> list[str] | None:
        values = self.query.list(name)
        if values is None:
            return None
        for i, value in enumerate(values):
            if value not in allowed:
                self.errors.add(
                    name,
                    "rest_not_in_enum",
                    f"{name}[{i}] is not one of {wp_list(list(allowed))}.",
                )
                return None
        return values

    def int_list(self, name: str) -> list[int] | None:
        values = self.query.list(name)
        if values is None:
            return None
        result = []
        for i, value in enumerate(values):
            number = parse_int(value)
            if number is None:
                self.errors.add(name, "rest_invalid_type", f"{name}[{i}] is not of type integer.")
                return None
            result.append(number)
        return result

    def date(self, name: str, settings: Settings, dates_are_gmt: bool) -> str | None:
        """A date-time filter as a stored UTC string (`YYYY-MM-DDTHH:MM:SS`).

        As WooCommerce: a full date-time is required; a value with `Z` or an offset means
        that instant; without one it is site-local unless `dates_are_gmt` is true.
        """
        raw = self.query.get(name)
        if raw is None:
            return None
        if not _REST_DATE.match(raw.strip()):
            self.errors.add(name, "rest_invalid_date", "Invalid date.")
            return None
        text = raw.strip().replace("z", "Z").replace("t", "T").replace(" ", "T", 1)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.errors.add(name, "rest_invalid_date", "Invalid date.")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC if dates_are_gmt else settings.timezone)
        return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
