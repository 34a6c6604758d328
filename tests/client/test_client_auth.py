"""Auth: OAuth 1.0a signatures WooCommerce accepts, Basic and query keys, the "auto" choice,
and URLs cleaned of secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from client import OrderQuery, sanitize_url
from client.auth import (
    OAuth1Auth,
    choose_auth_mode,
    is_loopback,
    percent_encode,
    sign,
    signature_base_string,
)
from tests.client.wc_captures import json_response, load_capture, mock_client

# ---------------------------------------------------------------- published vectors


def test_twitter_docs_vector() -> None:
    """The worked example of Twitter's "Creating a signature" docs (HMAC-SHA1 with a token)."""
    url = httpx.URL("https://api.twitter.com/1.1/statuses/update.json")
    params = [
        ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
        ("include_entities", "true"),
        ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
        ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "1318622958"),
        ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
        ("oauth_version", "1.0"),
    ]
    base = signature_base_string("post", url, params)
    assert base == (
        "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&"
        "include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26"
        "oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26"
        "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26"
        "oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26"
        "oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C"
        "%2520a%2520signed%2520OAuth%2520request%2521"
    )
    signature = sign(
        base,
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "HMAC-SHA1",
        token_secret="LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
    assert signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="


def test_rfc5849_section_1_2_vector() -> None:
    """RFC 5849 §1.2: query parameters take part, realm and the query string in the URL
    do not."""
    url = httpx.URL("http://photos.example.net/photos?file=vacation.jpg&size=original")
    params = [
        ("file", "vacation.jpg"),
        ("size", "original"),
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
        ("oauth_token", "nnch734d00sl2jdk"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131202"),
        ("oauth_nonce", "chapoH"),
    ]
    base = signature_base_string("GET", url, params)
    signature = sign(base, "kd94hf93k423kf44", "HMAC-SHA1", token_secret="pfkkdhi9sl3r4s00")
    assert signature == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


# ---------------------------------------------------------------- WooCommerce's way, by hand


def _rawurlencode(text: str) -> str:
    """PHP's rawurlencode: everything but A-Z a-z 0-9 - _ . ~ as %XX."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in "-_.~"):
            out.append(char)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _woocommerce_expected_signature(request: httpx.Request, secret: str) -> str:
    """What WooCommerce's check_oauth_signature() computes, followed step by step."""
    parts = urlsplit(str(request.url))
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    params.pop("oauth_signature")
    method = params["oauth_signature_method"]
    base_uri = _rawurlencode(f"{parts.scheme}://{parts.netloc}{parts.path}")
    pairs = [
        _rawurlencode(f"{_rawurlencode(k)}={_rawurlencode(params[k])}")
        for k in sorted(params, key=lambda k: k.encode())
    ]
    string_to_sign = f"{request.method}&{base_uri}&{'%26'.join(pairs)}"
    algorithm = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}[method]
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), algorithm).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize("method", ["HMAC-SHA1", "HMAC-SHA256"])
async def test_oauth_request_is_signed_as_woocommerce_checks_it(method: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})

    client = mock_client(handler, url="http://shop.example:8089", auth="oauth", oauth_method=method)
    client._http.auth.consumer_secret = "cs_secret/with+odd=chars"  # type: ignore[union-attr]
    async with client:
        await client.list_orders(
            OrderQuery(status=("processing", "on-hold"), search="Jane Doe & co")
        )
    [request] = seen
    params = dict(parse_qsl(request.url.query.decode()))
    assert request.headers.get("authorization") is None
    assert params["oauth_signature_method"] == method
    assert "oauth_version" not in params
    assert len(params["oauth_nonce"]) == 32
    assert params["status"] == "processing,on-hold"  # a comma list, never status[]
    assert params["oauth_signature"] == _woocommerce_expected_signature(
        request, "cs_secret/with+odd=chars"
    )


