"""Shipment Tracking extension support: told apart by its route, used when present.

The reference shop has no such extension, so its absence is checked against the real shop
(`404 rest_no_route`, as a real store without it answers); its presence can only be
played by an `httpx.MockTransport` answering what the extension's documentation shows.
"""

from __future__ import annotations

import json
from datetime import date

import httpx

from client import WooCommerceClient
from client.model import ShipmentTracking

URL = "https://shop.example"
TRACKINGS = "/wp-json/wc-shipment-tracking/v3/orders/645/shipment-trackings"
PROVIDERS = "/wp-json/wc-shipment-tracking/v3/shipment-trackings/providers"


def _tracking_store():
    """A store with the extension: records POSTed trackings, lists them back."""
    items: list[dict] = []
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path == PROVIDERS:
            return httpx.Response(
                200,
                json={
                    "France": {
                        "Colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code=%1$s"
                    },
                    "United States": {"USPS": "https://tools.usps.com/tracking/%1$s"},
                },
            )
        if path == TRACKINGS and request.method == "GET":
            return httpx.Response(200, json=items)
        if path == TRACKINGS and request.method == "POST":
            body = json.loads(request.content)
            item = {
                "tracking_id": f"t{len(items) + 1}",
                "tracking_provider": body.get("tracking_provider", ""),
                "custom_tracking_provider": body.get("custom_tracking_provider", ""),
                "tracking_link": "",
                "tracking_number": body["tracking_number"],
                "date_shipped": body.get("date_shipped", ""),
            }
            items.append(item)
            return httpx.Response(201, json=item)
        return httpx.Response(
            404, json={"code": "rest_no_route", "message": "No route", "data": {"status": 404}}
        )

    return handler, items, seen


def _client(handler) -> WooCommerceClient:
    return WooCommerceClient(
        URL, "ck_x", "cs_y", auth="basic", transport=httpx.MockTransport(handler)
    )


async def test_reference_shop_has_no_shipment_tracking(asgi_shop):
    client, transport = asgi_shop.client()
    order = (await client.list_orders(per_page=1)).orders[0]
    assert await client.shipment_tracking_available(order.id) is False
    # Known after one question: a packer does not pay for the probe on every parcel.
    assert await client.shipment_tracking_available(order.id) is False
    assert len(transport.requests("GET", "wc-shipment-tracking")) == 1


async def test_a_store_with_the_extension_is_detected():
    handler, _, seen = _tracking_store()
    async with _client(handler) as client:
        assert await client.shipment_tracking_available(645) is True
    assert seen[0].url.path == TRACKINGS


async def test_known_carrier_is_sent_as_provider_unknown_one_as_custom():
    handler, items, seen = _tracking_store()
    async with _client(handler) as client:
        first = await client.add_shipment_tracking(
            645, "6A12345678901", carrier="colissimo", date_shipped=date(2026, 7, 10)
        )
        second = await client.add_shipment_tracking(645, "X-1", carrier="Coursier du coin")
        listed = await client.list_shipment_trackings(645)
    assert first == ShipmentTracking(
        tracking_id="t1",
        tracking_number="6A12345678901",
        tracking_provider="Colissimo",
        date_shipped="2026-07-10",
    )
    assert second.provider == "Coursier du coin" and second.tracking_provider == ""
    posts = [json.loads(r.content) for r in seen if r.method == "POST"]
    assert posts[0] == {
        "tracking_number": "6A12345678901",
        "date_shipped": "2026-07-10",
        "tracking_provider": "Colissimo",
    }
    assert posts[1] == {"tracking_number": "X-1", "custom_tracking_provider": "Coursier du coin"}
    assert [t.tracking_number for t in listed] == ["6A12345678901", "X-1"]
    assert len(items) == 2


async def test_adding_a_number_already_on_the_order_adds_nothing():
    handler, items, seen = _tracking_store()
    async with _client(handler) as client:
        first = await client.add_shipment_tracking(645, "1Z999", carrier="UPS")
        again = await client.add_shipment_tracking(645, "1Z999", carrier="UPS")
    assert again == first and len(items) == 1
    assert len([r for r in seen if r.method == "POST"]) == 1


async def test_a_lost_answer_does_not_add_the_tracking_twice():
    inner, items, _ = _tracking_store()
    dropped = []

    def handler(request: httpx.Request) -> httpx.Response:
        response = inner(request)
        if request.method == "POST" and not dropped:
            dropped.append(request)
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def no_wait(_s: float) -> None:
        return None

    client = WooCommerceClient(
        URL, "ck_x", "cs_y", auth="basic", transport=httpx.MockTransport(handler), sleep=no_wait
    )
    async with client:
        found = await client.add_shipment_tracking(645, "1Z999", carrier="UPS")
    assert found.tracking_number == "1Z999"
    assert len(items) == 1
