"""4. The idle live feed: what one tick costs with nothing changed, and how fast a change shows.

Measured with the console's own `LiveFeed` (default settings: 2 s interval, reconcile
every 15 ticks) over a counting transport against the big shop, after the feed's first
load:
- idle ticks back to back: requests, bytes (request + answer, heads included) and time per
  tick; the figure is the median tick, the reconciling tick (every 15th, one extra
  `per_page=1` count request) is reported beside it;
- change latency: the feed runs its real loop (`events()`, real sleeps); another client
  changes an order's status at a random moment of the tick cycle; the time from the shop's
  confirmation of that change to the feed yielding it as "changed".
Baseline: a naive poll that re-reads the first page of whole orders each tick.

Targets: one request and under 2 KB per idle tick; a change shows within one tick (2 s).
"""

from __future__ import annotations

import asyncio
import random
import time

import httpx

from benchmarks.context import Run
from benchmarks.harness import BenchResult, Figure, percentile, summary
from benchmarks.shops import KEY, SECRET
from benchmarks.transport import CountingTransport

NAME = "live_feed"
TITLE = "Idle live feed"


async def _naive_tick_bytes(url: str) -> int:
    transport = CountingTransport()
    async with httpx.AsyncClient(
        transport=transport, base_url=f"{url}/wp-json/wc/v3", auth=(KEY, SECRET)
    ) as http:
        sizes = []
        for _ in range(3):
            before = transport.counter.sent + transport.counter.received
            response = await http.get("orders", params={"per_page": 100})
            response.raise_for_status()
            sizes.append(transport.counter.sent + transport.counter.received - before)
    return sorted(sizes)[1]


async def _measure(ctx: Run, url: str, idle_ticks: int, changes: int) -> dict:
    from client.feed import LiveFeed
    from client.woocommerce import WooCommerceClient

    transport = CountingTransport(keep_paths=True)
    client = WooCommerceClient(url, KEY, SECRET, name="feed", transport=transport)
    writer = WooCommerceClient(url, KEY, SECRET, name="writer")
    feed = LiveFeed(client)
    out: dict = {"interval": feed.interval, "reconcile_every": feed.reconcile_every}
    try:
        started = time.perf_counter()
        loaded = await feed.tick()
        out["load_seconds"] = time.perf_counter() - started
        out["loaded"] = sum(len(e.orders) for e in loaded)
        ctx.log(f"  feed loaded {out['loaded']:,} orders in {out['load_seconds']:.1f} s")

        ticks = []
        for _ in range(idle_ticks):
            counter = transport.counter
            before = counter.snapshot()
            first_path = len(counter.paths)
            t0 = time.perf_counter()
            events = await feed.tick()
            elapsed = time.perf_counter() - t0
            after = counter.snapshot()
            ticks.append(
                {
                    "requests": after[0] - before[0],
                    "bytes": (after[1] - before[1]) + (after[2] - before[2]),
                    "ms": elapsed * 1000,
                    "events": len(events),
                    "paths": counter.paths[first_path:],
                }
            )
        out["ticks"] = ticks

        # Change latency: the feed's own loop with real sleeps.
        seen: dict[int, float] = {}

        async def follow() -> None:
            async for event in feed.events():
                now = time.perf_counter()
                if event.kind == "changed":
                    for order in event.orders:
                        seen.setdefault(order.id, now)

        follower = asyncio.create_task(follow())
        rng = random.Random(7)
        candidates = [o for e in loaded for o in e.orders if o.status == "on-hold"]
        latencies = []
        try:
            for order in rng.sample(candidates, min(changes, len(candidates))):
                await asyncio.sleep(rng.uniform(0, feed.interval))
                await writer.set_status(order.id, "processing")
                changed_at = time.perf_counter()
                deadline = changed_at + 4 * feed.interval + 5
                while order.id not in seen and time.perf_counter() < deadline:
                    await asyncio.sleep(0.005)
                if order.id in seen:
                    latencies.append((seen[order.id] - changed_at) * 1000)
                else:
                    latencies.append(float("inf"))
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
        out["change_ms"] = latencies
    finally:
        await client.aclose()
        await writer.aclose()
    return out


def run(ctx: Run) -> BenchResult:
    size = ctx.large
    result = BenchResult(NAME, f"{TITLE} ({size:,} orders)")
    shop = ctx.shop(size)
    measured = asyncio.run(
        _measure(
            ctx, shop.url, idle_ticks=30 if not ctx.quick else 16, changes=8 if not ctx.quick else 4
        )
    )
    naive = asyncio.run(_naive_tick_bytes(shop.url))
    ticks = measured["ticks"]
    plain = [t for t in ticks if t["requests"] == min(x["requests"] for x in ticks)]
    reconciling = [t for t in ticks if t not in plain]
    interval_ms = measured["interval"] * 1000
    change = measured["change_ms"]
    result.add(
        Figure(
            "requests per idle tick (median)",
            summary([t["requests"] for t in ticks])["median"],
            "requests",
            target=1,
            compare="<=",
            baseline=1,
            baseline_label="naive poll",
        ),
        Figure(
            "bytes per idle tick (median)",
            summary([t["bytes"] for t in ticks])["median"],
            "B",
            target=2000,
            compare="<",
            baseline=naive,
            baseline_label="naive: page 1, whole orders",
            samples=[t["bytes"] for t in ticks],
        ),
        Figure(
            "idle tick time (median)",
            summary([t["ms"] for t in ticks])["median"],
            "ms",
            samples=[t["ms"] for t in ticks],
        ),
        Figure(
            "change shown after (median)",
            summary(change)["median"],
            "ms",
            target=interval_ms,
            compare="<=",
            samples=change,
        ),
        Figure(
            "change shown after (max)",
            max(change) if change else None,
            "ms",
            target=interval_ms,
            compare="<=",
        ),
    )
    if reconciling:
        r = reconciling[0]
        result.notes.append(
            f"every {measured['reconcile_every']}th tick also checks the count for deletions: "
            f"{r['requests']} requests, {r['bytes']} B ({len(reconciling)} of {len(ticks)} ticks)"
        )
    result.notes.append(
        f"the feed's first load of {measured['loaded']:,} orders took "
        f"{measured['load_seconds']:.1f} s; change latency p99 "
        f"{percentile(change, 99):.0f} ms over {len(change)} changes"
    )
    result.details = {
        **{k: v for k, v in measured.items() if k != "ticks"},
        "ticks": [{k: v for k, v in t.items() if k != "paths"} for t in ticks],
        "idle_request_example": plain[0]["paths"] if plain else [],
        "naive_tick_bytes": naive,
    }
    return result
