"""Filling placeholders, flagging what cannot be filled, and checking text before sending."""

from __future__ import annotations

from datetime import date

import pytest

from client.model import Order
from tui.messages import (
    PLACEHOLDERS,
    MessageStore,
    TemplateError,
    placeholder_context,
    render,
    validate_message,
    validate_template,
)

NBSP = "\u00a0"

FULL_CONTEXT = {
    "first_name": "Anna",
    "last_name": "Martin",
    "order_number": "1042",
    "order_total": "€65.75",
    "status": "Completed",
    "tracking_number": "6A12345678901",
    "shop_name": "Les Jolis Bocaux",
    "date": "3 March 2026",
}


def order(**extra: object) -> Order:
    data = {
        "id": 1042, "number": "1042", "status": "completed", "currency": "EUR",
        "currency_symbol": "&euro;", "total": "65.75",
        "billing": {"first_name": "Anna", "last_name": "Martin", "email": "anna@example.test"},
    }
    data.update(extra)
    return Order.from_wc(data)


def test_render_fills_every_placeholder() -> None:
    template = " ".join("{" + name + "}" for name in PLACEHOLDERS)
    result = render(template, FULL_CONTEXT)
    assert result.text == " ".join(FULL_CONTEXT[name] for name in PLACEHOLDERS)
    assert result.unresolved == [] and result.unknown == [] and result.complete


def test_unresolved_placeholder_stays_visible_and_is_flagged() -> None:
    context = {**FULL_CONTEXT, "tracking_number": None, "last_name": "  "}
    result = render("Dear {first_name} {last_name}, tracking: {tracking_number} "
                    "({tracking_number})", context)
    assert result.text == ("Dear Anna {last_name}, tracking: {tracking_number} "
                           "({tracking_number})")
    assert result.unresolved == ["last_name", "tracking_number"]
    assert not result.complete


def test_unknown_placeholder_is_flagged_not_dropped() -> None:
    result = render("Hi {frist_name}", FULL_CONTEXT)
    assert result.text == "Hi {frist_name}"
    assert result.unknown == ["frist_name"] and result.unresolved == []


def test_doubled_braces_are_literal() -> None:
    result = render("Use code {{SPRING}} on {{ your next }} order, {first_name}}}", FULL_CONTEXT)
    assert result.text == "Use code {SPRING} on { your next } order, Anna}"
    assert result.complete


@pytest.mark.parametrize(
    ("template", "line", "column", "words"),
    [
        ("Hello {first_name", 1, 7, "never closed"),
        ("Hello {", 1, 7, "never closed"),
        ("Hi\nthere {}", 2, 7, "empty placeholder"),
        ("Cost: 5 }", 1, 9, "without '{'"),
        ("{first name}", 1, 1, "not a placeholder"),
        ("{first_name\n}", 1, 1, "never closed"),
    ],
)
def test_broken_syntax_is_an_error_with_its_position(template: str, line: int, column: int,
                                                     words: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render(template, FULL_CONTEXT)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in str(caught.value) and f"line {line}, column {column}" in str(caught.value)


def test_validate_message_cases() -> None:
    assert validate_message("Hello Anna,\n\tyour order shipped. {Not a placeholder} {") == []
    assert validate_message("x" * 10_000) == []
    assert any("empty" in p for p in validate_message(""))
    assert any("empty" in p for p in validate_message(" \n\t "))
    assert any("10,001" in p and "10,000" in p for p in validate_message("x" * 10_001))
    [control] = validate_message("Hello\nA\x07nna")
    assert "U+0007" in control and "line 2, column 2" in control
    assert any("U+000D" in p for p in validate_message("Hello\r\nAnna"))
    left = validate_message("Tracking: {tracking_number}, {tracking_number} {frist_name}")
    assert len(left) == 2
    assert "{tracking_number}" in left[0] and "{frist_name}" in left[1]


def test_validate_template_cases() -> None:
    assert validate_template("Hello {first_name}, {{literal}}") == []
    assert any("Unknown placeholder" in p and "{prenom}" in p
               for p in validate_template("Bonjour {prenom}"))
    assert any("column 7" in p for p in validate_template("Hello {first_name"))
    assert any("U+001B" in p for p in validate_template("\x1b[31mred"))


def test_context_from_an_order_in_english() -> None:
    context = placeholder_context(order(), shop_name="Les Jolis Bocaux",
                                  tracking_number="6A123", today=date(2026, 3, 3))
    assert context == {
        "first_name": "Anna", "last_name": "Martin", "order_number": "1042",
        "order_total": "€65.75", "status": "Completed", "tracking_number": "6A123",
        "shop_name": "Les Jolis Bocaux", "date": "3 March 2026",
    }


def test_context_from_an_order_in_french() -> None:
    context = placeholder_context(order(total="1234.5"), shop_name="Les Jolis Bocaux",
                                  lang="fr", today=date(2026, 3, 1))
    assert context["order_total"] == f"1{NBSP}234,50{NBSP}€"
    assert context["status"] == "Terminée"
    assert context["date"] == "1er mars 2026"
    assert context["tracking_number"] is None


def test_context_without_symbol_or_names() -> None:
    bare = Order.from_wc({"id": 7, "status": "awaiting-pickup", "currency": "CHF",
                          "total": "12"})
    context = placeholder_context(bare, shop_name="Shop", status="Ready for pickup")
    assert context["order_total"] == f"12.00{NBSP}CHF"
    assert context["first_name"] is None and context["last_name"] is None
    assert context["order_number"] == "7"
    assert context["status"] == "Ready for pickup"
    assert placeholder_context(bare, shop_name="Shop")["status"] == "Awaiting pickup"


def test_tracking_number_found_in_order_meta() -> None:
    tracked = order(meta_data=[{"id": 1, "key": "_wc_shipment_tracking_items",
                                "value": [{"tracking_provider": "colissimo",
                                           "tracking_number": "6A999"}]}])
    assert placeholder_context(tracked, shop_name="S")["tracking_number"] == "6A999"


def test_default_shipped_message_flags_missing_tracking_before_sending() -> None:
    store = MessageStore()
    context = placeholder_context(order(), shop_name="Les Jolis Bocaux",
                                  today=date(2026, 3, 3))
    result = render(store.get("Shipped").text, context)
    assert result.unresolved == ["tracking_number"]
    assert "Hello Anna," in result.text and "3 March 2026" in result.text
    problems = validate_message(result.text)
    assert len(problems) == 1 and "{tracking_number}" in problems[0]
    filled = render(store.get("Expédiée").text,
                    {**placeholder_context(order(), shop_name="Les Jolis Bocaux", lang="fr",
                                           today=date(2026, 3, 3)),
                     "tracking_number": "6A123"})
    assert filled.complete and validate_message(filled.text) == []
    assert "Bonjour Anna," in filled.text and "le 3 mars 2026" in filled.text
