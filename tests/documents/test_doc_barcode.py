"""The order number's Code 128 barcode: right symbols, right check digit, and the bars
actually drawn on the packing slip decode back to the order number."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader

from tui.documents import BarcodeError, code128_values, code128_widths, packing_slip, receipt
from tui.documents.barcode import PATTERNS

#: Entries typed from ISO/IEC 15417 table 1, to anchor the module's table.
SPEC = {
    0: "212222",  # space in set B, "00" in set C
    12: "112232",
    16: "123122",  # "0" in set B
    33: "111323",  # "A" in set B
    34: "131123",
    82: "121241",
    100: "114131",  # code B
    103: "211412",  # start A
    104: "211214",  # start B
    105: "211232",  # start C
    106: "2331112",  # stop
}


def test_table_matches_the_spec_entries_and_structure():
    for value, pattern in SPEC.items():
        assert PATTERNS[value] == pattern
    assert len(PATTERNS) == 107 and len(set(PATTERNS)) == 107
    for pattern in PATTERNS[:106]:
        widths = [int(c) for c in pattern]
        assert sum(widths) == 11
        assert sum(widths[0::2]) % 2 == 0  # bars carry an even number of modules
    assert sum(int(c) for c in PATTERNS[106]) == 13


def test_digits_use_code_set_c_with_the_spec_check_symbol():
    # "1234": start C, 12, 34, check (105 + 12*1 + 34*2) % 103 = 82.
    assert code128_values("1234") == [105, 12, 34, 82]
    expected = "211232" + "112232" + "131123" + "121241" + "2331112"
    assert "".join(map(str, code128_widths("1234"))) == expected


def test_odd_digits_end_in_code_set_b():
    # "10483": start C, 10, 48, code B, "3" (19), check.
    values = code128_values("10483")
    assert values[:5] == [105, 10, 48, 100, 19]
    assert values[5] == (105 + 10 + 48 * 2 + 100 * 3 + 19 * 4) % 103


def test_letters_use_code_set_b():
    # The worked example of the check symbol: "PJJ123C" → 55.
    assert code128_values("PJJ123C") == [104, 48, 42, 42, 17, 18, 19, 35, 55]


@pytest.mark.parametrize("text", ["", "Commande-é", "12\n34"])
def test_refuses_what_code_128_cannot_carry(text):
    with pytest.raises(BarcodeError):
        code128_values(text)


# -- decoding the bars drawn in the PDF -----------------------------------------------------


def _bars(data: bytes, height_pt: float) -> list[tuple[float, float]]:
    """(x, width) of every filled rectangle of the barcode's height on page 1."""
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    number = r"(-?\d+(?:\.\d+)?)"
    bars = []
    for x, _y, w, h in re.findall(rf"{number} {number} {number} {number} re f", content):
        if abs(abs(float(h)) - height_pt) < 0.05:
            bars.append((float(x), float(w)))
    return sorted(bars)


def _decode(bars: list[tuple[float, float]]) -> str:
    """Read Code 128 from bar positions, using only the spec's rules and table."""
    module = min(w for _, w in bars)
    widths: list[int] = []
    for i, (x, w) in enumerate(bars):
        widths.append(round(w / module))
        if i + 1 < len(bars):
            widths.append(round((bars[i + 1][0] - x - w) / module))
    lookup = {pattern: value for value, pattern in enumerate(PATTERNS)}
    assert "".join(map(str, widths[-7:])) == PATTERNS[106], "no stop symbol"
    symbols = [lookup["".join(map(str, widths[i : i + 6]))] for i in range(0, len(widths) - 7, 6)]
    *data, check = symbols
    assert check == (data[0] + sum(i * v for i, v in enumerate(data[1:], 1))) % 103
    text, code_set = "", {104: "B", 105: "C"}[data[0]]
    for value in data[1:]:
        if code_set == "C" and value == 100:
            code_set = "B"
        elif code_set == "C":
            text += f"{value:02d}"
        else:
            text += chr(value + 32)
    return text


@pytest.mark.parametrize("number", ["10482", "10483", "WC-2026/77"])
def test_packing_slip_bars_decode_to_the_order_number(order, shop, number):
    data = packing_slip(replace(order, number=number), shop)
    bars = _bars(data, height_pt=13 * 72 / 25.4)
    assert _decode(bars) == number


def test_receipt_bars_decode_to_the_order_number(order, shop):
    bars = _bars(receipt(order, shop), height_pt=10 * 72 / 25.4)
    assert _decode(bars) == order.number


def test_order_number_without_a_barcode_still_prints(order, shop, pdf_text):
    data = packing_slip(replace(order, number="Nº-Été-7"), shop)
    assert "Nº-Été-7" in pdf_text(data)
    assert _bars(data, height_pt=13 * 72 / 25.4) == []


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools to scan the printed page",
)
def test_a_real_scanner_reads_the_packing_slip(order, shop, tmp_path):
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(packing_slip(order, shop))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", pdf, tmp_path / "slip"], check=True
    )
    scan = subprocess.run(
        ["zbarimg", "-q", "--raw", tmp_path / "slip.png"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert scan.stdout.strip() == order.number
