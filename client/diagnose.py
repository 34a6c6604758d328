"""`diagnose()`: will orderdesk work with this shop, and if not, what exactly to change.

A shop owner trying orderdesk for the first time types an address and a key pair. When
that fails, "401" helps nobody: this module asks the shop a short series of harmless
questions and turns each answer into a verdict a person can act on:

1. **Reachability** — DNS, TCP and TLS, in plain words (a certificate the system does not
   trust says how to give a CA bundle).
2. **REST API index** (`GET /wp-json/`, public): is this WordPress, and does the
   `namespaces` list hold WooCommerce's `wc/v3`?
3. **Pretty permalinks**: with "Plain" permalinks `/wp-json/` is a 404 page, yet
   `/?rest_route=/` answers — and WooCommerce checks API keys only on URLs containing
   `wp-json/wc/`, so keys can never work. The verdict says which setting to change.
4. **Authentication** — one small authenticated list call. WooCommerce's 401s are
   ambiguous (an unknown key over Basic gets the same "cannot list" as no key at all), so
   the verdict is told from the code, the message and how we asked (see `_auth_verdict`).
5. **Permission** — read or read/write, found by a write the store refuses before doing
   anything: `POST orders/0/notes` with no note. WooCommerce checks the key's permission
   first (401 "does not have write permissions" for a read-only key); a key that may write
   gets past that and is stopped by the missing `note` (400) — nothing is ever written.
6. **WooCommerce version** — `system_status` (`environment.version`) if the key's user may
   see it, else the `version` field of the newest order (the version that last saved it).
7. **`modified_after`** (WooCommerce 5.8+), which the live feed polls with: a list call
   exactly as the feed makes it, asking for orders modified after tomorrow. A 400 on the
   parameter, or orders in the answer (an older store ignores the unknown parameter), means
   the feed will fall back to comparing full lists.

Secrets never appear in a verdict: every URL shown goes through `sanitize_url`, and Basic or
query keys are never sent over plain HTTP to anything but this machine.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from client.auth import build_auth, choose_auth_mode, is_loopback
from client.error_map import parse_error_body
from client.params import iso_utc
from client.urls import api_base_url, sanitize_url, site_url

# Check names, in the order they run (and are printed).
REACHABILITY = "Reachability"
REST_INDEX = "REST API index"
PERMALINKS = "Pretty permalinks"
AUTHENTICATION = "Authentication"
PERMISSION = "Key permission"
VERSION = "WooCommerce version"
MODIFIED_AFTER = "Change feed (modified_after)"

CHECK_NAMES: tuple[str, ...] = (
    REACHABILITY,
    REST_INDEX,
    PERMALINKS,
    AUTHENTICATION,
    PERMISSION,
    VERSION,
    MODIFIED_AFTER,
)

#: The fix for "Plain" permalinks, word for word as the user will find it in WordPress.
PERMALINKS_FIX = "Settings → Permalinks: choose any structure other than Plain, then Save"

#: Where keys are made, for verdicts that ask for a new or different key.
KEYS_PAGE = "WooCommerce → Settings → Advanced → REST API"

Permission = Literal["read", "write", "read_write"]
DiagnoseAuth = Literal["auto", "basic", "query", "oauth", "oauth1"]

_AUTH_LABELS = {
    "basic": "HTTP Basic",
    "query": "keys in the query string",
    "oauth": "OAuth 1.0a (HMAC-SHA256)",
}


@dataclass(frozen=True, slots=True)
class Check:
    """One question asked of the shop: `ok` True (fine), False (must be fixed) or None
    (could not tell, or not asked because an earlier check failed)."""

    name: str
    ok: bool | None
    verdict: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Every check, plus what was learnt (for a caller that wants facts, not prose)."""

    url: str
    checks: tuple[Check, ...]
    #: The auth mode that worked ("basic", "query", "oauth"), None if none did.
    auth_mode: str | None = None
    permission: Permission | None = None
    version: str | None = None
    modified_after: bool | None = None
    #: "woocommerce", "reference" (orderdesk's reference shop) or None if unknown.
    kind: str | None = None

    @property
    def ok(self) -> bool:
        """No check failed (unknowns allowed): the shop will work, fully."""
        return all(check.ok is not False for check in self.checks)

    @property
    def authenticated(self) -> bool:
        return self.check(AUTHENTICATION).ok is True

    def check(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)


