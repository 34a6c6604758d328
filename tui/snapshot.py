"""The queue kept on disk between runs, so the console starts with its orders on screen.

Why: loading every order from the shop takes seconds (10,000 orders: ~3 s of parsing;
100,000: half a minute), and a packer needs the queue at once. At exit (and every few
minutes) the light orders the live feed holds — what the shop said, never an optimistic
local status — are written to the data dir, one file per shop. At start they are shown
at once and the feed catches up with the shop from there: orders modified since the
newest one in the file (`modified_after`, the feed's usual incremental request), and the
count check that finds deletions (`client.feed.LiveFeed.resume`).

Safety:
- one file per shop identity (the URL and API key, or the demo shop's database), named by
  its hash and repeated inside the file: another shop's file is never read as this one's;
- a header with a format version and a fingerprint of the order model's fields: a file
  written by another version of orderdesk, or a corrupt one, is ignored with a log line
  (the console then loads from the shop as if there were none);
- written to a temporary file, then renamed: a crash mid-write leaves the old file.

Format: `marshal` of plain tuples (fast to read: no code runs while decoding, unlike
pickle), then `Order`s rebuilt with one specialised function per model class. Money is
kept as text (exact), dates as POSIX timestamps; identical strings and addresses are
shared, which also keeps memory down for 100,000 orders. Measured figures: RESULTS.md.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import gc
import hashlib
import logging
import marshal
import os
import struct
import sys
import time
import typing
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from client import model
from client.feed import LiveFeed
from client.model import Order
from tui.start_trace import mark

log = logging.getLogger("orderdesk.snapshot")

MAGIC = b"ODQS"
#: Bump when the layout below changes (the model's own changes are fingerprinted).
FORMAT = 1
_HEADER_LENGTH = struct.Struct("<I")
SUBDIR = "queue-snapshots"

# ---------------------------------------------------------------------------- the codec


def _kind(hint: Any) -> tuple[str, Any]:
    """How one field is stored: ("plain",), ("money",), ("date",), ("obj", cls) or
    ("objs", cls) for a tuple of dataclass instances."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Decimal:
        return ("money", None)
    if hint is datetime or (args and datetime in args and type(None) in args):
        return ("date", None)
    if dataclasses.is_dataclass(hint):
        return ("obj", hint)
    if origin is tuple and args and dataclasses.is_dataclass(args[0]):
        return ("objs", args[0])
    return ("plain", None)


def _classes() -> list[type]:
    """Every dataclass reachable from Order, parents last."""
    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls in seen:
            return
        for hint in typing.get_type_hints(cls, vars(model)).values():
            _, inner = _kind(hint)
            if inner is not None:
                visit(inner)
        seen.append(cls)

    visit(Order)
    return seen


