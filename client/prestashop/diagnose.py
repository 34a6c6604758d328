"""`diagnose()` for a PrestaShop profile: will orderdesk work with this store's Webservice?

The same idea as `client.diagnose` for WooCommerce (one verdict per question, in words a
shop owner can act on), with PrestaShop's questions:

1. **Reachability** — is there a PrestaShop Webservice at `<url>/api/`? It answers a
   request without a key with 401 and `WWW-Authenticate: … PrestaShop Webservice`.
2. **Authentication** — the key (HTTP Basic, key as user name): codes 20/21 mean an
   unknown or disabled key.
3. **Key permission** — a GET (limit 1) of every resource the console reads, and for the
   resources it writes, a POST the store refuses before writing anything (a body without
   its required field: a key that may write gets "parameter … required", 400 code 41; one
   that may not, 401 code 26 or 405 code 25). PATCH on `order_carriers` (tracking
   numbers) is NOT checked: it cannot be tried without changing an order.
4. **PrestaShop version** — the `PSWS-Version` header.
5. **Change feed** — `filter[date_upd]=>[tomorrow]&date=1`, exactly as the live feed asks.

Never raises for the shop's sake; the key never appears in a verdict.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from client.diagnose import (
    AUTHENTICATION,
    PERMISSION,
    REACHABILITY,
    Check,
    Diagnosis,
    _verify_context,
    network_problem,
)
from client.prestashop.client import api_url
from client.prestashop.errors import error_entries
from client.prestashop.wire import xml_body

VERSION = "PrestaShop version"
CHANGE_FEED = "Change feed (date_upd)"
CHECK_NAMES = (REACHABILITY, AUTHENTICATION, PERMISSION, VERSION, CHANGE_FEED)

#: What the console reads (GET) and writes (POST), by Webservice resource.
READS = (
    "orders", "order_states", "order_details", "order_histories", "order_carriers",
    "order_payments", "order_slip", "customers", "addresses", "carriers",
    "customer_threads", "customer_messages", "messages", "products", "stock_availables",
)
#: Resource → (singular, a field that is there; the required one is left out on purpose).
WRITES = {
    "order_histories": ("order_history", "id_order"),
    "customer_threads": ("customer_thread", "id_order"),
    "customer_messages": ("customer_message", "private"),
}

WEBSERVICE_PAGE = "Advanced Parameters › Webservice"


async def diagnose_prestashop(
    url: str,
    key: str,
    *,
    verify: bool | str = True,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 10.0,
) -> Diagnosis:
    try:
        api = api_url(url)
    except ValueError as exc:
        checks = [Check(REACHABILITY, False, f"not a shop address: {exc}")]
        checks += [
            Check(n, None, "not checked: the address is not usable") for n in CHECK_NAMES[1:]
        ]
        return Diagnosis(url=url, checks=tuple(checks), kind="prestashop")
    site = api.removesuffix("/api/")
    checks: list[Check] = []
    version: str | None = None
    async with httpx.AsyncClient(
        base_url=api,
        transport=transport,
        verify=_verify_context(verify) if api.startswith("https:") else False,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        follow_redirects=False,
        headers={"Accept": "application/json", "User-Agent": "orderdesk/0.1 (diagnose)"},
    ) as http:
        try:
            bare = await http.get("orders", params={"output_format": "JSON"})
        except httpx.HTTPError as exc:
            verdict, detail = network_problem(exc, httpx.URL(api))
            checks.append(Check(REACHABILITY, False, verdict, detail))
            checks += [Check(n, None, "not checked: the shop is not reachable")
                       for n in CHECK_NAMES[1:]]
            return Diagnosis(url=site, checks=tuple(checks), kind="prestashop")
        realm = bare.headers.get("www-authenticate", "")
        version = bare.headers.get("psws-version")
        if bare.status_code == 401 and ("PrestaShop" in realm or version):
            checks.append(Check(REACHABILITY, True, f"PrestaShop Webservice at {api}"))
        else:
            checks.append(Check(
                REACHABILITY, False, f"no PrestaShop Webservice at {api}",
                f"HTTP {bare.status_code} without a key. Check the address, and that the "
                f"Webservice is enabled ({WEBSERVICE_PAGE}).",
            ))
            checks += [Check(n, None, "not checked: no Webservice found") for n in CHECK_NAMES[1:]]
            return Diagnosis(url=site, checks=tuple(checks), kind="prestashop")
        auth = httpx.BasicAuth(key, "")
        base = {"output_format": "JSON", "display": "[id]", "limit": "1"}
        answer = await http.get("orders", params=base, auth=auth)
        version = answer.headers.get("psws-version") or version
        if answer.status_code == 401 and {c for c, _ in error_entries(answer)} & {20, 21}:
            checks.append(Check(
                AUTHENTICATION, False, "the store does not know this key, or it is disabled",
                f"Create or enable it in the back office ({WEBSERVICE_PAGE}).",
            ))
        elif answer.is_success or answer.status_code in (401, 405):
            checks.append(Check(AUTHENTICATION, True, "the key is accepted (HTTP Basic)"))
        else:
            checks.append(
                Check(AUTHENTICATION, False, f"unexpected answer HTTP {answer.status_code}")
            )
        if checks[-1].ok is not True:
            checks += [Check(n, None, "not checked: the key was refused")
                       for n in CHECK_NAMES[2:]]
            return Diagnosis(url=site, checks=tuple(checks), kind="prestashop", version=version)
        missing: list[str] = []
        for resource in READS:
            got = await http.get(resource, params=base, auth=auth)
            if got.status_code in (401, 405):
                missing.append(f"GET {resource}")
        for resource, (singular, present) in WRITES.items():
            body = xml_body(singular, {present: 0})
            got = await http.post(resource, params={"output_format": "JSON"}, content=body,
                                  auth=auth, headers={"Content-Type": "application/xml"})
            if got.status_code in (401, 405):
                missing.append(f"POST {resource}")
        if missing:
            checks.append(Check(
                PERMISSION, False, "the key lacks: " + ", ".join(missing),
                f"Tick them for this key in the back office ({WEBSERVICE_PAGE}). PATCH on "
                "order_carriers (tracking numbers) is not checked.",
            ))
        else:
            checks.append(Check(
                PERMISSION, True, "reads and writes what the console needs",
                "PATCH on order_carriers (tracking numbers) is not checked: it cannot be "
                "tried without changing an order.",
            ))
        checks.append(
            Check(VERSION, True, version) if version
            else Check(VERSION, None, "the store does not say")
        )
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
        feed = await http.get("orders", auth=auth, params={
            "output_format": "JSON", "display": "[id,date_upd]",
            "filter[date_upd]": f">[{tomorrow}]", "date": "1",
        })
        if feed.is_success:
            checks.append(Check(CHANGE_FEED, True, "changes can be polled by date_upd"))
        else:
            checks.append(Check(
                CHANGE_FEED, False, f"filtering on date_upd failed (HTTP {feed.status_code})",
                "The console would not see changes made in the back office.",
            ))
    return Diagnosis(url=site, checks=tuple(checks), kind="prestashop", version=version,
                     permission="read_write" if not missing else None)
