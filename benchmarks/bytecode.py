"""The checkout's bytecode caches (`__pycache__`), as an installed console has them.

Why: launched from this checkout (an editable install), the console's own ~150 modules
are compiled from source on every start unless Python may write `.pyc` files, and this
machine's environment sets `PYTHONDONTWRITEBYTECODE=1` (common in containers). That costs
~45 ms of each launch, which an installed console never pays: pip compiles a wheel's
modules when installing it, and everywhere else Python caches them on the first start.
So the suite compiles the checkout before it launches anything (`compile_checkout`), and
the cold-start benchmark also measures launches without the caches
(`without_checkout_bytecode`), to show what that environment costs.
"""

from __future__ import annotations

import compileall
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The checkout's packages (what `pyproject.toml` installs) and the benchmarks' own.
PACKAGES = ("client", "shop", "tui", "screens", "benchmarks")


def writes_bytecode() -> bool:
    """Whether Python started from this environment caches compiled modules itself."""
    return not os.environ.get("PYTHONDONTWRITEBYTECODE")


def compile_checkout() -> bool:
    """Compile every module of the checkout into its `__pycache__` (what pip does at
    install); True when every file compiled."""
    return all(
        compileall.compile_dir(ROOT / package, quiet=1, workers=1) for package in PACKAGES
    )


def drop_checkout_bytecode() -> None:
    for package in PACKAGES:
        for cache in (ROOT / package).rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)


@contextmanager
def without_checkout_bytecode() -> Iterator[dict[str, str]]:
    """No cached bytecode for the checkout while inside (the launches get the returned
    environment, which keeps Python from writing it again); compiled again after."""
    drop_checkout_bytecode()
    try:
        yield {"PYTHONDONTWRITEBYTECODE": "1"}
    finally:
        compile_checkout()
