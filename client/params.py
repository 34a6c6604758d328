"""Query parameters for wc/v3 list calls, written the way a real store reads them.

* Lists go as comma lists (`status=processing,on-hold`), never `status[]=`: OAuth signs array
  parameters as `status[0]`, which a client cannot reproduce reliably.
* Dates go as UTC (`2026-11-23T17:59:14`) with `dates_are_gmt=true`; a value without that flag
  is read in the site's timezone and silently matches nothing (NOTES.md).
* `per_page` above 100 is a 400 on a real store, so it is refused here before any request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from client.errors import Invalid
from client.protocol import OrderQuery

MAX_PER_PAGE = 100

Params = dict[str, str]


def iso_utc(value: datetime) -> str:
    """`value` in UTC as `YYYY-MM-DDTHH:MM:SS` (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()


def comma_list(values: Iterable[object]) -> str:
    return ",".join(str(v) for v in values)


def check_paging(page: int, per_page: int) -> None:
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(
            f"per_page must be between 1 and {MAX_PER_PAGE}, not {per_page}",
            field="per_page",
            code="orderdesk_invalid_param",
        )
    if page < 1:
        raise Invalid(
            f"page must be 1 or more, not {page}", field="page", code="orderdesk_invalid_param"
        )


def order_params(
    query: OrderQuery,
    *,
    page: int = 1,
    per_page: int = MAX_PER_PAGE,
    with_status: bool = True,
) -> Params:
    """The `GET orders` parameters for `query`.

    `with_status=False` leaves the status filter out (the live feed applies it itself so it
    sees orders leave the filtered set).
    """
    check_paging(page, per_page)
    params: Params = {"page": str(page), "per_page": str(per_page)}
    if with_status and query.status:
        params["status"] = comma_list(query.status)
    if query.search:
        params["search"] = query.search
    if query.customer is not None:
        params["customer"] = str(query.customer)
    if query.product is not None:
        params["product"] = str(query.product)
    if query.include:
        params["include"] = comma_list(query.include)
    dated = False
    for name in ("after", "before", "modified_after", "modified_before"):
        value = getattr(query, name)
        if value is not None:
            params[name] = iso_utc(value)
            dated = True
    if dated:
        params["dates_are_gmt"] = "true"
    params["orderby"] = query.orderby
    params["order"] = query.order
    if query.fields:
        params["_fields"] = comma_list(query.fields)
    return params
