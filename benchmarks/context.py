"""One benchmark run: its options, its shops and what benchmarks hand to each other.

A run serves each shop size once (a subprocess on a working copy of the cached seed) and
lets every benchmark use it, so the suite pays for seeding and start-up once.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.shops import ShopProcess, seeded_db, serve, working_copy

if TYPE_CHECKING:
    from client.model import Order

SMALL = 10_000
LARGE = 100_000


@dataclass
class Run:
    quick: bool = False
    verbose: bool = True
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="orderdesk-bench-")))
    _copies: dict[int, Path] = field(default_factory=dict)
    _shops: dict[int, ShopProcess] = field(default_factory=dict)
    _light: dict[int, list[Order]] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @property
    def large(self) -> int:
        """The big shop: 100,000 orders, or 10,000 with --quick."""
        return SMALL if self.quick else LARGE

    def log(self, text: str) -> None:
        if self.verbose:
            print(f"[{time.perf_counter() - self.started:6.1f}s] {text}", flush=True)

    def db(self, orders: int) -> Path:
        """This run's working copy of a shop with `orders` orders."""
        if orders not in self._copies:
            cached = seeded_db(orders, log=self.log)
            self._copies[orders] = working_copy(cached, self.workdir)
        return self._copies[orders]

    def shop(self, orders: int) -> ShopProcess:
        """The shop with `orders` orders, served by a child process (started once per run)."""
        shop = self._shops.get(orders)
        if shop is None or shop.process.poll() is not None:
            shop = self._shops[orders] = serve(self.db(orders))
            self.log(f"reference shop with {orders:,} orders at {shop.url} (pid {shop.pid})")
        return shop

    def remember_light_orders(self, orders: int, loaded: list[Order]) -> None:
        self._light[orders] = loaded

    def light_orders(self, orders: int) -> list[Order]:
        """The orders as the live feed loads them (`LIST_FIELDS`), from an earlier benchmark
        of this run if one loaded them, else read from the shop's database directly."""
        if orders not in self._light:
            from benchmarks.orders import light_orders_from_db

            self._light[orders] = light_orders_from_db(self.db(orders))
        return self._light[orders]

    def close(self) -> None:
        for shop in self._shops.values():
            shop.stop()
        self._shops.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def timed(self, label: str, fn: Callable[[], object]) -> float:
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        self.log(f"{label}: {elapsed:.2f} s")
        return elapsed
