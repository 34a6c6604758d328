"""`site_language()`: the shop's locale from `GET system_status`, None when it cannot say."""

from __future__ import annotations

import sqlite3

from tests.client.shop_harness import Shop


async def test_site_language_is_the_shops_locale(asgi_shop: Shop) -> None:
    client, _ = asgi_shop.client()
    assert await client.site_language() == "en_US"
    with sqlite3.connect(asgi_shop.db_path) as conn:
        conn.execute("UPDATE settings SET value = 'fr_FR' WHERE key = 'language'")
    assert await client.site_language() == "fr_FR"


async def test_site_language_is_none_when_the_key_is_refused(asgi_shop: Shop) -> None:
    client, _ = asgi_shop.client(key=("ck_unknown", "cs_unknown"))
    assert await client.site_language() is None
