"""7. The reference shop under 20 concurrent clients: requests per second and p99 latency.

The big shop runs as a subprocess; 20 clients (one `httpx.AsyncClient` each, own
connection, Basic auth on loopback) send requests back to back for a fixed time, in two
phases:
- list: `GET orders?per_page=100&page=P&_fields=<queue fields>`, P uniformly random over
  all pages (what consoles loading the queue send);
- status update: `PUT orders/<id>` `{"status": …}` on random orders of each client's own
  share, toggling between on-hold and processing (what staff changing statuses send).
Latency is measured by the client from sending to the last byte read. The server's CPU
use over each phase is read with psutil (100% = one core: the shop's Python is GIL-bound).
Baseline: the same phases with one client (no contention).

Target: p99 < 200 ms with 20 clients.
"""

from __future__ import annotations

import asyncio
import random
import time

import httpx
import psutil

from benchmarks.context import Run
from benchmarks.harness import BenchResult, Figure, percentile, summary
from benchmarks.orders import feed_fields
from benchmarks.shops import KEY, SECRET

NAME = "shop_load"
TITLE = "Reference shop with 20 concurrent clients"


async def _phase(
    url: str, kind: str, clients: int, seconds: float, pages: int, ids: list[int]
) -> dict:
    fields = ",".join(feed_fields())
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        mine = ids[n::clients] or ids
        statuses = {}
        async with httpx.AsyncClient(
            base_url=f"{url}/wp-json/wc/v3", auth=(KEY, SECRET), timeout=30
        ) as http:
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                if kind == "list":
                    page = rng.randint(1, pages)
                    response = await http.get(
                        "orders", params={"per_page": 100, "page": page, "_fields": fields}
                    )
                else:
                    order_id = rng.choice(mine)
                    status = "processing" if statuses.get(order_id) == "on-hold" else "on-hold"
                    statuses[order_id] = status
                    response = await http.put(f"orders/{order_id}", json={"status": status})
                await response.aread()
                latencies.append((time.perf_counter() - t0) * 1000)
                if response.status_code >= 400:
                    errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "seconds": elapsed}


def _measure(
    ctx: Run,
    url: str,
    pid: int,
    kind: str,
    clients: int,
    seconds: float,
    pages: int,
    ids: list[int],
) -> dict:
    server = psutil.Process(pid)
    cpu_before = sum(server.cpu_times()[:2])
    out = asyncio.run(_phase(url, kind, clients, seconds, pages, ids))
    out["server_cpu"] = (sum(server.cpu_times()[:2]) - cpu_before) / out["seconds"]
    out["rps"] = len(out["latencies"]) / out["seconds"]
    ctx.log(
        f"  {kind} × {clients}: {out['rps']:.0f} req/s, p50 "
        f"{percentile(out['latencies'], 50):.0f} ms, p99 {percentile(out['latencies'], 99):.0f} ms,"
        f" server CPU {out['server_cpu'] * 100:.0f}%, errors {out['errors']}"
    )
    return out


def run(ctx: Run) -> BenchResult:
    size = ctx.large
    result = BenchResult(NAME, f"{TITLE} ({size:,} orders)")
    shop = ctx.shop(size)
    orders = ctx.light_orders(size)
    pages = (len(orders) + 99) // 100
    ids = [o.id for o in orders if o.status in ("on-hold", "processing")]
    random.Random(3).shuffle(ids)
    ids = ids[:2000]
    seconds = 4.0 if ctx.quick else 10.0
    alone = 2.0 if ctx.quick else 4.0
    phases = {}
    for kind in ("list", "update"):
        phases[kind] = {
            20: _measure(ctx, shop.url, shop.pid, kind, 20, seconds, pages, ids),
            1: _measure(ctx, shop.url, shop.pid, kind, 1, alone, pages, ids),
        }
    for kind, label in (("list", "orders list"), ("update", "status update")):
        many, one = phases[kind][20], phases[kind][1]
        result.add(
            Figure(
                f"{label}: p99 latency",
                percentile(many["latencies"], 99),
                "ms",
                target=200,
                baseline=percentile(one["latencies"], 99),
                baseline_label="1 client",
                samples=[],
            ),
            Figure(
                f"{label}: p50 latency",
                percentile(many["latencies"], 50),
                "ms",
                baseline=percentile(one["latencies"], 50),
                baseline_label="1 client",
            ),
            Figure(
                f"{label}: throughput",
                many["rps"],
                "req/s",
                baseline=one["rps"],
                baseline_label="1 client",
            ),
            Figure(
                f"{label}: shop CPU per request",
                many["server_cpu"] / many["rps"] * 1000 if many["rps"] else None,
                "ms",
                baseline=one["server_cpu"] / one["rps"] * 1000 if one["rps"] else None,
                baseline_label="1 client",
                note="CPU the shop process spent per answered request: what bounds the "
                "throughput of one process, and unaffected by other work on the machine",
            ),
        )
        if many["errors"] or one["errors"]:
            result.notes.append(f"{label}: {many['errors'] + one['errors']} error answers")
        result.notes.append(
            f"{label}: server CPU {many['server_cpu'] * 100:.0f}% of one core with 20 clients, "
            f"{one['server_cpu'] * 100:.0f}% with 1"
        )
    result.details = {
        kind: {
            str(n): {
                **summary(p["latencies"]),
                "rps": p["rps"],
                "server_cpu": p["server_cpu"],
                "errors": p["errors"],
            }
            for n, p in by_n.items()
        }
        for kind, by_n in phases.items()
    }
    return result
