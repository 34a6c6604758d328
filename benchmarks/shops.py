"""Reference shops for the benchmarks: seeded once, copied per run, served as a subprocess.

Why a cache: seeding 100,000 orders takes half a minute or more, and several benchmarks
use the same shop. The cache (`benchmarks/.cache/`, git-ignored) is keyed by the order
count and a fingerprint of the shop's source, so a change to the shop's schema or seed
reseeds instead of serving a stale database.

Why a working copy per run: benchmarks write (status changes, OAuth nonces, the API key
`shop serve` installs); the cached database stays as seeded, and every run starts from it.

Why a subprocess: the client under test and the server must not share a GIL, or the
figures measure their contention instead of either of them.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"

#: The API key pair every benchmark shop installs (loopback only).
KEY = "ck_" + "b" * 40
SECRET = "cs_" + "e" * 40

_URL = re.compile(r"reference shop on (http://\S+)")


def _seed_sources() -> list[Path]:
    """`shop/seed.py` and every shop module it imports, directly or not (read with ast)."""
    found: set[Path] = set()
    todo = [ROOT / "shop" / "seed.py"]
    while todo:
        path = todo.pop()
        if path in found or not path.exists():
            continue
        found.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name == "shop" or name.startswith("shop."):
                    base = ROOT.joinpath(*name.split("."))
                    todo += [base.with_suffix(".py"), base / "__init__.py"]
    return sorted(found)


def shop_fingerprint() -> str:
    """A hash of the code that decides what a seeded database holds (the seed and every
    shop module it imports): a change there reseeds; a change to serving code does not."""
    digest = hashlib.sha1()
    for path in _seed_sources():
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def seeded_db(orders: int, log: Callable[[str], None] = print) -> Path:
    """The cached database with `orders` seeded orders (seeded now if missing or stale)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    fingerprint = shop_fingerprint()
    path = CACHE / f"shop-{orders}-{fingerprint}.sqlite3"
    if path.exists():
        return path
    for stale in CACHE.glob(f"shop-{orders}-*.sqlite3*"):
        stale.unlink()
    from shop.seed import seed

    log(f"seeding a reference shop with {orders:,} orders (cached for later runs)…")
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    seed(partial, orders)
    _checkpoint(partial)
    partial.rename(path)
    log(f"  seeded in {time.perf_counter() - started:.1f} s")
    return path


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the database is one self-contained file."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def working_copy(source: Path, directory: Path) -> Path:
    """A private copy of `source` (SQLite's backup API: consistent even if it were open)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / source.name.replace("shop-", "work-")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=0)
    finally:
        dst.close()
        src.close()
    return target


@dataclass
class ShopProcess:
    """`python -m shop serve` on a free loopback port; stops when its stdin closes."""

    db: Path
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    _log: object = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
        if self._log is not None:
            self._log.close()  # type: ignore[attr-defined]

    def __enter__(self) -> ShopProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _accepts(url: str) -> bool:
    """Whether the shop answers yet (it prints its URL before uvicorn starts listening)."""
    host, _, port = url.removeprefix("http://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def serve(db: Path, *, timeout: float = 60.0) -> ShopProcess:
    """Start the reference shop on `db` as a child process; return once it listens."""
    log_path = Path(tempfile.mkstemp(prefix="bench-shop-", suffix=".log")[1])
    log = open(log_path, "wb")  # noqa: SIM115 (closed by ShopProcess.stop)
    command = [
        sys.executable, "-m", "shop", "serve", "--db", str(db), "--host", "127.0.0.1",
        "--port", "0", "--key", KEY, "--secret", SECRET, "--watch-stdin",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    while True:
        text = log_path.read_text(errors="replace")
        found = _URL.search(text)
        if found and _accepts(found.group(1)):
            return ShopProcess(db, process, found.group(1), log_path, log)
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError(f"the reference shop did not start:\n{text[-1500:]}")
        time.sleep(0.02)
