"""What a handler sees of a request, and what it answers.

Query strings are read the way PHP fills `$_GET`, because WordPress's behaviour depends on
it: `status[]=a&status[]=b` and `status[0]=a` become arrays, a repeated plain key keeps its
last value, and array parameters also accept a comma list (`status=a,b`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from shop.keys import ApiKey
from shop.settings import Settings
from shop.statuses import Statuses

_BRACKET = re.compile(r"^([^\[\]]+)\[([^\[\]]*)\]$")
_SPLIT = re.compile(r"[\s,]+")


class PhpQuery:
    """A query string as PHP parses it, plus its raw pairs in order (for `Link` headers)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs
        self.values: dict[str, str | dict[str, str]] = {}
        for raw_key, value in pairs:
            match = _BRACKET.match(raw_key)
            if match:
                name, sub = match.groups()
                bucket = self.values.get(name)
                if not isinstance(bucket, dict):
                    bucket = {}
                    self.values[name] = bucket
                if sub == "":
                    sub = str(sum(1 for k in bucket if k.isdigit()))
                bucket[sub] = value
            else:
                self.values[raw_key] = value

    @classmethod
    def parse(cls, query_string: str) -> PhpQuery:
        return cls(parse_qsl(query_string, keep_blank_values=True))

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        if isinstance(value, dict):
            return None
        return value

    def raw(self, name: str) -> str | dict[str, str] | None:
        return self.values.get(name)

    def list(self, name: str) -> list[str] | None:
        """An array parameter: `a[]=…` items, or a comma/space separated string."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, dict):
            return list(value.values())
        return [part for part in _SPLIT.split(value) if part]

    def without(self, *names: str) -> PhpQuery:
        drop = set(names)
        return PhpQuery([(k, v) for k, v in self.pairs if base_name(k) not in drop])


def base_name(raw_key: str) -> str:
    """`status` for `status`, `status[]` and `status[0]`."""
    match = _BRACKET.match(raw_key)
    return match.group(1) if match else raw_key


@dataclass
class Call:
    """One request, resolved: route parameters, query, JSON body, the key that signed it."""

    method: str
    path: str
    route: dict[str, str]
    query: PhpQuery
    body: dict[str, Any]
    key: ApiKey | None
    base_url: str
    settings: Settings
    conn: sqlite3.Connection
    headers: Mapping[str, str] = field(default_factory=dict)
    _statuses: Statuses | None = None

    @property
    def statuses(self) -> Statuses:
        if self._statuses is None:
            self._statuses = Statuses.load(self.conn)
        return self._statuses

    def param(self, name: str) -> Any:
        """A parameter from the JSON body, else the query (WordPress merges both)."""
        if name in self.body:
            return self.body[name]
        return self.query.raw(name)

    def route_id(self, name: str = "id") -> int:
        return int(self.route[name])

    def url(self, path: str) -> str:
        return f"{self.base_url}/wp-json/wc/v3{path}"


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RawJson:
    """An answer body that is already JSON text (made by SQLite): sent as is."""

    text: str


def dumps(body: Any) -> bytes:
    if isinstance(body, RawJson):
        return body.text.encode("utf-8")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
