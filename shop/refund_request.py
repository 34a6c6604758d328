"""A refund request's body, type-checked before anything else.

Every malformed field is a 400 `rest_invalid_param` naming it; bounds (is there that much
left to refund?) are checked later, against the order, in `shop.refunds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shop.errors import ParamErrors
from shop.money import ZERO, to_decimal
from shop.params import parse_bool, parse_int


@dataclass
class RefundLineRequest:
    item_id: int
    quantity: int = 0
    total: Decimal = ZERO
    tax: Decimal = ZERO
    tax_given: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class RefundRequest:
    amount: Decimal | None
    reason: str
    api_refund: bool
    api_restock: bool
    lines: list[RefundLineRequest]
    meta: list[tuple[str, Any]]


def parse_refund_request(body: dict[str, Any]) -> RefundRequest:
    """Types first: every malformed field is a 400 naming it, before any bound is checked."""
    errors = ParamErrors()
    amount = None
    if body.get("amount") not in (None, ""):
        amount = to_decimal(body["amount"])
        if amount is None:
            errors.add("amount", "rest_invalid_type", "amount is not a number.")
    reason = body.get("reason") or ""
    if not isinstance(reason, str):
        errors.add("reason", "rest_invalid_type", "reason is not of type string.")
        reason = ""
    flags = {}
    for name in ("api_refund", "api_restock"):
        value = body.get(name, True)
        flags[name] = parse_bool(value)
        if flags[name] is None:
            errors.add(name, "rest_invalid_type", f"{name} is not of type boolean.")
    lines = _parse_lines(body.get("line_items"), errors)
    meta = _parse_meta(body.get("meta_data"), errors)
    errors.raise_if_any()
    return RefundRequest(
        amount=amount,
        reason=reason,
        api_refund=bool(flags["api_refund"]),
        api_restock=bool(flags["api_restock"]),
        lines=lines,
        meta=meta,
    )


def _parse_lines(value: Any, errors: ParamErrors) -> list[RefundLineRequest]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors.add("line_items", "rest_invalid_type", "line_items is not of type array.")
        return []
    lines = []
    for i, item in enumerate(value):
        where = f"line_items[{i}]"
        if not isinstance(item, dict):
            errors.add("line_items", "rest_invalid_type", f"{where} is not of type object.")
            continue
        item_id = parse_int(item.get("id"))
        if item_id is None:
            errors.add("line_items", "rest_invalid_type", f"{where}[id] is not of type integer.")
            continue
        quantity = parse_int(item.get("quantity", 0) or 0)
        if quantity is None or quantity < 0:
            errors.add(
                "line_items",
                "rest_invalid_param",
                f"{where}[quantity] must be a whole number of at least 0.",
            )
            continue
        total = to_decimal(item.get("refund_total", 0) or 0)
        if total is None or total < 0:
            errors.add(
                "line_items",
                "rest_invalid_param",
                f"{where}[refund_total] must be an amount of at least 0.",
            )
            continue
        line = RefundLineRequest(item_id=item_id, quantity=quantity, total=total)
        taxes = item.get("refund_tax") or []
        if not isinstance(taxes, list):
            errors.add(
                "line_items", "rest_invalid_type", f"{where}[refund_tax] is not of type array."
            )
            continue
        for j, tax in enumerate(taxes):
            rate_id = parse_int(tax.get("id")) if isinstance(tax, dict) else None
            amount = to_decimal(tax.get("refund_total", 0) or 0) if isinstance(tax, dict) else None
            if rate_id is None or amount is None or amount < 0:
                errors.add(
                    "line_items",
                    "rest_invalid_param",
                    f"{where}[refund_tax][{j}] needs an integer id and a refund_total of "
                    "at least 0.",
                )
                break
            line.tax_given[rate_id] = line.tax_given.get(rate_id, ZERO) + amount
            line.tax += amount
        lines.append(line)
    return lines


def _parse_meta(value: Any, errors: ParamErrors) -> list[tuple[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(
        isinstance(m, dict) and isinstance(m.get("key"), str) and m["key"] for m in value
    ):
        errors.add(
            "meta_data",
            "rest_invalid_type",
            "meta_data must be a list of objects with a key and a value.",
        )
        return []
    return [(m["key"], m.get("value")) for m in value]
