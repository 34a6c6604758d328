"""Invoice and credit-note numbers: continuous, per shop/kind/year, safe across processes."""

from __future__ import annotations

import multiprocessing
import tomllib
from concurrent.futures import ProcessPoolExecutor

import pytest

from tui.documents import DocumentNumbers, DocumentNumbersError


def test_numbers_follow_each_other_per_shop_kind_and_year(tmp_path):
    numbers = DocumentNumbers(tmp_path)
    assert numbers.next("Atelier Lefèvre", "invoice", year=2026) == "INV-2026-000001"
    assert numbers.next("Atelier Lefèvre", "invoice", year=2026) == "INV-2026-000002"
    assert numbers.next("Atelier Lefèvre", "credit_note", year=2026) == "AV-2026-000001"
    assert numbers.next("Other shop", "invoice", year=2026) == "INV-2026-000001"
    assert numbers.next("Atelier Lefèvre", "invoice", year=2027) == "INV-2027-000001"
    assert numbers.last("Atelier Lefèvre", "invoice", year=2026) == "INV-2026-000002"
    assert numbers.last("Nobody", "invoice", year=2026) is None


def test_numbers_survive_a_restart_and_the_file_is_plain_toml(tmp_path):
    DocumentNumbers(tmp_path).next("Atelier Lefèvre", "invoice", year=2026)
    again = DocumentNumbers(tmp_path)
    assert again.next("Atelier Lefèvre", "invoice", year=2026) == "INV-2026-000002"
    saved = tomllib.loads((tmp_path / "document-numbers.toml").read_text("utf-8"))
    assert saved == {"Atelier Lefèvre": {"invoice": {"2026": 2}}}
    leftovers = [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


def test_custom_prefixes_and_unknown_kinds(tmp_path):
    numbers = DocumentNumbers(tmp_path, prefixes={"invoice": "FA", "credit_note": "AV"})
    assert numbers.next("S", "invoice", year=2026) == "FA-2026-000001"
    with pytest.raises(ValueError, match="receipt"):
        numbers.next("S", "receipt", year=2026)


def test_an_unreadable_counter_file_stops_numbering(tmp_path):
    (tmp_path / "document-numbers.toml").write_text("this is = = not toml", "utf-8")
    with pytest.raises(DocumentNumbersError):
        DocumentNumbers(tmp_path).next("S", "invoice", year=2026)
    (tmp_path / "document-numbers.toml").write_text('S = { invoice = { 2026 = "x" } }')
    with pytest.raises(DocumentNumbersError):
        DocumentNumbers(tmp_path).next("S", "invoice", year=2026)


def _take(folder: str, count: int) -> list[str]:
    numbers = DocumentNumbers(folder)
    return [numbers.next("Atelier Lefèvre", "invoice", year=2026) for _ in range(count)]


def test_two_consoles_never_get_the_same_number(tmp_path):
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        batches = list(pool.map(_take, [str(tmp_path)] * 4, [40] * 4))
    taken = [n for batch in batches for n in batch]
    assert len(taken) == 160
    assert sorted(taken) == [f"INV-2026-{i:06d}" for i in range(1, 161)]
