"""`orderdesk shop …` (and `python -m shop …`): serve, seed, outbox, status, key.

`add_shop_commands(subparsers)` registers the `shop` group on the console's parser; every
subcommand sets `func(args) -> int` (the exit status).
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys
import time
from pathlib import Path

from platformdirs import user_data_path

from shop.db import init_db, open_connection
from shop.keys import PERMISSIONS, create_key


def default_db() -> Path:
    return user_data_path("orderdesk", appauthor=False) / "shop.db"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"the shop's SQLite database (default: {default_db()})",
    )


def _db(args: argparse.Namespace) -> Path:
    path = args.db or default_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the shop subcommands to `parser` (the `shop` group, or `python -m shop`)."""
    sub = parser.add_subparsers(dest="shop_command", metavar="COMMAND", required=True)

    serve = sub.add_parser(
        "serve",
        help="run the reference shop over HTTP (foreground)",
        description="Run the reference shop (WooCommerce wc/v3 API).",
    )
    _db_arg(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    serve.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="seed N orders first if the database is empty",
    )
    serve.add_argument("--key", default=None, help="API consumer key to install (ck_…)")
    serve.add_argument("--secret", default=None, help="its consumer secret (cs_…)")
    serve.add_argument(
        "--listen-fd",
        type=int,
        default=None,
        metavar="FD",
        help="serve on this inherited, already listening socket instead of --host/--port "
        "(how the console starts its embedded shop: it knows the URL at once and its first "
        "requests wait in the socket's backlog while the shop starts)",
    )
    serve.add_argument(
        "--watch-stdin",
        action="store_true",
        help="stop when standard input closes (how the console runs its embedded shop: "
        "the shop never outlives the console, even if the console is killed)",
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback address (see the warning)",
    )
    serve.set_defaults(func=cmd_serve)

    seed = sub.add_parser(
        "seed",
        help="fill an empty database with demo data",
        description="Fill an empty database deterministically.",
    )
    _db_arg(seed)
    seed.add_argument("--orders", type=int, required=True, metavar="N")
    seed.add_argument("--seed", type=int, default=1, metavar="S", help="random seed")
    seed.set_defaults(func=cmd_seed)

    outbox = sub.add_parser("outbox", help="show the emails the shop would have sent")
    _db_arg(outbox)
    outbox.add_argument("--order", type=int, default=None, metavar="ID")
    outbox.set_defaults(func=cmd_outbox)

    status = sub.add_parser(
        "status",
        help="list or add custom order statuses",
        description="Custom order statuses (as a WooCommerce plugin registers them). A "
        "running shop sees a new one at once.",
    )
    status_sub = status.add_subparsers(dest="status_command", metavar="ACTION", required=True)
    status_add = status_sub.add_parser(
        "add", help="add a custom status (or change its label / stock rule)"
    )
    _db_arg(status_add)
    status_add.add_argument("slug", help="the status slug, e.g. ready-pickup (no 'wc-')")
    status_add.add_argument("label", help="what people read, e.g. 'Ready for pickup'")
    status_add.add_argument(
        "--holds-stock",
        action="store_true",
        help="orders in this status keep their items' stock reduced (like processing); "
        "without it, entering the status gives reduced stock back (like cancelled)",
    )
    status_add.set_defaults(func=cmd_status_add)
    status_list = status_sub.add_parser("list", help="list every status")
    _db_arg(status_list)
    status_list.set_defaults(func=cmd_status_list)

    key = sub.add_parser("key", help="create an API key pair")
    _db_arg(key)
    key.add_argument("--permission", choices=PERMISSIONS, default="read_write")
    key.set_defaults(func=cmd_key)


