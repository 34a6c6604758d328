"""The user's ``config.toml``: read with tomllib, validated, typed.

Why this shape:

- The console must run with no file at all, so every setting has a default and a missing
  file is not an error.
- A broken file must say *where*: every error names the file, the line and the key
  (``config.toml, line 12: shops.main.secert: unknown key (did you mean 'secret'?)``).
  tomllib only gives positions for syntax errors, so for the rest ``KeyLines`` scans the
  text for the line that defines a key.
- The file is edited by hand and may carry comments; tomli-w would drop them. So loading
  never writes, and ``save_profile`` creates the file or *appends* a table as text; it
  rewrites a whole file only when asked to replace a profile in a file with no comments.
- Shop secrets may live in the file; it is created 0600 and a warning is raised when it is
  readable by others. A secret can also come from an environment variable or a command
  (a password manager), which ``resolve_secret`` runs with a timeout.
"""

from __future__ import annotations

import dataclasses
import difflib
import getpass
import os
import re
import signal
import socket
import stat
import subprocess
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from tui import paths
from tui.shop_identity import ShopIdentity
from tui.status_style import StatusStyleError, StatusStyles

#: Document kinds that can be sent to a named printer (``[printers]``).
DOCUMENT_KINDS: tuple[str, ...] = ("packing_slip", "invoice", "receipt", "pick_list", "credit_note")
#: Shop kinds a profile can name; one client adapter each.
SHOP_KINDS: tuple[str, ...] = ("woocommerce", "reference", "prestashop")
#: How the client authenticates: ``auto`` picks Basic over HTTPS and OAuth 1.0a over HTTP
#: (what WooCommerce accepts); the others force one method.
AUTH_MODES: tuple[str, ...] = ("auto", "basic", "query", "oauth1")
#: Interface languages with translations.
LANGUAGES: tuple[str, ...] = ("en", "fr")
#: The shortest poll interval, in seconds: faster only loads the shop.
MIN_POLL_INTERVAL = 0.5
#: How long a ``secret_command`` may run before it is abandoned.
SECRET_COMMAND_TIMEOUT = 10.0

