"""The embedded demo shop: its URL is known at launch and early requests wait for it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tui.cli import early_demo_shop
from tui.embedded import start_demo_shop


def test_demo_shop_answers_a_request_sent_before_it_is_ready(tmp_path: Path) -> None:
    first = start_demo_shop(tmp_path, orders=20)
    first.wait_ready()  # the first run seeds before serving
    first.stop()

    shop = start_demo_shop(tmp_path, orders=20)
    try:
        assert not shop.first_run
        assert shop.url.startswith("http://127.0.0.1:")
        # Sent at once, while the child is still importing: it waits in the backlog.
        answer = httpx.get(
            f"{shop.url}/wp-json/wc/v3/orders",
            params={"per_page": 5},
            auth=(shop.key, shop.secret),
            timeout=60,
        )
        assert answer.status_code == 200
        assert len(answer.json()) == 5
        assert shop.failure() == ""
    finally:
        shop.stop()


def test_a_shop_that_cannot_start_says_why(tmp_path: Path) -> None:
    (tmp_path / "demo-shop.sqlite3").write_text("this is not a database")
    shop = start_demo_shop(tmp_path, orders=20)
    try:
        shop.process.wait(60)
        failure = shop.failure()
        assert "demo shop stopped" in failure
        assert "database" in failure.lower()
        # Nothing listens any more: a request fails at once instead of hanging.
        try:
            httpx.get(shop.url, timeout=10)
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("a dead demo shop still answered")
    finally:
        shop.stop()


def test_stopping_twice_is_harmless(tmp_path: Path) -> None:
    shop = start_demo_shop(tmp_path, orders=20)
    shop.wait_ready()
    shop.stop()
    shop.stop()  # the launcher's paths out may each stop it
    assert shop.process.returncode == 0
    assert shop.failure() == ""


def test_plain_orderdesk_starts_the_demo_shop_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    shop = early_demo_shop([])
    assert shop is not None
    try:
        assert shop.db_path.parent == tmp_path / "data"
        assert shop.process.poll() is None
    finally:
        shop.stop()


@pytest.mark.parametrize(
    "argv", [["--url", "http://127.0.0.1:9"], ["--shop", "main"], ["shops", "list"], ["--help"]]
)
def test_no_early_start_when_arguments_may_choose_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    assert early_demo_shop(argv) is None
    assert not (tmp_path / "data").exists()


def test_no_early_start_when_the_config_names_a_default_shop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text(
        'default_shop = "main"\n\n[shops.main]\nurl = "https://shop.example"\nkey = "ck_x"\n'
    )
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    assert early_demo_shop([]) is None
    assert not (tmp_path / "data").exists()
