"""Address checks: the postcode rule per country, required fields, ISO countries."""

from __future__ import annotations

import pytest

from tui.addresses import normalise_address, postcode_problem, validate_address

GOOD = {
    "first_name": "Anaïs",
    "last_name": "Martin",
    "address_1": "12 rue de la Paix",
    "city": "Paris",
    "postcode": "75002",
    "country": "FR",
}


@pytest.mark.parametrize(
    ("country", "postcode"),
    [
        ("FR", "75002"),
        ("FR", "20000"),
        ("DE", "10115"),
        ("BE", "1000"),
        ("BE", "9992"),
        ("CH", "8001"),
        ("US", "62701"),
        ("US", "62701-1234"),
        ("GB", "SW1A 1AA"),
        ("GB", "sw1a1aa"),
        ("GB", "M1 1AE"),
        ("GB", "B33 8TH"),
        ("GB", "CR2 6XH"),
        ("GB", "DN55 1PT"),
        ("GB", "EC1A 1BB"),
    ],
)
def test_real_postcodes_pass(country: str, postcode: str) -> None:
    assert postcode_problem(country, postcode) is None


@pytest.mark.parametrize(
    ("country", "postcode", "expected"),
    [
        ("FR", "7500", "5 digits"),
        ("FR", "750021", "5 digits"),
        ("FR", "75OO2", "5 digits"),
        ("DE", "1011", "5 digits"),
        ("BE", "10000", "4 digits"),
        ("BE", "0999", "4 digits"),
        ("CH", "800", "4 digits"),
        ("US", "6270", "ZIP"),
        ("US", "62701-12", "ZIP"),
        ("GB", "SW1A", "UK postcode"),
        ("GB", "12345", "UK postcode"),
        ("GB", "QW1 1AA", "UK postcode"),
    ],
)
def test_wrong_postcodes_name_the_expected_format(country: str, postcode: str, expected: str):
    problem = postcode_problem(country, postcode)
    assert problem is not None
    assert expected in problem and repr(postcode) in problem


def test_a_complete_address_has_no_problem_and_is_normalised() -> None:
    assert validate_address(GOOD, "billing") == []
    gb = {**GOOD, "country": "gb ", "postcode": " sw1a1aa", "city": "London"}
    assert validate_address(gb, "shipping") == []
    assert normalise_address(gb)["postcode"] == "SW1A 1AA"
    assert normalise_address(gb)["country"] == "GB"


def test_missing_country_is_named() -> None:
    problems = validate_address({**GOOD, "country": ""}, "shipping")
    assert [p.field for p in problems] == ["country"]
    assert problems[0].message.startswith("Shipping country: required")


def test_country_must_be_an_iso_code() -> None:
    problems = validate_address({**GOOD, "country": "France"}, "billing")
    assert [p.field for p in problems] == ["country"]
    assert "'FRANCE' is not a two-letter ISO country code" in problems[0].message


def test_missing_postcode_for_a_country_with_a_rule_is_refused() -> None:
    problems = validate_address({**GOOD, "postcode": ""}, "billing")
    assert [p.field for p in problems] == ["postcode"]
    assert "Billing postcode: required; a FR postcode is 5 digits" in problems[0].message


def test_wrong_postcode_names_address_field_and_format() -> None:
    problems = validate_address({**GOOD, "country": "BE", "postcode": "75002"}, "shipping")
    assert problems[0].message == (
        "Shipping postcode: a BE postcode is 4 digits from 1000 to 9999, e.g. 1000 (got '75002')."
    )


def test_countries_without_a_rule_only_need_the_required_fields() -> None:
    assert validate_address({**GOOD, "country": "IE", "postcode": ""}, "billing") == []


def test_required_fields_and_company_instead_of_a_name() -> None:
    problems = validate_address({"country": "DE", "postcode": "10115"}, "billing")
    assert {p.field for p in problems} == {"first_name", "last_name", "address_1", "city"}
    company = {**GOOD, "first_name": "", "last_name": "", "company": "Atelier Martin"}
    assert validate_address(company, "billing") == []


def test_us_needs_a_state_and_billing_email_must_look_like_one() -> None:
    us = {**GOOD, "country": "US", "postcode": "62701", "city": "Springfield"}
    assert [p.field for p in validate_address(us, "shipping")] == ["state"]
    assert validate_address({**us, "state": "il"}, "shipping") == []
    problems = validate_address({**GOOD, "email": "anais@"}, "billing")
    assert [p.field for p in problems] == ["email"]


def test_an_empty_shipping_address_is_allowed_but_not_an_empty_billing_one() -> None:
    assert validate_address({}, "shipping") == []
    assert validate_address({}, "billing")