#: A status slug as WooCommerce stores it (without the "wc-" prefix; 20 characters at most).
STATUS_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConfigError(Exception):
    """A configuration problem, with where it is: ``path``, ``line`` (1-based), ``key``."""

    def __init__(
        self,
        problem: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = path
        self.line = line
        self.key = key
        super().__init__(locate(problem, path=path, line=line, key=key))


class SecretError(ConfigError):
    """A shop secret could not be obtained (missing variable, failing command)."""


def locate(problem: str, *, path: Path | None, line: int | None, key: str | None) -> str:
    """``FILE, line N: KEY: problem``, leaving out the parts that are not known."""
    where = ", ".join(p for p in (str(path) if path else "", f"line {line}" if line else "") if p)
    prefix = ": ".join(p for p in (where, key or "") if p)
    return f"{prefix}: {problem}" if prefix else problem


# --------------------------------------------------------------------------- the settings


@dataclass(frozen=True, slots=True)
class StatusSetting:
    """``[statuses.SLUG]``: a custom status, or overrides for a core one; ``None`` = built-in.

    The look (label, colour, symbols) is checked and applied by ``tui.status_style``;
    ``holds_stock`` says whether orders in a custom status keep stock reserved.
    """

    slug: str
    label: str | None = None
    colour: str | None = None
    symbol: str | None = None
    ascii_symbol: str | None = None
    holds_stock: bool | None = None

    def style_entry(self) -> dict[str, str]:
        """The look keys that are set, as ``StatusStyles.from_config`` takes them."""
        keys = ("label", "colour", "symbol", "ascii_symbol")
        return {k: v for k in keys if (v := getattr(self, k)) is not None}


@dataclass(frozen=True, slots=True)
class Printers:
    """``[printers]``: the printer for each document kind; ``None`` = ask / system default."""

    packing_slip: str | None = None
    invoice: str | None = None
    receipt: str | None = None
    pick_list: str | None = None
    credit_note: str | None = None

    def for_kind(self, kind: str) -> str | None:
        if kind not in DOCUMENT_KINDS:
            raise ValueError(f"unknown document kind {kind!r}")
        return getattr(self, kind)


@dataclass(frozen=True, slots=True)
class ShopProfile:
    """``[shops.NAME]``: one shop the console can open. At most one secret source is set."""

    name: str
    url: str
    kind: str = "woocommerce"
    key: str = ""
    secret: str | None = field(default=None, repr=False)
    secret_env: str | None = None
    secret_command: str | None = None
    verify: bool | str = True
    auth: str = "auto"
    #: PrestaShop: the shop's time zone (its dates carry none; "" = this machine's).
    timezone: str = ""
    #: PrestaShop: the back office's address, where staff are sent for refunds.
    admin_url: str = ""

    @property
    def has_secret(self) -> bool:
        return any(v is not None for v in (self.secret, self.secret_env, self.secret_command))


def _default_staff() -> str:
    try:
        return getpass.getuser() or "staff"
    except (OSError, KeyError):  # no login name (some containers): still attribute changes
        return "staff"


def _default_workstation() -> str:
    try:
        return socket.gethostname() or "workstation"
    except OSError:
        return "workstation"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything ``config.toml`` can say, with the defaults used when it says nothing."""

    staff: str = field(default_factory=_default_staff)
    workstation: str = field(default_factory=_default_workstation)
    #: Add a private note naming staff and workstation to every change the console makes.
    attribute_changes: bool = True
    poll_interval: float = 2.0
    bell: bool = True
    notify_customer_default: bool = False
    theme: str = "textual-dark"
    #: ``"en"``, ``"fr"`` or ``""`` (take it from the environment; see ``lang``).
    language: str = ""
    #: The profile opened when none is named (optional; a single profile is the default).
    default_shop: str = ""
    statuses: dict[str, StatusSetting] = field(default_factory=dict)
    printers: Printers = field(default_factory=Printers)
    #: The seller printed on documents (``name`` empty when not configured).
    shop_identity: ShopIdentity = field(default_factory=lambda: ShopIdentity(name=""))
    shops: dict[str, ShopProfile] = field(default_factory=dict)
    #: Binding id -> keys (``"ctrl+r,R"``), applied with ``App.set_keymap``.
    keymap: dict[str, str] = field(default_factory=dict)
    #: The file read, or ``None`` when there was none and these are the defaults.
    source: Path | None = None
    #: Things worth telling the user that do not stop the console (e.g. file permissions).
    warnings: list[str] = field(default_factory=list)

    def status_style_entries(self) -> dict[str, dict[str, str]]:
        """``[statuses]`` in the shape ``StatusStyles.from_config`` takes."""
        return {slug: setting.style_entry() for slug, setting in self.statuses.items()}

    @property
    def lang(self) -> str:
        """The interface language in effect: the setting, else from ``LANG`` and friends."""
        return self.language or language_from_env()

    def shop_profile(self, name: str | None = None) -> ShopProfile | None:
        """The named profile, else ``default_shop``, else the only one; ``None`` if none fit.

        An unknown name is an error naming the profiles there are, since the user typed it.
        """
        wanted = name or self.default_shop
        if wanted:
            try:
                return self.shops[wanted]
            except KeyError:
                known = ", ".join(sorted(self.shops)) or "none"
                raise ConfigError(
                    f"no shop profile named {wanted!r} (profiles: {known})", path=self.source
                ) from None
        if len(self.shops) == 1:
            return next(iter(self.shops.values()))
        return None


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``"fr"`` when the locale variables ask for French, else ``"en"``."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


# --------------------------------------------------------------------------- finding lines


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _parse_key(text: str, i: int) -> tuple[list[str], int] | None:
    """A dotted TOML key starting at ``text[i]``: its parts and the index after it."""
    parts: list[str] = []
    n = len(text)
    while True:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            return None
        if text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return None
            parts.append(text[i + 1 : j])
            i = j + 1
        elif text[i] == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return None
            parts.append(text[i + 1 : j])
            i = j + 1
        else:
            match = _BARE_KEY.match(text, i)
            if not match:
                return None
            parts.append(match.group())
            i = match.end()
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == ".":
            i += 1
            continue
        return parts, i


class KeyLines:
    """Maps key paths to the line (1-based) that defines them in a TOML text.

    Not a TOML parser: a line scan good enough to point at ``[table]`` headers and
    ``key = value`` lines, skipping the insides of multi-line strings. Array-of-tables
    elements are numbered, so ``("message", 2, "text")`` is the ``text`` of the third
    ``[[message]]``. Used only after tomllib accepted the text, to place an error.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str | int, ...], int] = {}
        table: tuple[str | int, ...] = ()
        counts: dict[tuple[str, ...], int] = {}
        closing: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if closing is not None:
                if line.count(closing) % 2 == 1:
                    closing = None
                continue
            stripped = line.strip()
            if stripped.startswith("[["):
                parsed = _parse_key(stripped, 2)
                if parsed and stripped[parsed[1] :].startswith("]]"):
                    name = tuple(parsed[0])
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    table = (*name, index)
                    self._lines.setdefault(name, number)
                    self._lines.setdefault(table, number)
                continue
            if stripped.startswith("["):
                parsed = _parse_key(stripped, 1)
                if parsed and stripped[parsed[1] :].startswith("]"):
                    table = tuple(parsed[0])
                    self._lines.setdefault(table, number)
                continue
            parsed = _parse_key(stripped, 0)
            if not parsed or not stripped[parsed[1] :].startswith("="):
                continue
            key = (*table, *parsed[0])
            for k in range(len(table) + 1, len(key) + 1):
                self._lines.setdefault(key[:k], number)
            value = stripped[parsed[1] + 1 :]
            for quotes in ('"""', "'''"):
                if value.count(quotes) % 2 == 1:
                    closing = quotes
                    break

    def line_of(self, key: Iterable[str | int]) -> int | None:
        """The line defining ``key``, else that of its nearest enclosing table or key."""
        path = tuple(key)
        for k in range(len(path), 0, -1):
            if path[:k] in self._lines:
                return self._lines[path[:k]]
        return None


