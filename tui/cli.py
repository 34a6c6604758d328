"""The `orderdesk` command: the console by default, `orderdesk shop …` for the reference shop.

Heavy imports (Textual, the shop server) happen inside the branch that needs them, so
`orderdesk shop seed` does not pay for the UI and the console does not pay for argparse
help of commands it won't run.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

#: The commands besides the console (`orderdesk COMMAND …`); `build_parser` adds them.
COMMANDS = ("shop", "web", "shops")


class _ConsoleArgumentsRefused(Exception):
    """The console-only parser could not read the arguments (see `parse_arguments`)."""


class _ConsoleParser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise _ConsoleArgumentsRefused(message)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole parser, or without the commands (`commands=False`): adding them imports
    the shop's and the web server's modules, ~35 ms the console does not need."""
    parser = (argparse.ArgumentParser if commands else _ConsoleParser)(
        prog="orderdesk",
        description="A keyboard-driven terminal console for a shop's orders. "
        "With no shop given it opens the embedded demo shop.",
    )
    target = parser.add_argument_group("shop to open")
    target.add_argument("--url", help="base URL of a WooCommerce-compatible shop")
    target.add_argument("--key", help="API consumer key (ck_…)")
    target.add_argument("--secret", help="API consumer secret (cs_…)")
    target.add_argument(
        "--shop",
        metavar="NAME",
        action="append",
        help="a profile from config.toml (repeat it to open several shops at once)",
    )
    target.add_argument(
        "--all",
        action="store_true",
        help="open every profile of config.toml at once, in one queue",
    )
    target.add_argument(
        "--auth",
        choices=("auto", "basic", "query", "oauth"),
        default=None,
        help="how to authenticate (default: Basic over HTTPS or loopback, else OAuth 1.0a)",
    )
    parser.add_argument("--poll", type=float, metavar="SECONDS", help="live feed interval")
    parser.add_argument("--config", metavar="PATH", help="config file (default: user config dir)")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from shop.cli import add_shop_commands

    add_shop_commands(sub)
    from tui.web import add_web_command

    add_web_command(sub)
    from tui.shops_cli import add_shops_commands

    add_shops_commands(sub)
    return parser


def parse_arguments(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The parser and what it read. Console arguments (no command word, no help asked) are
    read by the console-only parser; anything it refuses goes to the whole parser, so
    every error message and `--help` are the whole parser's."""
    if not any(arg in COMMANDS or arg in ("-h", "--help") for arg in argv):
        parser = build_parser(commands=False)
        try:
            return parser, parser.parse_args(argv)
        except _ConsoleArgumentsRefused:
            pass
    parser = build_parser()
    return parser, parser.parse_args(argv)


def early_demo_shop(argv: Sequence[str]):  # -> tui.embedded.DemoShop | None
    """Plain `orderdesk` opens the demo shop: start it before anything else is imported
    (the parser alone imports for 0.2 s), so its child process is ready sooner. Only when
    nothing can choose another shop: no arguments, and no `default_shop` in the config
    (checked on the file's text; a false alarm merely starts it at the usual time)."""
    if argv:
        return None
    from tui import paths

    try:
        if "default_shop" in paths.config_file().read_text(encoding="utf-8", errors="replace"):
            return None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    from tui.embedded import start_demo_shop

    return start_demo_shop(paths.data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    from tui.start_trace import mark

    mark("main")
    # No automatic collections while the console starts: imports and the first load
    # allocate hundreds of thousands of long-lived objects, and each collection would
    # walk them again (~0.1 s at 10,000 orders). The console collects after each batch
    # it loads and turns collections back on when the load is complete
    # (`OrderDeskApp._settle_memory`); any other command gets them back at once.
    gc.disable()
    argv = sys.argv[1:] if argv is None else list(argv)
    demo = early_demo_shop(argv)
    mark("demo shop launched early" if demo is not None else "demo shop not launched early")
    try:
        parser, args = parse_arguments(argv)
        mark("parsed")
    except BaseException:
        if demo is not None:
            demo.stop()
        raise
    if args.command is not None:
        gc.enable()
        func = getattr(args, "func", None)
        if func is None:  # a command group without its subcommand, e.g. `orderdesk shop`
            parser.parse_args([args.command, "--help"])
            return 2
        return int(func(args) or 0)
    from tui.launch import LaunchError, run_console

    try:
        return run_console(args, demo=demo)
    except LaunchError as error:
        print(f"orderdesk: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
