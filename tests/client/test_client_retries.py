"""Transient failures: what is retried, how long it waits, and what a person is told."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from client import Conflict, Invalid, RefundRequest, ShopError, Unavailable, WooCommerceClient
from client.retry import RetryPolicy, parse_retry_after
from tests.client.wc_captures import json_response, mock_client


def _client_with_sleeps(handler, **kwargs) -> tuple[WooCommerceClient, list[float]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return mock_client(handler, sleep=sleep, **kwargs), waits


def _sequence(*answers):
    """A handler answering with `answers` in turn (an exception instance is raised)."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = answers[min(len(calls), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, calls


ORDER = json_response(200, {"id": 5, "status": "processing"})


async def test_429_waits_as_long_as_the_shop_asks() -> None:
    handler, calls = _sequence(httpx.Response(429, headers={"Retry-After": "7"}), ORDER)
    client, waits = _client_with_sleeps(handler)
    async with client:
        order = await client.get_order(5)
    assert order.id == 5 and len(calls) == 2 and waits == [7.0]


async def test_429_asking_for_too_long_a_wait_fails_and_says_so() -> None:
    handler, calls = _sequence(httpx.Response(429, headers={"Retry-After": "3600"}))
    client, waits = _client_with_sleeps(handler)
    async with client:
        with pytest.raises(Unavailable) as caught:
            await client.get_order(5)
    assert len(calls) == 1 and waits == []
    assert "3600 s" in str(caught.value)


async def test_503_then_success_for_a_read() -> None:
    handler, calls = _sequence(httpx.Response(503), httpx.Response(503), ORDER)
    client, waits = _client_with_sleeps(handler)
    async with client:
        assert (await client.get_order(5)).status == "processing"
    assert len(calls) == 3 and len(waits) == 2
    assert waits[1] >= waits[0] / 2  # exponential: never shrinking beyond jitter


async def test_500_is_retried_for_reads_only() -> None:
    handler, calls = _sequence(httpx.Response(500), ORDER)
    client, _ = _client_with_sleeps(handler)
    async with client:
        await client.get_order(5)
    assert len(calls) == 2
    handler, calls = _sequence(httpx.Response(500), ORDER)
    client, _ = _client_with_sleeps(handler)
    async with client:
        with pytest.raises(Unavailable):
            await client.set_status(5, "completed")
    assert len(calls) == 1


async def test_connection_error_on_put_is_retried() -> None:
    handler, calls = _sequence(httpx.ConnectError("[Errno 111] Connection refused"), ORDER)
    client, waits = _client_with_sleeps(handler)
    async with client:
        order = await client.set_status(5, "processing")
    assert order.id == 5 and [c.method for c in calls] == ["PUT", "PUT"] and len(waits) == 1


async def test_gives_up_after_retries_with_a_message_for_a_person() -> None:
    handler, calls = _sequence(httpx.ConnectError("[Errno 111] Connection refused"))
    client, waits = _client_with_sleeps(handler, url="http://shop.example:8000", retries=3)
    async with client:
        with pytest.raises(Unavailable) as caught:
            await client.list_orders()
    assert len(calls) == 4 and len(waits) == 3
    assert str(caught.value) == "Shop unreachable at http://shop.example:8000: connection refused"
    assert not isinstance(caught.value.__cause__, ShopError)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (httpx.ReadTimeout("timed out"), "no answer in time"),
        (httpx.ConnectTimeout("timed out"), "connection timed out"),
        (httpx.RemoteProtocolError("Server disconnected"), "the connection was dropped"),
    ],
)
async def test_network_failures_become_unavailable(exc: Exception, reason: str) -> None:
    handler, _ = _sequence(exc)
    client, _ = _client_with_sleeps(handler, retries=0)
    async with client:
        with pytest.raises(Unavailable) as caught:
            await client.get_order(5)
    assert str(caught.value).endswith(reason)


async def test_no_httpx_exception_escapes_a_bad_address() -> None:
    client = WooCommerceClient("http://127.0.0.1:9", "ck", "cs", retries=0, timeout=1.0)
    async with client:
        with pytest.raises(Unavailable) as caught:
            await client.get_order(1)
    assert str(caught.value) == "Shop unreachable at http://127.0.0.1:9: connection refused"


async def test_deletes_are_not_retried() -> None:
    handler, calls = _sequence(httpx.Response(503), ORDER)
    client, _ = _client_with_sleeps(handler)
    async with client:
        with pytest.raises(Unavailable):
            await client.delete_order(5)
    assert len(calls) == 1


async def test_refusals_are_not_retried() -> None:
    invalid = json_response(
        400,
        {
            "code": "rest_invalid_param",
            "message": "Invalid parameter(s)",
            "data": {"status": 400, "params": {"status": "bad"}},
        },
    )
    handler, calls = _sequence(invalid, ORDER)
    client, _ = _client_with_sleeps(handler)
    async with client:
        with pytest.raises(Invalid) as caught:
            await client.set_status(5, "bogus")
    assert len(calls) == 1 and caught.value.field == "status"


