"""Serving the shop over real HTTP: in a background thread, or in the foreground.

`start_in_thread` is how the console embeds the shop and how tests talk to it over
loopback: uvicorn runs in a daemon thread with its own event loop, on a socket bound before
the thread starts (port 0 picks a free port, known at once), and `stop()` shuts it down
cleanly and joins the thread.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from shop.app import create_app


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only turns Nagle's algorithm off (TCP_NODELAY) on
    # sockets it can see are TCP; without it every kept-alive request waited ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listening at once: a client told the URL (printed before uvicorn starts) waits in
        # the backlog instead of being refused while the server is still starting.
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _config(db_path: str | Path, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(db_path),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


@dataclass
class RunningShop:
    """A shop served in a background thread; `url` is its base URL (no trailing slash)."""

    host: str
    port: int
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving, wait for the thread, close the socket. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout)
        self.sock.close()

    def __enter__(self) -> RunningShop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    db_path: str | Path, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0
) -> RunningShop:
    """Serve the shop at `db_path` in a background thread; returns once it accepts requests."""
    sock = bind(host, port)
    actual_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(db_path, host, actual_port))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"shop-{actual_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if failure or not thread.is_alive():
            sock.close()
            raise RuntimeError(f"the shop did not start: {failure[0] if failure else 'exited'}")
        if time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout)
            sock.close()
            raise TimeoutError(f"the shop did not start within {timeout} s")
        time.sleep(0.005)
    return RunningShop(host=host, port=actual_port, server=server, thread=thread, sock=sock)


def serve_forever(db_path: str | Path, sock: socket.socket) -> None:
    """Serve on a bound socket in the foreground until Ctrl-C (uvicorn handles signals)."""
    host, port = sock.getsockname()[:2]
    try:
        uvicorn.Server(_config(db_path, host, port)).run(sockets=[sock])
    finally:
        sock.close()
