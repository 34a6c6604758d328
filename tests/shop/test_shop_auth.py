"""API-key authentication: Basic, query keys, OAuth 1.0a, and WooCommerce's 401s."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from shop.server import RunningShop
from tests.shop.conftest import BASE, READ, RW, WRITE, make_client

ORDERS = "/wp-json/wc/v3/orders"
CANNOT_LIST = {
    "code": "woocommerce_rest_cannot_view",
    "message": "Sorry, you cannot list resources.",
    "data": {"status": 401},
}


def auth_error(message: str) -> dict[str, Any]:
    return {
        "code": "woocommerce_rest_authentication_error",
        "message": message,
        "data": {"status": 401},
    }


def enc(value: str) -> str:
    return quote(value, safe="-._~")


def oauth_sign(
    method: str,
    url: str,
    params: list[tuple[str, str]],
    key: tuple[str, str] = RW,
    *,
    algorithm: str = "HMAC-SHA1",
    timestamp: int | None = None,
    nonce: str | None = None,
) -> list[tuple[str, str]]:
    """The oauth_* parameters for a request, signed the way WooCommerce checks them."""
    oauth = [
        ("oauth_consumer_key", key[0]),
        ("oauth_nonce", nonce or secrets.token_hex(16)),
        ("oauth_signature_method", algorithm),
        ("oauth_timestamp", str(timestamp or int(time.time()))),
    ]
    pairs = sorted([*params, *oauth], key=lambda kv: kv[0].encode())
    normalized = "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs)
    base = f"{method.upper()}&{enc(url)}&{enc(normalized)}"
    digest = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
    signature = base64.b64encode(
        hmac.new(f"{key[1]}&".encode(), base.encode(), digest).digest()
    ).decode()
    return [*oauth, ("oauth_signature", signature)]


def oauth_header(oauth: list[tuple[str, str]]) -> str:
    return "OAuth " + ", ".join(f'{k}="{enc(v)}"' for k, v in oauth)


@pytest.fixture
async def anonymous(app: Any) -> Any:
    async with make_client(app, auth=None) as made:
        yield made


async def test_basic_and_query_keys(anonymous: httpx.AsyncClient) -> None:
    basic = await anonymous.get(ORDERS, auth=RW)
    assert basic.status_code == 200
    query = await anonymous.get(ORDERS, params={"consumer_key": RW[0], "consumer_secret": RW[1]})
    assert query.status_code == 200
    assert query.json() == basic.json()


@pytest.mark.parametrize("algorithm", ["HMAC-SHA1", "HMAC-SHA256"])
@pytest.mark.parametrize("where", ["query", "header"])
async def test_oauth_query_and_header(
    anonymous: httpx.AsyncClient, algorithm: str, where: str
) -> None:
    params = [("per_page", "3"), ("status", "processing,completed"), ("search", "é a+b")]
    oauth = oauth_sign("GET", f"{BASE}{ORDERS}", params, algorithm=algorithm)
    if where == "query":
        response = await anonymous.get(ORDERS, params=[*params, *oauth])
    else:
        response = await anonymous.get(
            ORDERS, params=params, headers={"Authorization": oauth_header(oauth)}
        )
    assert response.status_code == 200, response.text


async def test_oauth_signs_the_method(anonymous: httpx.AsyncClient) -> None:
    order_id = (await anonymous.get(ORDERS, auth=RW)).json()[0]["id"]
    url = f"{BASE}{ORDERS}/{order_id}/notes"
    oauth = oauth_sign("POST", url, [])
    ok = await anonymous.post(url, params=oauth, json={"note": "signed"})
    assert ok.status_code == 201
    wrong = oauth_sign("GET", url, [])
    refused = await anonymous.post(url, params=wrong, json={"note": "signed"})
    assert refused.json() == auth_error("Invalid signature - provided signature does not match.")


async def test_oauth_link_header_repeats_the_signature(anonymous: httpx.AsyncClient) -> None:
    params = [("per_page", "2")]
    oauth = oauth_sign("GET", f"{BASE}{ORDERS}", params)
    response = await anonymous.get(ORDERS, params=[*params, *oauth])
    link = response.headers["link"]
    assert "oauth_signature=" in link and "oauth_nonce=" in link
    # Following the link as is re-uses the nonce: a client must strip and sign again.
    next_url = link.split(";")[0].strip("<>")
    replay = await anonymous.get(next_url)
    assert replay.status_code == 401


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda o: {**o, "oauth_signature": "AAAA" + o["oauth_signature"][4:]},
            "Invalid signature - provided signature does not match.",
        ),
        (lambda o: {**o, "oauth_consumer_key": "ck_" + "0" * 40}, "Consumer key is invalid."),
    ],
)
async def test_oauth_refusals(anonymous: httpx.AsyncClient, mutate: Any, message: str) -> None:
    oauth = dict(oauth_sign("GET", f"{BASE}{ORDERS}", []))
    response = await anonymous.get(ORDERS, params=mutate(oauth))
    assert response.status_code == 401
    assert response.json() == auth_error(message)


async def test_oauth_wrong_secret(anonymous: httpx.AsyncClient) -> None:
    oauth = oauth_sign("GET", f"{BASE}{ORDERS}", [], key=(RW[0], "cs_wrong"))
    response = await anonymous.get(ORDERS, params=oauth)
    assert response.json() == auth_error("Invalid signature - provided signature does not match.")


async def test_oauth_stale_timestamp(anonymous: httpx.AsyncClient) -> None:
    for skew in (-16 * 60, 16 * 60):
        oauth = oauth_sign("GET", f"{BASE}{ORDERS}", [], timestamp=int(time.time()) + skew)
        response = await anonymous.get(ORDERS, params=oauth)
        assert response.json() == auth_error("Invalid timestamp.")
    within = oauth_sign("GET", f"{BASE}{ORDERS}", [], timestamp=int(time.time()) - 10 * 60)
    assert (await anonymous.get(ORDERS, params=within)).status_code == 200


async def test_oauth_nonce_used_once(anonymous: httpx.AsyncClient) -> None:
    oauth = oauth_sign("GET", f"{BASE}{ORDERS}", [], nonce="n" * 32)
    assert (await anonymous.get(ORDERS, params=oauth)).status_code == 200
    again = await anonymous.get(ORDERS, params=oauth)
    assert again.json() == auth_error("Invalid nonce - nonce has already been used.")
    # Another key may use the same nonce.
    other = oauth_sign("GET", f"{BASE}{ORDERS}", [], key=READ, nonce="n" * 32)
    assert (await anonymous.get(ORDERS, params=other)).status_code == 200


async def test_oauth_missing_parameter_and_bad_method(anonymous: httpx.AsyncClient) -> None:
    partial = await anonymous.get(ORDERS, params={"oauth_consumer_key": RW[0]})
    assert partial.status_code == 401
    assert partial.json()["code"] == "woocommerce_rest_authentication_missing_parameter"
    assert "oauth_timestamp" in partial.json()["message"]
    oauth = dict(oauth_sign("GET", f"{BASE}{ORDERS}", []))
    oauth["oauth_signature_method"] = "PLAINTEXT"
    response = await anonymous.get(ORDERS, params=oauth)
    assert response.json() == auth_error("Invalid signature - signature method is invalid.")


async def test_basic_refusals(anonymous: httpx.AsyncClient) -> None:
    unknown = await anonymous.get(ORDERS, auth=("ck_" + "0" * 40, RW[1]))
    assert (unknown.status_code, unknown.json()) == (401, CANNOT_LIST)
    wrong = await anonymous.get(ORDERS, auth=(RW[0], "cs_wrong"))
    assert (wrong.status_code, wrong.json()) == (401, auth_error("Consumer secret is invalid."))
    wrong_query = await anonymous.get(
        ORDERS, params={"consumer_key": RW[0], "consumer_secret": "cs_x"}
    )
    assert wrong_query.json() == auth_error("Consumer secret is invalid.")


async def test_no_auth_is_401_per_endpoint(anonymous: httpx.AsyncClient) -> None:
    listed = await anonymous.get(ORDERS)
    assert (listed.status_code, listed.json()) == (401, CANNOT_LIST)
    one = await anonymous.get(f"{ORDERS}/1000")
    assert one.json()["message"] == "Sorry, you cannot view this resource."
    created = await anonymous.post(ORDERS, json={})
    assert created.json()["code"] == "woocommerce_rest_cannot_create"
    # Discovery needs no key.
    assert (await anonymous.get("/wp-json/")).status_code == 200


async def test_key_permissions(app: Any) -> None:
    async with make_client(app, READ) as reader:
        order_id = (await reader.get(ORDERS)).json()[0]["id"]
        write = await reader.put(f"{ORDERS}/{order_id}", json={"status": "completed"})
    assert (write.status_code, write.json()) == (
        401,
        auth_error("The API key provided does not have write permissions."),
    )
    async with make_client(app, WRITE) as writer:
        read = await writer.get(ORDERS)
        assert read.json() == auth_error("The API key provided does not have read permissions.")
        note = await writer.post(f"{ORDERS}/{order_id}/notes", json={"note": "write-only"})
        assert note.status_code == 201


async def test_rest_route_form_is_not_authenticated(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/", params={"rest_route": "/wc/v3/orders"}, auth=RW)
    assert (response.status_code, response.json()) == (401, CANNOT_LIST)


async def test_unknown_route_and_method(anonymous: httpx.AsyncClient) -> None:
    no_route = {
        "code": "rest_no_route",
        "message": "No route was found matching the URL and request method.",
        "data": {"status": 404},
    }
    for method, path in (
        ("GET", "/wp-json/wc/v3/nonexistent"),
        ("DELETE", ORDERS),
        ("GET", f"{ORDERS}/abc"),
    ):
        response = await anonymous.request(method, path, auth=RW)
        assert (response.status_code, response.json()) == (404, no_route)


async def test_auth_over_real_loopback(live_shop: RunningShop) -> None:
    async with httpx.AsyncClient(base_url=live_shop.url) as http:
        basic = await http.get(ORDERS, auth=RW)
        assert basic.status_code == 200
        url = f"{live_shop.url}{ORDERS}"
        for algorithm in ("HMAC-SHA1", "HMAC-SHA256"):
            query = oauth_sign("GET", url, [("per_page", "5")], algorithm=algorithm)
            response = await http.get(ORDERS, params=[("per_page", "5"), *query])
            assert response.status_code == 200, response.text
            header = oauth_sign("GET", url, [], algorithm=algorithm)
            response = await http.get(ORDERS, headers={"Authorization": oauth_header(header)})
            assert response.status_code == 200, response.text
        assert len((await http.get(ORDERS, params={"per_page": 5}, auth=RW)).json()) == 5


async def test_the_console_client_signs_acceptably(live_shop: RunningShop) -> None:
    auth_module = pytest.importorskip("client.auth")
    for method in ("HMAC-SHA1", "HMAC-SHA256"):
        signer = auth_module.OAuth1Auth(RW[0], RW[1], method=method)
        async with httpx.AsyncClient(base_url=live_shop.url, auth=signer) as http:
            response = await http.get(ORDERS, params={"status": "processing,completed"})
            assert response.status_code == 200, response.text