async def test_each_attempt_is_signed_afresh() -> None:
    """A retried GET gets a new nonce (a store refuses a nonce seen in the last 15 minutes)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503)
        return json_response(200, {"id": 5})

    client = mock_client(handler, url="http://shop.example", auth="oauth")
    async with client:
        await client.get_order(5)
    nonces = [dict(parse_qsl(r.url.query.decode()))["oauth_nonce"] for r in seen]
    assert len(nonces) == 2 and nonces[0] != nonces[1]


def test_oauth_drops_stale_oauth_params_from_a_copied_url() -> None:
    auth = OAuth1Auth("ck", "cs", clock=lambda: 1_700_000_000, nonce=lambda: "n" * 32)
    request = httpx.Request(
        "GET", "http://s.example/wp-json/wc/v3/orders?page=2&oauth_nonce=old&oauth_signature=old"
    )
    signed = next(auth.auth_flow(request))
    params = httpx.URL(str(signed.url)).params
    assert params.get_list("oauth_nonce") == ["n" * 32]
    assert len(params.get_list("oauth_signature")) == 1
    assert params["oauth_timestamp"] == "1700000000"


# ---------------------------------------------------------------- Basic, query keys, auto


async def test_basic_sends_the_key_pair_in_the_header() -> None:
    seen: list[httpx.Request] = []
    client = mock_client(lambda r: seen.append(r) or json_response(200, {"id": 1}), auth="basic")
    async with client:
        await client.get_order(1)
    expected = base64.b64encode(b"ck_test:cs_test").decode()
    assert seen[0].headers["authorization"] == f"Basic {expected}"
    assert "consumer_secret" not in str(seen[0].url)


async def test_query_keys_go_in_the_url() -> None:
    seen: list[httpx.Request] = []
    client = mock_client(lambda r: seen.append(r) or json_response(200, {"id": 1}), auth="query")
    async with client:
        await client.get_order(1)
    params = seen[0].url.params
    assert (params["consumer_key"], params["consumer_secret"]) == ("ck_test", "cs_test")
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://shop.example", "basic"),
        ("http://shop.example", "oauth"),
        ("http://192.168.1.20:8080", "oauth"),
        ("http://127.0.0.1:8000", "basic"),
        ("http://localhost:8000", "basic"),
        ("http://[::1]:8000", "basic"),
    ],
)
def test_auto_picks_what_the_store_accepts(url: str, expected: str) -> None:
    assert choose_auth_mode(url) == expected


def test_explicit_mode_wins() -> None:
    assert choose_auth_mode("http://shop.example", "basic") == "basic"
    assert is_loopback("127.5.0.1") and not is_loopback("10.0.0.1")


async def test_loopback_real_store_refusing_basic_gets_oauth() -> None:
    """A real WooCommerce on 127.0.0.1 over HTTP ignores Basic (401 cannot_view): the client
    switches to OAuth once and carries on."""
    refused = load_capture("error_401_http_basic_not_accepted")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "oauth_signature" not in request.url.params:
            return refused.response()
        return json_response(200, {"id": 3})

    client = mock_client(handler, url="http://127.0.0.1:8089")
    async with client:
        assert client.auth_mode == "basic"
        order = await client.get_order(3)
        await client.get_order(3)
    assert order.id == 3 and client.auth_mode == "oauth"
    assert len(seen) == 3  # one refusal, then signed requests only


async def test_wrong_secret_on_loopback_is_not_retried_as_oauth() -> None:
    wrong = load_capture("error_401_https_basic_bad_secret")
    client = mock_client(lambda r: wrong.response(), url="http://127.0.0.1:8089")
    async with client:
        with pytest.raises(Exception) as caught:
            await client.get_order(3)
    assert str(caught.value) == "Consumer secret is invalid."
    assert client.auth_mode == "basic"


# ---------------------------------------------------------------- secrets stay out of URLs


def test_link_header_is_sanitized() -> None:
    link = load_capture("orders_list_http_oauth_follow_link_next").header("Link")
    assert link is not None
    for part in link.split(","):
        url = part.split(";")[0].strip().strip("<>")
        clean = sanitize_url(url)
        assert "oauth_" not in clean and "page=" in clean
    keys_link = load_capture("orders_list_https_query_keys").header("Link")
    assert keys_link is not None
    clean = sanitize_url(keys_link.split(";")[0].strip("<>"))
    assert "consumer_secret" not in clean and "consumer_key" not in clean
    assert clean.endswith("page=2")


def test_sanitize_drops_userinfo_and_keeps_the_rest() -> None:
    url = "https://u:p@shop.example/wp-json/wc/v3/orders?status=processing&consumer_secret=x"
    assert sanitize_url(url) == "https://shop.example/wp-json/wc/v3/orders?status=processing"


async def test_logs_never_show_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    client = mock_client(lambda r: json_response(200, {"id": 1}), auth="query")
    with caplog.at_level("DEBUG", logger="orderdesk.client"):
        async with client:
            await client.get_order(1)
    assert "/orders/1" in caplog.text
    assert "cs_test" not in caplog.text and "consumer_key" not in caplog.text


def test_percent_encoding_matches_php_rawurlencode() -> None:
    for text in ["a b", "a+b", "~tilde", "ünï/çødé", "*", "!'()"]:
        assert percent_encode(text) == _rawurlencode(text)
