"""Keep the translation catalogs in step with the source: extract, merge, compile, check.

A developer's tool, never imported by the running console (``tui.i18n`` reads the
compiled ``.mo`` with the standard library). No Babel: the three jobs are small and this
keeps the project free of a build dependency.

- *extract*: every message the console shows, found in the source with ``ast``:
  the first argument of ``_()`` and ``N_()``, both of ``ngettext()``, the context and
  message of ``pgettext()`` (and ``npgettext()``: context, singular, plural), and the
  description of every ``Binding(...)`` (translated when drawn, see ``tui.i18n``).
- *update*: merge them into each ``.po`` (translations kept, new ids added empty, ids no
  longer in the source dropped), sorted by first use.
- *compile*: ``.po`` -> ``.mo`` (deterministic bytes, so a test can compare). A message
  with a context is stored as gettext does, ``context + "\x04" + msgid``, so the
  standard library's ``pgettext`` finds it.

Run ``python -m tui.i18n_build`` after adding strings: it updates and compiles, and lists
the messages still untranslated (fill their ``msgstr`` in the ``.po`` and run it again).
``--check`` changes nothing and fails when the catalog is stale or incomplete.
"""

from __future__ import annotations

import ast
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.i18n import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
#: The packages whose text reaches the screen (the CLI's help stays English).
SOURCE_DIRS = ("tui", "screens")
#: Modules left out: command-line text, developer tools.
EXCLUDED = frozenset({"tui/cli.py", "tui/shops_cli.py", "tui/i18n_build.py", "tui/__main__.py"})
LANGUAGES = ("fr",)
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}


@dataclass
class Entry:
    """One message: its id (and plural id), translations, where it is used, and the
    context (``msgctxt``) that tells two uses of one English text apart."""

    msgid: str
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    msgctxt: str | None = None

    @property
    def key(self) -> tuple[str, str | None] | tuple[str, str | None, str]:
        if self.msgctxt is None:
            return (self.msgid, self.msgid_plural)
        return (self.msgid, self.msgid_plural, self.msgctxt)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and bool(self.msgstr)


# --------------------------------------------------------------------------- extract


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def extract_source(source: str, where: str) -> list[Entry]:
    """The messages of one module, in order of appearance."""
    found: list[Entry] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        args = node.args
        ref = f"{where}:{node.lineno}"
        if name in ("_", "N_") and args and (text := _text(args[0])):
            found.append(Entry(text, references=[ref]))
        elif name == "ngettext" and len(args) >= 2:
            singular, plural = _text(args[0]), _text(args[1])
            if singular and plural:
                found.append(Entry(singular, plural, ["", ""], [ref]))
        elif name == "pgettext" and len(args) >= 2:
            context, text = _text(args[0]), _text(args[1])
            if context and text:
                found.append(Entry(text, references=[ref], msgctxt=context))
        elif name == "npgettext" and len(args) >= 3:
            context, singular, plural = _text(args[0]), _text(args[1]), _text(args[2])
            if context and singular and plural:
                found.append(Entry(singular, plural, ["", ""], [ref], context))
        elif name == "Binding":
            description = args[2] if len(args) > 2 else None
            for keyword in node.keywords:
                if keyword.arg == "description":
                    description = keyword.value
            if text := _text(description):
                found.append(Entry(text, references=[ref]))
    found.sort(key=lambda e: int(e.references[0].rsplit(":", 1)[1]))
    return found


