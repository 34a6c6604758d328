"""Shop addresses: where the API lives, and URLs made safe to show or log.

WooCommerce's `Link` header repeats the request's query string, auth parameters included
(`consumer_secret`, `oauth_signature`, …; see shared/woocommerce-real/NOTES.md). Any URL that
came back from a shop, or that we built with query keys, goes through `sanitize_url` before it
is logged, shown or followed.
"""

from __future__ import annotations

import httpx

#: Query parameters that carry credentials (besides every `oauth_*` one).
SECRET_PARAMS: frozenset[str] = frozenset({"consumer_key", "consumer_secret", "ws_key"})

API_PATH = "/wp-json/wc/v3/"


def is_secret_param(name: str) -> bool:
    return name in SECRET_PARAMS or name.startswith("oauth_")


def sanitize_url(url: str | httpx.URL) -> str:
    """`url` without credentials: auth query parameters and any user:password part removed."""
    parsed = httpx.URL(str(url))
    kept = [(k, v) for k, v in parsed.params.multi_items() if not is_secret_param(k)]
    clean = parsed.copy_with(params=kept, username=None, password=None)
    text = str(clean)
    return text[:-1] if text.endswith("?") else text


def api_base_url(url: str) -> str:
    """The wc/v3 base for a shop address, whatever form the user typed it in.

    Accepts the site root (`https://shop.example`, a sub-directory install
    `https://example.com/shop`) or an address that already ends in `/wp-json` or
    `/wp-json/wc/v3`; always answers `<site>/wp-json/wc/v3/`. The pretty-permalink form is
    required: WooCommerce does not authenticate API keys on `?rest_route=` URLs.
    """
    text = url.strip()
    if "://" not in text:
        raise ValueError(f"shop address {url!r} needs a scheme (https:// or http://)")
    parsed = httpx.URL(text)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"shop address {url!r} is not an http(s) URL")
    path = parsed.path.rstrip("/")
    for suffix in ("/wp-json/wc/v3", "/wp-json"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    site = parsed.copy_with(path=path + API_PATH, query=None, fragment=None)
    return str(site)


def site_url(api_base: str) -> str:
    """The site root of an API base (for messages): no path suffix, no credentials."""
    parsed = httpx.URL(api_base)
    path = parsed.path
    if path.endswith(API_PATH):
        path = path[: -len(API_PATH)]
    return sanitize_url(parsed.copy_with(path=path or "/", query=None)).rstrip("/")
