"""What the console's editing, custom-status and report screens need from the reference shop:
custom statuses registered from the command line whose stock rule follows `holds_stock`,
and refund lists filtered by date (WooCommerce's `after`/`before`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from shop.cli import main
from tests.shop.conftest import API, Sql, new_order


def test_cli_adds_and_lists_custom_statuses(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "add", "--db", str(db), "ready-pickup", "Ready for pickup",
                 "--holds-stock"]) == 0  # fmt: skip
    assert main(["status", "add", "--db", str(db), "wc-awaiting-quote", "Awaiting quote"]) == 0
    assert main(["status", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "ready-pickup         Ready for pickup         custom  holds stock" in out
    assert "awaiting-quote       Awaiting quote           custom  -" in out
    # A core status keeps WooCommerce's rules.
    assert main(["status", "add", "--db", str(db), "processing", "Busy"]) == 2
    assert "core WooCommerce status" in capsys.readouterr().err
    assert Sql(db).value("SELECT label FROM order_statuses WHERE slug = 'processing'") == (
        "Processing"
    )


async def test_custom_status_that_holds_stock_keeps_it_and_one_that_does_not_gives_it_back(
    client: httpx.AsyncClient, db: Path, sql: Sql
) -> None:
    main(["status", "add", "--db", str(db), "ready-pickup", "Ready for pickup", "--holds-stock"])
    main(["status", "add", "--db", str(db), "awaiting-quote", "Awaiting quote"])
    start = sql.stock(10)
    order = await new_order(client, status="processing")  # takes 2 of product 10
    assert sql.stock(10) == start - 2

    async def move(status: str) -> None:
        answer = await client.put(f"{API}/orders/{order['id']}", json={"status": status})
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == status

    await move("ready-pickup")
    assert sql.stock(10) == start - 2  # held: nothing moves
    await move("awaiting-quote")
    assert sql.stock(10) == start  # not held: given back
    await move("ready-pickup")
    assert sql.stock(10) == start - 2  # held again: taken again
    notes = [n["note"] for n in (await client.get(f"{API}/orders/{order['id']}/notes")).json()]
    assert any(n.startswith("Stock levels increased") for n in notes)
    assert "Order status changed from Ready for pickup to Awaiting quote." in notes


async def test_store_wide_refunds_filter_by_creation_date(client: httpx.AsyncClient) -> None:
    everything = (await client.get(f"{API}/refunds", params={"per_page": 100})).json()
    assert len(everything) >= 2
    dates = sorted(r["date_created_gmt"] for r in everything)
    middle = datetime.fromisoformat(dates[len(dates) // 2]).replace(tzinfo=UTC)
    cut = (middle - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    after = await client.get(
        f"{API}/refunds", params={"after": cut, "dates_are_gmt": "true", "per_page": 100}
    )
    before = await client.get(
        f"{API}/refunds", params={"before": cut, "dates_are_gmt": "true", "per_page": 100}
    )
    newer = {r["id"] for r in after.json()}
    older = {r["id"] for r in before.json()}
    assert newer and older and not newer & older
    assert newer | older == {r["id"] for r in everything}
    assert all(r["date_created_gmt"] > cut for r in after.json())
    assert int(after.headers["X-WP-Total"]) == len(newer)
    bad = await client.get(f"{API}/refunds", params={"after": "2026-01-01"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "rest_invalid_param"
