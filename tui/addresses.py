"""Address checks before an order's billing or shipping address is sent to the shop.

Why the console checks at all: WooCommerce's REST API stores whatever it is given (its
checkout validates, its API and admin do not), and a wrong postcode costs a returned
parcel. So the edit screen refuses to send an address with a missing required field, a
country that is not an ISO 3166-1 alpha-2 code, or a postcode that cannot exist in the
countries the shop ships to most (FR, BE, CH, DE, GB, US). Other countries get the
required-field and ISO checks only: better no rule than a wrong one.

Every message names the address, the field and what is expected, e.g. "Shipping postcode:
a FR postcode is 5 digits, e.g. 75001 (got '7500')." Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tui.i18n import N_, _

AddressKind = Literal["billing", "shipping"]

#: Every field an order address can have, in WooCommerce's order (shipping has no email).
ADDRESS_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)

FIELD_LABELS: dict[str, str] = {
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "company": N_("company"),
    "address_1": N_("address line 1"),
    "address_2": N_("address line 2"),
    "city": N_("city"),
    "state": N_("state"),
    "postcode": N_("postcode"),
    "country": N_("country"),
    "email": N_("email"),
    "phone": N_("phone"),
}

#: ISO 3166-1 alpha-2 codes (the `country` WooCommerce stores).
ISO_COUNTRIES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 (a readable table of 249 codes)
)

#: The UK's postcode shapes (the government's published pattern), outward and inward
#: parts with an optional space between them.
_GB = (
    r"(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})"
)


@dataclass(frozen=True, slots=True)
class PostcodeRule:
    pattern: re.Pattern[str]
    #: What a person is told, completing "a FR postcode is …".
    expected: str


POSTCODE_RULES: dict[str, PostcodeRule] = {
    "FR": PostcodeRule(re.compile(r"\d{5}"), "5 digits, e.g. 75001"),
    "DE": PostcodeRule(re.compile(r"\d{5}"), "5 digits, e.g. 10115"),
    "BE": PostcodeRule(re.compile(r"[1-9]\d{3}"), "4 digits from 1000 to 9999, e.g. 1000"),
    "CH": PostcodeRule(re.compile(r"[1-9]\d{3}"), "4 digits from 1000 to 9999, e.g. 8001"),
    "US": PostcodeRule(re.compile(r"\d{5}(-\d{4})?"), "a ZIP code: 5 digits or ZIP+4, e.g. 62701"),
    "GB": PostcodeRule(re.compile(_GB), "a UK postcode, e.g. SW1A 1AA"),
}

#: Countries whose addresses need a state (WooCommerce's checkout asks for one).
STATE_REQUIRED: dict[str, str] = {"US": "a two-letter state code, e.g. IL"}
_US_STATE = re.compile(r"[A-Z]{2}")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class AddressProblem:
    """One reason an address cannot be sent: the field and a sentence naming it."""

    field: str
    message: str


def _clean(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def normalise_postcode(country: str, postcode: str) -> str:
    """The postcode as the country writes it: upper case, UK postcodes with their space
    ("sw1a1aa" → "SW1A 1AA"), spaces around a US ZIP+4 dash dropped."""
    code = " ".join(postcode.split()).upper()
    if country == "GB":
        compact = code.replace(" ", "")
        if len(compact) >= 5:
            code = f"{compact[:-3]} {compact[-3:]}"
    elif country == "US":
        code = code.replace(" - ", "-").replace(" ", "")
    return code


def normalise_address(address: Mapping[str, object]) -> dict[str, str]:
    """Trimmed fields, the country in upper case and the postcode in its country's form."""
    out = {key: _clean(address.get(key)) for key in ADDRESS_FIELDS if key in address}
    if "country" in out:
        out["country"] = out["country"].upper()
    if "state" in out and out.get("country") == "US":
        out["state"] = out["state"].upper()
    if "postcode" in out:
        out["postcode"] = normalise_postcode(out.get("country", ""), out["postcode"])
    return out


def postcode_problem(country: str, postcode: str) -> str | None:
    """Why `postcode` cannot be a postcode of `country` (None when it can, or when the
    country has no rule here)."""
    rule = POSTCODE_RULES.get(country)
    if rule is None:
        return None
    code = normalise_postcode(country, postcode)
    if rule.pattern.fullmatch(code):
        return None
    return f"a {country} postcode is {rule.expected} (got {postcode!r})"


def is_blank(address: Mapping[str, object]) -> bool:
    """No field filled in at all (a shipping address may be left empty: local pickup)."""
    return not any(_clean(address.get(key)) for key in ADDRESS_FIELDS)


def validate_address(address: Mapping[str, object], kind: AddressKind) -> list[AddressProblem]:
    """Every problem of `address` (empty list: it can be sent).

    Required: a name (first and last name, or a company), address line 1, city, country
    (ISO code), and a postcode where the country's rule knows one; a US state. Email, when
    given on a billing address, must look like one. An entirely empty shipping address is
    allowed (orders collected or not shipped have none).
    """
    if kind == "shipping" and is_blank(address):
        return []
    fields = normalise_address(address)
    title = _("Billing") if kind == "billing" else _("Shipping")
    problems: list[AddressProblem] = []

    def problem(field: str, text: str) -> None:
        label = _(FIELD_LABELS[field])
        problems.append(AddressProblem(field, f"{title} {label}: {text}."))

    if not fields.get("company"):
        for name in ("first_name", "last_name"):
            if not fields.get(name):
                problem(name, _("required (or give a company)"))
    for name in ("address_1", "city"):
        if not fields.get(name):
            problem(name, _("required"))
    country = fields.get("country", "")
    if not country:
        problem("country", _("required, as a two-letter ISO code (FR, BE, CH, DE, GB, US…)"))
    elif country not in ISO_COUNTRIES:
        problem(
            "country",
            _(
                "{country!r} is not a two-letter ISO country code (FR, BE, CH, DE, GB, US…)"
            ).format(country=country),
        )
    postcode = fields.get("postcode", "")
    if country in POSTCODE_RULES:
        if not postcode:
            problem(
                "postcode", _(
                    "required; a {country} postcode is {expected}"
                ).format(country=country, expected=POSTCODE_RULES[country].expected)
            )
        elif (why := postcode_problem(country, postcode)) is not None:
            problem("postcode", why)
    if country in STATE_REQUIRED:
        state = fields.get("state", "")
        if not state or not _US_STATE.fullmatch(state):
            problem("state", _(
                "required for {country}: {item}"
            ).format(country=country, item=STATE_REQUIRED[country]))
    email = fields.get("email", "")
    if kind == "billing" and email and not _EMAIL.fullmatch(email):
        problem("email", _("{email!r} is not an email address").format(email=email))
    return problems


def changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, str]:
    """The fields of `after` that differ from `before` (what a minimal PUT sends)."""
    return {
        key: _clean(after.get(key))
        for key in ADDRESS_FIELDS
        if key in after and _clean(after.get(key)) != _clean(before.get(key))
    }