def dotted(key: Iterable[str | int]) -> str:
    """``("shops", "main", "url")`` -> ``shops.main.url``; list indices as ``[n]``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            part_text = part if _BARE_KEY.fullmatch(part) else f'"{part}"'
            out += f".{part_text}" if out else part_text
    return out


def describe(value: Any) -> str:
    """A value as the user wrote it, with its TOML type, for "expected X, got Y"."""
    kinds = {bool: "true/false", int: "a whole number", float: "a number", str: "text",
             list: "a list", dict: "a table"}
    kind = next((name for t, name in kinds.items() if isinstance(value, t)), "a date/time")
    shown = tomli_w.dumps({"v": value}).partition("=")[2].strip() if kind != "a table" else ""
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{shown} ({kind})" if shown else kind


def syntax_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    """The line tomllib names in its message (Python 3.11 has no ``lineno`` attribute)."""
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line
    match = re.search(r"at line (\d+)", str(error))
    return int(match.group(1)) if match else None


def read_toml(path: Path, error: type[ConfigError] = ConfigError) -> tuple[dict[str, Any], str]:
    """Read and parse one TOML file; any failure is an ``error`` naming the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error("is not UTF-8 text", path=path, line=line) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", str(exc))
        raise error(
            f"invalid TOML: {message}", path=path, line=syntax_error_line(exc)
        ) from None


# --------------------------------------------------------------------------- validation


