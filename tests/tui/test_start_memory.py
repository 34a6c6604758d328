"""Garbage collection is paused while the console starts and back once the queue is in.

Why it matters to a user: a collection pass walks every object the start-up allocated, so
with it on the first load of 10,000 orders took ~0.1 s longer; left off for good, cyclic
garbage would pile up for the whole session.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.helpers import wait_until
from tui import app as app_module
from tui.cli import main


@pytest.fixture
def collection_paused() -> Iterator[None]:
    """As `tui.cli.main` leaves it when it starts the console."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def test_collection_is_back_once_the_first_load_is_complete(
    make_app, collection_paused: None
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded, what="the queue")
        await wait_until(pilot, gc.isenabled, what="automatic collection")
        assert app.queue.total > 0


async def test_collection_is_back_even_if_the_shop_never_answers(
    make_app, collection_paused: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from client.woocommerce import WooCommerceClient
    from tui.app import OrderDeskApp

    monkeypatch.setattr(app_module, "GC_PAUSE_LIMIT", 0.2)
    shop = WooCommerceClient("http://127.0.0.1:9", "ck_x", "cs_x", name="nowhere")
    app = OrderDeskApp(shop, shop_label="nowhere")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, gc.isenabled, what="automatic collection")
        assert not app.loaded


def test_other_commands_run_with_collection_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    seen: list[bool] = []
    monkeypatch.setattr("tui.shops_cli.run_list", lambda args: seen.append(gc.isenabled()) or 0)
    try:
        assert main(["shops", "list"]) == 0
    finally:
        gc.enable()
    assert seen == [True]
