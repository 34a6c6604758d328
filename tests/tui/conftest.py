"""Fixtures for console tests: a real reference shop on loopback and the app on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from client.woocommerce import WooCommerceClient
from shop import keys as shop_keys
from shop.server import RunningShop, start_in_thread
from tests.shop_copies import private_copy, seeded_template
from tui.app import OrderDeskApp
from tui.config import Config

SEEDED_ORDERS = 120


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_template(tmp_path_factory, "template", SEEDED_ORDERS)


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    return private_copy(template_db, tmp_path)


@pytest.fixture
def shop(db_path: Path) -> Iterator[RunningShop]:
    running = start_in_thread(db_path)
    yield running
    running.stop()


@pytest.fixture
def key_pair(db_path: Path) -> tuple[str, str]:
    return shop_keys.create_key(db_path, "read_write")


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def config() -> Config:
    return Config(staff="alice", workstation="bench-1", poll_interval=0.5, bell=False)


@pytest.fixture
async def api(shop: RunningShop, key_pair: tuple[str, str]) -> AsyncIterator[WooCommerceClient]:
    """A second client, playing another user of the shop (or the test's own eyes)."""
    client = WooCommerceClient(shop.url, *key_pair, name="api")
    yield client
    await client.aclose()


@pytest.fixture
def make_app(shop: RunningShop, key_pair: tuple[str, str], config: Config, isolated_dirs: Path):
    def factory(*, key: tuple[str, str] | None = None, cfg: Config | None = None) -> OrderDeskApp:
        ck, cs = key or key_pair
        client = WooCommerceClient(shop.url, ck, cs, name="test shop")
        return OrderDeskApp(client, config=cfg or config, shop_label="test shop")

    return factory
