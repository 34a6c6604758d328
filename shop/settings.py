"""The store's settings and its clock.

WooCommerce answers every date twice: `date_x` in the site's timezone without an offset and
`date_x_gmt` in UTC without an offset. The demo shop sits in Europe/Paris so the two differ
and a client that mixes them up shows wrong times (or, with `modified_after`, misses
changes). Dates have whole-second resolution, as in WooCommerce.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

DEFAULT_SETTINGS: dict[str, str] = {
    "name": "orderdesk demo shop",
    "description": "The reference shop of orderdesk",
    "currency": "EUR",
    "currency_symbol": "€",
    "decimals": "2",
    "timezone": "Europe/Paris",
    "prices_include_tax": "no",
    "tax_rate": "20.0000",
    "tax_rate_id": "1",
    "tax_label": "TVA",
    "tax_rate_code": "FR-TVA-1",
    "wc_version": "10.0.2",
    #: The site's locale (WordPress's `get_locale()`), as `system_status` reports it.
    "language": "en_US",
}

#: Payment methods whose gateway can refund by itself (`api_refund: true`).
REFUNDING_GATEWAYS = frozenset({"stripe"})

GMT_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True, slots=True)
class Settings:
    name: str
    currency: str
    currency_symbol: str
    decimals: int
    timezone: ZoneInfo
    tax_rate: Decimal
    tax_rate_id: int
    tax_label: str
    tax_rate_code: str
    version: str

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Settings:
        values = dict(DEFAULT_SETTINGS)
        values.update({r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")})
        return cls(
            name=values["name"],
            currency=values["currency"],
            currency_symbol=values["currency_symbol"],
            decimals=int(values["decimals"]),
            timezone=ZoneInfo(values["timezone"]),
            tax_rate=Decimal(values["tax_rate"]),
            tax_rate_id=int(values["tax_rate_id"]),
            tax_label=values["tax_label"],
            tax_rate_code=values["tax_rate_code"],
            version=values["wc_version"],
        )

    @property
    def timezone_name(self) -> str:
        return self.timezone.key

    def gmt_offset(self, when: datetime | None = None) -> float:
        """Hours east of UTC now (WordPress's `gmt_offset`), e.g. 1 or 2 for Paris."""
        offset = (when or now_utc()).astimezone(self.timezone).utcoffset()
        hours = offset.total_seconds() / 3600 if offset else 0.0
        return int(hours) if hours.is_integer() else hours

    def local(self, gmt: str | None) -> str | None:
        """The site-local twin of a stored UTC date string."""
        if not gmt:
            return None
        dt = datetime.fromisoformat(gmt).replace(tzinfo=UTC)
        return dt.astimezone(self.timezone).replace(tzinfo=None).isoformat()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def fmt_gmt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime(GMT_FORMAT)


def now_gmt() -> str:
    return fmt_gmt(now_utc())
