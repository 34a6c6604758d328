"""The shop served over loopback HTTP, and its command line."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shop.cli import add_shop_commands, main
from shop.outbox import read_outbox
from shop.server import start_in_thread
from tests.shop.conftest import RW

ROOT = Path(__file__).resolve().parents[2]


def test_start_in_thread_serves_and_stops(db: Path) -> None:
    shop = start_in_thread(db)
    try:
        assert shop.url == f"http://127.0.0.1:{shop.port}"
        response = httpx.get(f"{shop.url}/wp-json/wc/v3/orders", auth=RW, params={"per_page": 3})
        assert response.status_code == 200
        assert len(response.json()) == 3
        assert response.headers["x-wp-total"] == "50"
        second = start_in_thread(db)
        assert second.port != shop.port
        second.stop()
    finally:
        shop.stop()
    assert not shop.thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{shop.url}/wp-json/", timeout=2)
    shop.stop()  # twice is fine
    # The port is free again.
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", shop.port))


def test_live_writes_reach_the_database(live_shop: object, db: Path) -> None:
    url = live_shop.url  # type: ignore[attr-defined]
    with httpx.Client(base_url=url, auth=RW) as http:
        response = http.post(
            "/wp-json/wc/v3/orders/1000/notes",
            json={"note": "Bonjour Hélène", "customer_note": True},
        )
        assert response.status_code == 201
    assert read_outbox(db, 1000)[-1]["kind"] == "customer_note"


def test_cli_seed_key_outbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    assert main(["seed", "--db", str(db), "--orders", "20"]) == 0
    assert "Seeded 20 orders" in capsys.readouterr().out
    assert main(["seed", "--db", str(db), "--orders", "20"]) == 1
    assert "already has a shop" in capsys.readouterr().err
    assert main(["key", "--db", str(db), "--permission", "read"]) == 0
    out = capsys.readouterr().out
    assert "ck_" in out and "cs_" in out and "read" in out
    assert main(["outbox", "--db", str(db)]) == 0
    assert "The outbox is empty." in capsys.readouterr().out


def test_cli_outbox_prints_emails(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shop = start_in_thread(db)
    try:
        httpx.post(
            f"{shop.url}/wp-json/wc/v3/orders/1001/notes",
            auth=RW,
            json={"note": "Votre colis arrive demain.", "customer_note": True},
        )
    finally:
        shop.stop()
    assert main(["outbox", "--db", str(db), "--order", "1001"]) == 0
    out = capsys.readouterr().out
    assert "[customer_note]" in out
    assert "Votre colis arrive demain." in out


def test_add_shop_commands_registers_the_group(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="orderdesk")
    add_shop_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["shop", "seed", "--db", str(tmp_path / "x.db"), "--orders", "3"])
    assert args.func(args) == 0


def test_serve_refuses_remote_hosts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--db", str(tmp_path / "r.db"), "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_serve_in_the_foreground(tmp_path: Path) -> None:
    db = tmp_path / "serve.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shop",
            "serve",
            "--db",
            str(db),
            "--port",
            "0",
            "--seed",
            "5",
            "--key",
            RW[0],
            "--secret",
            RW[1],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        url = next(line.split()[4] for line in lines if line.startswith("orderdesk"))
        assert any(RW[0] in line for line in lines)
        response = httpx.get(f"{url}/wp-json/wc/v3/orders", auth=RW, timeout=10)
        assert response.headers["x-wp-total"] == "5"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert process.returncode == 0


def test_serve_watching_a_stdin_closed_at_once_stops_cleanly(tmp_path: Path) -> None:
    """The console closes the demo shop's stdin to stop it, possibly the moment the shop
    says it is ready; stdin at EOF from the start is that race made certain."""
    process = subprocess.run(
        [sys.executable, "-m", "shop", "serve", "--db", str(tmp_path / "w.db"), "--port", "0",
         "--watch-stdin"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=60,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    assert "Shop stopped." in process.stdout
    assert "Traceback" not in process.stderr
