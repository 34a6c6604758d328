"""Where orderdesk keeps its files.

One module answers "where is X" so that tests (and users with unusual setups) can move
everything with two environment variables instead of patching functions:

- ``ORDERDESK_CONFIG_DIR``: the user's ``config.toml`` and the console-owned ``messages.toml``;
- ``ORDERDESK_DATA_DIR``: state the console writes (sequences, caches) and, when set, the
  documents folder too, so a test pointing both at ``tmp_path`` never touches ``$HOME``.

Nothing here creates a directory: the writers do that when they first write, so merely
starting the console leaves no trace on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "orderdesk"

CONFIG_DIR_ENV = "ORDERDESK_CONFIG_DIR"
DATA_DIR_ENV = "ORDERDESK_DATA_DIR"


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The user's configuration folder (e.g. ``~/.config/orderdesk`` on Linux)."""
    return _from_env(CONFIG_DIR_ENV) or platformdirs.user_config_path(APP_NAME)


def data_dir() -> Path:
    """The console's own data folder (e.g. ``~/.local/share/orderdesk`` on Linux)."""
    return _from_env(DATA_DIR_ENV) or platformdirs.user_data_path(APP_NAME)


def documents_dir() -> Path:
    """Where generated documents (invoices, packing slips…) are saved.

    The user's Documents folder when it exists, so staff find their PDFs where they look
    for files; otherwise (headless servers, or ``ORDERDESK_DATA_DIR`` set, as in tests)
    ``data_dir()/documents``.
    """
    if _from_env(DATA_DIR_ENV) is None:
        documents = platformdirs.user_documents_path()
        if documents.is_dir() and documents != Path.home():
            return documents / APP_NAME
    return data_dir() / "documents"


def config_file() -> Path:
    """The user's hand-edited configuration: read, validated, never rewritten wholesale."""
    return config_dir() / "config.toml"


def messages_file() -> Path:
    """Predefined messages and status templates: owned and written by the console."""
    return config_dir() / "messages.toml"
