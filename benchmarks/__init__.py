"""orderdesk's performance benchmarks (issue: 10,000 and 100,000 orders).

Run with `.venv/bin/python -m benchmarks` (see `benchmarks/README.md`). Each module is one
benchmark with `NAME`, `TITLE` and `run(ctx) -> BenchResult`; this mapping is the order
they run in. Modules are imported lazily by `__main__` through this table only, so
importing the package stays cheap for the floor app launched from it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType

_MODULES = {
    "cold_start": "benchmarks.cold_start",
    "status_key": "benchmarks.status_key",
    "full_load": "benchmarks.full_load",
    "live_feed": "benchmarks.live_feed",
    "search": "benchmarks.search",
    "memory": "benchmarks.memory",
    "shop_load": "benchmarks.shop_load",
}


class _Lazy(Mapping[str, ModuleType]):
    def __getitem__(self, name: str) -> ModuleType:
        return importlib.import_module(_MODULES[name])

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


BENCHMARKS: Mapping[str, ModuleType] = _Lazy()
