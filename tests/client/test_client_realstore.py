"""The client's working set, run against the reference shop in each auth mode as a real store
would take it: Basic and query keys over real HTTPS (TLS verified against a CA of our own),
OAuth 1.0a over HTTPS and over plain HTTP.

One suite, many modes: list and page, get, change a status with If-Match, add a note and a
refund that a repeated key does not duplicate, follow the change with the live feed — and
never let the secret reach a log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from client.errors import Conflict, Unavailable
from client.feed import LiveFeed
from client.protocol import LIST_FIELDS, OrderQuery, RefundRequest
from client.woocommerce import WooCommerceClient
from shop.server import start_in_thread
from tests.client.shop_harness import Keys, no_wait
from tests.realstores.tls import Certificates, TlsShop, make_certificates, start_tls_shop


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_shop(db_path: Path, certificates: Certificates) -> Iterator[TlsShop]:
    running = start_tls_shop(db_path, certificates)
    yield running
    running.stop()


MODES = [
    ("https", "basic", "HMAC-SHA256"),
    ("https", "query", "HMAC-SHA256"),
    ("https", "oauth", "HMAC-SHA256"),
    ("https", "auto", "HMAC-SHA256"),
    ("http", "oauth", "HMAC-SHA256"),
    ("http", "oauth", "HMAC-SHA1"),
]


@pytest.mark.parametrize(("scheme", "auth", "method"), MODES)
async def test_client_suite_in_each_auth_mode(
    scheme: str,
    auth: str,
    method: str,
    db_path: Path,
    keys: Keys,
    certificates: Certificates,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="orderdesk")
    running: TlsShop | object
    if scheme == "https":
        running = start_tls_shop(db_path, certificates)
        url = running.url
    else:
        running = start_in_thread(db_path)
        url = running.url
    key, secret = keys.read_write
    client = WooCommerceClient(
        url, key, secret, auth=auth,  # type: ignore[arg-type]
        oauth_method=method,  # type: ignore[arg-type]
        verify=str(certificates.ca), sleep=no_wait,
    )
    try:
        # List and page (X-WP-Total / X-WP-TotalPages, _fields), every order once.
        first = await client.list_orders(OrderQuery(fields=LIST_FIELDS), per_page=7)
        assert first.total and first.total_pages == -(-first.total // 7)
        seen: list[int] = []
        async for page in client.iter_orders(OrderQuery(fields=("id",)), per_page=7):
            seen.extend(o.id for o in page)
        assert len(seen) == len(set(seen)) == first.total

        feed = LiveFeed(client, interval=0.01)
        assert (await feed.tick())[0].kind == "loaded"

        # A status change with If-Match; a stale tag is refused.
        target = (await client.list_orders(
            OrderQuery(status=("processing", "on-hold")), per_page=1)).orders[0]
        order = await client.get_order(target.id)
        assert order.etag
        new_status = "completed"
        changed = await client.set_status(order.id, new_status, if_match=order.etag)
        assert changed.status == new_status
        with pytest.raises(Conflict):
            await client.set_status(order.id, "on-hold", if_match=order.etag)

        # The feed sees it.
        events = await feed.tick()
        assert any(o.id == order.id and o.status == new_status for e in events for o in e.orders)

        # Creating calls under one key land once.
        note_key = f"note-{scheme}-{auth}-{method}"
        await client.add_note(order.id, "checked in every auth mode", idempotency_key=note_key)
        await client.add_note(order.id, "checked in every auth mode", idempotency_key=note_key)
        notes = [n for n in await client.list_notes(order.id)
                 if n.note == "checked in every auth mode"]
        assert len(notes) == 1
        refund_key = f"refund-{scheme}-{auth}-{method}"
        for _ in range(2):
            await client.create_refund(order.id, RefundRequest(Decimal("0.10")),
                                       idempotency_key=refund_key)
        assert len([r for r in await client.list_refunds(order.id)
                    if r.amount == Decimal("0.10")]) == 1
    finally:
        await client.aclose()
        running.stop()  # type: ignore[attr-defined]
    assert secret not in caplog.text
    assert caplog.records  # the requests were logged — sanitised


async def test_tls_is_verified_by_default(tls_shop: TlsShop, keys: Keys) -> None:
    client = WooCommerceClient(tls_shop.url, *keys.read_write, sleep=no_wait, retries=0)
    try:
        with pytest.raises(Unavailable) as caught:
            await client.list_orders(per_page=1)
    finally:
        await client.aclose()
    assert "certificate" in str(caught.value).lower() or "tls" in str(caught.value).lower()
