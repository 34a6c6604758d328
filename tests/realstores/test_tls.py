"""A shop behind HTTPS with a certificate authority of its own: diagnose says how to trust
it, and `shops add --ca-bundle --test` saves a profile that verifies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from client.diagnose import AUTHENTICATION, REACHABILITY, diagnose, verdict_lines
from tests.realstores.tls import Certificates, TlsShop, make_certificates, start_tls_shop
from tui.cli import main
from tui.config import load_config


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_shop(db_path: Path, certificates: Certificates) -> Iterator[TlsShop]:
    running = start_tls_shop(db_path, certificates)
    yield running
    running.stop()


async def test_untrusted_certificate_says_how_to_trust_it(
    tls_shop: TlsShop, rw_key: tuple[str, str]
) -> None:
    diagnosis = await diagnose(tls_shop.url, *rw_key)
    check = diagnosis.check(REACHABILITY)
    assert check.ok is False
    assert "not trusted" in check.verdict
    assert "--ca-bundle" in check.detail


async def test_with_the_ca_bundle_everything_passes_over_basic_https(
    tls_shop: TlsShop, rw_key: tuple[str, str], certificates: Certificates
) -> None:
    diagnosis = await diagnose(tls_shop.url, *rw_key, verify=str(certificates.ca))
    assert diagnosis.ok, verdict_lines(diagnosis)
    assert "certificate verified" in diagnosis.check(REACHABILITY).verdict
    assert "HTTP Basic over HTTPS" in diagnosis.check(AUTHENTICATION).verdict


def test_shops_add_with_ca_bundle_and_test(
    tls_shop: TlsShop,
    rw_key: tuple[str, str],
    certificates: Certificates,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, secret = rw_key
    base = ["shops", "add", "tls", "--url", tls_shop.url, "--key", key, "--secret", secret,
            "--test"]
    assert main(base) == 1  # the system does not trust the shop's CA: not saved
    assert "✖ Reachability" in capsys.readouterr().out
    assert main([*base, "--ca-bundle", str(certificates.ca)]) == 0
    assert load_config().shops["tls"].verify == str(certificates.ca)
    capsys.readouterr()
    assert main(["shops", "test", "tls"]) == 0
