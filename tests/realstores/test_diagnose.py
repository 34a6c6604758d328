"""`client.diagnose`: one clear verdict per check, against the reference shop over loopback
and against a store replaying the real WooCommerce captures (tests/realstores/capture_store)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from client.diagnose import (
    AUTHENTICATION,
    MODIFIED_AFTER,
    PERMALINKS,
    PERMALINKS_FIX,
    PERMISSION,
    REACHABILITY,
    REST_INDEX,
    VERSION,
    Diagnosis,
    diagnose,
    verdict_lines,
)
from shop.server import RunningShop
from tests.realstores.capture_store import CaptureStore


def failed(diagnosis: Diagnosis) -> list[str]:
    return [c.name for c in diagnosis.checks if c.ok is False]


# --------------------------------------------------------------------------- reference shop


@pytest.mark.parametrize("auth", ["auto", "oauth", "query"])
async def test_all_good_on_the_reference_shop(
    running_shop: RunningShop, rw_key: tuple[str, str], auth: str
) -> None:
    diagnosis = await diagnose(running_shop.url, *rw_key, auth=auth)  # type: ignore[arg-type]
    assert diagnosis.ok, verdict_lines(diagnosis)
    assert all(check.ok for check in diagnosis.checks), verdict_lines(diagnosis)
    assert diagnosis.kind == "reference"
    assert diagnosis.permission == "read_write"
    assert diagnosis.version == "10.0.2"
    assert diagnosis.modified_after is True
    assert diagnosis.auth_mode == {"auto": "basic", "oauth": "oauth", "query": "query"}[auth]


async def test_read_only_key_is_named(
    running_shop: RunningShop, read_key: tuple[str, str]
) -> None:
    diagnosis = await diagnose(running_shop.url, *read_key)
    assert diagnosis.authenticated
    assert failed(diagnosis) == [PERMISSION]
    assert diagnosis.permission == "read"
    assert "read only" in diagnosis.check(PERMISSION).verdict
    assert "Read/Write" in diagnosis.check(PERMISSION).detail


async def test_read_only_probe_writes_nothing(
    running_shop: RunningShop, rw_key: tuple[str, str], db_path: Path
) -> None:
    import sqlite3

    def counts() -> tuple[int, int]:
        conn = sqlite3.connect(db_path)
        try:
            notes = conn.execute("SELECT COUNT(*) FROM order_notes").fetchone()[0]
            orders = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        finally:
            conn.close()
        return notes, orders

    before = counts()
    await diagnose(running_shop.url, *rw_key)
    assert counts() == before


@pytest.mark.parametrize("auth", ["auto", "oauth"])
async def test_wrong_secret(running_shop: RunningShop, rw_key: tuple[str, str], auth: str) -> None:
    diagnosis = await diagnose(running_shop.url, rw_key[0], "cs_wrong", auth=auth)  # type: ignore[arg-type]
    assert failed(diagnosis) == [AUTHENTICATION]
    assert diagnosis.check(AUTHENTICATION).verdict.startswith("wrong secret")
    # Nothing after a failed authentication is claimed either way.
    assert diagnosis.check(PERMISSION).ok is None
    assert "cs_wrong" not in "\n".join(verdict_lines(diagnosis))


@pytest.mark.parametrize("auth", ["auto", "oauth"])
async def test_unknown_key(running_shop: RunningShop, auth: str) -> None:
    diagnosis = await diagnose(running_shop.url, "ck_" + "0" * 40, "cs_x", auth=auth)  # type: ignore[arg-type]
    assert failed(diagnosis) == [AUTHENTICATION]
    assert diagnosis.check(AUTHENTICATION).verdict.startswith("unknown key")


async def test_nothing_listening(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    diagnosis = await diagnose(f"http://127.0.0.1:{port}", "ck_a", "cs_b")
    assert failed(diagnosis) == [REACHABILITY]
    assert "connection refused" in diagnosis.check(REACHABILITY).verdict
    assert all(c.ok is None for c in diagnosis.checks[1:])


async def test_https_to_a_plain_http_port_says_tls(running_shop: RunningShop) -> None:
    url = running_shop.url.replace("http://", "https://")
    diagnosis = await diagnose(url, "ck_a", "cs_b")
    check = diagnosis.check(REACHABILITY)
    assert check.ok is False
    assert "TLS handshake" in check.verdict
    assert "http://" in check.detail


async def test_not_an_address() -> None:
    diagnosis = await diagnose("shop.example", "ck_a", "cs_b")
    assert failed(diagnosis) == [REACHABILITY]
    assert "https://" in diagnosis.check(REACHABILITY).verdict


# --------------------------------------------------------------------------- real captures


async def test_real_store_over_https_all_good() -> None:
    store = CaptureStore()
    diagnosis = await diagnose(store.url, "ck_rw", "cs_rw", transport=store.transport())
    assert diagnosis.ok, verdict_lines(diagnosis)
    assert diagnosis.kind == "woocommerce"
    assert diagnosis.version == "10.0.2"
    assert "WordPress 6.8.8" in diagnosis.check(VERSION).detail
    assert diagnosis.auth_mode == "basic"
    # Basic went only over HTTPS; nothing secret ever went into a URL.
    assert all("cs_rw" not in str(r.url) for r in store.seen)


async def test_real_store_read_only_key_from_the_capture() -> None:
    store = CaptureStore()
    diagnosis = await diagnose(store.url, "ck_ro", "cs_ro", transport=store.transport())
    assert failed(diagnosis) == [PERMISSION]
    assert diagnosis.permission == "read"


async def test_real_store_wrong_secret_and_unknown_key_over_https() -> None:
    store = CaptureStore()
    wrong = await diagnose(store.url, "ck_rw", "cs_nope", transport=store.transport())
    assert wrong.check(AUTHENTICATION).verdict.startswith("wrong secret")
    unknown = await diagnose(store.url, "ck_who", "cs_rw", transport=store.transport())
    verdict = unknown.check(AUTHENTICATION)
    assert verdict.ok is False
    assert verdict.verdict.startswith("unknown key")
    # The same 401 is what a proxy hiding HTTPS from PHP causes: the detail says so.
    assert "is_ssl" in verdict.detail


async def test_real_store_on_plain_http_is_signed_with_oauth() -> None:
    store = CaptureStore(scheme="http", host="192.0.2.10")
    diagnosis = await diagnose(store.url, "ck_rw", "cs_rw", transport=store.transport())
    assert diagnosis.ok, verdict_lines(diagnosis)
    assert diagnosis.auth_mode == "oauth"
    assert not any("authorization" in r.headers for r in store.seen)
    unknown = await diagnose(store.url, "ck_who", "cs_rw", transport=store.transport())
    assert unknown.check(AUTHENTICATION).verdict.startswith("unknown key")
    bad = await diagnose(store.url, "ck_rw", "cs_bad", transport=store.transport())
    assert bad.check(AUTHENTICATION).verdict.startswith("wrong secret")


async def test_basic_refused_over_http_says_use_https_or_oauth() -> None:
    store = CaptureStore(scheme="http", host="127.0.0.1:8089")
    diagnosis = await diagnose(
        store.url, "ck_rw", "cs_rw", auth="basic", transport=store.transport()
    )
    check = diagnosis.check(AUTHENTICATION)
    assert check.ok is False
    assert "refuses HTTP Basic over plain HTTP" in check.verdict
    assert "https://" in check.detail and "OAuth" in check.detail


async def test_loopback_real_store_refusing_basic_is_retried_with_oauth() -> None:
    store = CaptureStore(scheme="http", host="127.0.0.1:8089")
    diagnosis = await diagnose(store.url, "ck_rw", "cs_rw", transport=store.transport())
    assert diagnosis.ok, verdict_lines(diagnosis)
    assert diagnosis.auth_mode == "oauth"
    assert "refused HTTP Basic" in diagnosis.check(AUTHENTICATION).detail


async def test_basic_is_never_sent_over_plain_http_to_another_machine() -> None:
    store = CaptureStore(scheme="http", host="192.0.2.10")
    diagnosis = await diagnose(
        store.url, "ck_rw", "cs_rw", auth="basic", transport=store.transport()
    )
    assert diagnosis.check(AUTHENTICATION).verdict.startswith("not sent")
    assert not any("authorization" in r.headers for r in store.seen)
    assert all("cs_rw" not in str(r.url) for r in store.seen)


async def test_plain_permalinks_say_exactly_what_to_change() -> None:
    store = CaptureStore(pretty_permalinks=False)
    diagnosis = await diagnose(store.url, "ck_rw", "cs_rw", transport=store.transport())
    check = diagnosis.check(PERMALINKS)
    assert check.ok is False
    assert PERMALINKS_FIX in check.verdict
    assert PERMALINKS_FIX == (
        "Settings → Permalinks: choose any structure other than Plain, then Save"
    )
    # WordPress and WooCommerce are there; keys just cannot work in this form.
    assert diagnosis.check(REST_INDEX).ok is True
    assert diagnosis.check(AUTHENTICATION).ok is None


async def test_store_without_modified_after_is_found_either_way() -> None:
    for behaviour in ("ignored", "rejected"):
        store = CaptureStore(modified_after=behaviour, version="5.6.0")  # type: ignore[arg-type]
        diagnosis = await diagnose(store.url, "ck_rw", "cs_rw", transport=store.transport())
        check = diagnosis.check(MODIFIED_AFTER)
        assert check.ok is False, behaviour
        assert diagnosis.modified_after is False
        assert "comparing the full order list" in check.detail
        assert "older than 5.8" in diagnosis.check(VERSION).verdict


async def test_version_from_the_newest_order_without_system_status() -> None:
    store = CaptureStore(system_status=False, version="9.9.3")
    diagnosis = await diagnose(store.url, "ck_rw", "cs_rw", transport=store.transport())
    assert diagnosis.version == "9.9.3"
    assert "newest order" in diagnosis.check(VERSION).detail


async def test_not_wordpress() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404, content=b"<html>nope</html>", headers={"Content-Type": "text/html"}
        )

    diagnosis = await diagnose(
        "https://example.test", "ck_rw", "cs_rw", transport=httpx.MockTransport(handler)
    )
    assert failed(diagnosis) == [REST_INDEX]
    assert "no WordPress REST API" in diagnosis.check(REST_INDEX).verdict


async def test_dns_failure_in_plain_words() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as cause:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from cause

    diagnosis = await diagnose(
        "https://shop.invalid", "ck_rw", "cs_rw", transport=httpx.MockTransport(handler)
    )
    assert "could not be found (DNS)" in diagnosis.check(REACHABILITY).verdict


def test_verdict_lines_marks_each_check() -> None:
    from client.diagnose import Check

    diagnosis = Diagnosis(
        url="https://x",
        checks=(Check("A", True, "fine"), Check("B", False, "broken", "do this"),
                Check("C", None, "unknown")),
    )
    assert verdict_lines(diagnosis) == ["✔ A: fine", "✖ B: broken", "    do this", "? C: unknown"]
    assert verdict_lines(diagnosis, ascii_only=True)[0] == "OK A: fine"
    assert not diagnosis.ok


async def test_unusable_ca_bundle_is_a_verdict_not_a_crash(tmp_path: Path) -> None:
    diagnosis = await diagnose(
        "https://shop.example", "ck_a", "cs_b", verify=str(tmp_path / "missing.pem")
    )
    assert failed(diagnosis) == [REACHABILITY]
    assert "CA bundle" in diagnosis.check(REACHABILITY).verdict
