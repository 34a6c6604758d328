"""The fonts printed documents use: Unicode TTFs that cover the names orders carry.

Why not fpdf2's core fonts: they stop at Latin-1, and customers are called Élodie Lefèvre,
Ελένη Παπαδοπούλου or Иван Петров. Why Fira Sans from the `fontpkg-fira-sans` wheel: a
project dependency brings it to every machine `pip install` reaches (no system package,
no CI step), it covers Latin, Greek and Cyrillic, and its files are static TTFs (a variable
font such as the Noto Sans wheel costs fpdf2 ~7 s to instance per document).

Scripts Fira Sans lacks (CJK, Georgian, Armenian, symbols such as ✓) are drawn with
fallback fonts found on the machine (DejaVu, Droid Sans Fallback, Noto CJK, WenQuanYi),
loaded only when a document's text needs them. When neither Fira Sans nor DejaVu Sans is
found, the machine's DejaVu Sans stands in as the main font; with no Unicode font at all,
`FontMissing` says what to install.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

#: The family name documents set with `pdf.set_font(FAMILY, ...)`.
FAMILY = "OrderdeskSans"


class FontMissing(RuntimeError):
    """No Unicode TrueType font could be found to print documents with."""


@dataclass(frozen=True, slots=True)
class FontFile:
    """One TrueType file; `index` picks a face inside a collection (.ttc)."""

    path: Path
    index: int = 0


@dataclass(frozen=True, slots=True)
class MainFonts:
    regular: FontFile
    bold: FontFile
    source: str


#: System fonts worth trying for characters the main font lacks, in order of preference.
_FALLBACK_CANDIDATES: tuple[tuple[str, FontFile], ...] = (
    ("FallbackDejaVu", FontFile(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))),
    (
        "FallbackNotoCJK",
        FontFile(Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 0),
    ),
    ("FallbackDroid", FontFile(Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"))),
    ("FallbackWqyZen", FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0)),
    ("FallbackWqyMicro", FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0)),
)

_DEJAVU_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
)


@functools.cache
def main_fonts() -> MainFonts:
    """The regular and bold faces documents are set in (Fira Sans, else DejaVu Sans)."""
    try:
        import fontpkg_fira_sans  # the `fontpkg-fira-sans` wheel: a project dependency
    except ImportError:
        pass
    else:
        root = getattr(fontpkg_fira_sans, "ROOT", None) or Path(fontpkg_fira_sans.__file__).parent
        files = Path(root) / "files"
        regular, bold = files / "FiraSans-Regular.ttf", files / "FiraSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return MainFonts(FontFile(regular), FontFile(bold), "Fira Sans (fontpkg-fira-sans)")
    for folder in _DEJAVU_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return MainFonts(FontFile(regular), FontFile(bold), f"DejaVu Sans ({folder})")
    from tui.i18n import _

    raise FontMissing(
        _(
            "no Unicode font to print documents with: install the Python package "
            "fontpkg-fira-sans (pip install fontpkg-fira-sans) or the system fonts "
            "fonts-dejavu-core"
        )
    )


@functools.cache
def _coverage(font: FontFile) -> frozenset[int]:
    """The code points a font draws, read once per process (fontTools ships with fpdf2)."""
    from fontTools.ttLib import TTFont

    with TTFont(font.path, fontNumber=font.index, lazy=True) as ttf:
        cmap = ttf.getBestCmap() or {}
    return frozenset(cmap)


def _drawable(text: str) -> set[int]:
    """Code points that need a glyph (spaces and control characters need none)."""
    return {ord(ch) for ch in text if not ch.isspace() and ch.isprintable()}


def missing_glyphs(texts: Iterable[str]) -> set[int]:
    """Code points in `texts` that the main font cannot draw."""
    wanted: set[int] = set()
    for text in texts:
        wanted |= _drawable(text)
    return wanted - _coverage(main_fonts().regular)


def setup_fonts(pdf: FPDF, texts: Iterable[str] = ()) -> None:
    """Register the main family on `pdf`, plus the fallbacks that `texts` need.

    Fallbacks are added only for characters the main font lacks, so an ordinary order
    pays nothing for the CJK fonts' size.
    """
    fonts = main_fonts()
    pdf.add_font(FAMILY, "", fonts.regular.path, collection_font_number=fonts.regular.index)
    pdf.add_font(FAMILY, "B", fonts.bold.path, collection_font_number=fonts.bold.index)
    missing = missing_glyphs(texts)
    if not missing:
        return
    chosen: list[str] = []
    for name, font in _FALLBACK_CANDIDATES:
        if not missing:
            break
        if not font.path.is_file():
            continue
        covered = missing & _coverage(font)
        if covered:
            pdf.add_font(name, "", font.path, collection_font_number=font.index)
            chosen.append(name)
            missing -= covered
    if chosen:
        # exact_match=False: bold text falls back to the regular face of the fallback font.
        pdf.set_fallback_fonts(chosen, exact_match=False)
