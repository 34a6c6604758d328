"""The embedded demo shop: the reference shop run as a child process on loopback.

Why a real server and not an in-process transport: the console then talks to the demo
exactly as it talks to a real store (HTTP, auth, paging), so the demo proves the real path.
Why a child process and not a thread: the shop's SQLite and JSON work then runs on the
second core instead of competing with the UI for the GIL, and it starts while the console
is still importing Textual. The child stops when its stdin closes, so it never outlives
the console, even one that is killed.

The console binds the shop's listening socket itself and hands it to the child
(`shop serve --listen-fd`): the URL is known at once, so the console starts without
waiting for the shop, and its first requests wait in the socket's backlog until the shop
accepts them. Only a first run, which seeds the database, waits for the shop to be ready.

The database lives in the user data directory and is seeded once, on first run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

DEMO_ORDERS = 2_000
DB_NAME = "demo-shop.sqlite3"
KEYS_NAME = "demo-shop.keys.json"
LOG_NAME = "demo-shop.log"
_READY = re.compile(r"reference shop on (http://\S+)")


class DemoShopError(RuntimeError):
    """The demo shop could not start; the message says why (from its log)."""


@dataclass(slots=True)
class DemoShop:
    process: subprocess.Popen[bytes]
    db_path: Path
    log_path: Path
    key: str
    secret: str
    url: str = ""
    first_run: bool = False
    ready: bool = False
    _log: object = field(default=None, repr=False)

    def wait_ready(self, timeout: float = 120.0) -> str:
        """Block until the shop serves (first run: after seeding); return its base URL."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            text = self.log_path.read_text(errors="replace")
            if _READY.search(text):
                self.ready = True
                break
            if self.process.poll() is not None:
                raise DemoShopError(
                    f"the demo shop stopped while starting (see {self.log_path}):\n"
                    + text.strip()[-1500:]
                )
            if time.monotonic() > deadline:
                self.stop()
                raise DemoShopError(f"the demo shop did not start within {timeout:.0f} s")
            time.sleep(0.01)
        return self.url

    def failure(self) -> str:
        """Why the shop stopped on its own (its log's end), or "" while it runs or after a
        clean stop."""
        code = self.process.poll()
        if code in (None, 0):
            return ""
        text = self.log_path.read_text(errors="replace").strip()
        return f"the demo shop stopped (exit {code}; see {self.log_path}):\n{text[-1500:]}"

    def stop(self, timeout: float = 5.0) -> None:
        """Close the child's stdin (its cue to stop cleanly); kill it if it lingers.

        Idempotent: the launcher stops a shop it started early on every path out, some of
        which have stopped it already."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            # BrokenPipeError: the child is gone already; there is nothing to tell it.
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
        if self._log is not None:
            self._log.close()  # type: ignore[attr-defined]
            self._log = None


def demo_keys(data_dir: Path) -> tuple[str, str]:
    """The demo shop's API key pair, made once and kept (mode 0600) beside its database."""
    path = data_dir / KEYS_NAME
    if path.exists():
        stored = json.loads(path.read_text())
        return stored["key"], stored["secret"]
    key, secret = f"ck_{secrets.token_hex(20)}", f"cs_{secrets.token_hex(20)}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"key": key, "secret": secret}, handle)
    return key, secret


def start_demo_shop(data_dir: Path, *, orders: int = DEMO_ORDERS) -> DemoShop:
    """Launch the demo shop and return at once, its URL known; `wait_ready()` waits until it
    serves (needed only on a first run, when it seeds before serving)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / DB_NAME
    log_path = data_dir / LOG_NAME
    key, secret = demo_keys(data_dir)
    first_run = not db_path.exists()
    # The log holds the key pair the shop prints: private to the user, like the key file.
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
    listener = loopback_listener()
    port = listener.getsockname()[1]
    command = [
        sys.executable, "-m", "shop", "serve",
        "--db", str(db_path), "--listen-fd", str(listener.fileno()),
        "--seed", str(orders), "--key", key, "--secret", secret, "--watch-stdin",
    ]  # fmt: skip
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            close_fds=True,
            pass_fds=(listener.fileno(),),
        )
    finally:
        # The child owns the socket now: if it dies, connections fail instead of hanging.
        listener.close()
    return DemoShop(
        process=process,
        db_path=db_path,
        log_path=log_path,
        key=key,
        secret=secret,
        url=f"http://127.0.0.1:{port}",
        first_run=first_run,
        _log=log,
    )


def loopback_listener() -> socket.socket:
    """A listening TCP socket on a free loopback port, for the child to inherit.

    IPPROTO_TCP explicitly, as in `shop.server.bind` (asyncio disables Nagle only on
    sockets it can see are TCP); not imported from there, which would load uvicorn
    before the console's first paint."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
