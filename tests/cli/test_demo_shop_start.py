"""The embedded demo shop: its URL is known at launch and early requests wait for it."""

from __future__ import annotations

from pathlib import Path

import httpx

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
