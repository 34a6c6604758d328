"""What the client asks for: query parameters as a real store reads them, paging, and the
bodies of writes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from client import Invalid, OrderQuery, RefundLineRequest, RefundRequest
from client.params import order_params
from tests.client.wc_captures import json_response, load_capture, mock_client


def test_query_params_are_what_a_real_store_reads() -> None:
    eastern = timezone(timedelta(hours=-5))
    query = OrderQuery(
        status=("processing", "on-hold"),
        search="jane",
        customer=0,
        product=11,
        include=(3, 4),
        after=datetime(2026, 11, 23, 12, 59, 14, 500_000, tzinfo=eastern),
        modified_after=datetime(2026, 11, 23, 17, 59, 14, tzinfo=UTC),
        orderby="modified",
        order="asc",
        fields=("id", "billing.email"),
    )
    assert order_params(query, page=3, per_page=50) == {
        "page": "3",
        "per_page": "50",
        "status": "processing,on-hold",
        "search": "jane",
        "customer": "0",
        "product": "11",
        "include": "3,4",
        "after": "2026-11-23T17:59:14",
        "modified_after": "2026-11-23T17:59:14",
        "dates_are_gmt": "true",
        "orderby": "modified",
        "order": "asc",
        "_fields": "id,billing.email",
    }


def test_no_dates_no_gmt_flag() -> None:
    params = order_params(OrderQuery())
    assert "dates_are_gmt" not in params and "status" not in params


@pytest.mark.parametrize("per_page", [0, 101, 500])
async def test_per_page_over_100_is_refused_before_asking(per_page: int) -> None:
    seen: list[httpx.Request] = []
    client = mock_client(lambda r: seen.append(r) or json_response(200, []))
    async with client:
        with pytest.raises(Invalid) as caught:
            await client.list_orders(per_page=per_page)
    assert caught.value.field == "per_page" and seen == []


def _paged_shop(total: int, *, delays: dict[int, float] | None = None, headers: bool = True):
    """A fake orders endpoint over `total` orders (ids total..1, newest first)."""
    state = {"in_flight": 0, "max_in_flight": 0, "requests": []}

    async def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        page, per_page = int(params["page"]), int(params["per_page"])
        state["requests"].append(page)
        state["in_flight"] += 1
        state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            await asyncio.sleep((delays or {}).get(page, 0))
        finally:
            state["in_flight"] -= 1
        ids = list(range(total, 0, -1))[(page - 1) * per_page : page * per_page]
        extra = {}
        if headers:
            extra = {"X-WP-Total": str(total), "X-WP-TotalPages": str(-(-total // per_page))}
        return json_response(200, [{"id": i} for i in ids], extra)

    return handler, state


async def test_iter_orders_yields_every_order_once_in_order() -> None:
    # Later pages answer faster than earlier ones: the order must still be page order.
    handler, state = _paged_shop(950, delays={2: 0.03, 3: 0.02, 4: 0.01})
    client = mock_client(handler, max_concurrency=3)
    async with client:
        pages = [page async for page in client.iter_orders(OrderQuery(fields=("id",)))]
    ids = [o.id for page in pages for o in page]
    assert ids == list(range(950, 0, -1))
    assert len(pages) == 10
    assert state["max_in_flight"] == 3  # concurrent, but never more than allowed
    assert sorted(state["requests"]) == list(range(1, 11))


async def test_iter_orders_without_paging_headers_walks_until_a_short_page() -> None:
    handler, state = _paged_shop(250, headers=False)
    client = mock_client(handler)
    async with client:
        ids = [o.id async for page in client.iter_orders() for o in page]
    assert ids == list(range(250, 0, -1)) and state["requests"] == [1, 2, 3]


async def test_iter_orders_does_not_repeat_an_order_when_pages_shift() -> None:
    """An order arriving while paging pushes the rest down one place."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        ids = [[5, 4], [4, 3], [2, 1]][page - 1]  # page 2 fetched after order 6 arrived
        return json_response(
            200, [{"id": i} for i in ids], {"X-WP-Total": "5", "X-WP-TotalPages": "3"}
        )

    client = mock_client(handler)
    async with client:
        ids = [o.id async for page in client.iter_orders(per_page=2) for o in page]
    assert ids == [5, 4, 3, 2, 1]


async def test_iter_orders_replays_real_store_pages() -> None:
    """The real store's page 2 and last page (with their headers) through the pager."""
    page2 = load_capture("orders_list_per_page2_page2")
    last = load_capture("orders_list_per_page2_page4_last")

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        if page == "4":
            return last.response()
        body = page2.json() if page == "2" else [{"id": 100 + int(page) * 2 + k} for k in (1, 0)]
        return httpx.Response(200, headers=page2.headers, json=body)

    client = mock_client(handler)
    async with client:
        pages = [p async for p in client.iter_orders(per_page=2)]
    assert len(pages) == 4
    assert [o.id for o in pages[1]] == [o["id"] for o in page2.json()]
    assert [o.id for o in pages[3]] == [o["id"] for o in last.json()]


async def test_a_failing_page_stops_paging_with_a_shop_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "3":
            return json_response(
                404, {"code": "rest_no_route", "message": "x", "data": {"status": 404}}
            )
        return json_response(
            200,
            [{"id": int(request.url.params["page"])}],
            {"X-WP-Total": "5", "X-WP-TotalPages": "5"},
        )

    client = mock_client(handler, retries=0)
    got: list[int] = []
    async with client:
        with pytest.raises(Exception) as caught:
            async for page in client.iter_orders(per_page=1):
                got.extend(o.id for o in page)
    assert got == [1, 2]
    assert type(caught.value).__name__ == "NotFound"