def fingerprint() -> str:
    """Changes whenever a field of the order model is added, removed, renamed or retyped."""
    parts = [f"format {FORMAT}"]
    for cls in _classes():
        hints = typing.get_type_hints(cls, vars(model))
        parts.append(cls.__name__ + ":" + ",".join(f"{n}={hints[n]}" for n in _names(cls)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]


class _Codec:
    """Encoders and decoders for the order model, built once from its type hints."""

    def __init__(self) -> None:
        self.encoders: dict[type, Callable[[Any], tuple]] = {}
        self.decoders: dict[type, Callable[[tuple], Any]] = {}
        #: Objects shared while decoding one file (emptied afterwards: `forget`).
        self.shared: list[dict[tuple, Any]] = []
        for cls in _classes():
            self._build(cls)

    def _build(self, cls: type) -> None:
        hints = typing.get_type_hints(cls, vars(model))
        names = _names(cls)
        kinds = [_kind(hints[n]) for n in names]
        # One generated function per class and direction: a Python loop over fields costs
        # several times more per order, and decoding runs before the first paint. Fields
        # are set through the slots' descriptors: the frozen dataclass's __init__ (which
        # goes through object.__setattr__ by name) takes twice as long (measured).
        namespace: dict[str, Any] = {
            "cls": cls,
            "new": object.__new__,
            "ZERO": model.ZERO,
            "Decimal": Decimal,
            "fromtimestamp": datetime.fromtimestamp,
            "UTC": UTC,
            "intern": sys.intern,
            "str_": str,
        }
        enc_parts, dec_lines = [], ["    o = new(cls)"]
        for i, (name, (kind, inner)) in enumerate(zip(names, kinds, strict=True)):
            value, item = f"o.{name}", f"t[{i}]"
            namespace[f"set_{i}"] = getattr(cls, name).__set__
            if kind == "money":
                enc_parts.append(f"None if {value} is ZERO else str_({value})")
                decoded = f"ZERO if {item} is None else Decimal({item})"
            elif kind == "date":
                enc_parts.append(f"None if {value} is None else {value}.timestamp()")
                decoded = f"None if {item} is None else fromtimestamp({item}, UTC)"
            elif kind in ("obj", "objs"):
                # Inner classes are built first (`_classes` lists parents last).
                namespace[f"enc_{i}"] = self.encoders[inner]
                namespace[f"dec_{i}"] = self.decoders[inner]
                if kind == "obj":
                    enc_parts.append(f"enc_{i}({value})")
                    decoded = f"dec_{i}({item})"
                else:
                    enc_parts.append(f"tuple([enc_{i}(x) for x in {value}])")
                    decoded = f"tuple([dec_{i}(x) for x in {item}])"
            else:
                # Short texts (statuses, currencies, names, SKUs) repeat across orders:
                # interned, marshal writes each once and reading shares one object.
                enc_parts.append(
                    f"intern({value}) if type({value}) is str_ and len({value}) < 40 else {value}"
                )
                decoded = item
            dec_lines.append(f"    set_{i}(o, {decoded})")
        source = (
            f"def encode(o):\n    return ({', '.join(enc_parts)},)\n"
            "def decode(t):\n" + "\n".join(dec_lines) + "\n    return o\n"
        )
        exec(compile(source, f"<snapshot codec {cls.__name__}>", "exec"), namespace)
        self.encoders[cls] = namespace["encode"]
        decode = namespace["decode"]
        if cls is Order:
            self.decoders[cls] = decode
            return
        # Addresses and light line items repeat (a customer's orders, every empty shipping
        # address, "1 x BOWL-GRN"): one shared object each, which saves both time and
        # memory. Safe: the model's objects are frozen.
        shared: dict[tuple, Any] = {}
        self.shared.append(shared)

        def decode_shared(t: tuple, decode: Callable[[tuple], Any] = decode) -> Any:
            try:
                found = shared.get(t)
            except TypeError:  # an unhashable meta value: not shared
                return decode(t)
            if found is None:
                found = shared[t] = decode(t)
            return found

        self.decoders[cls] = decode_shared

    def forget(self) -> None:
        for shared in self.shared:
            shared.clear()


_codec: _Codec | None = None


def _get_codec() -> _Codec:
    global _codec
    if _codec is None:
        _codec = _Codec()
    return _codec


def encode_orders(orders: Iterable[Order]) -> bytes:
    encode = _get_codec().encoders[Order]
    return marshal.dumps([encode(o) for o in orders], 4)


def decode_orders(data: bytes) -> list[Order]:
    return decode_rows(marshal.loads(data))


def decode_rows(rows: list[tuple]) -> list[Order]:
    """`Order`s from the rows of a snapshot (a slice of them is fine)."""
    codec = _get_codec()
    decode = codec.decoders[Order]
    try:
        return [decode(row) for row in rows]
    finally:
        codec.forget()


def _newest_first(order: Order) -> tuple[float, int]:
    created = order.date_created
    return (created.timestamp() if created is not None else 0.0, order.id)


# ---------------------------------------------------------------------------- the file


def identity_for(url: str, key: str) -> str:
    """Who a snapshot belongs to: the shop's URL and the API key the console uses."""
    return f"shop\n{url.rstrip('/')}\n{key}"


def demo_identity(db_path: Path, key: str) -> str:
    """The demo shop listens on a new port each run: its database file (and its key)
    identify it; a re-created database is another file, so another shop."""
    try:
        inode = db_path.stat().st_ino
    except OSError:
        inode = 0
    return f"demo\n{db_path.resolve()}\n{inode}\n{key}"


class QueueSnapshot:
    """One shop's saved queue: `load()` at start, `save(orders)` at exit."""

    def __init__(self, path: Path, identity: str) -> None:
        self.path = path
        self.identity = identity

    @classmethod
    def in_dir(cls, directory: Path, identity: str) -> QueueSnapshot:
        name = hashlib.sha256(identity.encode()).hexdigest()[:24]
        return cls(directory / SUBDIR / f"{name}.snapshot", identity)

    def load(self) -> list[Order] | None:
        """The saved orders, or None (no file, another shop, another version, corrupt)."""
        rows = self.read()
        return None if rows is None else decode_rows(rows)

    def read(self) -> list[tuple] | None:
        """The saved rows, newest order first (`decode_rows` makes them orders), or None
        (no file, another shop, another version, corrupt)."""
        started = time.perf_counter()
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("queue snapshot %s unreadable, ignored: %s", self.path, error)
            return None
        try:
            rows = self._parse(data)
            if rows is not None:
                decode_rows(rows[:1])  # a row that does not fit the model: damaged
        except Exception as error:  # a damaged file must never stop the console
            log.warning("queue snapshot %s ignored: %s", self.path, error)
            return None
        if rows is not None:
            log.info(
                "queue snapshot: %d orders read in %.0f ms",
                len(rows),
                (time.perf_counter() - started) * 1000,
            )
        return rows

    def _parse(self, data: bytes) -> list[tuple] | None:
        if data[:4] != MAGIC:
            raise ValueError("not a queue snapshot")
        (length,) = _HEADER_LENGTH.unpack_from(data, 4)
        start = 4 + _HEADER_LENGTH.size
        header = marshal.loads(data[start : start + length])
        if not isinstance(header, dict):
            raise ValueError("bad header")
        if header.get("format") != FORMAT or header.get("model") != fingerprint():
            log.info("queue snapshot %s is from another version; ignored", self.path)
            return None
        if header.get("identity") != self.identity:
            log.warning("queue snapshot %s belongs to another shop; ignored", self.path)
            return None
        rows = marshal.loads(data[start + length :])
        if not isinstance(rows, list) or len(rows) != header.get("count"):
            raise ValueError("truncated")
        return rows

    def save(self, orders: Iterable[Order]) -> bool:
        """Write `orders` (replacing the previous file at once); False if it failed."""
        started = time.perf_counter()
        orders = sorted(orders, key=_newest_first, reverse=True)  # first rows read first
        try:
            body = encode_orders(orders)
            header = marshal.dumps(
                {
                    "format": FORMAT,
                    "model": fingerprint(),
                    "identity": self.identity,
                    "count": len(orders),
                    "written": time.time(),
                },
                4,
            )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            # Customers' names and emails: readable by this user only.
            with open(
                os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb"
            ) as handle:
                handle.write(MAGIC + _HEADER_LENGTH.pack(len(header)) + header)
                handle.write(body)
            os.replace(temporary, self.path)
        except (OSError, ValueError) as error:
            log.warning("queue snapshot not saved to %s: %s", self.path, error)
            return False
        log.info(
            "queue snapshot: %d orders written in %.0f ms",
            len(orders),
            (time.perf_counter() - started) * 1000,
        )
        return True


#: Seconds between background saves while orders keep changing (also saved at exit).
SAVE_EVERY = 300.0

#: Orders decoded and shown before the rest: more than a screenful.
FIRST_ROWS = 200


def _decode_quietly(rows: list[tuple]) -> list[Order]:
    # Tens of thousands of new objects that live as long as the app: no collections while
    # building them (the app freezes them once they are in the queue).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return decode_rows(rows)
    finally:
        if enabled:
            gc.enable()


class SnapshotKeeper:
    """The app's side: read the snapshot while the UI starts, hand it to the feed, save.

    `start()` reads the file on a thread at once (the app is still starting); `restore()`
    awaits it and resumes the feed from it. `save_now()` at exit, `save_later()` every
    `SAVE_EVERY` seconds when the feed reported changes (on a thread: encoding 100,000
    orders takes a while, and the UI keeps running meanwhile).
    """

    def __init__(self, store: QueueSnapshot, feed: LiveFeed) -> None:
        self.store = store
        self.feed = feed
        #: The feed's revision the file on disk matches (None: the file is stale or absent).
        self.saved_revision: int | None = None
        self._reading: concurrent.futures.Future[list[tuple] | None] | None = None

    def start(self) -> None:
        if self._reading is None:
            executor = concurrent.futures.ThreadPoolExecutor(1, "queue-snapshot")
            self._reading = executor.submit(self._read)
            executor.shutdown(wait=False)

    def _read(self) -> list[tuple] | None:
        return self.store.read()

    async def restore(
        self,
        show: Callable[[list[Order]], None],
        painted: Callable[[], Awaitable[object]] | None = None,
    ) -> bool:
        """Hand the saved orders to `show` (the newest screenful first, then the rest) and
        resume the feed from them; False when there is no usable snapshot.

        `painted`: awaited between the two, until the first screenful is on screen. Why:
        decoding the rest (on a thread, but holding the GIL most of the time) would
        otherwise delay that paint by as long as it takes (measured: 0.19 s of 0.3 s)."""
        self.start()
        assert self._reading is not None
        rows = await asyncio.wrap_future(self._reading)
        mark("snapshot read")
        if not rows:
            return False
        first = decode_rows(rows[:FIRST_ROWS])
        show(first)
        if painted is not None and len(rows) > FIRST_ROWS:
            await painted()
        rest = await asyncio.to_thread(_decode_quietly, rows[FIRST_ROWS:])
        show(rest)
        mark("snapshot shown")
        self.feed.resume(first + rest)
        self.saved_revision = self.feed.revision
        return True

    def _due(self) -> list[Order] | None:
        """The orders to write, or None: not loaded yet, or the file already holds them."""
        if self.saved_revision == self.feed.revision:
            return None
        return self.feed.known_orders()

    def save_now(self) -> None:
        """At exit: write if anything changed since the file was read or written."""
        revision = self.feed.revision
        orders = self._due()
        if orders is not None and self.store.save(orders):
            self.saved_revision = revision

    async def save_later(self) -> None:
        """Periodically, on a thread (encoding 100,000 orders takes a while)."""
        revision = self.feed.revision
        orders = self._due()
        if orders is not None and await asyncio.to_thread(self.store.save, orders):
            self.saved_revision = revision
