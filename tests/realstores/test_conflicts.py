"""Conflicts: two consoles on one reference shop changing the same order — the second is
told what changed before it writes, and a write against a stale ETag is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from client.model import Address, LineItem, Order
from client.protocol import LIST_FIELDS, OrderQuery
from client.woocommerce import WooCommerceClient
from shop.server import RunningShop
from tests.realstores.conftest import no_wait
from tui.conflicts import (
    ConflictReport,
    OrderChanged,
    check_before_write,
    compare,
    guarded_update,
    report_for,
    update_checked,
)


@pytest.fixture
async def two(
    running_shop: RunningShop, rw_key: tuple[str, str]
) -> AsyncIterator[tuple[WooCommerceClient, WooCommerceClient]]:
    a = WooCommerceClient(running_shop.url, *rw_key, name="bench-1", sleep=no_wait)
    b = WooCommerceClient(running_shop.url, *rw_key, name="bench-2", sleep=no_wait)
    yield a, b
    await a.aclose()
    await b.aclose()


async def queue_row(client: WooCommerceClient, status: str = "processing") -> Order:
    """An order in `status` as a console's queue holds it: light, from a list call, without
    ETag (put in that status through the API first: the test's own precondition)."""
    any_order = (await client.list_orders(OrderQuery(status=("on-hold", "processing", "pending")),
                                          per_page=1)).orders[0]
    if any_order.status != status:
        await client.set_status(any_order.id, status)
    query = OrderQuery(include=(any_order.id,), fields=LIST_FIELDS)
    return (await client.list_orders(query, per_page=1)).orders[0]


async def test_second_console_is_told_the_status_changed(
    two: tuple[WooCommerceClient, WooCommerceClient],
) -> None:
    a, b = two
    shown_a = await queue_row(a)
    await b.set_status(shown_a.id, "on-hold")  # the other packer is quicker

    report = await check_before_write(a, shown_a, loaded=LIST_FIELDS)

    assert isinstance(report, ConflictReport)
    assert report.status_changed
    assert "Status: Processing → On hold" in report.lines()
    assert report.current.status == "on-hold"
    assert f"Order #{shown_a.number} was changed in the shop" in report.summary()


async def test_unchanged_order_is_no_conflict(
    two: tuple[WooCommerceClient, WooCommerceClient],
) -> None:
    a, _ = two
    shown = await queue_row(a)
    # A light queue row: fields that were never loaded are not "changed".
    assert await check_before_write(a, shown, loaded=LIST_FIELDS) is None
    full = await a.get_order(shown.id)
    assert await check_before_write(a, full) is None


async def test_stale_etag_write_is_refused_with_the_report(
    two: tuple[WooCommerceClient, WooCommerceClient],
) -> None:
    a, b = two
    shown = await a.get_order((await queue_row(a)).id)
    assert shown.etag  # the reference shop tags orders
    await b.update_order(shown.id, {"billing": {"city": "Lyon"}})

    with pytest.raises(OrderChanged) as caught:
        await update_checked(a, shown, {"status": "completed"})

    report = caught.value.report
    assert report.detected_by == "etag"
    assert any(c.field == "billing.city" and c.after == "Lyon" for c in report.changes)
    assert (await b.get_order(shown.id)).status == "processing"  # nothing overwritten


async def test_guarded_update_asks_and_cancel_keeps_their_change(
    two: tuple[WooCommerceClient, WooCommerceClient],
) -> None:
    a, b = two
    shown = await queue_row(a)
    await b.set_status(shown.id, "completed")
    asked: list[ConflictReport] = []

    async def cancel(report: ConflictReport) -> bool:
        asked.append(report)
        return False

    result = await guarded_update(a, shown, {"status": "cancelled"}, confirm=cancel,
                                  loaded=LIST_FIELDS)
    assert result is None
    assert asked and asked[0].current.status == "completed"
    assert (await b.get_order(shown.id)).status == "completed"


async def test_guarded_update_apply_anyway_writes(
    two: tuple[WooCommerceClient, WooCommerceClient],
) -> None:
    a, b = two
    shown = await queue_row(a)
    await b.set_status(shown.id, "on-hold")

    async def apply(report: ConflictReport) -> bool:
        return True

    result = await guarded_update(a, shown, {"status": "completed"}, confirm=apply,
                                  loaded=LIST_FIELDS)
    assert result is not None and result.status == "completed"
    assert (await b.get_order(shown.id)).status == "completed"


async def test_guarded_update_without_conflict_never_asks(
    two: tuple[WooCommerceClient, WooCommerceClient],
) -> None:
    a, _ = two
    shown = await queue_row(a)

    async def never(report: ConflictReport) -> bool:
        raise AssertionError("asked without a conflict")

    result = await guarded_update(a, shown, {"status": "on-hold"}, confirm=never,
                                  loaded=LIST_FIELDS)
    assert result is not None and result.status == "on-hold"


# --------------------------------------------------------------------------- pure comparisons


def _order(**changes: object) -> Order:
    base = Order(
        id=1,
        number="1001",
        status="processing",
        currency="EUR",
        total=Decimal("20.00"),
        date_modified=datetime(2026, 1, 1, 10, 0, tzinfo=UTC),
        billing=Address(first_name="Ana", last_name="Lima", city="Porto"),
        line_items=(LineItem(id=5, name="Mug", sku="MUG", quantity=2),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_compare_names_before_and_after() -> None:
    shown = _order()
    current = _order(
        total=Decimal("26.50"),
        line_items=(LineItem(id=5, name="Mug", sku="MUG", quantity=3),),
        billing=Address(first_name="Ana", last_name="Lima", city="Braga"),
    )
    lines = [c.line() for c in compare(shown, current)]
    assert "Total: €20.00 → €26.50" in lines
    assert "Items: MUG ×2 → MUG ×3" in lines
    assert "Billing city: Porto → Braga" in lines


def test_fields_not_loaded_are_not_compared() -> None:
    shown = _order(billing=Address(first_name="Ana", last_name="Lima"))  # no city loaded
    current = _order(date_modified=datetime(2026, 1, 1, 10, 5, tzinfo=UTC))
    report = report_for(shown, current, loaded=LIST_FIELDS)
    assert report is not None and report.detected_by == "date_modified"
    assert report.changes == ()
    assert report.lines() == ["Changed in the shop in ways the console does not show here."]


def test_same_second_change_is_caught_by_content() -> None:
    shown = _order()
    current = _order(status="cancelled")  # same date_modified: changed within that second
    report = report_for(shown, current, loaded=LIST_FIELDS)
    assert report is not None and report.detected_by == "content"
    assert report.status_changed


def test_same_etag_is_the_same_version() -> None:
    assert report_for(_order(etag='"a"'), _order(etag='"a"')) is None
