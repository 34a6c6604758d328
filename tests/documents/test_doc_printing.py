"""Saving documents and printing them through a stand-in `lp` on PATH.

The stand-in is a real executable script run by the real subprocess machinery; only CUPS
itself is missing (a print queue cannot be created here).
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from tui.printing import print_file, safe_file_name, save_document


def _script(folder: Path, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    lp = folder / "lp"
    lp.write_text("#!/bin/sh\n" + body)
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    return lp


@pytest.fixture
def fake_lp(tmp_path, monkeypatch) -> Path:
    """An `lp` that records its arguments, one per line, and answers like CUPS."""
    record = tmp_path / "lp-args.txt"
    bin_dir = tmp_path / "bin"
    _script(
        bin_dir,
        f"""for a in "$@"; do printf '%s\\n' "$a" >> "{record}"; done
echo "request id is $2-42 (1 file(s))"
""",
    )
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return record


@pytest.fixture
def document(tmp_path) -> Path:
    return save_document(b"%PDF-1.4 test", tmp_path / "out", "Facture INV-2026-000001.pdf")


async def test_prints_to_the_chosen_printer(fake_lp, document):
    result = await print_file(document, printer="Brother_HL-L2350")
    assert result.ok and result.printed
    assert fake_lp.read_text().splitlines() == ["-d", "Brother_HL-L2350", str(document)]
    assert result.job_id == "Brother_HL-L2350-42"
    assert "Brother_HL-L2350" in result.message and str(document) in result.message


async def test_copies_and_job_options_are_passed(fake_lp, document):
    await print_file(document, printer="Zebra", copies=2, options=["media=Custom.80x200mm"])
    assert fake_lp.read_text().splitlines() == [
        "-d",
        "Zebra",
        "-n",
        "2",
        "-o",
        "media=Custom.80x200mm",
        str(document),
    ]


async def test_without_a_printer_nothing_is_printed(fake_lp, document):
    result = await print_file(document, printer=None)
    assert result.ok and not result.printed
    assert str(document) in result.message
    assert not fake_lp.exists()


async def test_missing_lp_is_explained(document, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = await print_file(document, printer="Office")
    assert not result.ok and not result.printed
    assert "lp not found: install CUPS client (cups-client) or configure no printer" in (
        result.message
    )
    assert str(document) in result.message


async def test_a_refused_job_reports_lps_error(document, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    _script(bin_dir, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(bin_dir))
    result = await print_file(document, printer="Nowhere")
    assert not result.ok and not result.printed
    assert "The printer or class does not exist." in result.message
    assert str(document) in result.message


async def test_a_hanging_lp_times_out(document, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    _script(bin_dir, f"exec {shutil.which('sleep')} 30\n")
    monkeypatch.setenv("PATH", str(bin_dir))
    result = await print_file(document, printer="Slow", timeout=0.3)
    assert not result.ok and "did not answer" in result.message


def test_save_never_overwrites(tmp_path):
    folder = tmp_path / "docs" / "2026"
    first = save_document(b"one", folder, "invoice.pdf")
    second = save_document(b"two", folder, "invoice.pdf")
    third = save_document(b"three", folder, "invoice.pdf")
    assert [first.name, second.name, third.name] == [
        "invoice.pdf",
        "invoice-2.pdf",
        "invoice-3.pdf",
    ]
    assert first.read_bytes() == b"one" and third.read_bytes() == b"three"
    assert sorted(p.name for p in folder.iterdir()) == [
        "invoice-2.pdf",
        "invoice-3.pdf",
        "invoice.pdf",
    ]


def test_save_makes_names_safe(tmp_path):
    path = save_document(b"x", tmp_path, "../../etc/Avoir: Élodie/Lefèvre?.pdf")
    assert path.parent == tmp_path
    assert path.name == "etc-Avoir-Élodie-Lefèvre.pdf"
    assert safe_file_name("") == "document"
    assert safe_file_name(".hidden") == "hidden"
