"""Who issues a document: the shop's name, address and legal details.

Kept apart from the shop's API settings because an invoice must carry the seller's legal
identity (VAT number, company number, mandatory mentions), which WooCommerce's REST API
does not give; the console reads it from its own configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True, slots=True)
class ShopIdentity:
    """The seller as printed on packing slips, invoices, credit notes and receipts.

    `timezone` (an IANA name such as "Europe/Paris") decides the calendar date printed for
    an order: a sale at 23:30 UTC is dated the next day in Paris. `legal_mentions` are
    printed verbatim at the foot of invoices and credit notes (e.g. "TVA non applicable,
    art. 293 B du CGI", late-payment penalties).
    """

    name: str
    address_lines: tuple[str, ...] = ()
    vat_number: str = ""
    company_number: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    legal_mentions: tuple[str, ...] = ()
    timezone: str = "UTC"

    @property
    def tz(self) -> tzinfo:
        """The shop's timezone; UTC when the name is unknown on this machine."""
        try:
            return ZoneInfo(self.timezone) if self.timezone else UTC
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def texts(self) -> list[str]:
        """Every string this identity may print (to pick fonts that can draw them)."""
        return [
            self.name,
            *self.address_lines,
            self.vat_number,
            self.company_number,
            self.email,
            self.phone,
            self.website,
            *self.legal_mentions,
        ]