def add_shop_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Register `shop` on the console's subparsers; returns the group's parser."""
    parser = subparsers.add_parser(
        "shop",
        help="run or fill the reference shop",
        description="The reference shop: a WooCommerce-compatible server on SQLite.",
    )
    configure(parser)
    return parser


def _has_orders(db: Path) -> bool:
    conn = open_connection(db)
    try:
        return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM orders)").fetchone()[0])
    finally:
        conn.close()


def _stop_when_stdin_closes() -> None:
    """Ask uvicorn for a graceful stop (as Ctrl-C does) once our stdin reaches EOF."""
    import os
    import signal
    import threading

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def inherited_socket(fd: int) -> socket.socket:
    """The listening socket a parent process handed down as `fd` (see `--listen-fd`)."""
    sock = socket.socket(fileno=fd)
    if sock.type != socket.SOCK_STREAM:
        sock.detach()
        raise OSError(f"fd {fd} is not a stream socket")
    return sock


def cmd_serve(args: argparse.Namespace) -> int:
    from shop.server import bind, serve_forever

    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"Refusing to listen on {args.host}: the reference shop speaks plain HTTP and "
            "accepts API keys in clear (Basic and query keys), so anyone on the network "
            "could read them and change orders. It is meant for this machine only; pass "
            "--allow-remote if you really want that.",
            file=sys.stderr,
        )
        return 2
    if (args.key is None) != (args.secret is None):
        print("--key and --secret go together.", file=sys.stderr)
        return 2
    db = _db(args)
    init_db(db)
    if args.seed:
        if _has_orders(db):
            print(f"{db} already has orders; not seeding.")
        else:
            _run_seed(db, args.seed, 1)
    try:
        if args.key:
            key, secret = create_key(db, key=args.key, secret=args.secret, description="shop serve")
        else:
            key, secret = create_key(db, description="shop serve")
    except ValueError as exc:
        print(f"Cannot use that key: {exc}", file=sys.stderr)
        return 2
    try:
        sock = inherited_socket(args.listen_fd) if args.listen_fd is not None else None
        sock = sock or bind(args.host, args.port)
    except OSError as exc:
        where = f"fd {args.listen_fd}" if args.listen_fd is not None else f"{args.host}:{args.port}"
        print(f"Cannot listen on {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    address, port = sock.getsockname()[:2]
    host = f"[{address}]" if ":" in address else address
    print(f"orderdesk reference shop on http://{host}:{port}  (database {db})")
    print(f"  consumer key:    {key}")
    print(f"  consumer secret: {secret}")
    print("Press Ctrl-C to stop.", flush=True)
    # uvicorn re-raises Ctrl-C once it has shut down cleanly. The stdin watcher starts
    # inside this block: a parent that closes our stdin at once sends its SIGINT before
    # `Thread.start()` returns, and that interrupt must end here too, not kill us (exit -2).
    with contextlib.suppress(KeyboardInterrupt):
        if args.watch_stdin:
            _stop_when_stdin_closes()
        serve_forever(db, sock)
    print("Shop stopped.")
    return 0


def _run_seed(db: Path, orders: int, seed_value: int) -> None:
    from shop.seed import seed

    started = time.perf_counter()
    seed(db, orders, seed=seed_value)
    print(f"Seeded {orders} orders into {db} in {time.perf_counter() - started:.1f} s.")


def cmd_seed(args: argparse.Namespace) -> int:
    if args.orders < 0:
        print("--orders must be 0 or more.", file=sys.stderr)
        return 2
    try:
        _run_seed(_db(args), args.orders, args.seed)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from shop.outbox import read_outbox

    db = _db(args)
    init_db(db)
    emails = read_outbox(db, args.order)
    if not emails:
        print("The outbox is empty." if args.order is None else f"No email for order {args.order}.")
    for email in emails:
        print(
            f"#{email['id']}  {email['created_at_gmt']} UTC  order {email['order_id']}  "
            f"[{email['kind']}]"
        )
        print(f"To: {email['recipient']}")
        print(f"Subject: {email['subject']}")
        print()
        print(email["body"])
        print("-" * 72)
    return 0


def cmd_status_add(args: argparse.Namespace) -> int:
    from shop.statuses import CORE_SLUGS, add_status

    slug = args.slug.strip().removeprefix("wc-")
    if slug in CORE_SLUGS:
        print(
            f"{slug!r} is a core WooCommerce status; its label and stock rule are fixed.",
            file=sys.stderr,
        )
        return 2
    if not args.label.strip():
        print("The label must not be empty.", file=sys.stderr)
        return 2
    db = _db(args)
    init_db(db)
    try:
        add_status(db, slug, args.label.strip(), holds_stock=args.holds_stock)
    except ValueError as exc:
        print(f"Cannot add that status: {exc}", file=sys.stderr)
        return 2
    rule = "holds stock" if args.holds_stock else "gives stock back"
    print(f"Status {slug!r} ({args.label.strip()}, {rule}) is registered in {db}.")
    return 0


def cmd_status_list(args: argparse.Namespace) -> int:
    from shop.statuses import CORE_SLUGS, Statuses

    db = _db(args)
    init_db(db)
    conn = open_connection(db)
    try:
        statuses = Statuses.load(conn)
    finally:
        conn.close()
    for slug, label in statuses.labels.items():
        kind = "core" if slug in CORE_SLUGS else "custom"
        stock = "holds stock" if slug in statuses.holding else "-"
        print(f"{slug:<20} {label:<24} {kind:<7} {stock}")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    key, secret = create_key(_db(args), args.permission, description="shop key")
    print(f"consumer key:    {key}")
    print(f"consumer secret: {secret}")
    print(f"permission:      {args.permission}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop", description=__doc__.splitlines()[0])
    configure(parser)
    args = parser.parse_args(argv)
    return int(args.func(args))
