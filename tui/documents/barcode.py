"""Code 128 barcodes, drawn as plain rectangles with fpdf2.

Why Code 128 and not fpdf2's built-in Code 39: Code 128 is what handheld scanners in
warehouses read by default, it is about half as wide for digits (code set C packs two
digits per symbol), and it has a mandatory check symbol, so a misread is refused rather
than typed into the console. The table below is ISO/IEC 15417's: each symbol is 6
alternating bar/space widths (in modules, starting with a bar) adding up to 11; the stop
symbol has a 7th element (a final 2-module bar).
"""

from __future__ import annotations

from fpdf import FPDF

#: Symbol values 0–106 as bar/space widths (ISO/IEC 15417, table 1). 103–105 are the
#: start symbols A, B, C; 106 is the stop symbol.
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
    "211214", "211232", "2331112",
)  # fmt: skip

START_B, START_C, STOP = 104, 105, 106
CODE_B = 100  # "switch to code set B", as sent in code set C
#: Quiet zone each side, in modules (the standard asks for at least 10).
QUIET_ZONE = 10


class BarcodeError(ValueError):
    """The text cannot be encoded in Code 128 (only printable ASCII can)."""


def _checked(values: list[int]) -> list[int]:
    checksum = values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))
    return [*values, checksum % 103]


def code128_values(text: str) -> list[int]:
    """Symbol values for `text`: start, data, check symbol (the stop symbol not included).

    All-digit text uses code set C (two digits a symbol), ending in code set B for an odd
    last digit; any other printable ASCII uses code set B.
    """
    if not text:
        raise BarcodeError("nothing to encode")
    if any(not (32 <= ord(ch) <= 126) for ch in text):
        raise BarcodeError(f"Code 128 encodes printable ASCII only, not {text!r}")
    if text.isdigit() and len(text) >= 2:
        even = len(text) - len(text) % 2
        values = [START_C] + [int(text[i : i + 2]) for i in range(0, even, 2)]
        if even < len(text):
            values += [CODE_B, ord(text[-1]) - 32]
        return _checked(values)
    return _checked([START_B] + [ord(ch) - 32 for ch in text])


def code128_widths(text: str) -> list[int]:
    """Bar/space widths in modules for `text`, start to stop, first element a bar."""
    values = [*code128_values(text), STOP]
    return [int(w) for value in values for w in PATTERNS[value]]


def code128_modules(text: str) -> int:
    """The symbol's width in modules, quiet zones excluded."""
    return sum(code128_widths(text))


def draw_code128(
    pdf: FPDF, text: str, x: float, y: float, *, height: float, module: float = 0.33
) -> float:
    """Draw `text` as Code 128 bars with their left edge at `x` (no quiet zone: leave
    `QUIET_ZONE * module` clear each side). Returns the width drawn, in document units.

    `module` is the narrowest bar's width; 0.33 mm is comfortable for laser and thermal
    printers and ordinary hand scanners.
    """
    cursor = x
    pdf.set_fill_color(0, 0, 0)
    for i, width in enumerate(code128_widths(text)):
        span = width * module
        if i % 2 == 0:  # even positions are bars
            pdf.rect(cursor, y, span, height, style="F")
        cursor += span
    return cursor - x
