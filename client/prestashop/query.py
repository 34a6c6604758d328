"""An `OrderQuery` as PrestaShop Webservice parameters, and shop-local dates.

PrestaShop's list syntax (shared/prestashop-real/NOTES.md): `filter[f]=[a|b]` (any of),
`[a,b]` (a range), `>[x]` / `<[x]` (strictly after / before), `%[x]%` (contains);
`sort=[f_DESC]`; `limit=offset,count`. Filtering on `date_add`/`date_upd` needs `date=1`
(without it, a 500 "This filter does not exist"). There is no total count in answers, so
paging walks until a short page.

Dates are the shop's local time without an offset (`2026-11-23 13:09:15`); the console
keeps aware UTC datetimes, so every date crosses `ShopClock` both ways. A wrong time zone
only shifts what is displayed: the feed's `date_upd` cursor goes out the way it came in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from client.errors import Invalid
from client.protocol import OrderQuery

Params = dict[str, str]

#: What PrestaShop writes for "no date".
ZERO_DATES = ("0000-00-00 00:00:00", "0000-00-00", "")

#: Most entries asked for in one request (ids in one `filter[id]=[…]` too).
PAGE_LIMIT = 100

#: Fields a list can be answered with without looking anything else up.
LIGHT_FIELDS = frozenset({"id", "number", "status", "date_modified_gmt", "date_created_gmt"})


@dataclass(frozen=True, slots=True)
class ShopClock:
    """The shop's time zone: reads its local dates, writes ours in its terms."""

    zone: tzinfo

    @classmethod
    def named(cls, name: str | None) -> ShopClock:
        """`America/New_York`; empty = this machine's zone (the shop is often nearby)."""
        if name:
            return cls(ZoneInfo(name))
        local = datetime.now().astimezone().tzinfo
        return cls(local or UTC)

    def read(self, value: object) -> datetime | None:
        if not isinstance(value, str) or value.strip() in ZERO_DATES:
            return None
        try:
            moment = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            try:
                moment = datetime.strptime(value.strip(), "%Y-%m-%d")
            except ValueError:
                return None
        return moment.replace(tzinfo=self.zone).astimezone(UTC)

    def write(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")


def any_of(values: Iterable[object]) -> str:
    """`[1|10]`: matches any of the values."""
    return "[" + "|".join(str(v) for v in values) + "]"


def _clean(text: str) -> str:
    """Brackets, bars and percent signs would change a filter's meaning."""
    return "".join(ch for ch in text if ch not in "[]|%,<>")


def date_filter(
    clock: ShopClock, after: datetime | None, before: datetime | None
) -> str | None:
    if after is not None and before is not None:
        return f"[{clock.write(after)},{clock.write(before)}]"
    if after is not None:
        return f">[{clock.write(after)}]"
    if before is not None:
        return f"<[{clock.write(before)}]"
    return None


def order_params(
    query: OrderQuery,
    *,
    clock: ShopClock,
    state_ids: Sequence[int] | None,
    offset: int,
    limit: int,
    light: bool,
) -> Params:
    """The parameters of one page of orders. `state_ids` is `query.status` already turned
    into order state ids (None = no status filter)."""
    params: Params = {
        "display": "[id,reference,current_state,date_add,date_upd]" if light else "full",
        "limit": f"{offset},{limit}",
    }
    if state_ids is not None:
        params["filter[current_state]"] = any_of(state_ids or [0])
    if query.customer is not None:
        params["filter[id_customer]"] = any_of([int(query.customer)])
    if query.include:
        params["filter[id]"] = any_of(int(i) for i in query.include)
    search = _clean(query.search.strip().lstrip("#"))
    if search:
        if search.isdigit():
            params["filter[id]"] = any_of([int(search)])
        else:
            params["filter[reference]"] = f"%[{search}]%"
    dated = False
    if (created := date_filter(clock, query.after, query.before)) is not None:
        params["filter[date_add]"] = created
        dated = True
    if (
        modified := date_filter(clock, query.modified_after, query.modified_before)
    ) is not None:
        params["filter[date_upd]"] = modified
        dated = True
    if dated:
        params["date"] = "1"
    direction = "ASC" if query.order == "asc" else "DESC"
    if query.orderby == "modified":
        params["sort"] = f"[date_upd_{direction}]"
    elif query.orderby != "include":
        # Ids grow with creation time, and sort ties never reorder between pages.
        params["sort"] = f"[id_{direction}]"
    if query.product is not None:
        raise Invalid(
            "internal: a product filter is resolved to order ids before listing",
            field="product",
            code="orderdesk_invalid_param",
        )
    return params
