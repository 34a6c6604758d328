"""client/ is UI-free: importing every client module must not import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import client

ROOT = Path(client.__file__).resolve().parent.parent


def test_client_never_imports_textual() -> None:
    modules = sorted(
        f"client.{p.stem}" for p in (ROOT / "client").glob("*.py") if p.stem != "__init__"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "client.woocommerce" in modules and "client.feed" in modules
    assert result.stdout.strip() == "[]"


def test_client_package_exports_the_public_api() -> None:
    for name in (
        "WooCommerceClient",
        "LiveFeed",
        "OrderQuery",
        "Order",
        "ShopError",
        "Unavailable",
        "sanitize_url",
    ):
        assert name in client.__all__ and hasattr(client, name)
