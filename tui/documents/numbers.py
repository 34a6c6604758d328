"""Invoice and credit-note numbering: per shop, per kind, per year, without gaps or repeats.

Invoice numbers are a legal sequence (in France, "une numérotation continue, sans
rupture"): two consoles on one machine must never hand out the same number, and a
crash must never lose the counter. So each `next()` holds an exclusive lock on a lock
file for the whole read–increment–write, and writes the counters to a temp file that is
fsynced and renamed over the old one (`os.replace`, atomic on POSIX and Windows). A
counter file that cannot be read is an error, never a silent restart at 1.

The file is TOML (written with tomli-w), one table per shop and kind::

    ["Atelier Lefèvre".invoice]
    2026 = 123
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from tui.i18n import _

DEFAULT_PREFIXES: Mapping[str, str] = {"invoice": "INV", "credit_note": "AV"}
FILE_NAME = "document-numbers.toml"
LOCK_NAME = "document-numbers.lock"


class DocumentNumbersError(RuntimeError):
    """The counter file is unreadable or malformed; numbering stops rather than repeat."""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock across processes, held until the block ends (or the process dies:
    the OS drops the lock with the file descriptor, so a crash never leaves it stuck)."""
    with open(path, "a+b") as handle:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class DocumentNumbers:
    """Hands out document numbers such as "INV-2026-000123" and "AV-2026-000007".

    Counters restart each calendar year (the year is part of the number, which keeps the
    sequence continuous within it). `prefixes` maps each kind to its prefix; an unknown
    kind is refused so a typo cannot start a parallel sequence.
    """

    def __init__(
        self,
        folder: Path | str,
        *,
        prefixes: Mapping[str, str] | None = None,
        digits: int = 6,
    ) -> None:
        self.folder = Path(folder)
        self.prefixes = dict(DEFAULT_PREFIXES if prefixes is None else prefixes)
        self.digits = digits

    @property
    def path(self) -> Path:
        return self.folder / FILE_NAME

    def format(self, kind: str, year: int, counter: int) -> str:
        return f"{self._prefix(kind)}-{year}-{counter:0{self.digits}d}"

    def next(self, shop_name: str, kind: str, *, year: int | None = None) -> str:
        """Take the next number for `shop_name`'s `kind` in `year` (this year by default).

        The counter is saved before the number is returned: a number handed out is used up
        even if the document then fails to print, so the caller should record it.
        """
        self._prefix(kind)
        year = year or date.today().year
        self.folder.mkdir(parents=True, exist_ok=True)
        with _locked(self.folder / LOCK_NAME):
            data = self._read()
            years = data.setdefault(shop_name, {}).setdefault(kind, {})
            counter = int(years.get(str(year), 0)) + 1
            years[str(year)] = counter
            self._write(data)
        return self.format(kind, year, counter)

    def last(self, shop_name: str, kind: str, *, year: int | None = None) -> str | None:
        """The last number handed out for `shop_name`'s `kind` in `year`, if any."""
        self._prefix(kind)
        year = year or date.today().year
        if not self.path.exists():
            return None
        with _locked(self.folder / LOCK_NAME):
            counter = self._read().get(shop_name, {}).get(kind, {}).get(str(year))
        return None if not counter else self.format(kind, year, int(counter))

    # -- internals -----------------------------------------------------------------------
    def _prefix(self, kind: str) -> str:
        try:
            return self.prefixes[kind]
        except KeyError:
            known = ", ".join(sorted(self.prefixes))
            raise ValueError(f"unknown document kind {kind!r} (known: {known})") from None

    def _read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise DocumentNumbersError(
                _("{path}: cannot read the counters: {error}").format(path=self.path, error=exc)
            ) from exc
        for shop, kinds in data.items():
            ok = isinstance(kinds, dict) and all(
                isinstance(years, dict)
                and all(isinstance(n, int) and n >= 0 for n in years.values())
                for years in kinds.values()
            )
            if not ok:
                raise DocumentNumbersError(
                    _("{path}: malformed counters for “{shop}”").format(path=self.path, shop=shop)
                )
        return data

    def _write(self, data: dict[str, Any]) -> None:
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".document-numbers-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(tomli_w.dumps(data).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