# ---------------------------------------------------------------- POST: never blindly twice


class FakeRefunds:
    """An order's refunds endpoint that can lose an answer after committing."""

    def __init__(self, *, lose_after_commit: int = 0, fail_before_commit: int = 0) -> None:
        self.refunds: list[dict] = []
        self.lose_after_commit = lose_after_commit
        self.fail_before_commit = fail_before_commit
        self.posts: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return json_response(
                200, self.refunds, {"X-WP-Total": str(len(self.refunds)), "X-WP-TotalPages": "1"}
            )
        self.posts.append(request)
        if self.fail_before_commit:
            self.fail_before_commit -= 1
            raise httpx.ConnectTimeout("timed out")
        body = json.loads(request.content)
        refund = {
            "id": 100 + len(self.refunds),
            "amount": body["amount"],
            "meta_data": [dict(m, id=i) for i, m in enumerate(body["meta_data"])],
        }
        self.refunds.insert(0, refund)
        if self.lose_after_commit:
            self.lose_after_commit -= 1
            raise httpx.ReadTimeout("timed out")
        return json_response(201, refund)


async def test_lost_refund_answer_finds_the_refund_instead_of_repeating_it() -> None:
    shop = FakeRefunds(lose_after_commit=1)
    client, _ = _client_with_sleeps(shop)
    async with client:
        refund = await client.create_refund(17, RefundRequest(Decimal("5.00")))
    assert len(shop.posts) == 1 and len(shop.refunds) == 1
    assert refund.id == shop.refunds[0]["id"]


async def test_refund_that_never_arrived_is_sent_once_more_with_the_same_key() -> None:
    shop = FakeRefunds(fail_before_commit=1)
    client, _ = _client_with_sleeps(shop)
    async with client:
        refund = await client.create_refund(17, RefundRequest(Decimal("5.00")))
    assert len(shop.posts) == 2 and len(shop.refunds) == 1
    keys = {p.headers["idempotency-key"] for p in shop.posts}
    assert len(keys) == 1 and refund.id == shop.refunds[0]["id"]


async def test_refund_lost_twice_is_reported_as_uncertain() -> None:
    shop = FakeRefunds(fail_before_commit=2)
    client, _ = _client_with_sleeps(shop)
    async with client:
        with pytest.raises(Unavailable) as caught:
            await client.create_refund(17, RefundRequest(Decimal("5.00")))
    assert len(shop.posts) == 2  # never a third time
    assert "may or may not have been created" in str(caught.value)


async def test_lost_note_answer_finds_the_note_by_text() -> None:
    notes: list[dict] = []
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return json_response(200, notes)
        posts.append(request)
        body = json.loads(request.content)
        notes.insert(
            0,
            {
                "id": 40 + len(notes),
                "note": body["note"],
                "customer_note": body["customer_note"],
                "date_created_gmt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            },
        )
        return httpx.Response(502)

    client, _ = _client_with_sleeps(handler)
    async with client:
        note = await client.add_note(17, "Shipped today.", customer_note=True)
    assert len(posts) == 1 and note.id == notes[0]["id"]


async def test_put_retried_after_its_answer_was_lost_is_not_a_conflict() -> None:
    """The first PUT landed (ETag moved), its answer was lost; the retry's If-Match is then
    stale — but the order shows our change, so it is our own write, not someone else's."""
    state = {"status": "processing", "etag": '"v1"', "puts": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return json_response(200, {"id": 5, "status": state["status"]}, {"ETag": state["etag"]})
        state["puts"] += 1
        if request.headers.get("if-match") != state["etag"]:
            return json_response(
                412,
                {
                    "code": "orderdesk_precondition_failed",
                    "message": "Changed.",
                    "data": {"status": 412},
                },
            )
        state.update(status=json.loads(request.content)["status"], etag='"v2"')
        raise httpx.ReadTimeout("timed out")

    client, _ = _client_with_sleeps(handler)
    async with client:
        order = await client.set_status(5, "completed", if_match='"v1"')
    assert order.status == "completed" and order.etag == '"v2"' and state["puts"] == 2


async def test_stale_if_match_is_a_conflict() -> None:
    handler, calls = _sequence(
        json_response(
            412,
            {
                "code": "orderdesk_precondition_failed",
                "message": "The order changed since you loaded it.",
                "data": {"status": 412},
            },
        )
    )
    client, _ = _client_with_sleeps(handler)
    async with client:
        with pytest.raises(Conflict) as caught:
            await client.set_status(5, "completed", if_match='"old"')
    assert len(calls) == 1 and str(caught.value) == "The order changed since you loaded it."


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 11, 23, 18, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 23 Nov 2026 18:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("soon") is None


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    low = RetryPolicy(base_delay=0.5, max_delay=4.0, random=lambda: 0.0)
    assert [low.delay(n) for n in range(3)] == [0.25, 0.5, 1.0]
