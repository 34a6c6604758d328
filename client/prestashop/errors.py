"""PrestaShop's error answers as `client.errors` exceptions.

What a real 8.2.1 store answers (shared/prestashop-real/NOTES.md): a body
`{"errors":[{"code":N,"message":…}]}` or `<errors><error>…` in either format; an unknown
order is 404 with an EMPTY body; no key is 401 with HTML; a bad key 401 (codes 20, 21); a
key without the resource 401 (26); a key without the method 405 (25); a method the
resource never allows 405 (101); a missing field 400 (41); an unknown resource 400 (27);
an unknown filter, or a date filter without `date=1`, 500 (32); malformed XML 500 (127).
PHP warnings leak in as code 3: they are left out of the message when a real error is
there, and a 500 made only of warnings counts as a passing failure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx

from client.errors import (
    AuthFailed,
    Forbidden,
    Invalid,
    NotFound,
    ShopError,
    Unavailable,
    Unsupported,
)
from client.prestashop.wire import decode

#: PHP warnings and notices the Webservice copies into its error list.
PHP_WARNING = 3

_REQUIRED = re.compile(r'parameter "(?P<field>[a-z_]+)" required')
_FIELD = re.compile(r'"(?P<field>[a-z_]+)"')


def error_entries(response: httpx.Response) -> list[tuple[int, str]]:
    """(code, message) of each error in the body; empty when there is none to read."""
    try:
        data = decode(response.content, response.headers.get("content-type", ""))
    except ValueError:
        return []
    errors = data.get("errors") if isinstance(data, Mapping) else None
    out: list[tuple[int, str]] = []
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, Mapping):
            continue
        try:
            code = int(str(entry.get("code", "0")).strip() or 0)
        except ValueError:
            code = 0
        out.append((code, " ".join(str(entry.get("message") or "").split())))
    return out


def only_warnings(response: httpx.Response) -> bool:
    """A 5xx that says nothing but PHP warnings (or nothing at all): worth a retry on a read."""
    return all(code == PHP_WARNING for code, _ in error_entries(response))


def error_from_response(
    response: httpx.Response, *, what: str | None = None, shop: str = "The shop"
) -> ShopError:
    status = response.status_code
    entries = error_entries(response)
    real = [(c, m) for c, m in entries if c != PHP_WARNING] or entries
    codes = {c for c, _ in real}
    text = "; ".join(m for _, m in real if m)
    code = f"prestashop_{real[0][0]}" if real else f"http_{status}"
    detail = f": {text}" if text else ""
    if status == 404:
        return NotFound(f"{what or 'That'} does not exist in the shop.", code=code, status=status)
    if status == 401 and (codes & {20, 21} or not real):
        return AuthFailed(
            f"{shop} refused the Webservice key{detail or ' (none was accepted)'}. Check the "
            "key in the profile and that it is enabled in the back office "
            "(Advanced Parameters › Webservice).",
            code=code,
            status=status,
        )
    if status == 401 or (status == 405 and 25 in codes):
        return Forbidden(
            f"{shop}'s Webservice key may not do this{detail}. Grant it in the back office "
            "(Advanced Parameters › Webservice › the key's permissions).",
            code=code,
            status=status,
        )
    if status == 405:
        return Unsupported(f"{shop} does not allow this through its API{detail}.", code=code,
                           status=status)
    if 41 in codes:
        match = _REQUIRED.search(text)
        return Invalid(f"{shop} refused the request{detail}.", code=code, status=status,
                       field=match["field"] if match else None)
    if 27 in codes:
        return NotFound(f"{shop} has no such API resource{detail}.", code=code, status=status)
    if codes & {32, 127} or status in (400, 413, 422):
        match = _FIELD.search(text) if 32 in codes else None
        return Invalid(f"{shop} refused the request{detail}.", code=code, status=status,
                       field=match["field"] if match else None)
    if status >= 500 or status == 429:
        return Unavailable(
            f"{shop} failed (HTTP {status}){detail}.", code=code, status=status
        )
    return ShopError(f"{shop} answered HTTP {status}{detail}.", code=code, status=status)
