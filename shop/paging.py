"""Paging headers exactly as WooCommerce's CRUD controller writes them.

`X-WP-Total` and `X-WP-TotalPages` always; `Link` with only `rel="prev"`/`rel="next"`,
built from the request's own query (auth parameters included — a client must strip them
before following a link) with the parameter defaults WordPress filled in appended
(`status[0]=any`, `dp=2`, `context=view`). Past the last page the real store reports
`X-WP-Total: 0` and a `prev` link to page 0 without the defaults; so does this one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote_plus

from shop.params import QueryReader
from shop.request import Call, base_name


def php_urlencode(value: str) -> str:
    """PHP's `urlencode` (space as `+`), which `urlencode_deep` applies to link values."""
    return quote_plus(value, safe="-_.")


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    per_page: int
    offset: int | None

    @property
    def skip(self) -> int:
        return self.offset if self.offset is not None else (self.page - 1) * self.per_page


def paging_headers(
    call: Call,
    rest_base: str,
    page: Page,
    total: int,
    shown: int,
    *,
    arrays: dict[str, Sequence[str]] | None = None,
    defaults: Sequence[tuple[str, str]] = (("context", "view"),),
) -> dict[str, str]:
    """Headers for a page of `shown` items out of `total` matching ones.

    `arrays` are the request's array parameters as WordPress normalised them (moved to the
    end of the link query as `name[0]=…`); `defaults` are appended when the request had
    none of them.
    """
    if shown == 0:
        total = 0  # WooCommerce (HPOS) reports nothing found past the end.
    max_pages = math.ceil(total / page.per_page) if page.per_page else 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(max_pages)}
    arrays = arrays or {}
    pairs = [(k, v) for k, v in call.query.pairs if base_name(k) not in arrays]
    for name, values in arrays.items():
        pairs.extend((f"{name}%5B{i}%5D", v) for i, v in enumerate(values))
    if total:
        present = {base_name(k) for k, _ in call.query.pairs}
        pairs.extend((k, v) for k, v in defaults if k not in present)

    def link(number: int) -> str:
        query = []
        replaced = False
        for k, v in pairs:
            if k == "page":
                if replaced:
                    continue
                v, replaced = str(number), True
            query.append(f"{k}={php_urlencode(v)}")
        if not replaced:
            query.append(f"page={number}")
        return f"<{call.url(rest_base)}?{'&'.join(query)}>"

    links = []
    current = page.page
    if current > 1:
        links.append(f'{link(min(current - 1, max_pages))}; rel="prev"')
    if max_pages > current:
        links.append(f'{link(current + 1)}; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers


def read_page(reader: QueryReader, *, default_per_page: int = 10) -> Page:
    """`page`, `per_page` (1–100) and `offset` from a `QueryReader`."""
    page = reader.integer("page", 1, minimum=1)
    per_page = reader.integer("per_page", default_per_page, minimum=1, maximum=100)
    offset = reader.integer("offset", None, minimum=0)
    return Page(page=page or 1, per_page=per_page or default_per_page, offset=offset)
