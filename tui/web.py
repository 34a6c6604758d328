"""`orderdesk web`: the same console in a browser, for a wall screen or a manager's laptop.

textual-serve starts one console process per browser tab and streams it over a websocket.
It has no authentication of its own, so it listens on loopback unless the user explicitly
asks otherwise (and then a reverse proxy with authentication belongs in front: see README).
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def add_web_command(subparsers: argparse._SubParsersAction) -> None:
    web = subparsers.add_parser(
        "web",
        help="serve the console in a browser (loopback only unless --allow-remote)",
        description="Serve the console in a web browser. Every browser tab runs its own console.",
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on")
    web.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    web.add_argument(
        "--public-url",
        help="the address users type, when behind a reverse proxy (e.g. https://orders.example)",
    )
    web.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback address (put an authenticating reverse proxy in front)",
    )
    web.add_argument(
        "console_args",
        nargs=argparse.REMAINDER,
        help="arguments for the console itself, after --, e.g. -- --shop main",
    )
    web.set_defaults(func=run_web)


def web_command(console_args: list[str]) -> str:
    """The command each browser tab runs: this Python's orderdesk, with the given flags."""
    args = [a for a in console_args if a != "--"]
    return shlex.join([sys.executable, "-m", "tui", *args])


def run_web(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"Refusing to serve on {args.host}: the web console has no login of its own, so "
            "anyone who can reach it could run your shop. Serve on 127.0.0.1 behind a reverse "
            "proxy with authentication, or pass --allow-remote if that proxy is in place.",
            file=sys.stderr,
        )
        return 2
    from textual_serve.server import Server

    server = Server(
        web_command(args.console_args),
        host=args.host,
        port=args.port,
        title="orderdesk",
        public_url=args.public_url,
    )
    print(f"orderdesk web console on http://{args.host}:{args.port}", flush=True)
    server.serve()
    return 0
