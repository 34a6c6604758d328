"""The offline journal: status changes and notes made while a shop is unreachable.

When the warehouse Wi-Fi drops, packers keep working: a status change or a note goes into
this journal (SQLite, in the user data directory) instead of to the shop, and is replayed in
order when the shop answers again. The journal is a file, so it survives the console being
closed or crashing in the meantime.

Replaying must never do a change twice, nor silently overwrite someone else's:

- Every entry is **checked against the shop first**. A status already set is skipped; a
  note already there (same text and kind, created since the entry was queued — which is
  what our own earlier attempt whose answer was lost looks like) is skipped.
- Every POST carries the entry's **idempotency key** (the reference shop answers a replay
  with the first result; a real store ignores it, and the check above covers it).
- A status entry remembers **when its PUT was sent**: after a crash between the PUT and
  its follow-up notes (attribution, customer message), the next replay recognises the
  status as its own and posts only the notes still missing.
- An order **changed in the shop since it was queued** (its `date_modified` is later than
  the one the packer saw) is not overwritten: the entry becomes a `conflict`, or the
  caller's `decide` callback asks the person.
- **Refunds are never queued**: a refund moves money and must be decided against the shop
  as it is; `add(kind="refund")` raises `RefundNotQueued` with a message to show.

Several consoles on one machine share the data directory: an entry is claimed before it is
sent, so two replays never send the same entry. A claim by a console that died is taken
over (its process is gone, or the claim is old).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from client.errors import AuthFailed, Conflict, Forbidden, NotFound, ShopError, Unavailable
from client.model import Note, Order
from client.protocol import ShopClient
from tui import paths
from tui.error_text import error_text
from tui.i18n import _, ngettext

JournalKind = Literal["status", "note"]
EntryState = Literal["pending", "sending", "done", "skipped", "conflict", "failed", "discarded"]
Outcome = Literal["applied", "skipped", "conflict", "failed", "deferred", "discarded"]

KINDS: tuple[str, ...] = ("status", "note")

#: A note in the shop dated this long before the entry was queued (shop clock vs ours) may
#: still be the one our lost attempt created.
CLOCK_SLACK = timedelta(minutes=2)
#: A claim older than this is taken over even if its process seems alive (pid reuse, hang).
STALE_CLAIM = timedelta(minutes=5)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shop TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('status', 'note')),
    order_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    based_on_modified TEXT,
    idempotency_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    reason TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    force INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    notes_done INTEGER NOT NULL DEFAULT 0,
    result_modified TEXT,
    claimed_by TEXT,
    claim_pid INTEGER,
    claimed_at TEXT,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS entries_by_shop ON entries (shop, state, id);
"""


