"""Every answer a real WooCommerce 10.0.2 gave, and every example in WooCommerce's docs, goes
through the client into the right model class — or the right error class."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from client import (
    AuthFailed,
    Coupon,
    Customer,
    Invalid,
    Note,
    NotFound,
    Order,
    OrderQuery,
    Product,
    Refund,
    RefundRequest,
    ShopError,
    WooCommerceClient,
)
from client.model import Order as OrderModel
from tests.client.wc_captures import (
    CONSTRUCTED,
    EXAMPLES,
    REAL,
    capture_names,
    json_response,
    load_capture,
    mock_client,
    replay,
)

Call = Callable[[WooCommerceClient], Awaitable[Any]]

# capture-name prefix → (the call that produced it, the model class it must give)
CALLS: list[tuple[str, Call, type]] = [
    ("coupon_create", lambda c: c.create_coupon({"code": "save10"}), Coupon),
    ("customer_get_one", lambda c: c.get_customer(2), Customer),
    ("customers_list", lambda c: c.list_customers(), Customer),
    ("order_create", lambda c: c.create_order({"status": "pending"}), Order),
    ("order_get_", lambda c: c.get_order(17), Order),
    ("order_put_status_", lambda c: c.set_status(17, "cancelled"), Order),
    ("order_note_post_", lambda c: c.add_note(17, "Packed."), Note),
    ("order_notes_list", lambda c: c.list_notes(17), Note),
    ("order_refund_post_", lambda c: c.create_refund(17, RefundRequest(Decimal("1"))), Refund),
    ("order_refunds_list", lambda c: c.list_refunds(17), Refund),
    ("orders_list_", lambda c: c.list_orders(), Order),
    ("product_get_one", lambda c: c.get_product(11), Product),
    ("products_list", lambda c: c.list_products(), Product),
]

# Captures of calls the client has no method for: parsed with the model directly.
DIRECT: dict[str, type] = {
    "customer_create": Customer,
    "order_note_get_one": Note,
    "product_create": Product,
    "refunds_list_all": Refund,
}


def _call_for(name: str) -> tuple[Call, type]:
    for prefix, call, model in CALLS:
        if name.startswith(prefix):
            return call, model
    raise LookupError(name)


def _items(result: Any) -> list[Any]:
    if hasattr(result, "orders"):
        return result.orders
    return result if isinstance(result, list) else [result]


SUCCESS = [n for n in capture_names() if not n.startswith("error_")]


def test_every_real_capture_is_covered() -> None:
    for name in SUCCESS:
        if name not in DIRECT:
            _call_for(name)  # raises for a capture nobody replays


@pytest.mark.parametrize("name", [n for n in SUCCESS if n not in DIRECT])
async def test_real_answer_parses_through_the_client(name: str) -> None:
    capture = load_capture(name)
    call, model = _call_for(name)
    client, _ = replay(capture)
    async with client:
        result = await call(client)
    body = capture.json()
    expected = body if isinstance(body, list) else [body]
    items = _items(result)
    assert [type(i) for i in items] == [model] * len(expected)
    assert [i.id for i in items] == [e["id"] for e in expected]


@pytest.mark.parametrize("name", sorted(DIRECT))
def test_real_answer_parses_into_the_model(name: str) -> None:
    body = load_capture(name).json()
    for item in body if isinstance(body, list) else [body]:
        parsed = DIRECT[name].from_wc(item)
        assert parsed.id == item["id"]


def test_real_order_keeps_quirky_values_exact() -> None:
    """Money as strings and a numeric line price, dates without offset read as UTC."""
    order = OrderModel.from_wc(load_capture("order_get_after_partial_refund").json())
    assert isinstance(order.total, Decimal)
    assert order.total_refunded > 0
    assert order.date_created is not None and order.date_created.utcoffset().total_seconds() == 0
    assert all(isinstance(line.price, Decimal) for line in order.line_items)


async def test_list_page_reports_the_store_totals() -> None:
    capture = load_capture("orders_list_per_page2_page2")
    client, _ = replay(capture)
    async with client:
        page = await client.list_orders(page=2, per_page=2)
    assert (page.page, page.total, page.total_pages) == (2, 7, 4)
    assert len(page.orders) == 2


async def test_page_beyond_the_end_is_empty_not_an_error() -> None:
    client, _ = replay(load_capture("orders_list_page_beyond_end"))
    async with client:
        page = await client.list_orders(page=9, per_page=2)
    assert page.orders == [] and page.total == 0 and page.total_pages == 0


# ---------------------------------------------------------------- errors, real store

REAL_ERRORS: dict[str, tuple[type[ShopError], str | None]] = {
    "error_400_list_invalid_status": (Invalid, "status"),
    "error_400_modified_after_date_only": (Invalid, "modified_after"),
    "error_400_orderby_invalid": (Invalid, "orderby"),
    "error_400_per_page_over_100": (Invalid, "per_page"),
    "error_400_put_invalid_status": (Invalid, "status"),
    "error_401_http_basic_not_accepted": (AuthFailed, None),
    "error_401_http_oauth_bad_signature": (AuthFailed, None),
    "error_401_http_oauth_unknown_key": (AuthFailed, None),
    "error_401_https_basic_bad_secret": (AuthFailed, None),
    "error_401_https_basic_unknown_key": (AuthFailed, None),
    "error_401_no_auth": (AuthFailed, None),
    "error_401_read_only_key_write": (AuthFailed, None),
    "error_401_rest_route_style_not_authenticated": (AuthFailed, None),
    "error_404_no_route": (NotFound, None),
    "error_404_unknown_note_delete_force": (NotFound, None),
    "error_404_unknown_note_get": (NotFound, None),
    "error_404_unknown_order": (NotFound, None),
    "error_500_refund_exceeds_total": (Invalid, None),
    "error_501_delete_note_without_force": (Invalid, None),
}


def test_every_real_error_is_covered() -> None:
    assert set(capture_names("error_")) == set(REAL_ERRORS)


@pytest.mark.parametrize("name", sorted(REAL_ERRORS))
async def test_real_error_maps_to_its_class(name: str) -> None:
    capture = load_capture(name)
    expected, field = REAL_ERRORS[name]
    method = capture.request_line.split()[0]
    client, _ = replay(capture, retries=0)
    async with client:
        with pytest.raises(expected) as caught:
            await client._request(method, "orders")
    error = caught.value
    body = capture.json()
    assert error.status == capture.status
    assert error.code == body["code"]
    if expected is Invalid:
        assert error.field == field
    if expected is AuthFailed:
        assert str(error) == body["message"]  # the shop's own words


async def test_refund_above_remaining_is_invalid_with_the_shops_message() -> None:
    """HTTP 500 with `"data": 500` (a bare number) is a refusal, not an outage."""
    capture = load_capture("error_500_refund_exceeds_total")
    client, requests = replay(capture)
    async with client:
        with pytest.raises(Invalid) as caught:
            await client.create_refund(17, RefundRequest(Decimal("9999.00")))
    assert str(caught.value) == "Invalid refund amount."
    assert len(requests) == 1  # a refusal is not retried


async def test_unknown_order_names_the_order() -> None:
    client, _ = replay(load_capture("error_404_unknown_order"))
    async with client:
        with pytest.raises(NotFound) as caught:
            await client.get_order(999999)
    assert str(caught.value) == "Order 999999 was not found in the shop."


async def test_per_page_over_100_names_the_parameter() -> None:
    client, _ = replay(load_capture("error_400_per_page_over_100"))
    async with client:
        with pytest.raises(Invalid) as caught:
            await client._request("GET", "orders", params={"per_page": "101"})
    assert caught.value.field == "per_page"
    assert "between 1 (inclusive) and 100" in str(caught.value)


# ---------------------------------------------------------------- the docs' examples

EXAMPLE_MODELS: dict[str, type] = {
    "customers-create": Customer,
    "customers-list": Customer,
    "customers-retrieve": Customer,
    "order-notes-create": Note,
    "order-notes-delete": Note,
    "order-notes-list": Note,
    "order-notes-retrieve": Note,
    "order-refunds-create": Refund,
    "order-refunds-delete": Refund,
    "order-refunds-list": Refund,
    "order-refunds-retrieve": Refund,
    "orders-create": Order,
    "orders-delete": Order,
    "orders-list": Order,
    "orders-retrieve": Order,
    "orders-update": Order,
    "product-variations-list": Product,
    "product-variations-retrieve": Product,
    "product-variations-update": Product,
    "products-create-simple": Product,
    "products-create-variable": Product,
    "products-delete": Product,
    "products-list": Product,
    "products-retrieve": Product,
    "products-update": Product,
}
# Batch answers: {"create": [...], "update": [...], "delete": [...]} of one model.
EXAMPLE_BATCHES: dict[str, type] = {"orders-batch": Order, "products-batch": Product}
# Examples with no model in the console (and why).
EXAMPLE_UNMODELLED = {
    "auth-keys-callback-post": "posted to the key-generation callback, not an API answer",
    "order-actions-email-templates": "order actions are a later issue",
    "order-actions-send-email": "order actions are a later issue",
    "order-actions-send-order-details": "order actions are a later issue",
    "reports-customers-totals": "reports are not used",
    "reports-list": "reports are not used",
    "reports-orders-totals": "reports are not used",
    "reports-products-totals": "reports are not used",
    "reports-sales": "reports are not used",
    "reports-top-sellers": "reports are not used",
    "webhooks-create": "webhooks are not used (the console polls)",
    "webhooks-list": "webhooks are not used (the console polls)",
    "webhooks-retrieve": "webhooks are not used (the console polls)",
}
EXAMPLE_ERRORS: dict[str, tuple[type[ShopError], int]] = {
    "error-rest_no_route": (NotFound, 404),
    "error-woocommerce_rest_invalid_email_template": (Invalid, 400),
    "error-woocommerce_rest_missing_email": (Invalid, 400),
    "error-woocommerce_rest_term_invalid": (NotFound, 404),
    "constructed/error-rest_invalid_param": (Invalid, 400),
    "constructed/error-woocommerce_rest_authentication_error-read-only-key": (AuthFailed, 401),
    "constructed/error-woocommerce_rest_authentication_error": (AuthFailed, 401),
    "constructed/error-woocommerce_rest_cannot_create_order_refund": (Invalid, 500),
    "constructed/error-woocommerce_rest_cannot_view": (AuthFailed, 401),
    "constructed/error-woocommerce_rest_invalid_order_id-refund-http500": (NotFound, 500),
    "constructed/error-woocommerce_rest_request_entity_too_large": (Invalid, 413),
    "constructed/error-woocommerce_rest_shop_order_invalid_id": (NotFound, 404),
}


def _example(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def test_every_example_is_covered() -> None:
    names = {p.stem for p in EXAMPLES.glob("*.json") if not p.stem.endswith("-request")}
    names |= {f"constructed/{p.stem}" for p in CONSTRUCTED.glob("*.json")}
    covered = (
        EXAMPLE_MODELS.keys()
        | EXAMPLE_BATCHES.keys()
        | EXAMPLE_UNMODELLED.keys()
        | EXAMPLE_ERRORS.keys()
        | {"constructed/orders-batch-partial-error", "constructed/webhook-order-deleted-payload"}
    )
    assert names == covered


@pytest.mark.parametrize("name", sorted(EXAMPLE_MODELS))
def test_docs_example_parses(name: str) -> None:
    body = _example(name)
    for item in body if isinstance(body, list) else [body]:
        parsed = EXAMPLE_MODELS[name].from_wc(item)
        assert parsed.id == item["id"]


@pytest.mark.parametrize("name", sorted(EXAMPLE_BATCHES))
def test_docs_batch_example_parses(name: str) -> None:
    body = _example(name)
    for section in ("create", "update", "delete"):
        for item in body[section]:
            assert EXAMPLE_BATCHES[name].from_wc(item).id == item["id"]


async def test_docs_order_batch_through_the_client() -> None:
    body = _example("orders-batch")
    client = mock_client(lambda request: json_response(200, {"update": body["update"]}))
    async with client:
        result = await client.batch_update_orders([{"id": 727, "status": "completed"}])
    assert [o.id for o in result.updated] == [727] and result.errors == []


@pytest.mark.parametrize("name", sorted(EXAMPLE_ERRORS))
async def test_docs_error_maps_to_its_class(name: str) -> None:
    expected, status = EXAMPLE_ERRORS[name]
    body = _example(name)
    client = mock_client(lambda request: json_response(status, body), retries=0)
    async with client:
        with pytest.raises(expected) as caught:
            await client._request("POST", "orders/1/refunds", json={})
    assert caught.value.code == body["code"]
    assert caught.value.status == status
    if expected is Invalid and isinstance(body["data"], dict) and "params" in body["data"]:
        assert caught.value.field == "per_page"


async def test_batch_item_error_is_collected_not_raised() -> None:
    body = json.loads((CONSTRUCTED / "orders-batch-partial-error.json").read_text())
    ok = _example("orders-update")
    body["update"].insert(0, ok)
    client = mock_client(lambda request: json_response(200, body))
    async with client:
        result = await client.batch_update_orders(
            [{"id": ok["id"], "status": "completed"}, {"id": 999999, "status": "completed"}]
        )
    assert [o.id for o in result.updated] == [ok["id"]]
    [(order_id, error)] = result.errors
    assert order_id == 999999 and isinstance(error, NotFound)
    assert str(error) == "Order 999999 was not found in the shop."


async def test_wrong_type_in_a_list_names_the_item_and_field() -> None:
    body = load_capture("orders_list_default").json()
    body[3]["line_items"][0]["quantity"] = "two"
    client = mock_client(lambda request: json_response(200, body))
    async with client:
        with pytest.raises(ShopError) as caught:
            await client.list_orders()
    assert caught.value.field == "orders[3].line_items[0].quantity"  # type: ignore[attr-defined]
    assert "orders[3].line_items[0].quantity" in str(caught.value)


async def test_html_instead_of_json_is_a_clear_error() -> None:
    client = mock_client(
        lambda request: httpx.Response(200, text="<!doctype html><html>Blog</html>")
    )
    async with client:
        with pytest.raises(ShopError) as caught:
            await client.list_orders(OrderQuery())
    assert "not JSON" in str(caught.value)


def test_real_store_captures_exist() -> None:
    assert REAL.is_dir() and len(SUCCESS) > 40