# --------------------------------------------------------------------------- network words


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def network_problem(exc: BaseException, url: httpx.URL) -> tuple[str, str]:
    """(verdict, detail) for a failure before any answer: DNS, TCP or TLS, in plain words."""
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    chain = _chain(exc)
    text = " ".join(dict.fromkeys(str(e) for e in chain if str(e)))
    lowered = text.lower()
    cert = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if cert is not None or "certificate verify failed" in lowered:
        reason = getattr(cert, "verify_message", "") or "not trusted"
        if "hostname" in lowered or "ip address mismatch" in lowered:
            return (
                f"the certificate of {host} is for another name ({reason})",
                "Use the address the certificate was made for (often with or without www.).",
            )
        return (
            f"the certificate of {host} is not trusted ({reason})",
            "If the shop uses its own or a company certificate authority, give its CA "
            "bundle: --ca-bundle PATH (verify = \"PATH\" in config.toml). Turning "
            "verification off (--no-verify) lets anyone in between read the API key.",
        )
    if any(isinstance(e, ssl.SSLError) for e in chain) or "ssl" in lowered or "tls" in lowered:
        return (
            f"the TLS handshake with {host}:{port} failed",
            f"Is {host}:{port} an HTTPS site? If it only speaks plain HTTP, use an http:// "
            f"address. ({text.strip()[:160]})",
        )
    if any(isinstance(e, socket.gaierror) for e in chain) or any(
        phrase in lowered
        for phrase in ("name or service not known", "nodename nor servname", "getaddrinfo")
    ):
        return (
            f"the name {host} could not be found (DNS)",
            "Check the address for typos; the machine may also have no DNS or network.",
        )
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in lowered:
        return (
            f"nothing answers at {host}:{port} (connection refused)",
            "Is the site running, and is the port right?",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return (
            f"no connection to {host}:{port} in time",
            "A firewall may be dropping the connection, or the site is down.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return (f"{host} did not answer in time", "The site is up but too slow or stuck.")
    if any(isinstance(e, OSError) and "unreachable" in str(e).lower() for e in chain):
        return (f"{host} is unreachable from here (no route)", "Check the network connection.")
    return (f"could not talk to {host}:{port}", text.strip()[:200] or type(exc).__name__)


# --------------------------------------------------------------------------- helpers


@dataclass
class _Answer:
    response: httpx.Response | None
    error: BaseException | None = None

    @property
    def status(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    def json(self) -> Any:
        if self.response is None:
            return None
        try:
            return self.response.json()
        except (ValueError, UnicodeDecodeError):
            return None

    def error_body(self) -> tuple[str, str, Any]:
        if self.response is None:
            return "", "", None
        return parse_error_body(self.response.content)


def _is_index(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("namespaces"), list)


def _version_tuple(version: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+", version)
    return tuple(int(p) for p in parts[:3]) if parts else None


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Probe:
    """The state of one diagnosis run: the HTTP client and what was learnt so far."""

    http: httpx.AsyncClient
    site: str
    api: str
    key: str
    secret: str
    auth: str
    checks: list[Check] = field(default_factory=list)
    index: Mapping[str, Any] | None = None
    kind: str | None = None
    auth_mode: str | None = None
    permission: Permission | None = None
    version: str | None = None
    modified_after: bool | None = None
    orders_total: int | None = None
    newest_order_version: str | None = None

    async def get(self, url: str, *, auth: httpx.Auth | None = None, **kwargs: Any) -> _Answer:
        return await self._send("GET", url, auth=auth, **kwargs)

    async def _send(
        self, method: str, url: str, *, auth: httpx.Auth | None = None, **kwargs: Any
    ) -> _Answer:
        try:
            if auth is None:
                response = await self.http.request(method, url, **kwargs)
            else:
                response = await self.http.request(method, url, auth=auth, **kwargs)
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            return _Answer(None, exc)
        return _Answer(response)

    def add(self, name: str, ok: bool | None, verdict: str, detail: str = "") -> None:
        self.checks.append(Check(name, ok, verdict, detail))

    def skip_rest(self, why: str) -> None:
        done = {c.name for c in self.checks}
        for name in CHECK_NAMES:
            if name not in done:
                self.add(name, None, f"not checked: {why}")

    def auth_for(self, mode: str) -> httpx.Auth:
        return build_auth(mode, self.key, self.secret)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the checks


async def _reachability(p: _Probe) -> _Answer | None:
    """GET /wp-json/ without credentials; any HTTP answer means the site is reachable."""
    url = httpx.URL(f"{p.site}/wp-json/")
    answer = await p.get(str(url))
    if answer.response is None:
        assert answer.error is not None
        verdict, detail = network_problem(answer.error, url)
        p.add(REACHABILITY, False, verdict, detail)
        p.skip_rest("the site cannot be reached")
        return None
    tls = " over HTTPS, certificate verified" if url.scheme == "https" else ""
    if url.scheme == "http" and not is_loopback(url.host):
        tls = " over plain HTTP (requests will be signed with OAuth 1.0a)"
    p.add(REACHABILITY, True, f"{p.site} answers{tls}")
    return answer


async def _index_and_permalinks(p: _Probe, answer: _Answer) -> bool:
    """The REST index and the permalinks setting; True if /wp-json/wc/v3/ can be used."""
    response = answer.response
    assert response is not None
    if response.is_redirect:
        where = sanitize_url(response.headers.get("location", "")) or "elsewhere"
        p.add(
            REST_INDEX,
            False,
            f"{p.site}/wp-json/ redirects to {where}",
            "Use the address it redirects to as the shop address (for example https:// "
            "instead of http://, or with www.).",
        )
        p.skip_rest("the address redirects")
        return False
    data = answer.json()
    if response.status_code == 200 and _is_index(data):
        p.index = data
        _judge_index(p, data, via="/wp-json/")
        if p.checks[-1].ok is False:
            p.skip_rest("WooCommerce's REST API is not there")
            return False
        p.add(PERMALINKS, True, "on: /wp-json/ URLs work")
        return True
    if response.status_code in (401, 403):
        code, message, _ = answer.error_body()
        p.add(
            REST_INDEX,
            None,
            f"the site hides its REST index from visitors (HTTP {response.status_code}"
            f"{' ' + code if code else ''})",
            "Usually a security plugin. API keys may still work if it lets wc/ routes "
            f"through. {_short(message)}".strip(),
        )
        p.add(PERMALINKS, None, "cannot tell while the index is hidden")
        return True
    # No index at /wp-json/: "Plain" permalinks, or not a WordPress site at all.
    fallback = await p.get(f"{p.site}/", params={"rest_route": "/"})
    fallback_data = fallback.json()
    if fallback.status == 200 and _is_index(fallback_data):
        p.index = fallback_data
        _judge_index(p, fallback_data, via="/?rest_route=/")
        p.add(
            PERMALINKS,
            False,
            f"off (Plain): API keys cannot work. {PERMALINKS_FIX}",
            f"{p.site}/wp-json/ answered HTTP {response.status_code}, but "
            f"{p.site}/?rest_route=/ answers: WordPress serves its REST API only in the "
            "?rest_route= form, and WooCommerce checks API keys only on /wp-json/wc/ URLs.",
        )
        p.skip_rest("pretty permalinks are off")
        return False
    looks_html = "html" in response.headers.get("content-type", "").lower()
    p.add(
        REST_INDEX,
        False,
        f"no WordPress REST API at {p.site}/wp-json/ (HTTP {response.status_code}"
        f"{', a web page' if looks_html else ''})",
        "Is this the WordPress site address? A shop in a sub-folder needs it in the "
        "address (https://example.com/shop). The REST API may also be disabled by a plugin.",
    )
    p.skip_rest("no WordPress REST API found")
    return False


def _judge_index(p: _Probe, data: Mapping[str, Any], *, via: str) -> None:
    namespaces = [str(n) for n in data.get("namespaces") or []]
    description = str(data.get("description") or "")
    name = _short(str(data.get("name") or "").strip(), 60) or "this site"
    if "reference shop of orderdesk" in description.lower() and "wp/v2" not in namespaces:
        p.kind = "reference"
    elif namespaces:
        p.kind = "woocommerce" if "wc/v3" in namespaces else None
    if "wc/v3" in namespaces:
        what = (
            "orderdesk's reference shop" if p.kind == "reference" else "WordPress with WooCommerce"
        )
        p.add(REST_INDEX, True, f"{name}: {what} (wc/v3 available)", f"index read at {via}")
        return
    if "wc/v2" in namespaces or "wc/v1" in namespaces:
        p.add(
            REST_INDEX,
            False,
            f"{name}: WooCommerce is too old (no wc/v3 API; it came with WooCommerce 3.5)",
            f"namespaces: {', '.join(namespaces)}",
        )
        return
    p.add(
        REST_INDEX,
        False,
        f"{name}: WordPress, but WooCommerce's REST API (wc/v3) is missing",
        "Is WooCommerce installed and active? namespaces: "
        + (_short(", ".join(namespaces)) or "none"),
    )


def _modes_to_try(p: _Probe) -> list[str]:
    url = httpx.URL(p.api)
    requested = "oauth" if p.auth == "oauth1" else p.auth
    mode = choose_auth_mode(url, requested)  # type: ignore[arg-type]
    modes = [mode]
    # As WooCommerceClient does: Basic on a loopback plain-HTTP host is a guess (the
    # reference shop takes it, a real store does not); OAuth is tried when it is refused.
    if requested == "auto" and mode == "basic" and url.scheme == "http":
        modes.append("oauth")
    return modes


def _auth_verdict(mode: str, scheme: str, code: str, message: str) -> tuple[str, str]:
    """What a 401 means, told from WooCommerce's code and message and how we asked."""
    lowered = message.lower()
    if "secret is invalid" in lowered:
        return (
            "wrong secret: the store knows this key, but the secret does not match",
            f"Copy the Consumer secret (cs_…) again. It is shown only once, when the key "
            f"is made; if it is lost, make a new key at {KEYS_PAGE}.",
        )
    if "consumer key is invalid" in lowered:
        return (
            "unknown key: the store has no API key with this consumer key",
            f"Check the Consumer key (ck_…), or make a key at {KEYS_PAGE}.",
        )
    if "signature" in lowered and "method" not in lowered:
        return (
            "wrong secret: the OAuth signature does not match",
            "The secret is wrong, or the store calls itself by another address than the "
            "one given (www. or not, http or https): use the address in WordPress → "
            "Settings → General.",
        )
    if "timestamp" in lowered:
        return (
            "this computer's clock is too far from the store's (OAuth allows 15 minutes)",
            "Set the clock right (enable NTP time synchronisation).",
        )
    if "nonce" in lowered:
        return ("the store refused a reused OAuth nonce", "Try again.")
    if "read permission" in lowered:
        return (
            "the key may write but not read",
            f"Edit the key at {KEYS_PAGE} and set its Permissions to Read/Write.",
        )
    if code in ("woocommerce_rest_cannot_view", "rest_forbidden", "rest_not_logged_in"):
        if mode in ("basic", "query") and scheme == "http":
            return (
                "the store refuses HTTP Basic over plain HTTP",
                "Use the shop's https:// address (best), or OAuth 1.0a signing "
                "(--auth oauth; auth = \"oauth1\" in config.toml).",
            )
        if mode in ("basic", "query"):
            return (
                "unknown key: the store ignored it (WooCommerce does not say when it does "
                "not know a key)",
                f"Check the Consumer key (ck_…), or make one at {KEYS_PAGE}. If the key is "
                "right, the server may not see the request as HTTPS (a proxy or load "
                "balancer in front of WordPress): it must pass X-Forwarded-Proto so that "
                "WordPress's is_ssl() is true; OAuth 1.0a (auth = \"oauth1\") works anyway.",
            )
        return ("the store did not accept the signed request", _short(message))
    return (f"refused: {_short(message) or 'HTTP 401'}", f"code {code or 'none'}")


async def _authentication(p: _Probe) -> bool:
    url = httpx.URL(p.api)
    if url.scheme == "http" and not is_loopback(url.host) and p.auth in ("basic", "query"):
        p.add(
            AUTHENTICATION,
            False,
            f"not sent: {_AUTH_LABELS[p.auth]} over plain HTTP would give the secret away",
            "Use the shop's https:// address, or OAuth 1.0a (auth = \"oauth1\").",
        )
        p.skip_rest("no safe way to authenticate")
        return False
    params = {"per_page": "1", "_fields": "id,version"}
    tried: list[tuple[str, _Answer]] = []
    for mode in _modes_to_try(p):
        answer = await p.get(f"{p.api}orders", params=params, auth=p.auth_for(mode))
        tried.append((mode, answer))
        if answer.status == 200:
            break
        code, _message, _ = answer.error_body()
        # Only a Basic refusal ("cannot view") is worth a second try with OAuth.
        if not (answer.status == 401 and code == "woocommerce_rest_cannot_view"):
            break
    mode, answer = tried[-1]
    if answer.response is None:
        assert answer.error is not None
        verdict, detail = network_problem(answer.error, url)
        p.add(AUTHENTICATION, None, f"not answered: {verdict}", detail)
        p.skip_rest("the shop stopped answering")
        return False
    status = answer.response.status_code
    if status == 200:
        p.auth_mode = mode
        data = answer.json()
        total = answer.response.headers.get("x-wp-total", "").strip()
        p.orders_total = int(total) if total.isdigit() else None
        if isinstance(data, list) and data and isinstance(data[0], Mapping):
            version = data[0].get("version")
            p.newest_order_version = str(version) if version not in (None, "") else None
        label = _AUTH_LABELS[mode]
        if mode == "basic" and url.scheme == "https":
            label += " over HTTPS"
        elif mode == "basic":
            label += " on this machine"
        refused = (
            " The store refused HTTP Basic over plain HTTP, so requests are signed."
            if len(tried) > 1
            else ""
        )
        p.add(AUTHENTICATION, True, f"the key pair is accepted ({label})", refused.strip())
        return True
    code, message, _ = answer.error_body()
    if status == 401:
        verdict, detail = _auth_verdict(mode, url.scheme, code, message)
        if not p.key.startswith("ck_") and p.kind != "reference":
            detail += " (WooCommerce keys start with ck_, secrets with cs_.)"
        p.add(AUTHENTICATION, False, verdict, detail.strip())
    elif status == 403:
        p.add(
            AUTHENTICATION,
            False,
            "the key's WordPress user may not list orders",
            "The key must belong to an Administrator or Shop Manager "
            f"({code or 'HTTP 403'}: {_short(message)}).",
        )
    elif status == 404:
        p.add(
            AUTHENTICATION,
            False,
            f"{p.api}orders does not exist ({code or 'HTTP 404'})",
            "WooCommerce's REST API is missing or disabled on this site.",
        )
    else:
        p.add(
            AUTHENTICATION,
            None,
            f"the store failed to answer (HTTP {status})",
            _short(message or answer.response.text),
        )
    p.skip_rest("authentication did not succeed")
    return False


async def _permission(p: _Probe) -> None:
    assert p.auth_mode is not None
    answer = await p._send(
        "POST", f"{p.api}orders/0/notes", json={}, auth=p.auth_for(p.auth_mode)
    )
    code, message, _ = answer.error_body()
    status = answer.status
    if status is None:
        p.add(PERMISSION, None, "could not tell: the shop did not answer the probe")
        return
    if status == 401 and (
        code == "woocommerce_rest_authentication_error" or "write permission" in message.lower()
    ):
        p.permission = "read"
        p.add(
            PERMISSION,
            False,
            "read only: orders can be shown but not changed",
            f"For status changes, notes and refunds, edit the key at {KEYS_PAGE} and set "
            "its Permissions to Read/Write (or make a new Read/Write key).",
        )
        return
    if status in (401, 403):
        p.permission = "read"
        p.add(
            PERMISSION,
            False,
            "the key may write, but its WordPress user may not change orders",
            f"Use a key of an Administrator or Shop Manager ({code or status}: "
            f"{_short(message)}).",
        )
        return
    if status in (400, 404):
        # Past the permission check, stopped by the missing note or order 0: nothing written.
        p.permission = "read_write"
        p.add(PERMISSION, True, "read and write")
        return
    p.add(PERMISSION, None, f"could not tell (the probe got HTTP {status})", _short(message))


async def _version(p: _Probe) -> None:
    assert p.auth_mode is not None
    version: str | None = None
    source = ""
    wordpress = ""
    if p.kind != "reference":
        answer = await p.get(
            f"{p.api}system_status",
            params={"_fields": "environment"},
            auth=p.auth_for(p.auth_mode),
        )
        data = answer.json()
        environment = data.get("environment") if isinstance(data, Mapping) else None
        if answer.status == 200 and isinstance(environment, Mapping):
            found = environment.get("version")
            if isinstance(found, str) and found:
                version, source = found, "from the system status"
            wp_version = environment.get("wp_version")
            if isinstance(wp_version, str) and wp_version:
                wordpress = f"WordPress {wp_version}"
    if version is None and p.newest_order_version:
        version = p.newest_order_version
        source = "the version that saved the newest order"
    p.version = version
    if version is None:
        p.add(
            VERSION,
            None,
            "unknown",
            "The key's user may not read the system status, and there is no order to "
            "tell from.",
        )
        return
    parsed = _version_tuple(version)
    what = "reference shop, speaking WooCommerce" if p.kind == "reference" else "WooCommerce"
    detail = "; ".join(x for x in (source, wordpress) if x)
    if parsed is not None and parsed < (3, 5):
        p.add(VERSION, False, f"{what} {version}: too old (wc/v3 needs 3.5 or later)", detail)
    elif parsed is not None and parsed < (5, 8):
        p.add(VERSION, True, f"{what} {version} (older than 5.8: no modified_after)", detail)
    else:
        p.add(VERSION, True, f"{what} {version}", detail)


async def _modified_after(p: _Probe, now: datetime) -> None:
    assert p.auth_mode is not None
    cutoff = now + timedelta(days=1)
    params = {
        "page": "1",
        "per_page": "1",
        "modified_after": iso_utc(cutoff),
        "dates_are_gmt": "true",
        "orderby": "modified",
        "order": "asc",
        "_fields": "id,date_modified_gmt",
    }
    answer = await p.get(f"{p.api}orders", params=params, auth=p.auth_for(p.auth_mode))
    fallback = (
        "The console follows changes by comparing the full order list at each poll instead "
        "(works, but heavier on a big store). WooCommerce 5.8 or later fixes this."
    )
    status = answer.status
    if status is None:
        p.add(MODIFIED_AFTER, None, "could not tell: the shop did not answer")
        return
    code, message, _ = answer.error_body()
    if status == 400:
        p.modified_after = False
        p.add(
            MODIFIED_AFTER,
            False,
            f"not supported (the store refused it: {_short(message) or code})",
            fallback,
        )
        return
    if status != 200:
        p.add(MODIFIED_AFTER, None, f"could not tell (HTTP {status})", _short(message))
        return
    orders = answer.json()
    if isinstance(orders, list) and orders:
        p.modified_after = False
        p.add(
            MODIFIED_AFTER,
            False,
            "not supported (the store ignores it and lists older orders)",
            fallback,
        )
        return
    parsed = _version_tuple(p.version) if p.version else None
    if p.orders_total == 0 and not (parsed and parsed >= (5, 8)):
        p.add(
            MODIFIED_AFTER,
            None,
            "cannot tell on a store without orders",
            "If it turns out unsupported, the console falls back by itself.",
        )
        return
    p.modified_after = True
    p.add(MODIFIED_AFTER, True, "supported: the live feed asks only for what changed")


# --------------------------------------------------------------------------- entry point


def _verify_context(verify: bool | str) -> bool | ssl.SSLContext:
    """`verify` as httpx wants it: a CA bundle path (file or folder) becomes a context."""
    if isinstance(verify, bool):
        return verify
    path = os.path.expanduser(verify)
    if os.path.isdir(path):
        return ssl.create_default_context(capath=path)
    return ssl.create_default_context(cafile=path)



async def diagnose(
    url: str,
    key: str,
    secret: str,
    *,
    auth: DiagnoseAuth = "auto",
    verify: bool | str = True,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 10.0,
    now: datetime | None = None,
) -> Diagnosis:
    """Ask the shop at `url` whether orderdesk can work with it; never raises for the
    shop's sake (a bad address is a failed check too).

    `auth` as for `WooCommerceClient` ("oauth1", the config file's spelling, is accepted);
    `verify` True, False or a CA bundle path; `transport` replaces the network in tests.
    """
    try:
        api = api_base_url(url)
    except ValueError as exc:
        checks = [Check(REACHABILITY, False, f"not a shop address: {exc}")]
        checks += [
            Check(name, None, "not checked: the address is not usable") for name in CHECK_NAMES[1:]
        ]
        return Diagnosis(url=url, checks=tuple(checks))
    site = site_url(api)
    try:
        verify_arg = _verify_context(verify)
    except (OSError, ssl.SSLError) as exc:
        checks = [
            Check(
                REACHABILITY,
                False,
                f"the CA bundle {verify} cannot be used",
                f"{exc}. Give the path of a PEM file (or folder) of CA certificates.",
            )
        ]
        checks += [
            Check(name, None, "not checked: the CA bundle is not usable")
            for name in CHECK_NAMES[1:]
        ]
        return Diagnosis(url=site, checks=tuple(checks))
    host = httpx.URL(api).host
    async with httpx.AsyncClient(
        transport=transport,
        verify=verify_arg,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        follow_redirects=False,
        trust_env=not is_loopback(host),
        headers={"Accept": "application/json", "User-Agent": "orderdesk/0.1 (diagnose)"},
    ) as http:
        p = _Probe(http=http, site=site, api=api, key=key, secret=secret, auth=auth)
        answer = await _reachability(p)
        usable = answer is not None and await _index_and_permalinks(p, answer)
        if usable and await _authentication(p):
            await _permission(p)
            await _version(p)
            await _modified_after(p, now or datetime.now(UTC))
    return Diagnosis(
        url=site,
        checks=tuple(p.checks),
        auth_mode=p.auth_mode,
        permission=p.permission,
        version=p.version,
        modified_after=p.modified_after,
        kind=p.kind,
    )


#: How a check's `ok` is shown in a terminal.
MARKS = {True: "✔", False: "✖", None: "?"}
MARKS_ASCII = {True: "OK", False: "FAIL", None: "?"}


def verdict_lines(diagnosis: Diagnosis, *, ascii_only: bool = False) -> list[str]:
    """The diagnosis as lines for a terminal: `✔ Name: verdict` and an indented detail."""
    marks = MARKS_ASCII if ascii_only else MARKS
    lines: list[str] = []
    for check in diagnosis.checks:
        lines.append(f"{marks[check.ok]} {check.name}: {check.verdict}")
        if check.detail:
            lines.append(f"    {check.detail}")
    return lines