async def test_refund_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(201, {"id": 30, "amount": "11.25"})

    client = mock_client(handler)
    request = RefundRequest(
        amount=Decimal("11.25"),
        reason="Mug arrived broken",
        lines=[RefundLineRequest(line_id=8, quantity=1, refund_total=Decimal("11.25"))],
        restock=False,
        meta={"ticket": "T-9"},
    )
    async with client:
        refund = await client.create_refund(18, request, idempotency_key="k-1")
    assert refund.id == 30 and refund.amount == Decimal("11.25")
    [sent] = seen
    assert sent.headers["idempotency-key"] == "k-1"
    assert json.loads(sent.content) == {
        "amount": "11.25",
        "reason": "Mug arrived broken",
        "api_refund": False,
        "api_restock": False,
        "line_items": [{"id": 8, "quantity": 1, "refund_total": "11.25"}],
        "meta_data": [
            {"key": "ticket", "value": "T-9"},
            {"key": "_orderdesk_refund_key", "value": "k-1"},
        ],
    }


async def test_refund_tax_uses_the_lines_tax_rate() -> None:
    seen: list[httpx.Request] = []
    order = {"id": 18, "line_items": [{"id": 8, "taxes": [{"id": 75, "total": "0.9"}]}]}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return json_response(200, order)
        return json_response(201, {"id": 31})

    client = mock_client(handler)
    line = RefundLineRequest(8, 1, Decimal("6.00"), Decimal("0.45"))
    async with client:
        await client.create_refund(18, RefundRequest(Decimal("6.45"), lines=[line]))
    body = json.loads(seen[-1].content)
    assert body["line_items"][0]["refund_tax"] == [{"id": 75, "refund_total": "0.45"}]


async def test_add_note_sends_a_key_even_when_none_is_given() -> None:
    seen: list[httpx.Request] = []
    client = mock_client(
        lambda r: (
            seen.append(r) or json_response(201, {"id": 9, "note": "Hi", "customer_note": True})
        )
    )
    async with client:
        note = await client.add_note(17, "Hi", customer_note=True)
        await client.add_note(17, "Hi", customer_note=True)
    assert note.customer_note
    keys = [r.headers["idempotency-key"] for r in seen]
    assert len(keys) == 2 and keys[0] != keys[1] and all(len(k) >= 16 for k in keys)
    assert json.loads(seen[0].content) == {"note": "Hi", "customer_note": True}


async def test_update_sends_if_match_and_returns_the_new_etag() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, {"id": 5, "status": "completed"}, {"ETag": '"v2"'})

    client = mock_client(handler)
    async with client:
        order = await client.set_status(5, "completed", if_match='"v1"')
    assert seen[0].method == "PUT" and seen[0].headers["if-match"] == '"v1"'
    assert json.loads(seen[0].content) == {"status": "completed"}
    assert order.etag == '"v2"'


async def test_delete_note_always_forces() -> None:
    seen: list[httpx.Request] = []
    client = mock_client(lambda r: seen.append(r) or json_response(200, {"id": 2}))
    async with client:
        await client.delete_note(17, 2)
    assert seen[0].method == "DELETE" and seen[0].url.params["force"] == "true"


async def test_batch_is_chunked_by_100_and_never_deletes() -> None:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        return json_response(
            200, {"update": [{"id": u["id"], "status": u["status"]} for u in body["update"]]}
        )

    client = mock_client(handler)
    async with client:
        result = await client.batch_update_orders(
            [{"id": i, "status": "completed"} for i in range(1, 251)]
        )
    assert [len(b["update"]) for b in seen] == [100, 100, 50]
    assert all(set(b) == {"update"} for b in seen)
    assert len(result.updated) == 250 and result.errors == []


async def test_a_refused_batch_request_fails_its_items() -> None:
    too_large = {
        "code": "woocommerce_rest_request_entity_too_large",
        "message": "Too many.",
        "data": {"status": 413},
    }
    client = mock_client(lambda r: json_response(413, too_large))
    async with client:
        result = await client.batch_update_orders([{"id": 1, "status": "completed"}])
    [(order_id, error)] = result.errors
    assert order_id == 1 and isinstance(error, Invalid)


async def test_find_order_ids_by_sku_goes_through_the_product() -> None:
    product = load_capture("products_list_by_sku").json()
    product_id = product[0]["id"]
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        if request.url.path.endswith("/products"):
            return json_response(200, product)
        page = int(request.url.params["page"])
        ids = {1: [{"id": i} for i in range(300, 200, -1)], 2: [{"id": 7}]}[page]
        return json_response(200, ids, {"X-WP-Total": "101", "X-WP-TotalPages": "2"})

    client = mock_client(handler)
    async with client:
        ids = await client.find_order_ids_by_sku("MUG-BLUE")
    assert ids == [*range(300, 200, -1), 7]
    assert seen[0].params["sku"] == "MUG-BLUE"
    assert seen[1].params["product"] == str(product_id)
    assert seen[1].params["_fields"] == "id"


async def test_unknown_sku_finds_nothing() -> None:
    client = mock_client(lambda r: json_response(200, []))
    async with client:
        assert await client.find_order_ids_by_sku("NOPE") == []


def test_ca_bundle_path_is_accepted(recwarn: pytest.WarningsRecorder) -> None:
    import certifi

    from client import WooCommerceClient

    WooCommerceClient("https://shop.example", "ck", "cs", verify=certifi.where())
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]
