"""The captures of a real PrestaShop 8.2.1 store (shared/prestashop-real/), as data.

Each capture NAME has `NAME.request.txt` (request line, headers, body), `NAME.headers.txt`
(status line and headers) and `NAME.body.json|xml|txt`; INDEX.md lists every NAME.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from client.prestashop.wire import decode

CAPTURES = Path(__file__).resolve().parents[2] / ".." / ".." / "shared" / "prestashop-real"
if not CAPTURES.is_dir():  # a worktree under /work/wt/NAME, or the main tree at /work/main
    CAPTURES = Path("/work/shared/prestashop-real")

_INDEX_LINE = re.compile(r"^- (?P<name>[a-z0-9_]+) \| (?P<status>\d{3}) ")


@dataclass(frozen=True)
class Capture:
    name: str
    method: str
    path: str
    params: dict[str, str]
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def resource(self) -> str:
        """`orders/9` from `/api/orders/9`."""
        return self.path.removeprefix("/api/")

    def response(self, request: httpx.Request | None = None) -> httpx.Response:
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() in ("content-type", "www-authenticate", "psws-version")
        }
        return httpx.Response(self.status, headers=headers, content=self.body, request=request)

    def data(self) -> Any:
        return decode(self.body, self.headers.get("Content-Type", ""))

    def json(self) -> Any:
        return json.loads(self.body)


def _headers(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        if ":" in line:
            key, _, value = line.partition(":")
            out[key.strip()] = value.strip()
    return out


@cache
def index_names() -> tuple[str, ...]:
    text = (CAPTURES / "INDEX.md").read_text()
    return tuple(m["name"] for line in text.splitlines() if (m := _INDEX_LINE.match(line)))


@cache
def load(name: str) -> Capture:
    raw = (CAPTURES / f"{name}.request.txt").read_bytes()
    head, _, body = raw.partition(b"\n\n")
    request_lines = head.decode().splitlines()
    method, target, _ = request_lines[0].split(" ", 2)
    parts = urlsplit(target)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    response_lines = (CAPTURES / f"{name}.headers.txt").read_text().splitlines()
    status = int(response_lines[0].split()[1])
    body_file = next(CAPTURES.glob(f"{name}.body.*"))
    return Capture(
        name=name,
        method=method,
        path=parts.path,
        params=params,
        request_headers=_headers(request_lines[1:]),
        request_body=body.strip(),
        status=status,
        headers=_headers(response_lines[1:]),
        body=body_file.read_bytes(),
    )


def all_captures() -> list[Capture]:
    return [load(name) for name in index_names()]
