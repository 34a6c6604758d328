"""`GET /orders`: paging headers and links, filters, dates, search, `_fields`, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.shop.conftest import API, RW, SEEDED, Sql, make_client, new_order

ORDERS = "/wp-json/wc/v3/orders"
PARIS = ZoneInfo("Europe/Paris")


async def listing(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    response = await client.get(ORDERS, params=params)
    assert response.status_code == 200, response.text
    return response


async def ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    params.setdefault("per_page", 100)
    return [o["id"] for o in (await listing(client, **params)).json()]


async def test_default_page_is_ten_newest_first(client: httpx.AsyncClient, sql: Sql) -> None:
    response = await listing(client)
    body = response.json()
    assert len(body) == 10
    assert response.headers["x-wp-total"] == str(SEEDED)
    assert response.headers["x-wp-totalpages"] == str(SEEDED // 10)
    dates = [o["date_created_gmt"] for o in body]
    assert dates == sorted(dates, reverse=True)
    newest = sql.value("SELECT id FROM orders ORDER BY date_created_gmt DESC, id DESC")
    assert body[0]["id"] == newest


async def test_paging_headers_and_links_as_woocommerce(client: httpx.AsyncClient) -> None:
    middle = await listing(client, per_page=2, page=2)
    assert middle.headers["link"] == (
        f'<{API}/orders?per_page=2&page=1&status%5B0%5D=any&dp=2&context=view>; rel="prev", '
        f'<{API}/orders?per_page=2&page=3&status%5B0%5D=any&dp=2&context=view>; rel="next"'
    )
    last = await listing(client, per_page=2, page=SEEDED // 2)
    assert last.headers["link"] == (
        f"<{API}/orders?per_page=2&page={SEEDED // 2 - 1}&status%5B0%5D=any&dp=2&context=view>;"
        ' rel="prev"'
    )
    first = await listing(client, per_page=3, orderby="modified", order="desc")
    assert first.headers["link"] == (
        f"<{API}/orders?per_page=3&orderby=modified&order=desc&status%5B0%5D=any&dp=2"
        '&context=view&page=2>; rel="next"'
    )


async def test_past_the_end_is_empty_with_zero_totals(client: httpx.AsyncClient) -> None:
    response = await listing(client, per_page=2, page=99)
    assert response.json() == []
    assert (response.headers["x-wp-total"], response.headers["x-wp-totalpages"]) == ("0", "0")
    assert response.headers["link"] == (
        f'<{API}/orders?per_page=2&page=0&status%5B0%5D=any>; rel="prev"'
    )


async def test_one_page_has_only_the_index_link(client: httpx.AsyncClient) -> None:
    response = await listing(client, per_page=100)
    assert response.headers["link"] == '<http://shop.test/wp-json/>; rel="https://api.w.org/"'


async def test_link_repeats_query_keys(app: Any) -> None:
    async with make_client(app, auth=None) as anonymous:
        response = await anonymous.get(
            ORDERS, params={"per_page": 2, "consumer_key": RW[0], "consumer_secret": RW[1]}
        )
    assert response.status_code == 200
    assert response.headers["link"] == (
        f"<{API}/orders?per_page=2&consumer_key={RW[0]}&consumer_secret={RW[1]}"
        '&status%5B0%5D=any&dp=2&context=view&page=2>; rel="next"'
    )


async def test_offset_walks_without_gaps(client: httpx.AsyncClient) -> None:
    everything = await ids(client)
    chunks = [await ids(client, per_page=7, offset=i) for i in range(0, SEEDED, 7)]
    assert [i for chunk in chunks for i in chunk] == everything


async def test_per_page_over_100_is_rejected_like_woocommerce(client: httpx.AsyncClient) -> None:
    response = await client.get(ORDERS, params={"per_page": 101})
    assert response.status_code == 400
    message = "per_page must be between 1 (inclusive) and 100 (inclusive)"
    assert response.json() == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): per_page",
        "data": {
            "status": 400,
            "params": {"per_page": message},
            "details": {
                "per_page": {"code": "rest_out_of_bounds", "message": message, "data": None}
            },
        },
    }


async def test_orderby_outside_the_enum_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(ORDERS, params={"orderby": "total"})
    assert response.status_code == 400
    assert response.json()["data"]["params"] == {
        "orderby": "orderby is not one of date, id, include, title, slug, and modified."
    }


async def test_several_bad_params_are_named_together(client: httpx.AsyncClient) -> None:
    response = await client.get(ORDERS, params={"per_page": "x", "page": 0, "order": "up"})
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid parameter(s): page, per_page, order"


async def test_status_filters(client: httpx.AsyncClient, sql: Sql) -> None:
    def count(*statuses: str) -> int:
        marks = ",".join("?" * len(statuses))
        return sql.value(f"SELECT COUNT(*) FROM orders WHERE status IN ({marks})", *statuses)

    processing = await listing(client, status="processing", per_page=100)
    assert {o["status"] for o in processing.json()} <= {"processing"}
    assert processing.headers["x-wp-total"] == str(count("processing"))
    comma = await listing(client, status="processing,completed", per_page=100)
    assert comma.headers["x-wp-total"] == str(count("processing", "completed"))
    array = await client.get(f"{ORDERS}?status[]=processing&status[]=completed&per_page=100")
    assert [o["id"] for o in array.json()] == [o["id"] for o in comma.json()]


async def test_trash_only_when_asked(client: httpx.AsyncClient) -> None:
    order = await new_order(client)
    await client.delete(f"{ORDERS}/{order['id']}")
    assert order["id"] not in await ids(client)
    assert order["id"] not in await ids(client, status="any")
    assert await ids(client, status="trash") == [order["id"]]
    again = await client.delete(f"{ORDERS}/{order['id']}")
    assert (again.status_code, again.json()["code"]) == (410, "woocommerce_rest_already_trashed")


async def test_unknown_status_is_rejected_like_woocommerce(client: httpx.AsyncClient) -> None:
    response = await client.get(ORDERS, params={"status": "bogus"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["details"]["status"]["code"] == "rest_not_in_enum"
    assert body["data"]["params"]["status"] == (
        "status[0] is not one of any, trash, pending, processing, on-hold, completed, "
        "cancelled, refunded, and failed."
    )


async def _seeded_modified(sql: Sql) -> tuple[str, int]:
    """A seeded order's date_modified_gmt that no other order shares, and how many are later."""
    stamp = sql.value(
        "SELECT date_modified_gmt FROM orders GROUP BY date_modified_gmt HAVING COUNT(*) = 1 "
        "ORDER BY date_modified_gmt DESC LIMIT 1 OFFSET 5"
    )
    later = sql.value("SELECT COUNT(*) FROM orders WHERE date_modified_gmt > ?", stamp)
    return stamp, later


