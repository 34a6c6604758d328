"""Saving documents to disk and sending them to a printer through CUPS (`lp`).

Printing never raises to the caller: a screen shows `PrintResult.message` as it is, so
every failure (no `lp`, an unknown printer, a stopped queue) becomes a sentence the user
can act on, with the saved file's path so the document is never lost. Without a printer
configured, nothing is sent anywhere: the result says where the file was saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.i18n import _

#: How long `lp` may take to queue a job (it returns once CUPS has the file).
LP_TIMEOUT = 30.0
_MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What happened to a document: `printed` when CUPS accepted the job."""

    ok: bool
    printed: bool
    message: str
    path: Path
    printer: str | None = None
    job_id: str | None = None


def safe_file_name(name: str, default: str = "document") -> str:
    """`name` made safe as one file name on any common filesystem: no path separators,
    control or reserved characters, no leading dot; letters with accents are kept."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'\s*[\\/:*?"<>|\x00-\x1f\x7f]+\s*', "-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    stem = stem[: _MAX_NAME - len(ext) - 1].rstrip(" .-") or default
    return f"{stem}.{ext}" if ext else stem


def save_document(data: bytes, folder: Path, name: str) -> Path:
    """Write `data` into `folder` (created if missing) as `name`, made safe; an existing
    file is never overwritten: "invoice.pdf" becomes "invoice-2.pdf", "invoice-3.pdf"…

    The bytes are written to a temp file first and then linked into place under a free
    name, so a reader never sees half a document and two consoles never race on a name.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    safe = safe_file_name(name)
    stem, dot, ext = safe.rpartition(".")
    if not dot:
        stem, ext = safe, ""
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".saving-", suffix=".tmp")
    try:
        os.chmod(temp, 0o644)  # mkstemp makes it private; a saved document is ordinary
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for n in range(1, 10_000):
            candidate = folder / (safe if n == 1 else f"{stem}-{n}{dot}{ext}")
            try:
                os.link(temp, candidate)  # fails if the name exists: no overwrite, no race
            except FileExistsError:
                continue
            except OSError:
                # A filesystem without hard links: claim the name exclusively instead.
                try:
                    with open(candidate, "xb") as out:
                        out.write(data)
                except FileExistsError:
                    continue
            return candidate
        raise FileExistsError(f"no free file name for {safe} in {folder}")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _lp_missing(lp_command: str) -> str:
    return _(
        "{command} not found: install CUPS client (cups-client) or configure no printer"
    ).format(command=lp_command)


def _saved(problem: str, path: Path) -> str:
    """A printing problem, and where the document is anyway."""
    return _("{problem}; saved to {path}").format(problem=problem, path=path)


async def print_file(
    path: Path | str,
    *,
    printer: str | None,
    lp_command: str = "lp",
    copies: int = 1,
    options: Sequence[str] = (),
    timeout: float = LP_TIMEOUT,
) -> PrintResult:
    """Send `path` to `printer` with `lp -d PRINTER [-n N] [-o OPT]… FILE`.

    `printer=None` (or empty) prints nothing and reports the saved file. `options` are
    CUPS job options such as "media=Custom.80x200mm" for a receipt printer.
    """
    path = Path(path)
    if not printer:
        saved = _("Saved to {path} (no printer configured)").format(path=path)
        return PrintResult(True, False, saved, path)
    if shutil.which(lp_command) is None:
        return PrintResult(False, False, _saved(_lp_missing(lp_command), path), path, printer)
    args = ["-d", printer]
    if copies > 1:
        args += ["-n", str(copies)]
    for option in options:
        args += ["-o", option]
    # A path starting with "-" would read as an option; lp has no "--" everywhere.
    args.append(f"./{path}" if str(path).startswith("-") else str(path))
    try:
        process = await asyncio.create_subprocess_exec(
            lp_command,
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError:
        return PrintResult(False, False, _saved(_lp_missing(lp_command), path), path, printer)
    except OSError as exc:
        problem = _("cannot run {command}: {error}").format(
            command=lp_command, error=exc.strerror or exc
        )
        return PrintResult(False, False, _saved(problem, path), path, printer)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        problem = _("{command} did not answer within {seconds} s").format(
            command=lp_command, seconds=f"{timeout:g}"
        )
        message = _saved(problem, path)
        return PrintResult(False, False, message, path, printer)
    stdout = out.decode("utf-8", "replace").strip()
    stderr = err.decode("utf-8", "replace").strip()
    if process.returncode != 0:
        detail = stderr or stdout or _("exit status {code}").format(code=process.returncode)
        problem = _("Printing on {printer} failed: {detail}").format(printer=printer, detail=detail)
        message = _saved(problem, path)
        return PrintResult(False, False, message, path, printer)
    match = re.search(r"request id is (\S+)", stdout)
    job = match.group(1) if match else None
    message = (
        _("Sent to {printer}").format(printer=printer)
        + (" " + _("(job {job})").format(job=job) if job else "")
        + "; "
        + _("saved to {path}").format(path=path)
    )
    return PrintResult(True, True, message, path, printer, job)
