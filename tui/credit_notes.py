"""Credit notes (avoirs) for refunds: one number per refund, the PDF in the documents folder.

The numbering is a legal sequence kept by the console per issuer (`DocumentNumbers`,
"AV-2026-000007"). A refund must never get two numbers — say the screen is told twice that
a refund landed, or the PDF failed once and is made again — so the number given to each
refund is recorded (per shop connection, by refund id) *before* the PDF is made, and a
second call for the same refund reuses it and only rewrites a missing file.

Blocking work (file locks, PDF rendering): call from a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from client.model import Order, Refund
from tui.documents import DocumentNumbers, ShopIdentity, credit_note
from tui.documents.numbers import _locked  # the same cross-process lock as the counters
from tui.paths import data_dir, documents_dir
from tui.printing import save_document
from tui.refund_plan import recorded_quantities

REGISTRY_NAME = "credit-notes.toml"
LOCK_NAME = "credit-notes.lock"


class CreditNoteError(RuntimeError):
    """The credit-note record is unreadable; no number is handed out rather than a repeat."""


@dataclass(frozen=True, slots=True)
class CreditNote:
    number: str
    path: Path
    #: The refund already had this number (the file may have been written again).
    reused: bool = False


def issuer(identity: ShopIdentity, shop_label: str) -> ShopIdentity:
    """The identity printed on the note: the configured one, named after the shop's label
    when no name is configured."""
    if identity.name.strip():
        return identity
    return dataclasses.replace(identity, name=shop_label.strip() or "Shop")


def with_recorded_quantities(refund: Refund) -> Refund:
    """The refund with quantities sent as money only (no restock) put back on its lines,
    so the credit note shows what the customer returned."""
    recorded = recorded_quantities(refund)
    if not recorded:
        return refund
    lines = tuple(
        dataclasses.replace(line, quantity=recorded.get(line.refunded_item_id, 0))
        if not line.quantity and line.refunded_item_id in recorded
        else line
        for line in refund.line_items
    )
    return dataclasses.replace(refund, line_items=lines)


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CreditNoteError(f"{path}: cannot read the credit-note record: {exc}") from exc
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".credit-notes-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(tomli_w.dumps(data).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def issue_credit_note(
    order: Order,
    refund: Refund,
    *,
    identity: ShopIdentity,
    shop_label: str,
    lang: str = "en",
    state_dir: Path | None = None,
    folder: Path | None = None,
) -> CreditNote:
    """Number (once per refund), render and save the credit note for `refund` of `order`.

    `state_dir` holds the counters and the record (default: the console's data folder);
    `folder` receives the PDF (default: the documents folder).
    """
    state_dir = Path(state_dir or data_dir())
    folder = Path(folder or documents_dir())
    seller = issuer(identity, shop_label)
    state_dir.mkdir(parents=True, exist_ok=True)
    record_path = state_dir / REGISTRY_NAME
    with _locked(state_dir / LOCK_NAME):
        data = _read(record_path)
        shop = data.setdefault(shop_label or seller.name, {})
        entry = shop.get(str(refund.id))
        reused = isinstance(entry, dict) and isinstance(entry.get("number"), str)
        if reused:
            number = entry["number"]
            existing = Path(entry.get("file") or "")
            if entry.get("file") and existing.is_file():
                return CreditNote(number, existing, reused=True)
        else:
            number = DocumentNumbers(state_dir).next(seller.name, "credit_note")
            entry = {"number": number, "order": order.id, "file": ""}
            shop[str(refund.id)] = entry
            _write(record_path, data)  # the number is this refund's before anything else
        pdf = credit_note(order, with_recorded_quantities(refund), seller, number=number, lang=lang)
        path = save_document(pdf, folder, f"{number} order {order.number}.pdf")
        entry["file"] = str(path)
        _write(record_path, data)
    return CreditNote(number, path, reused=reused)


__all__ = [
    "CreditNote",
    "CreditNoteError",
    "issue_credit_note",
    "issuer",
    "with_recorded_quantities",
]
