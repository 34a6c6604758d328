"""A `kind = "prestashop"` profile: read from config.toml, opened as the right adapter,
and checked by `orderdesk shops test` (on the fake store)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from client.diagnose import AUTHENTICATION, PERMISSION, REACHABILITY
from client.prestashop import PrestaShopClient
from client.prestashop.diagnose import CHANGE_FEED, diagnose_prestashop
from tests.prestashop.fake import KEY, FakePrestaShop
from tui.config import ConfigError, load_config
from tui.launch import build_app, choose_target
from tui.multishop import client_for_profile


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    os.chmod(path, 0o600)
    return path


def test_prestashop_profile_opens_the_prestashop_adapter(tmp_path: Path) -> None:
    path = _write(tmp_path, f"""
[shops.eu]
kind = "prestashop"
url = "https://eu.example"
key = "{KEY}"
timezone = "Europe/Paris"
admin_url = "https://eu.example/admin42"
""")
    config = load_config(path)
    profile = config.shops["eu"]
    assert (profile.kind, profile.timezone, profile.admin_url) == (
        "prestashop", "Europe/Paris", "https://eu.example/admin42"
    )
    client = client_for_profile(profile)
    assert isinstance(client, PrestaShopClient)
    assert client.base_url == "https://eu.example/api/"
    args = argparse.Namespace(url=None, key=None, secret=None, shop="eu", auth=None)
    app = build_app(choose_target(args, config), config)
    assert isinstance(app.shop, PrestaShopClient) and app.shop.admin_url.endswith("admin42")


def test_prestashop_profile_needs_its_key_and_a_real_time_zone(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Webservice key"):
        load_config(_write(tmp_path, '[shops.eu]\nkind = "prestashop"\nurl = "https://e.x"\n'))
    with pytest.raises(ConfigError, match="time zone"):
        load_config(_write(tmp_path, '[shops.eu]\nkind = "prestashop"\nurl = "https://e.x"\n'
                                     'key = "K"\ntimezone = "Mars/Olympus"\n'))


async def test_shops_test_verdicts_on_a_prestashop_store() -> None:
    fake = FakePrestaShop.seeded()
    good = await diagnose_prestashop("http://ps.test", KEY, transport=fake.transport())
    assert good.ok, good.checks
    assert good.check(REACHABILITY).ok and good.check(AUTHENTICATION).ok
    assert good.check(PERMISSION).ok and "not checked" in good.check(PERMISSION).detail
    assert good.check(CHANGE_FEED).ok
    assert fake.writes and all(w.method == "POST" for w in fake.writes)  # refused, nothing made
    assert all(len(fake.tables[w.resource]) == len(FakePrestaShop.seeded().tables[w.resource])
               for w in fake.writes)
    bad = await diagnose_prestashop("http://ps.test", "WRONG", transport=fake.transport())
    assert not bad.ok and bad.check(AUTHENTICATION).ok is False
    assert "WRONG" not in " ".join(c.verdict + c.detail for c in bad.checks)