async def test_modified_after_is_strict_and_honours_gmt_flag_and_offsets(
    client: httpx.AsyncClient, sql: Sql
) -> None:
    stamp, later = await _seeded_modified(sql)
    gmt = await listing(client, modified_after=stamp, dates_are_gmt="true", per_page=100)
    assert gmt.headers["x-wp-total"] == str(later)
    assert all(o["date_modified_gmt"] > stamp for o in gmt.json())
    for value in (f"{stamp}Z", f"{stamp}+00:00"):
        same = await listing(client, modified_after=value, per_page=100)
        assert [o["id"] for o in same.json()] == [o["id"] for o in gmt.json()]
    # Site-local (Europe/Paris) wall-clock time, no flag: the same instant.
    instant = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    offset = instant.astimezone(PARIS).utcoffset()
    assert offset
    local = (instant + offset).replace(tzinfo=None).isoformat()
    local_total = (await listing(client, modified_after=local, per_page=100)).headers["x-wp-total"]
    assert local_total == str(later)
    # The pitfall: a UTC value without the flag is read as Paris time, an offset earlier.
    shifted = (instant - offset).replace(tzinfo=None).isoformat() + "Z"
    pitfall = await listing(client, modified_after=stamp, per_page=100)
    assert (
        pitfall.headers["x-wp-total"]
        == (await listing(client, modified_after=shifted, per_page=100)).headers["x-wp-total"]
    )


async def test_orderby_modified_asc_is_the_polling_order(client: httpx.AsyncClient) -> None:
    body = (await listing(client, orderby="modified", order="asc", per_page=100)).json()
    keys = [(o["date_modified_gmt"], o["id"]) for o in body]
    assert keys == sorted(keys)


