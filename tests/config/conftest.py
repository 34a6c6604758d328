"""Every test here runs with orderdesk's folders moved into its own tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORDERDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ORDERDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def config_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs / "config"