class RefundNotQueued(ValueError):
    """Raised for any attempt to queue a refund offline; `str()` is fit to show."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Refunds are never queued offline: a refund moves money and must be checked "
                "against the shop as it is now. Make it again when the shop is back online."
            )
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    shop: str
    kind: JournalKind
    order_id: int
    payload: Mapping[str, Any]
    based_on_modified: datetime | None
    idempotency_key: str
    created_at: datetime
    state: EntryState
    reason: str = ""
    attempts: int = 0
    force: bool = False
    sent_at: datetime | None = None
    notes_done: int = 0

    @property
    def number(self) -> str:
        return str(self.payload.get("number") or self.order_id)

    @property
    def description(self) -> str:
        """"#1234 → Completed" / "note on #1234", for lists and messages (in the interface
        language; the label is the one shown when the change was queued)."""
        if self.kind == "status":
            return f"#{self.number} → {self.payload.get('label') or self.payload['status']}"
        if self.payload.get("customer_note"):
            return _("customer note on #{number}").format(number=self.number)
        return _("note on #{number}").format(number=self.number)

    @property
    def follow_up_notes(self) -> list[Mapping[str, Any]]:
        return list(self.payload.get("notes") or [])


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """What became of one entry. `order` is the shop's order when it was read or written;
    `current_status` the status found in the shop (for conflict messages)."""

    entry: JournalEntry
    outcome: Outcome
    message: str
    order: Order | None = None


@dataclass(slots=True)
class ReplaySummary:
    results: list[ReplayResult] = field(default_factory=list)
    #: Set when the replay stopped early (shop unreachable again, key refused).
    stopped: ShopError | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


ResultCallback = Callable[[ReplayResult], "Awaitable[None] | None"]
#: Asked when an order changed in the shop since the entry was queued: True applies anyway.
DecideCallback = Callable[[JournalEntry, Order], Awaitable[bool]]


class Journal:
    """The journal file. One instance per console; safe to share between its tasks."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else self.default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            # Notes hold customer names and messages: the file is the user's alone.
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._replaying: dict[str, asyncio.Lock] = {}
        self._token = uuid.uuid4().hex
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_SCHEMA)

    @staticmethod
    def default_path() -> Path:
        return paths.data_dir() / "journal.sqlite3"

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ adding

    def add(
        self,
        shop: str,
        kind: str,
        order_id: int,
        payload: Mapping[str, Any],
        *,
        based_on_modified: datetime | None = None,
    ) -> int:
        """Queue one change; returns the entry id.

        `kind` "status" needs `payload["status"]` (and may carry "previous", "number",
        "label" and follow-up "notes": [{"note", "customer_note"}] posted once the status
        is set); "note" needs `payload["note"]` (and "customer_note"). `based_on_modified`
        is the `date_modified` of the order as the person saw it: a later one in the shop
        is a conflict. A refund raises RefundNotQueued.
        """
        if kind == "refund":
            raise RefundNotQueued()
        if kind not in KINDS:
            raise ValueError(f"only status changes and notes can be queued, not {kind!r}")
        data = dict(payload)
        if kind == "status" and not str(data.get("status") or "").strip():
            raise ValueError("a status entry needs payload['status']")
        if kind == "note" and not str(data.get("note") or "").strip():
            raise ValueError("a note entry needs payload['note'] (the text)")
        for note in data.get("notes") or []:
            if not str(note.get("note") or "").strip():
                raise ValueError("a follow-up note needs its text")
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO entries (shop, kind, order_id, payload, based_on_modified, "
                "idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    shop,
                    kind,
                    int(order_id),
                    json.dumps(data),
                    _iso(based_on_modified),
                    uuid.uuid4().hex,
                    _iso(_now()),
                ),
            )
            return int(cursor.lastrowid or 0)

    def add_status(
        self,
        shop: str,
        order: Order,
        status: str,
        *,
        label: str = "",
        notes: Sequence[tuple[str, bool]] = (),
    ) -> int:
        """Queue `order` → `status` as the person saw `order`; `notes` (text, customer_note)
        follow once the status is set (attribution, the customer's message)."""
        payload: dict[str, Any] = {
            "status": status,
            "previous": order.status,
            "number": order.number,
            "label": label,
            "notes": [{"note": text, "customer_note": customer} for text, customer in notes],
        }
        return self.add(shop, "status", order.id, payload, based_on_modified=order.date_modified)

    def add_note(
        self, shop: str, order_id: int, note: str, *, customer_note: bool = False, number: str = ""
    ) -> int:
        payload = {"note": note, "customer_note": customer_note, "number": number}
        return self.add(shop, "note", order_id, payload)

    # ------------------------------------------------------------------ reading

    def _entry(self, row: sqlite3.Row) -> JournalEntry:
        return JournalEntry(
            id=row["id"],
            shop=row["shop"],
            kind=row["kind"],
            order_id=row["order_id"],
            payload=json.loads(row["payload"]),
            based_on_modified=_parse(row["based_on_modified"]),
            idempotency_key=row["idempotency_key"],
            created_at=_parse(row["created_at"]) or _now(),
            state=row["state"],
            reason=row["reason"],
            attempts=row["attempts"],
            force=bool(row["force"]),
            sent_at=_parse(row["sent_at"]),
            notes_done=row["notes_done"],
        )

    def get(self, entry_id: int) -> JournalEntry:
        with self._lock:
            row = self._conn.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(entry_id)
        return self._entry(row)

    def entries(
        self, shop: str | None = None, *, states: Iterable[str] | None = None
    ) -> list[JournalEntry]:
        """Entries in the order they were made, optionally of one shop / some states."""
        sql = "SELECT * FROM entries"
        where: list[str] = []
        args: list[Any] = []
        if shop is not None:
            where.append("shop = ?")
            args.append(shop)
        if states is not None:
            wanted = list(states)
            where.append(f"state IN ({', '.join('?' * len(wanted))})")
            args.extend(wanted)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [self._entry(row) for row in rows]

    def pending(self, shop: str) -> list[JournalEntry]:
        """What is still to be sent to `shop`, in order (entries being sent included)."""
        return self.entries(shop, states=("pending", "sending"))

    def pending_count(self, shop: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM entries WHERE state IN ('pending', 'sending')"
        args: tuple[Any, ...] = ()
        if shop is not None:
            sql += " AND shop = ?"
            args = (shop,)
        with self._lock:
            return int(self._conn.execute(sql, args).fetchone()[0])

    def pending_statuses(self, shop: str) -> dict[int, str]:
        """Order id → the status queued last for it: what the queue should show meanwhile."""
        return {
            e.order_id: str(e.payload["status"])
            for e in self.pending(shop)
            if e.kind == "status"
        }

    def conflicts(self, shop: str) -> list[JournalEntry]:
        return self.entries(shop, states=("conflict",))

    # ------------------------------------------------------------------ decisions

    def retry(self, entry_id: int, *, force: bool = False) -> None:
        """Put a conflict or failed entry back in line; `force` applies it even though the
        order changed in the shop (the person saw the change and chose to apply)."""
        with self._lock:
            self._conn.execute(
                "UPDATE entries SET state = 'pending', reason = '', force = ?, "
                "finished_at = NULL WHERE id = ? AND state IN ('conflict', 'failed')",
                (int(force), entry_id),
            )

    def discard(self, entry_id: int, reason: str = "discarded") -> None:
        """Drop an entry that was not sent (never one already done)."""
        with self._lock:
            self._conn.execute(
                "UPDATE entries SET state = 'discarded', reason = ?, finished_at = ? "
                "WHERE id = ? AND state IN ('pending', 'conflict', 'failed')",
                (reason, _iso(_now()), entry_id),
            )

    # ------------------------------------------------------------------ state changes

    def _claim(self, entry: JournalEntry) -> bool:
        """Take the entry for sending; False if another live console has it."""
        now = _now()
        with self._lock:
            row = self._conn.execute(
                "SELECT state, claimed_by, claim_pid, claimed_at FROM entries WHERE id = ?",
                (entry.id,),
            ).fetchone()
            if row is None or row["state"] not in ("pending", "sending"):
                return False
            if row["state"] == "sending" and row["claimed_by"] != self._token:
                claimed_at = _parse(row["claimed_at"]) or now
                other_pid = row["claim_pid"]
                abandoned = (
                    other_pid == os.getpid()  # an earlier Journal of this process, closed
                    or not _pid_alive(other_pid)
                    or now - claimed_at > STALE_CLAIM
                )
                if not abandoned:
                    return False
            cursor = self._conn.execute(
                "UPDATE entries SET state = 'sending', claimed_by = ?, claim_pid = ?, "
                "claimed_at = ?, attempts = attempts + 1 WHERE id = ? AND state = ? "
                "AND COALESCE(claimed_by, '') = ?",
                (
                    self._token,
                    os.getpid(),
                    _iso(now),
                    entry.id,
                    row["state"],
                    row["claimed_by"] or "",
                ),
            )
            return cursor.rowcount == 1

    def _finish(
        self,
        entry_id: int,
        state: EntryState,
        reason: str,
        *,
        result_modified: datetime | None = None,
    ) -> JournalEntry:
        with self._lock:
            self._conn.execute(
                "UPDATE entries SET state = ?, reason = ?, finished_at = ?, claimed_by = NULL, "
                "claim_pid = NULL, claimed_at = NULL, result_modified = ? WHERE id = ?",
                (
                    state,
                    reason,
                    _iso(_now()) if state != "pending" else None,
                    _iso(result_modified),
                    entry_id,
                ),
            )
        return self.get(entry_id)

    def _seen_modified(self, entry: JournalEntry) -> datetime | None:
        """The order's `date_modified` as this console last knew it for `entry`: what the
        person saw, or later what our own earlier entries on that order left it at (so a
        second queued change is not taken for someone else's)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT MAX(result_modified) FROM entries WHERE shop = ? AND order_id = ? "
                "AND id < ? AND state = 'done' AND result_modified IS NOT NULL",
                (entry.shop, entry.order_id, entry.id),
            ).fetchone()
        ours = _parse(row[0]) if row and row[0] else None
        seen = entry.based_on_modified
        if ours is not None and (seen is None or ours > seen):
            return ours
        return seen

    def _mark_sent(self, entry_id: int) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE entries SET sent_at = COALESCE(sent_at, ?) WHERE id = ?",
                (_iso(_now()), entry_id),
            )

    def _note_done(self, entry_id: int, count: int) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE entries SET notes_done = ? WHERE id = ?", (count, entry_id)
            )

    # ------------------------------------------------------------------ replay

    async def replay(
        self,
        shop_name: str,
        client: ShopClient,
        *,
        on_result: ResultCallback | None = None,
        decide: DecideCallback | None = None,
    ) -> ReplaySummary:
        """Send `shop_name`'s pending entries to `client`, in order, each checked first.

        Stops (leaving the rest pending) when the shop is unreachable again or refuses the
        key; an entry the shop refuses for itself (order gone, status unknown) is marked
        failed with the shop's reason and the replay goes on. `on_result` hears about each
        entry as it is settled. Only one replay per shop runs at a time in this console.
        """
        lock = self._replaying.setdefault(shop_name, asyncio.Lock())
        summary = ReplaySummary()
        async with lock:
            for entry in self.pending(shop_name):
                if not self._claim(entry):
                    continue
                entry = self.get(entry.id)
                try:
                    result = await self._replay_one(entry, client, decide)
                # The entry keeps the client's English reason (a record); the result's
                # message is for the person, in the interface language.
                except (Unavailable, AuthFailed, Forbidden) as error:
                    stopped = self._finish(entry.id, "pending", str(error))
                    result = ReplayResult(stopped, "deferred", error_text(error))
                    summary.stopped = error
                except NotFound as error:
                    gone = self._finish(entry.id, "failed", str(error))
                    result = ReplayResult(gone, "failed", error_text(error))
                except ShopError as error:
                    failed = self._finish(entry.id, "failed", str(error))
                    result = ReplayResult(failed, "failed", error_text(error))
                except BaseException:
                    self._finish(entry.id, "pending", "interrupted")
                    raise
                summary.results.append(result)
                if on_result is not None:
                    maybe = on_result(result)
                    if inspect.isawaitable(maybe):
                        await maybe
                if summary.stopped is not None:
                    break
        return summary

    async def _replay_one(
        self, entry: JournalEntry, client: ShopClient, decide: DecideCallback | None
    ) -> ReplayResult:
        if entry.kind == "note":
            posted = await self._post_note_once(
                client,
                entry.order_id,
                str(entry.payload["note"]),
                bool(entry.payload.get("customer_note")),
                key=entry.idempotency_key,
                since=entry.created_at,
            )
            done = self._finish(entry.id, "done" if posted else "skipped",
                                "" if posted else "already in the shop")
            return ReplayResult(
                done,
                "applied" if posted else "skipped",
                (_("{what}: added") if posted else _("{what}: was already there")).format(
                    what=entry.description
                ),
            )
        return await self._replay_status(entry, client, decide)

    async def _replay_status(
        self, entry: JournalEntry, client: ShopClient, decide: DecideCallback | None
    ) -> ReplayResult:
        target = str(entry.payload["status"])
        order = await client.get_order(entry.order_id)
        ours = entry.sent_at is not None  # our PUT went out earlier (answer maybe lost)
        if order.status == target and not ours:
            done = self._finish(entry.id, "skipped", f"already {target} in the shop")
            return ReplayResult(
                done, "skipped", _("{what}: already so").format(what=entry.description), order
            )
        if order.status != target:
            # Changed by someone else: a later date_modified than we knew, or (dates are to
            # the second) a status that is neither what the person saw nor ours.
            seen = self._seen_modified(entry)
            previous = entry.payload.get("previous")
            changed = (
                seen is not None
                and order.date_modified is not None
                and order.date_modified > seen
            ) or bool(previous and order.status != previous)
            if changed and not entry.force:
                apply = await decide(entry, order) if decide is not None else None
                if apply is None:
                    reason = self._conflict_reason(entry, order)
                    held = self._finish(entry.id, "conflict", reason)
                    message = self._conflict_message(entry, order)
                    return ReplayResult(held, "conflict", message, order)
                if not apply:
                    dropped = self._finish(entry.id, "discarded", "cancelled after a conflict")
                    return ReplayResult(
                        dropped, "discarded", _("{what}: cancelled").format(what=entry.description)
                    )
            self._mark_sent(entry.id)
            try:
                order = await client.set_status(entry.order_id, target, if_match=order.etag)
            except Conflict:
                # Changed between our read and our write (a shop honouring If-Match).
                current = await client.get_order(entry.order_id)
                if current.status != target:
                    reason = self._conflict_reason(entry, current)
                    held = self._finish(entry.id, "conflict", reason)
                    message = self._conflict_message(entry, current)
                    return ReplayResult(held, "conflict", message, current)
                order = current
        await self._follow_up_notes(entry, client)
        done = self._finish(entry.id, "done", "", result_modified=order.date_modified)
        return ReplayResult(
            done, "applied", _("{what}: done").format(what=entry.description), order
        )

    @staticmethod
    def _conflict_reason(entry: JournalEntry, order: Order) -> str:
        previous = entry.payload.get("previous")
        if previous and previous != order.status:
            return (
                f"changed in the shop since it was queued: now {order.status} "
                f"(was {previous})"
            )
        return "changed in the shop since it was queued"

    @staticmethod
    def _conflict_message(entry: JournalEntry, order: Order) -> str:
        """`_conflict_reason` for the person: in the interface language, statuses by label."""
        from tui.render import status_label

        previous = entry.payload.get("previous")
        if previous and previous != order.status:
            return _(
                "{what}: changed in the shop since it was queued: now {status} (was {previous})"
            ).format(
                what=entry.description,
                status=status_label(order.status),
                previous=status_label(str(previous)),
            )
        return _("{what}: changed in the shop since it was queued").format(
            what=entry.description
        )

    async def _follow_up_notes(self, entry: JournalEntry, client: ShopClient) -> None:
        notes = entry.follow_up_notes
        for index in range(entry.notes_done, len(notes)):
            note = notes[index]
            await self._post_note_once(
                client,
                entry.order_id,
                str(note["note"]),
                bool(note.get("customer_note")),
                key=f"{entry.idempotency_key}-{index}",
                since=entry.created_at,
            )
            self._note_done(entry.id, index + 1)

    @staticmethod
    async def _post_note_once(
        client: ShopClient,
        order_id: int,
        text: str,
        customer_note: bool,
        *,
        key: str,
        since: datetime,
    ) -> bool:
        """Add the note unless the order already has it; True if it was added now."""
        existing = await client.list_notes(
            order_id, type="customer" if customer_note else "internal"
        )
        if any(_same_note(note, text, customer_note, since) for note in existing):
            return False
        await client.add_note(order_id, text, customer_note=customer_note, idempotency_key=key)
        return True


def _same_note(note: Note, text: str, customer_note: bool, since: datetime) -> bool:
    """Our note (from an earlier attempt): same text and kind, made after we queued it."""
    return (
        note.note.strip() == text.strip()
        and note.customer_note == customer_note
        and (note.date_created is None or note.date_created >= since - CLOCK_SLACK)
    )


def offline_banner(
    state: str,
    last_sync: datetime | None,
    pending: int,
    *,
    shop: str = "",
    now: datetime | None = None,
) -> str | None:
    """The banner a console shows while a shop is not live (None when it is).

    `state` is the feed's ("live", "reconnecting", "offline"; "connecting" before the first
    answer), `last_sync` its `last_sync`, `pending` the journal's `pending_count(shop)`.
    """
    from tui.render import age, local_time

    if state == "live":
        return None
    who = f"{shop}: " if shop else ""
    if state == "offline":
        head = who + _("Offline")
    elif state == "connecting":
        head = who + _("Connecting")
    else:
        head = who + _("Connection lost, retrying")
    synced = (
        _("last sync {time} ({age})").format(
            time=local_time(last_sync), age=age(last_sync, now=now)
        )
        if last_sync is not None
        else _("not synced yet")
    )
    parts = [
        _("{head} — {synced}. Orders are shown as last seen; reconnecting by itself.").format(
            head=head, synced=synced
        )
    ]
    if pending:
        parts.append(
            ngettext(
                "{n} change queued, sent when the shop is back.",
                "{n} changes queued, sent when the shop is back.",
                pending,
            ).format(n=pending)
        )
    else:
        parts.append(_("Status changes and notes made now are queued."))
    parts.append(_("Refunds wait until the shop is back."))
    return " ".join(parts)
