"""`orderdesk shops add`: adding a profile without ever losing what the user wrote."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from tui import paths
from tui.config import ConfigError, ShopProfile, load_config, save_profile

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")

HAND_WRITTEN = """\
# My settings -- do not lose this comment
staff = "alice"   # the day shift

[shops.main]
# production
url = "https://shop.example.test"
key = "ck_main"
secret_command = "pass show shop/main"
"""

NEW = ShopProfile(name="ignored", url="https://second.example.test", key="ck_2",
                  secret_env="SECOND_SECRET", verify=False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_creates_a_private_file_that_loads_back(config_dir: Path) -> None:
    written = save_profile("second", NEW)
    assert written == paths.config_file() and written.exists()
    assert mode(written) == 0o600
    assert load_config().shops["second"] == ShopProfile(
        name="second", url="https://second.example.test", key="ck_2",
        secret_env="SECOND_SECRET", verify=False)
    assert [p.name for p in config_dir.iterdir()] == ["config.toml"]  # no temp file left


@posix_only
def test_appends_to_a_hand_written_file_keeping_comments(config_dir: Path) -> None:
    path = paths.config_file()
    config_dir.mkdir()
    path.write_text(HAND_WRITTEN)
    path.chmod(0o644)
    save_profile("second", NEW)
    text = path.read_text()
    assert text.startswith(HAND_WRITTEN)  # every byte the user wrote is still there
    assert "[shops.second]" in text[len(HAND_WRITTEN):]
    assert mode(path) == 0o600
    config = load_config()
    assert set(config.shops) == {"main", "second"}
    assert config.staff == "alice"


def test_refuses_a_duplicate_and_leaves_the_file_alone(config_dir: Path) -> None:
    path = paths.config_file()
    config_dir.mkdir()
    path.write_text(HAND_WRITTEN)
    with pytest.raises(ConfigError) as caught:
        save_profile("main", NEW)
    assert "already exists" in str(caught.value)
    assert caught.value.line == 4 and str(path) in str(caught.value)
    assert path.read_text() == HAND_WRITTEN


def test_replace_refuses_a_file_with_comments(config_dir: Path) -> None:
    path = paths.config_file()
    config_dir.mkdir()
    path.write_text(HAND_WRITTEN)
    with pytest.raises(ConfigError, match="by hand"):
        save_profile("main", NEW, replace=True)
    assert path.read_text() == HAND_WRITTEN


def test_replace_rewrites_a_file_without_comments(config_dir: Path) -> None:
    save_profile("main", ShopProfile(name="main", url="https://old.test", key="ck",
                                     secret="cs"))
    save_profile("main", NEW, replace=True)
    assert load_config().shops["main"].url == "https://second.example.test"


def test_a_hash_inside_a_string_is_not_a_comment(config_dir: Path) -> None:
    save_profile("main", ShopProfile(name="main", url="https://old.test", key="ck",
                                     secret="cs#not-a-comment"))
    save_profile("main", NEW, replace=True)  # no comment in the file: allowed
    assert load_config().shops["main"].key == "ck_2"


def test_refuses_to_append_where_it_would_break_the_file(config_dir: Path) -> None:
    path = paths.config_file()
    config_dir.mkdir()
    original = 'shops = { main = { url = "https://x.test", kind = "reference" } }\n'
    path.write_text(original)
    with pytest.raises(ConfigError, match="by hand"):
        save_profile("second", NEW)
    assert path.read_text() == original


def test_refuses_an_invalid_profile(config_dir: Path) -> None:
    with pytest.raises(ConfigError, match="https://"):
        save_profile("bad", ShopProfile(name="bad", url="not a url", kind="reference"))
    with pytest.raises(ConfigError, match="profile name"):
        save_profile("two words", NEW)
    assert not paths.config_file().exists()


def test_refuses_to_touch_a_broken_file(config_dir: Path) -> None:
    path = paths.config_file()
    config_dir.mkdir()
    path.write_text("staff = \n")
    with pytest.raises(ConfigError, match="line 1"):
        save_profile("second", NEW)
    assert path.read_text() == "staff = \n"
