"""`orderdesk shops add|test|list`, run in-process (main(argv)) against a reference shop on
loopback, with orderdesk's folders in tmp_path."""

from __future__ import annotations

import argparse
import io
import os
import stat
import tomllib
from pathlib import Path

import pytest

from shop.server import RunningShop
from tui import paths
from tui.cli import main
from tui.config import load_config
from tui.shops_cli import mask_key, run_add


def config_text() -> str:
    return paths.config_file().read_text()


def test_add_from_flags_writes_a_private_profile(
    running_shop: RunningShop, rw_key: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    key, secret = rw_key
    status = main(
        ["shops", "add", "main", "--url", running_shop.url, "--key", key, "--secret", secret]
    )
    assert status == 0
    profile = load_config().shops["main"]
    assert (profile.url, profile.key, profile.secret) == (running_shop.url, key, secret)
    assert stat.S_IMODE(os.stat(paths.config_file()).st_mode) == 0o600
    assert "orderdesk --shop main" in capsys.readouterr().out


def test_add_refuses_a_duplicate_and_keeps_the_file(
    running_shop: RunningShop, rw_key: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    key, secret = rw_key
    args = ["shops", "add", "main", "--url", running_shop.url, "--key", key, "--secret", secret]
    assert main(args) == 0
    before = config_text()
    other = ["--url", "https://other.example", "--key", "ck_2", "--secret", "x"]
    assert main([*args[:3], *other]) == 1
    assert config_text() == before
    assert "already exists" in capsys.readouterr().err


def test_add_with_test_refuses_a_failing_key_unless_forced(
    running_shop: RunningShop, rw_key: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    key, _ = rw_key
    args = ["shops", "add", "main", "--url", running_shop.url, "--key", key,
            "--secret", "cs_wrong", "--test"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "✖ Authentication: wrong secret" in captured.out
    assert "not saved" in captured.err
    assert not paths.config_file().exists()

    assert main([*args, "--force"]) == 0
    assert "main" in load_config().shops


def test_add_with_test_saves_a_working_profile_with_env_secret(
    running_shop: RunningShop,
    rw_key: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, secret = rw_key
    monkeypatch.setenv("SHOP_SECRET", secret)
    status = main(["shops", "add", "main", "--url", running_shop.url, "--key", key,
                   "--secret-env", "SHOP_SECRET", "--test"])
    assert status == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "✔ Authentication" in out
    data = tomllib.loads(config_text())
    assert data["shops"]["main"]["secret_env"] == "SHOP_SECRET"
    assert secret not in config_text()


def test_add_keeps_the_users_comments(
    running_shop: RunningShop, rw_key: tuple[str, str]
) -> None:
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("# my settings\npoll_interval = 3\n")
    key, secret = rw_key
    assert main(["shops", "add", "b", "--url", running_shop.url, "--key", key,
                 "--secret", secret, "--ca-bundle", "/etc/ssl/certs/ca-certificates.crt"]) == 0
    text = config_text()
    assert text.startswith("# my settings\npoll_interval = 3\n")
    assert load_config().shops["b"].verify == "/etc/ssl/certs/ca-certificates.crt"


def test_add_without_flags_off_a_terminal_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["shops", "add"]) == 2
    assert "needs --url" in capsys.readouterr().err


def test_add_missing_key_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shops", "add", "x", "--url", "https://s.example", "--secret", "cs"]) == 2
    assert "--key" in capsys.readouterr().err


def test_add_by_questions(running_shop: RunningShop, rw_key: tuple[str, str]) -> None:
    key, secret = rw_key
    answers = iter(["main", running_shop.url, "", key, "1", "", "y"])
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(
        name=None, url=None, key=None, secret=None, secret_env=None, secret_command=None,
        kind="woocommerce", auth="auto", verify=None, ca_bundle=None, test=False, force=False,
        config=None,
    )
    status = run_add(
        args, out=out, err=err, ask=lambda _prompt: next(answers), ask_secret=lambda _p: secret
    )
    assert status == 0, err.getvalue()
    assert "✔ Authentication" in out.getvalue()
    assert load_config().shops["main"].secret == secret


def test_test_prints_a_verdict_per_check_and_exit_status(
    running_shop: RunningShop,
    rw_key: tuple[str, str],
    read_key: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, (key, secret) in (("good", rw_key), ("ro", read_key)):
        main(["shops", "add", name, "--url", running_shop.url, "--key", key, "--secret", secret])
    capsys.readouterr()

    assert main(["shops", "test", "good"]) == 0
    out = capsys.readouterr().out
    for check in ("Reachability", "REST API index", "Pretty permalinks", "Authentication",
                  "Key permission", "WooCommerce version", "modified_after"):
        assert f"✔ {check}" in out or f"✔ Change feed ({check})" in out, (check, out)

    assert main(["shops", "test", "ro"]) == 1
    assert "✖ Key permission: read only" in capsys.readouterr().out

    assert main(["shops", "test"]) == 1  # every profile; one fails
    out = capsys.readouterr().out
    assert "[good]" in out and "[ro]" in out


def test_test_unknown_profile_and_broken_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shops", "test", "nope"]) == 2
    assert "no shop profile named 'nope'" in capsys.readouterr().err
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("[shops.main]\nurl = 'https://x.example'\nkye = 'ck'\n")
    assert main(["shops", "test", "main"]) == 2
    err = capsys.readouterr().err
    assert "config.toml, line 3: shops.main.kye: unknown key" in err


def test_test_when_the_shop_is_down(
    running_shop: RunningShop, rw_key: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["shops", "add", "main", "--url", running_shop.url, "--key", rw_key[0],
          "--secret", rw_key[1]])
    running_shop.stop()
    assert main(["shops", "test", "main"]) == 1
    assert "✖ Reachability: nothing answers" in capsys.readouterr().out


def test_list_never_shows_secrets(
    running_shop: RunningShop, rw_key: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    key, secret = rw_key
    main(["shops", "add", "main", "--url", running_shop.url, "--key", key, "--secret", secret])
    main(["shops", "add", "env", "--url", "https://shop.example", "--key", "ck_abc",
          "--secret-env", "NOT_SET_ANYWHERE_123"])
    capsys.readouterr()
    assert main(["shops", "list"]) == 0
    out = capsys.readouterr().out
    assert secret not in out and key not in out
    assert mask_key(key) in out
    assert "$NOT_SET_ANYWHERE_123 (NOT SET)" in out
    assert running_shop.url in out and "https://shop.example" in out


def test_list_with_no_profiles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["shops", "list"]) == 0
    assert "shops add" in capsys.readouterr().out


def test_add_to_a_broken_config_overwrites_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    paths.config_file().parent.mkdir(parents=True)
    broken = "poll_interval = 2\n[shops.main\nurl = 'x'\n"
    paths.config_file().write_text(broken)
    status = main(["shops", "add", "b", "--url", "https://b.example", "--key", "ck_b",
                   "--secret", "cs_b"])
    assert status == 2
    assert "config.toml, line 2" in capsys.readouterr().err
    assert paths.config_file().read_text() == broken
