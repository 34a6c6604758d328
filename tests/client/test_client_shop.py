"""The client against the reference shop: in-process (ASGI) and over real loopback HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client import (
    AuthFailed,
    Conflict,
    Invalid,
    NotFound,
    Order,
    OrderQuery,
    RefundLineRequest,
    RefundRequest,
    WooCommerceClient,
)
from client.model import meta_value
from client.woocommerce import REFUND_KEY_META
from tests.client.shop_harness import SEEDED_ORDERS, Shop


async def _all_ids(client: WooCommerceClient, query: OrderQuery) -> list[int]:
    return [o.id async for page in client.iter_orders(query) for o in page]


async def _order_with(client: WooCommerceClient, *statuses: str, lines: bool = True) -> Order:
    """A seeded order in one of `statuses` (with line items unless told otherwise)."""
    page = await client.list_orders(OrderQuery(status=statuses), per_page=100)
    for order in page.orders:
        if not lines or order.line_items:
            return order
    pytest.fail(f"the seed has no order in {statuses}")


# ---------------------------------------------------------------- listing


async def test_list_all_orders_pages_concurrently_each_once_in_order(shop: Shop) -> None:
    client, transport = shop.client(max_concurrency=3)
    sequential = []
    page_no = 1
    while True:
        page = await client.list_orders(OrderQuery(fields=("id",)), page=page_no, per_page=7)
        sequential.extend(o.id for o in page.orders)
        if page_no >= (page.total_pages or 0):
            break
        page_no += 1
    assert page.total == SEEDED_ORDERS and page.total_pages == -(-SEEDED_ORDERS // 7)
    transport.clear()
    pages = [p async for p in client.iter_orders(OrderQuery(fields=("id",)), per_page=7)]
    ids = [o.id for p in pages for o in p]
    assert ids == sequential and len(set(ids)) == SEEDED_ORDERS
    assert len(transport.exchanges) == page.total_pages


async def test_list_fields_and_filters(shop: Shop) -> None:
    client, _ = shop.client()
    page = await client.list_orders(OrderQuery(status=("processing", "on-hold")), per_page=100)
    assert page.orders and {o.status for o in page.orders} <= {"processing", "on-hold"}
    oldest_first = await client.list_orders(OrderQuery(orderby="id", order="asc"), per_page=5)
    assert [o.id for o in oldest_first.orders] == sorted(o.id for o in oldest_first.orders)
    trimmed = await client.list_orders(OrderQuery(fields=("id", "status")), per_page=3)
    assert all(o.total == 0 and o.line_items == () for o in trimmed.orders)


async def test_get_update_status_delete(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "processing")
    fetched = await client.get_order(order.id)
    assert fetched.id == order.id and fetched.etag
    noted = await client.update_order(order.id, {"customer_note": "Leave at the door"})
    assert noted.customer_note == "Leave at the door"
    assert (await client.get_order(order.id)).customer_note == "Leave at the door"
    completed = await client.set_status(order.id, "completed")
    assert completed.status == "completed"
    trashed = await client.delete_order(order.id)
    assert trashed.id == order.id
    assert order.id not in await _all_ids(client, OrderQuery(fields=("id",)))
    await client.delete_order(order.id, force=True)
    with pytest.raises(NotFound) as caught:
        await client.get_order(order.id)
    assert str(caught.value) == f"Order {order.id} was not found in the shop."


async def test_invalid_status_is_invalid_naming_the_field(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "processing")
    with pytest.raises(Invalid) as caught:
        await client.set_status(order.id, "bogus")
    assert caught.value.field == "status"


async def test_cancel_gives_stock_back_and_reopening_takes_it(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "processing")
    line = next(li for li in order.line_items if li.product_id)
    before = (await client.get_product(line.product_id)).stock_quantity
    if before is None:
        pytest.skip("seeded product does not manage stock")
    await client.set_status(order.id, "cancelled")
    after_cancel = (await client.get_product(line.product_id)).stock_quantity
    assert after_cancel == before + line.quantity
    await client.set_status(order.id, "processing")
    assert (await client.get_product(line.product_id)).stock_quantity == before


# ---------------------------------------------------------------- notes


async def test_notes_private_and_customer(shop: Shop) -> None:
    from shop.outbox import read_outbox

    client, _ = shop.client()
    order = await _order_with(client, "processing")
    private = await client.add_note(order.id, "Checked the address by phone.")
    assert not private.customer_note
    customer = await client.add_note(order.id, "Your parcel ships today.", customer_note=True)
    assert customer.customer_note
    notes = await client.list_notes(order.id)
    assert {private.id, customer.id} <= {n.id for n in notes}
    only_customer = await client.list_notes(order.id, type="customer")
    assert customer.id in {n.id for n in only_customer}
    assert private.id not in {n.id for n in only_customer}
    mails = read_outbox(shop.db_path, order.id)
    assert any("Your parcel ships today." in str(mail) for mail in mails)
    await client.delete_note(order.id, private.id)
    assert private.id not in {n.id for n in await client.list_notes(order.id)}
    with pytest.raises(NotFound):
        await client.delete_note(order.id, private.id)


# ---------------------------------------------------------------- refunds


async def test_refunds_partial_by_line_and_bounds(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "completed", "processing")
    line = order.line_items[0]
    unit = (line.total / line.quantity).quantize(Decimal("0.01"))
    refund = await client.create_refund(
        order.id,
        RefundRequest(
            amount=unit,
            reason="Arrived broken",
            lines=[RefundLineRequest(line.id, quantity=1, refund_total=unit)],
        ),
        idempotency_key="refund-key-1",
    )
    assert refund.amount == unit and refund.reason == "Arrived broken"
    assert meta_value(refund.meta_data, REFUND_KEY_META) == "refund-key-1"
    assert [r.id for r in await client.list_refunds(order.id)] == [refund.id]
    refreshed = await client.get_order(order.id)
    assert refreshed.total_refunded == unit
    with pytest.raises(Invalid) as caught:
        await client.create_refund(order.id, RefundRequest(amount=order.total))
    assert "refund" in str(caught.value).lower() and caught.value.status in (400, 500)
    with pytest.raises(Invalid):
        await client.create_refund(order.id, RefundRequest(amount=Decimal("-1.00")))
    assert len(await client.list_refunds(order.id)) == 1


async def test_same_refund_key_twice_makes_one_refund(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "completed", "processing")
    request = RefundRequest(amount=Decimal("1.00"), reason="Goodwill")
    first = await client.create_refund(order.id, request, idempotency_key="same-key")
    second = await client.create_refund(order.id, request, idempotency_key="same-key")
    assert first.id == second.id
    assert len(await client.list_refunds(order.id)) == 1


async def test_unknown_order_refund_is_not_found(shop: Shop) -> None:
    client, _ = shop.client()
    with pytest.raises(NotFound):
        await client.create_refund(987654, RefundRequest(amount=Decimal("1.00")))


# ---------------------------------------------------------------- concurrency, keys


async def test_stale_if_match_is_a_conflict(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "processing")
    loaded = await client.get_order(order.id)
    await client.update_order(order.id, {"customer_note": "changed by someone else"})
    with pytest.raises(Conflict):
        await client.set_status(order.id, "completed", if_match=loaded.etag)
    assert (await client.get_order(order.id)).status == "processing"
    fresh = await client.get_order(order.id)
    done = await client.set_status(order.id, "completed", if_match=fresh.etag)
    assert done.status == "completed" and done.etag != fresh.etag


async def test_read_only_key_cannot_write(shop: Shop) -> None:
    client, _ = shop.client(key=shop.keys.read)
    order = await _order_with(client, "processing")
    with pytest.raises(AuthFailed) as caught:
        await client.set_status(order.id, "completed")
    assert str(caught.value) == "The API key provided does not have write permissions."


@pytest.mark.parametrize("auth", ["basic", "query", "oauth"])
async def test_wrong_secret_is_refused(shop: Shop, auth: str) -> None:
    key, _ = shop.keys.read_write
    client, _ = shop.client(key=(key, "cs_wrong"), auth=auth)
    with pytest.raises(AuthFailed):
        await client.list_orders(per_page=1)


@pytest.mark.parametrize(
    ("auth", "oauth_method"),
    [("basic", None), ("query", None), ("oauth", "HMAC-SHA1"), ("oauth", "HMAC-SHA256")],
)
async def test_each_auth_mode_works(shop: Shop, auth: str, oauth_method: str | None) -> None:
    kwargs = {"oauth_method": oauth_method} if oauth_method else {}
    client, transport = shop.client(auth=auth, **kwargs)
    assert client.auth_mode == auth
    page = await client.list_orders(OrderQuery(status=("processing", "completed")), per_page=5)
    assert page.total and len(page.orders) == 5
    order = await client.get_order(page.orders[0].id)
    note = await client.add_note(order.id, f"Checked via {auth}.")
    assert note.note == f"Checked via {auth}."
    await client.set_status(order.id, "on-hold")
    refund = await client.create_refund(
        order.id, RefundRequest(Decimal("0.50")), idempotency_key=f"k-{auth}-{oauth_method}"
    )
    again = await client.create_refund(
        order.id, RefundRequest(Decimal("0.50")), idempotency_key=f"k-{auth}-{oauth_method}"
    )
    assert again.id == refund.id
    assert len(await client.list_refunds(order.id)) == 1
    if auth == "oauth":
        assert all("oauth_signature" in r.url.params for r in transport.requests())
        assert all("authorization" not in r.headers for r in transport.requests())


# ---------------------------------------------------------------- batch, SKU, catalogue


async def test_batch_update_collects_per_item_errors(shop: Shop) -> None:
    client, _ = shop.client()
    orders = (await client.list_orders(OrderQuery(status=("processing",)), per_page=2)).orders
    result = await client.batch_update_orders(
        [{"id": o.id, "status": "completed"} for o in orders]
        + [{"id": 987654, "status": "completed"}]
    )
    assert sorted(o.id for o in result.updated) == sorted(o.id for o in orders)
    assert all(o.status == "completed" for o in result.updated)
    [(bad_id, error)] = result.errors
    assert bad_id == 987654 and isinstance(error, NotFound)


async def test_find_order_ids_by_sku(shop: Shop) -> None:
    client, _ = shop.client()
    order = await _order_with(client, "processing", "completed")
    sku = next(li.sku for li in order.line_items if li.sku)
    ids = await client.find_order_ids_by_sku(sku)
    assert order.id in ids
    everything = [o async for p in client.iter_orders() for o in p]
    expected = {o.id for o in everything if any(li.sku == sku for li in o.line_items)}
    assert set(ids) == expected


async def test_products_customers_coupons(shop: Shop) -> None:
    client, _ = shop.client()
    products = await client.list_products(per_page=20)
    assert products
    product = products[0]
    assert [p.id for p in await client.list_products(sku=product.sku)] == [product.id]
    assert (await client.get_product(product.id)).sku == product.sku
    if product.manage_stock:
        updated = await client.update_product(product.id, {"stock_quantity": 42})
        assert updated.stock_quantity == 42
    customers = await client.list_customers(per_page=5)
    if customers:
        assert (await client.get_customer(customers[0].id)).email == customers[0].email
    coupon = await client.create_coupon(
        {"code": "save10", "discount_type": "percent", "amount": "10"}
    )
    assert coupon.code == "save10" and coupon.amount == Decimal("10")
    assert "save10" in {c.code for c in await client.list_coupons()}
    with pytest.raises(NotFound):
        await client.get_product(987654)


async def test_create_order_once_per_key(shop: Shop) -> None:
    client, _ = shop.client()
    product = (await client.list_products(per_page=1))[0]
    data = {
        "status": "processing",
        "billing": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        "line_items": [{"product_id": product.id, "quantity": 1}],
    }
    created = await client.create_order(data, idempotency_key="order-key-1")
    again = await client.create_order(data, idempotency_key="order-key-1")
    assert created.id == again.id and created.customer_name == "Ada Lovelace"
    assert (await client.list_orders(per_page=1)).total == SEEDED_ORDERS + 1