class Section:
    """One table of a parsed TOML document, read with its position for error messages."""

    def __init__(
        self,
        data: Mapping[str, Any],
        key: tuple[str | int, ...],
        path: Path | None,
        text: str,
        error: type[ConfigError] = ConfigError,
    ) -> None:
        self.data = data
        self.key = key
        self.path = path
        self.text = text
        self.error = error
        self._lines: KeyLines | None = None

    def line_of(self, name: str | int | None) -> int | None:
        """The line of ``name`` in this table (the table's own line for ``None``)."""
        if self._lines is None:
            self._lines = KeyLines(self.text)
        return self._lines.line_of(self.key if name is None else (*self.key, name))

    def fail(self, name: str | int | None, problem: str) -> ConfigError:
        key = self.key if name is None else (*self.key, name)
        return self.error(problem, path=self.path, line=self.line_of(name), key=dotted(key) or None)

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse keys outside ``allowed``, suggesting the closest one (typos are common)."""
        allowed = list(allowed)
        for name in self.data:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else (
                    f" (known keys: {', '.join(allowed)})" if allowed else ""
                )
                raise self.fail(name, f"unknown key{hint}")

    def typed(self, name: str, types: tuple[type, ...], expected: str) -> Any:
        """The value of ``name`` if it has one of ``types`` (TOML's true is not a number)."""
        value = self.data[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise self.fail(name, f"expected {expected}, got {describe(value)}")
        return value

    def string(self, name: str, default: str = "", *, required: bool = False,
               empty: bool = True) -> str:
        if name not in self.data:
            if required:
                raise self.fail(None, f"missing key {name!r}")
            return default
        value = self.typed(name, (str,), "text in quotes")
        if not empty and not value.strip():
            raise self.fail(name, "must not be empty")
        return value

    def opt_string(self, name: str) -> str | None:
        return self.string(name, empty=False) if name in self.data else None

    def boolean(self, name: str, default: bool) -> bool:
        if name not in self.data:
            return default
        return self.typed(name, (bool,), "true or false")

    def number(self, name: str, default: float, *, minimum: float, maximum: float) -> float:
        if name not in self.data:
            return default
        value = float(self.typed(name, (int, float), "a number"))
        if not minimum <= value <= maximum:
            raise self.fail(name, f"must be between {minimum:g} and {maximum:g}, got {value:g}")
        return value

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        value = self.string(name, default)
        choices = tuple(choices)
        if value not in choices:
            raise self.fail(name, f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        """A list of text lines; a single string is taken as a one-line list."""
        if name not in self.data:
            return ()
        if isinstance(self.data[name], str):
            return (self.data[name],)
        value = self.typed(name, (list,), "a list of text lines")
        for item in value:
            if not isinstance(item, str):
                raise self.fail(name, f"expected a list of text lines, got {describe(item)} in it")
        return tuple(value)

    def table(self, name: str) -> Section:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, f"expected a table ([{dotted((*self.key, name))}]), "
                                  f"got {describe(value)}")
        return Section(value, (*self.key, name), self.path, self.text, self.error)

    def tables(self) -> Iterator[tuple[str, Section]]:
        """Each sub-table, for ``[shops.NAME]``-style sections keyed by the user's names."""
        for name in self.data:
            yield name, self.table(name)


def _parse_status(slug: str, s: Section) -> StatusSetting:
    if slug.startswith("wc-"):
        raise s.fail(None, f"write the status slug without the 'wc-' prefix: [statuses.{slug[3:]}]")
    if not STATUS_SLUG.fullmatch(slug):
        raise s.fail(None, "a status slug is 1-20 lower-case letters, digits, '-' or '_'")
    s.only(("label", "colour", "color", "symbol", "ascii_symbol", "holds_stock"))
    entry = {k: s.string(k) for k in ("label", "colour", "color", "symbol", "ascii_symbol")
             if k in s.data}
    try:  # one set of rules for how a status may look: the status_style module's
        StatusStyles.from_config({slug: entry})
    except StatusStyleError as exc:
        name = exc.key.rpartition(".")[2]
        raise s.fail(name, str(exc).removeprefix(f"{exc.key}: ")) from None
    return StatusSetting(
        slug=slug,
        label=entry.get("label", "").strip() or None,
        colour=(entry.get("colour") or entry.get("color") or "").strip() or None,
        symbol=entry.get("symbol", "").strip() or None,
        ascii_symbol=entry.get("ascii_symbol", "").strip() or None,
        holds_stock=s.boolean("holds_stock", False) if "holds_stock" in s.data else None,
    )


def _parse_identity(s: Section) -> ShopIdentity:
    fields_ = ("name", "address_lines", "vat_number", "company_number", "email", "phone",
               "website", "legal_mentions", "timezone")
    s.only(fields_)
    timezone = s.string("timezone", "UTC", empty=False).strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise s.fail("timezone", f"unknown time zone {timezone!r} (e.g. 'Europe/Paris')") from None
    return ShopIdentity(
        address_lines=s.strings("address_lines"),
        legal_mentions=s.strings("legal_mentions"),
        timezone=timezone,
        **{k: s.string(k).strip() for k in ("name", "vat_number", "company_number", "email",
                                            "phone", "website")},
    )


def _parse_profile(name: str, s: Section, warnings: list[str]) -> ShopProfile:
    if not _PROFILE_NAME.fullmatch(name):
        raise s.fail(None, "a profile name is 1-40 letters, digits, '-' or '_'")
    s.only(("url", "kind", "key", "secret", "secret_env", "secret_command", "verify", "auth",
            "timezone", "admin_url"))
    url = s.string("url", required=True, empty=False).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise s.fail("url", f"expected an http:// or https:// address, got {url!r}")
    kind = s.choice("kind", "woocommerce", SHOP_KINDS)
    sources = [k for k in ("secret", "secret_env", "secret_command") if k in s.data]
    if len(sources) > 1:
        raise s.fail(sources[1], f"give only one of {', '.join(sources)}")
    secret_env = s.opt_string("secret_env")
    if secret_env is not None and not _ENV_NAME.fullmatch(secret_env):
        raise s.fail("secret_env", f"{secret_env!r} is not an environment variable name")
    key = s.string("key")
    if kind == "woocommerce" and not (key and sources):
        missing = "key" if not key else "secret, secret_env or secret_command"
        raise s.fail(None, f"a WooCommerce profile needs {missing} (a REST API key pair)")
    if kind == "prestashop" and not (key or sources):
        raise s.fail(None, "a PrestaShop profile needs its Webservice key: key (or secret, "
                           "secret_env or secret_command to keep it out of this file)")
    if kind == "prestashop" and key and sources:
        raise s.fail(sources[0], "a PrestaShop profile has one credential, the Webservice "
                                 "key: give key or a secret source, not both")
    timezone = s.string("timezone").strip()
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise s.fail("timezone",
                         f"unknown time zone {timezone!r} (e.g. 'Europe/Paris')") from None
    admin_url = s.string("admin_url").strip()
    if admin_url and urlsplit(admin_url).scheme not in ("http", "https"):
        raise s.fail("admin_url", f"expected an http:// or https:// address, got {admin_url!r}")
    verify: bool | str = True
    if "verify" in s.data:
        verify = s.typed("verify", (bool, str), "true, false or the path of a CA bundle")
        if isinstance(verify, str):
            if not verify.strip():
                raise s.fail("verify", "must not be empty")
            bundle = Path(verify).expanduser()
            if not bundle.is_file():
                warnings.append(locate(f"CA bundle {str(bundle)!r} not found", path=s.path,
                                       line=s.line_of("verify"), key=dotted((*s.key, "verify"))))
            verify = str(bundle)
    return ShopProfile(
        name=name,
        url=url,
        kind=kind,
        key=key,
        secret=s.opt_string("secret"),
        secret_env=secret_env,
        secret_command=s.opt_string("secret_command"),
        verify=verify,
        auth=s.choice("auth", "auto", AUTH_MODES),
        timezone=timezone,
        admin_url=admin_url,
    )


def _parse(root: Section, warnings: list[str]) -> dict[str, Any]:
    """The validated settings of a whole file, as ``Config`` keyword arguments."""
    root.only((
        "staff", "workstation", "attribute_changes", "poll_interval", "bell",
        "notify_customer_default", "theme", "language", "default_shop",
        "statuses", "printers", "shop_identity", "shops", "keymap",
    ))
    values: dict[str, Any] = {}
    for name in ("staff", "workstation", "theme"):
        if name in root.data:
            values[name] = root.string(name, empty=False).strip()
    for name in ("attribute_changes", "bell", "notify_customer_default"):
        if name in root.data:
            values[name] = root.boolean(name, True)
    values["poll_interval"] = root.number("poll_interval", 2.0, minimum=MIN_POLL_INTERVAL,
                                          maximum=3600)
    values["language"] = root.choice("language", "", ("", *LANGUAGES))

    statuses = root.table("statuses")
    values["statuses"] = {slug: _parse_status(slug, s) for slug, s in statuses.tables()}

    printers = root.table("printers")
    printers.only(DOCUMENT_KINDS)
    values["printers"] = Printers(**{k: printers.opt_string(k) for k in DOCUMENT_KINDS})

    values["shop_identity"] = _parse_identity(root.table("shop_identity"))

    values["shops"] = {n: _parse_profile(n, s, warnings) for n, s in root.table("shops").tables()}
    default_shop = root.string("default_shop")
    if default_shop and default_shop not in values["shops"]:
        known = ", ".join(sorted(values["shops"])) or "none defined"
        raise root.fail("default_shop", f"no [shops.{default_shop}] profile (profiles: {known})")
    values["default_shop"] = default_shop

    keymap = root.table("keymap")
    values["keymap"] = {k: keymap.string(k, empty=False) for k in keymap.data}
    return values


def load_config(path: Path | None = None) -> Config:
    """Read ``config.toml`` (default location from ``tui.paths``); never writes anything.

    No file: the defaults. A broken file: ``ConfigError`` naming file, line and key.
    """
    path = paths.config_file() if path is None else Path(path)
    if not path.exists():
        return Config()
    data, text = read_toml(path)
    warnings: list[str] = []
    values = _parse(Section(data, (), path, text), warnings)
    mode = _file_mode(path)
    if mode is not None and mode & 0o077:
        warnings.insert(0, locate(
            f"open to other users (mode {mode:04o}) and may hold shop secrets; "
            f"run: chmod 600 {path}", path=path, line=None, key=None,
        ))
    return Config(source=path, warnings=warnings, **values)


def _file_mode(path: Path) -> int | None:
    if os.name != "posix":
        return None
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


# --------------------------------------------------------------------------- secrets


def resolve_secret(profile: ShopProfile) -> str:
    """The profile's API secret: inline, from an environment variable, or a command's output.

    ``""`` when the profile names no secret (only possible for the reference shop). The
    command runs through the shell, so ``pass show shop/ck`` or ``op read …`` work as typed.
    """
    where = f"shops.{profile.name}"
    if profile.secret is not None:
        return profile.secret
    if profile.secret_env is not None:
        value = os.environ.get(profile.secret_env, "")
        if not value:
            raise SecretError(
                f"environment variable {profile.secret_env} is not set or empty",
                key=f"{where}.secret_env",
            )
        return value
    if profile.secret_command is not None:
        return _run_secret_command(profile.secret_command, f"{where}.secret_command")
    return ""


def _run_secret_command(command: str, key: str) -> str:
    # Its own process group, so a timeout also ends what the shell started (a password
    # manager's helper); otherwise a child holding the pipe would keep us waiting.
    try:
        process = subprocess.Popen(
            command,
            shell=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise SecretError(f"command {command!r} could not run: {exc}", key=key) from None
    try:
        stdout, stderr = process.communicate(timeout=SECRET_COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.communicate()
        raise SecretError(
            f"command {command!r} did not finish within {SECRET_COMMAND_TIMEOUT:g} s", key=key
        ) from None
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        why = f": {detail[-1][:200]}" if detail else ""
        raise SecretError(
            f"command {command!r} failed with exit status {done.returncode}{why}", key=key
        )
    secret = done.stdout.rstrip("\r\n")
    if not secret.strip():
        raise SecretError(f"command {command!r} printed nothing", key=key)
    return secret


# --------------------------------------------------------------------------- writing


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` all at once: a crash leaves the old file or the new one.

    Writes a temporary file beside the target and renames it over. A symlink is followed so
    the link survives. ``mode`` None keeps the existing file's mode (0644 for a new file).
    """
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if mode is None:
        mode = _file_mode(path) or 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if os.name == "posix":
                os.fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def has_comments(text: str) -> bool:
    """Whether a TOML text has a ``#`` comment (outside strings): rewriting would lose it."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            return True
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if c == '"' and text[i] == "\\":
                    i += 1
                elif len(quote) == 1 and text[i] == "\n":
                    break
                i += 1
            i += len(quote)
            continue
        i += 1
    return False


def _profile_table(profile: ShopProfile) -> dict[str, Any]:
    """The TOML table for a profile: only what differs from the defaults."""
    table: dict[str, Any] = {"url": profile.url, "kind": profile.kind}
    defaults = {"key": "", "verify": True, "auth": "auto", "timezone": "", "admin_url": ""}
    for f in fields(ShopProfile):
        value = getattr(profile, f.name)
        if f.name in ("name", "url", "kind") or value is None or defaults.get(f.name) == value:
            continue
        table[f.name] = value
    return table


def save_profile(
    name: str,
    profile: ShopProfile | Mapping[str, Any],
    path: Path | None = None,
    *,
    replace: bool = False,
) -> Path:
    """Add the ``[shops.NAME]`` profile to ``config.toml`` (for ``orderdesk shops add``).

    No file: it is created, mode 0600. A file: the table is *appended* as text, so the
    user's comments and layout stay. A profile of that name already there is refused unless
    ``replace``, and even then only a file without comments is rewritten; with
    comments the user is asked to edit by hand. Returns the file written.
    """
    path = paths.config_file() if path is None else Path(path)
    if isinstance(profile, ShopProfile):
        profile = dataclasses.replace(profile, name=name)
        table = _profile_table(profile)
    else:
        table = dict(profile)
    # Validate exactly as load_config would, so the file we write is one we can read back.
    check = tomli_w.dumps({"shops": {name: table}})
    _parse_profile(name, Section(tomllib.loads(check)["shops"][name], ("shops", name), None,
                                 check), [])
    snippet = tomli_w.dumps({"shops": {name: table}})

    if not path.exists():
        atomic_write_text(path, snippet, mode=0o600)
        return path

    data, text = read_toml(path)
    shops = data.get("shops", {})
    if isinstance(shops, dict) and name in shops:
        line = KeyLines(text).line_of(("shops", name))
        if not replace:
            raise ConfigError(
                f"a shop profile named {name!r} already exists; choose another name or "
                "replace it", path=path, line=line, key=f"shops.{name}",
            )
        if has_comments(text):
            raise ConfigError(
                f"not rewriting a file with comments (they would be lost); edit [shops.{name}] "
                f"by hand:\n{snippet}", path=path, line=line, key=f"shops.{name}",
            )
        shops[name] = table
        new_text = tomli_w.dumps(data)
    else:
        new_text = text + ("" if not text or text.endswith("\n") else "\n") + "\n" + snippet
        expected = dict(data)
        expected["shops"] = {**(shops if isinstance(shops, dict) else {}), name: table}
        try:
            appended_ok = tomllib.loads(new_text) == expected
        except tomllib.TOMLDecodeError:
            appended_ok = False
        if not appended_ok:  # e.g. `shops` written as an inline table: appending would break it
            raise ConfigError(
                f"cannot add [shops.{name}] safely to this file; add it by hand:\n{snippet}",
                path=path,
            )
    atomic_write_text(path, new_text, mode=0o600)
    return path