async def test_changed_order_shows_up_in_modified_after(
    client: httpx.AsyncClient, sql: Sql
) -> None:
    newest = sql.value("SELECT MAX(date_modified_gmt) FROM orders")
    target = sql.value("SELECT MIN(id) FROM orders")
    await client.put(f"{ORDERS}/{target}", json={"customer_note": "changed"})
    assert await ids(client, modified_after=newest, dates_are_gmt="true") == [target]


@pytest.mark.parametrize("value", ["2026-11-01", "yesterday", "2026-11-01T25:00"])
async def test_modified_after_needs_a_full_date_time(client: httpx.AsyncClient, value: str) -> None:
    response = await client.get(ORDERS, params={"modified_after": value})
    assert response.status_code == 400
    assert response.json() == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): modified_after",
        "data": {
            "status": 400,
            "params": {"modified_after": "Invalid date."},
            "details": {
                "modified_after": {
                    "code": "rest_invalid_date",
                    "message": "Invalid date.",
                    "data": None,
                }
            },
        },
    }


async def test_after_and_before_filter_creation(client: httpx.AsyncClient, sql: Sql) -> None:
    stamp = sql.value(
        "SELECT date_created_gmt FROM orders ORDER BY date_created_gmt LIMIT 1 OFFSET 20"
    )
    before = sql.value("SELECT COUNT(*) FROM orders WHERE date_created_gmt < ?", stamp)
    response = await listing(client, before=f"{stamp}Z")
    assert response.headers["x-wp-total"] == str(before)
    after = await listing(client, after=stamp, dates_are_gmt="1")
    assert int(after.headers["x-wp-total"]) == SEEDED - before - 1


async def test_search_matches_names_emails_numbers_not_skus(
    client: httpx.AsyncClient, sql: Sql
) -> None:
    order = await new_order(client)
    assert order["id"] in await ids(client, search="lefèvre")  # case-insensitive, accents
    assert order["id"] in await ids(client, search="Élodie Lefèvre")
    assert order["id"] in await ids(client, search="elodie@example.fr")
    assert order["id"] in await ids(client, search=str(order["id"]))
    assert await ids(client, search="MUG-BLU") == []
    company = sql.value(
        "SELECT doc FROM orders WHERE json_extract(doc, '$.billing.company') != '' LIMIT 1"
    )
    if company:
        import json

        doc = json.loads(company)
        assert doc["id"] in await ids(client, search=doc["billing"]["company"])


async def test_customer_product_include_exclude(client: httpx.AsyncClient, sql: Sql) -> None:
    customer = sql.value("SELECT customer_id FROM orders WHERE customer_id > 0 LIMIT 1")
    theirs = await ids(client, customer=customer)
    assert theirs and set(theirs) == {
        r[0] for r in sql.rows("SELECT id FROM orders WHERE customer_id = ?", customer)
    }
    product = sql.value("SELECT product_id FROM order_items WHERE kind = 'line_item' LIMIT 1")
    found = await ids(client, product=product)
    for order in (await listing(client, product=product, per_page=100)).json():
        assert product in [line["product_id"] for line in order["line_items"]]
    assert found
    first_three = (await ids(client))[:3]
    assert await ids(client, include=",".join(map(str, first_three))) == first_three
    wanted = list(reversed(first_three))
    assert await ids(client, include=",".join(map(str, wanted)), orderby="include") == wanted
    assert set(first_three).isdisjoint(await ids(client, exclude=",".join(map(str, first_three))))
    by_id = await ids(client, orderby="id", order="asc")
    assert by_id == sorted(by_id)


async def test_fields_trim_nested_and_keep_id(client: httpx.AsyncClient) -> None:
    body = (await listing(client, _fields="status,billing.email,line_items.sku")).json()
    first = body[0]
    assert set(first) == {"id", "status", "billing", "line_items"}
    assert set(first["billing"]) == {"email"}
    assert all(set(line) == {"sku"} for line in first["line_items"])
    one = await client.get(f"{ORDERS}/{first['id']}", params={"_fields": "number,total"})
    assert set(one.json()) == {"id", "number", "total"}
