"""The `orderdesk` command's subcommands, run as a user would run them."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tui.cli import COMMANDS, build_parser, main, parse_arguments


def test_shop_seed_and_outbox_through_orderdesk(tmp_path: Path, capsys) -> None:
    db = tmp_path / "shop.sqlite3"
    assert main(["shop", "seed", "--db", str(db), "--orders", "25"]) == 0
    assert "Seeded 25 orders" in capsys.readouterr().out
    assert main(["shop", "outbox", "--db", str(db)]) == 0


def test_a_group_without_subcommand_says_what_is_missing(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["shop"])
    assert exit_info.value.code == 2
    assert "usage: orderdesk shop" in capsys.readouterr().err


def test_web_refuses_a_non_loopback_address(capsys) -> None:
    assert main(["web", "--host", "0.0.0.0"]) == 2
    assert "Refusing to serve on 0.0.0.0" in capsys.readouterr().err


def test_console_flags_must_come_together(capsys) -> None:
    assert main(["--url", "http://127.0.0.1:9"]) == 2
    assert "missing --key, --secret" in capsys.readouterr().err


def test_console_arguments_are_read_without_loading_the_commands() -> None:
    """The console's own arguments skip the commands' imports (start-up time)."""
    parser, args = parse_arguments(["--url", "http://127.0.0.1:9", "--key", "k", "--poll", "5"])
    assert (args.url, args.key, args.poll, args.command) == ("http://127.0.0.1:9", "k", 5.0, None)
    assert "COMMAND" not in parser.format_usage()


def test_a_mistyped_command_or_option_gets_the_whole_parsers_message(capsys) -> None:
    for argv, wanted in (
        (["shpo"], "invalid choice: 'shpo'"),
        (["--poll", "soon"], "invalid float value: 'soon'"),
        (["--colour"], "unrecognized arguments: --colour"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert wanted in err, err
        assert "COMMAND" in err  # the usage of the whole parser, commands included


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)


def test_the_command_words_are_the_parsers_commands() -> None:
    """`COMMANDS` decides which parser reads the arguments: it must not drift."""
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == set(COMMANDS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_web_serves_the_console_page_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert page.status_code == 200
        assert "orderdesk" in page.text
    finally:
        process.terminate()
        process.wait(10)


def test_the_demo_shop_learns_the_custom_statuses_of_the_config(tmp_path: Path) -> None:
    from shop import db
    from shop.db import open_connection
    from shop.statuses import Statuses
    from tui.config import Config, StatusSetting
    from tui.launch import register_custom_statuses

    path = tmp_path / "demo.sqlite3"
    db.init_db(path)
    config = Config(
        statuses={
            "ready-pickup": StatusSetting(
                slug="ready-pickup", label="Ready for pickup", holds_stock=True
            ),
            "completed": StatusSetting(slug="completed", label="Done"),
        }
    )
    register_custom_statuses(path, config)
    register_custom_statuses(path, config)  # every start: idempotent
    conn = open_connection(path)
    statuses = Statuses.load(conn)
    conn.close()
    assert statuses.label("ready-pickup") == "Ready for pickup"
    assert "ready-pickup" in statuses.holding
    assert statuses.label("completed") == "Completed"  # core statuses are the shop's own
