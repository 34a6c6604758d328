"""The "add a shop" form, driven with the pilot against a reference shop on loopback."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from screens.shop_form import ShopFormApp
from shop.server import RunningShop
from tui import paths
from tui.config import load_config


async def fill(app: ShopFormApp, pilot, **values: str) -> None:  # type: ignore[no-untyped-def]
    for field, value in values.items():
        widget = app.screen.query_one(f"#{field}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.focus()
            widget.value = value
    await pilot.pause()


def result_text(app: ShopFormApp) -> str:
    return str(app.screen.query_one("#shop-form-result", Static).render())


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)


async def test_test_then_save_writes_the_profile(
    running_shop: RunningShop, rw_key: tuple[str, str]
) -> None:
    app = ShopFormApp(paths.config_file())
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(app, pilot, name="main", url=running_shop.url, key=rw_key[0],
                   secret=rw_key[1])
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✔ Authentication" in result_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value is not None and app.return_value.name == "main"
    assert load_config().shops["main"].secret == rw_key[1]


async def test_failing_key_is_saved_only_when_asked_twice(
    running_shop: RunningShop, rw_key: tuple[str, str]
) -> None:
    app = ShopFormApp(paths.config_file())
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(app, pilot, name="main", url=running_shop.url, key=rw_key[0],
                   secret="cs_wrong")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Not saved: wrong secret" in result_text(app)
        assert not paths.config_file().exists()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value is not None
    assert "main" in load_config().shops


async def test_secret_from_an_environment_variable(
    running_shop: RunningShop, rw_key: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIN_SHOP_SECRET", rw_key[1])
    app = ShopFormApp(paths.config_file())
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(app, pilot, name="main", url=running_shop.url, key=rw_key[0],
                   source="secret_env")
        await fill(app, pilot, secret="MAIN_SHOP_SECRET")
        assert app.screen.query_one("#secret", Input).password is False
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value is not None
    profile = load_config().shops["main"]
    assert profile.secret_env == "MAIN_SHOP_SECRET" and profile.secret is None
    assert rw_key[1] not in paths.config_file().read_text()


async def test_missing_address_points_at_the_field() -> None:
    app = ShopFormApp(paths.config_file())
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(app, pilot, name="main")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "address starts with https://" in result_text(app)
        assert app.focused is app.screen.query_one("#url")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value is None
    assert not paths.config_file().exists()