def source_files(root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for directory in SOURCE_DIRS:
        for path in sorted((root / directory).rglob("*.py")):
            if path.relative_to(root).as_posix() not in EXCLUDED:
                files.append(path)
    return files


def extract(root: Path = ROOT) -> dict[tuple, Entry]:
    """Every message in the console's source, first use first."""
    messages: dict[tuple, Entry] = {}
    for path in source_files(root):
        where = path.relative_to(root).as_posix()
        for entry in extract_source(path.read_text(encoding="utf-8"), where):
            if entry.key in messages:
                messages[entry.key].references.extend(entry.references)
            else:
                messages[entry.key] = entry
    return messages


# --------------------------------------------------------------------------- .po files


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


def _po_string(keyword: str, text: str) -> str:
    if "\n" in text.rstrip("\n"):
        parts = text.splitlines(keepends=True)
        return f'{keyword} ""\n' + "\n".join(_quote(p) for p in parts)
    return f"{keyword} {_quote(text)}"


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    body, out, i = text[1:-1], [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_po(path: Path) -> tuple[str, list[Entry]]:
    """The header text and the entries of a ``.po`` file (comments other than refs dropped)."""
    header = ""
    entries: list[Entry] = []
    current: dict[str, str] = {}
    refs: list[str] = []
    last: str | None = None

    def flush() -> None:
        nonlocal header, current, refs, last
        if "msgid" in current:
            if current["msgid"] == "":
                header = current.get("msgstr", "")
            else:
                plural = current.get("msgid_plural")
                if plural is None:
                    msgstr = [current.get("msgstr", "")]
                else:
                    msgstr = [current.get(f"msgstr[{n}]", "") for n in range(2)]
                entries.append(
                    Entry(current["msgid"], plural, msgstr, refs, current.get("msgctxt"))
                )
        current, refs, last = {}, [], None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#:"):
            if "msgid" in current:
                flush()
            refs.extend(line[2:].split())
        elif line.startswith("#"):
            if "msgid" in current:
                flush()
        elif line.startswith('"'):
            if last is None:
                raise ValueError(f"{path}: continuation without a keyword: {raw!r}")
            current[last] += _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgid", "msgctxt") and "msgid" in current:
                flush()
            current[keyword] = _unquote(rest)
            last = keyword
    flush()
    return header, entries


def write_po(path: Path, header: str, entries: Iterable[Entry]) -> None:
    chunks = ['msgid ""\n' + _po_string("msgstr", header)]
    for entry in entries:
        lines = []
        if entry.references:
            lines.append("#: " + " ".join(entry.references[:3]))
        if entry.msgctxt is not None:
            lines.append(_po_string("msgctxt", entry.msgctxt))
        lines.append(_po_string("msgid", entry.msgid))
        if entry.msgid_plural is None:
            lines.append(_po_string("msgstr", entry.msgstr[0]))
        else:
            lines.append(_po_string("msgid_plural", entry.msgid_plural))
            lines.extend(_po_string(f"msgstr[{n}]", s) for n, s in enumerate(entry.msgstr))
        chunks.append("\n".join(lines))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def default_header(lang: str) -> str:
    return (
        "Project-Id-Version: orderdesk\n"
        f"Language: {lang}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        f"Plural-Forms: {PLURAL_FORMS[lang]}\n"
    )


# --------------------------------------------------------------------------- .mo files


def compile_mo(header: str, entries: Iterable[Entry]) -> bytes:
    """GNU ``.mo`` bytes for the translated entries (untranslated ones fall back to English)."""
    pairs: dict[bytes, bytes] = {b"": header.encode("utf-8")}
    for entry in entries:
        if not entry.translated:
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            pairs[msgid.encode()] = entry.msgstr[0].encode()
        else:
            key = f"{msgid}\0{entry.msgid_plural}".encode()
            pairs[key] = "\0".join(entry.msgstr).encode()
    keys = sorted(pairs)
    ids = strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(pairs[key])))
        ids += key + b"\0"
        strs += pairs[key] + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    key_table: list[int] = []
    value_table: list[int] = []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_table += [id_length, id_offset + key_start]
        value_table += [str_length, str_offset + value_start]
    return (
        struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
        + struct.pack(f"{len(key_table)}i", *key_table)
        + struct.pack(f"{len(value_table)}i", *value_table)
        + ids
        + strs
    )


# --------------------------------------------------------------------------- the jobs


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def merged(lang: str, messages: dict[tuple, Entry]) -> tuple[str, list[Entry]]:
    """The catalog of `lang` for `messages`: existing translations kept, the rest empty."""
    path = po_path(lang)
    header, old = read_po(path) if path.exists() else (default_header(lang), [])
    known = {e.key: e for e in old}
    entries = []
    for key, entry in messages.items():
        previous = known.get(key)
        msgstr = previous.msgstr if previous else ["", ""] if entry.msgid_plural else [""]
        entries.append(
            Entry(entry.msgid, entry.msgid_plural, list(msgstr), entry.references, entry.msgctxt)
        )
    return header, entries


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    messages = extract()
    status = 0
    for lang in LANGUAGES:
        header, entries = merged(lang, messages)
        missing = [e for e in entries if not e.translated]
        data = compile_mo(header, entries)
        if check:
            _, current = read_po(po_path(lang))
            if [e.key for e in current] != [e.key for e in entries]:
                print(f"{po_path(lang)} is stale: run python -m tui.i18n_build")
                status = 1
            if not mo_path(lang).exists() or mo_path(lang).read_bytes() != data:
                print(f"{mo_path(lang)} does not match the .po: run python -m tui.i18n_build")
                status = 1
        else:
            write_po(po_path(lang), header, entries)
            mo_path(lang).write_bytes(data)
        for entry in missing:
            print(f"{lang}: untranslated: {entry.msgid!r} ({entry.references[0]})")
        if missing:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
