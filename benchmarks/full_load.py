"""3. Full load of every order through the client, against the official WooCommerce client.

Measured: wall time from the first request to the last order parsed into `Order` objects,
with the fields the live feed asks for (`_fields`, concurrent paging, 100 per page), and
the bytes on the wire. Baseline, in the same run against the same subprocess shop: the
official synchronous `woocommerce` package (requests-based) paging `GET orders` 100 at a
time as its documentation shows, whole orders (no `_fields`), answers parsed with
`.json()`. Over plain HTTP that package always signs with OAuth 1.0a in the query string
(it uses Basic only over HTTPS), which the reference shop accepts, so the baseline also
pays one nonce write per request on the server: that is what the package costs on a
plain-HTTP store.

Target: the client ≥ 5× faster than the baseline.
"""

from __future__ import annotations

import asyncio
import time

import psutil

from benchmarks.context import Run
from benchmarks.harness import BenchResult, Figure, repeat, summary
from benchmarks.orders import feed_fields
from benchmarks.shops import KEY, SECRET
from benchmarks.transport import CountingTransport, head_bytes

NAME = "full_load"
TITLE = "Full load through the client vs the official woocommerce client"


async def _client_load(url: str, fields: tuple[str, ...]) -> tuple[float, list, tuple]:
    """(seconds, orders, (requests, bytes sent, bytes received)) with orderdesk's client."""
    from client.protocol import OrderQuery
    from client.woocommerce import WooCommerceClient

    transport = CountingTransport()
    client = WooCommerceClient(url, KEY, SECRET, name="bench", transport=transport)
    orders = []
    try:
        started = time.perf_counter()
        async for page in client.iter_orders(OrderQuery(fields=fields)):
            orders.extend(page)
        elapsed = time.perf_counter() - started
    finally:
        await client.aclose()
    return elapsed, orders, transport.counter.snapshot()


def _official_load(url: str, *, fields: tuple[str, ...] = ()) -> tuple[float, int, int, int, int]:
    """(seconds, orders, requests, bytes sent, bytes received) with the official client."""
    from woocommerce import API

    api = API(url=url, consumer_key=KEY, consumer_secret=SECRET, version="wc/v3", timeout=60)
    count = requests = sent = received = 0
    page, pages = 1, 1
    started = time.perf_counter()
    while page <= pages:
        params: dict[str, object] = {"per_page": 100, "page": page}
        if fields:
            params["_fields"] = ",".join(fields)
        response = api.get("orders", params=params)
        if _nonce_reused(response):
            # Its nonces are 8 random digits: across a few thousand requests within the
            # shop's 15-minute nonce window, one repeats now and then and the shop (like
            # WooCommerce) refuses it. Its user would send again; so does this.
            continue
        response.raise_for_status()
        count += len(response.json())
        pages = int(response.headers.get("X-WP-TotalPages", pages))
        requests += 1
        request = response.request
        target = request.path_url
        sent += head_bytes(f"{request.method} {target} HTTP/1.1", request.headers.items())
        received += head_bytes("HTTP/1.1 200 OK", response.headers.items()) + len(response.content)
        page += 1
    return time.perf_counter() - started, count, requests, sent, received


def _nonce_reused(response) -> bool:  # type: ignore[no-untyped-def]
    """The shop refused a repeated OAuth nonce (401 naming the nonce)."""
    return response.status_code == 401 and "nonce" in response.text.lower()


def run(ctx: Run) -> BenchResult:
    size = ctx.large
    result = BenchResult(NAME, f"{TITLE} ({size:,} orders)")
    shop = ctx.shop(size)
    fields = feed_fields()

    loads: list[tuple[float, int, tuple]] = []
    server = psutil.Process(shop.pid)
    cpu: dict[str, list[float]] = {"client": [], "shop": [], "official_shop": []}

    def shop_cpu() -> float:
        times = server.cpu_times()
        return times.user + times.system

    def ours() -> float:
        cpu_start, shop_start = time.process_time(), shop_cpu()
        elapsed, orders, counted = asyncio.run(_client_load(shop.url, fields))
        cpu["client"].append(time.process_time() - cpu_start)
        cpu["shop"].append(shop_cpu() - shop_start)
        loads.append((elapsed, len(orders), counted))
        ctx.remember_light_orders(size, orders)
        ctx.log(f"  client: {len(orders):,} orders in {elapsed:.2f} s ({counted[0]} requests)")
        return elapsed

    ours_samples = repeat(ours, times=3, budget=30 if ctx.quick else 60)

    official_runs: list[tuple[float, int, int, int, int]] = []

    def official() -> float:
        shop_start = shop_cpu()
        measured = _official_load(shop.url)
        cpu["official_shop"].append(shop_cpu() - shop_start)
        official_runs.append(measured)
        ctx.log(f"  official client: {measured[1]:,} orders in {measured[0]:.2f} s")
        return measured[0]

    official_samples = repeat(official, times=3, budget=30 if ctx.quick else 60)
    official_fields = None
    if official_samples[0] < 60:
        official_fields = _official_load(shop.url, fields=fields)
        ctx.log(f"  official client with _fields: {official_fields[0]:.2f} s")
    else:
        result.notes.append("official client with _fields: skipped (a whole load took > 60 s)")

    ours_median = summary(ours_samples)["median"]
    official_median = summary(official_samples)["median"]
    _, loaded, (requests, sent, received) = loads[-1]
    _, base_count, base_requests, base_sent, base_received = official_runs[-1]
    if loaded != base_count:
        result.notes.append(
            f"the two loads saw different counts: client {loaded:,}, official {base_count:,}"
        )
    result.add(
        Figure(
            "wall time, median",
            ours_median,
            "s",
            baseline=official_median,
            baseline_label="official, whole orders",
            samples=ours_samples,
        ),
        Figure(
            "speed-up vs official client",
            official_median / ours_median,
            "x",
            target=5.0,
            compare=">=",
        ),
        Figure(
            "speed-up vs official + _fields",
            official_fields[0] / ours_median if official_fields else None,
            "x",
            note="the official client asked for the same _fields: concurrency and parsing only",
        ),
        Figure(
            "client CPU (this process), median",
            summary(cpu["client"])["median"],
            "s",
            note="CPU seconds the client spent: unaffected by other work on the machine",
        ),
        Figure(
            "shop CPU during the load, median",
            summary(cpu["shop"])["median"],
            "s",
            baseline=cpu["official_shop"][-1] if cpu["official_shop"] else None,
            baseline_label="serving the official client",
        ),
        Figure(
            "bytes received (with _fields)",
            received,
            "B",
            baseline=base_received,
            baseline_label="without _fields",
        ),
        Figure(
            "bytes received per order",
            received / max(1, loaded),
            "B",
            baseline=base_received / max(1, base_count),
            baseline_label="without _fields",
        ),
        Figure("bytes sent", sent, "B", baseline=base_sent, baseline_label="official"),
        Figure("requests", requests, "requests", baseline=base_requests, baseline_label="official"),
    )
    result.details = {
        "orders": loaded,
        "client_seconds": ours_samples,
        "official_seconds": official_samples,
        "official_with_fields_seconds": official_fields[0] if official_fields else None,
        "official_with_fields_bytes_received": official_fields[4] if official_fields else None,
        "cpu_seconds": cpu,
        "fields": list(fields),
    }
    result.notes.append(
        "The client parses every order into typed `Order` objects (Decimal money, UTC "
        "datetimes); the official client's `.json()` stops at dicts."
    )
    return result
