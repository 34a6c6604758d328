"""Orders and refunds as a shop sends them (JSON through the model's own readers), for the
refund arithmetic tests."""

from __future__ import annotations

from typing import Any

from client.model import Order, Refund


def line(
    line_id: int, name: str, quantity: int, total: str, tax: str = "0.00", **extra: Any
) -> dict[str, Any]:
    return {
        "id": line_id,
        "name": name,
        "product_id": line_id * 10,
        "quantity": quantity,
        "subtotal": total,
        "subtotal_tax": tax,
        "total": total,
        "total_tax": tax,
        "sku": extra.pop("sku", f"SKU-{line_id}"),
        "price": 1.0,
        "meta_data": [],
        **extra,
    }


def make_order(
    lines: list[dict[str, Any]],
    *,
    shipping: tuple[str, str] | None = ("5.00", "1.00"),
    fees: tuple[str, str] | None = None,
    status: str = "completed",
    paid: bool = True,
    refunds: list[tuple[int, str]] = (),
    currency: str = "EUR",
    meta: list[dict[str, Any]] = (),
    email: str = "zoe@example.org",
) -> Order:
    """An order whose totals add up like WooCommerce's: lines + shipping + fees + taxes."""
    from decimal import Decimal

    places = 0 if currency == "JPY" else 2

    def fmt(value: Decimal) -> str:
        return f"{value:.{places}f}"

    total = sum(Decimal(x["total"]) + Decimal(x["total_tax"]) for x in lines)
    shipping_lines = []
    if shipping:
        total += Decimal(shipping[0]) + Decimal(shipping[1])
        shipping_lines.append(
            {
                "id": 900,
                "method_title": "Colissimo",
                "method_id": "flat_rate",
                "total": shipping[0],
                "total_tax": shipping[1],
                "meta_data": [],
            }
        )
    fee_lines = []
    if fees:
        total += Decimal(fees[0]) + Decimal(fees[1])
        fee_lines.append({"id": 950, "name": "Gift wrap", "total": fees[0], "total_tax": fees[1]})
    data = {
        "id": 1001,
        "number": "1001",
        "status": status,
        "currency": currency,
        "date_created_gmt": "2026-11-20T10:00:00",
        "date_paid_gmt": "2026-11-20T10:05:00" if paid else None,
        "billing": {"first_name": "Zoë", "last_name": "Ünal", "email": email},
        "payment_method": "stripe",
        "payment_method_title": "Credit Card (Stripe)",
        "shipping_total": shipping[0] if shipping else fmt(Decimal(0)),
        "shipping_tax": shipping[1] if shipping else fmt(Decimal(0)),
        "total": fmt(total),
        "total_tax": fmt(Decimal(0)),
        "line_items": lines,
        "shipping_lines": shipping_lines,
        "fee_lines": fee_lines,
        "refunds": [{"id": rid, "reason": "", "total": f"-{amount}"} for rid, amount in refunds],
        "meta_data": list(meta),
    }
    return Order.from_wc(data)


def make_refund(
    refund_id: int,
    amount: str,
    *,
    lines: list[tuple[int, int, str, str]] = (),
    shipping: list[tuple[int, str, str]] = (),
    meta: list[dict[str, Any]] = (),
    names: dict[int, str] | None = None,
) -> Refund:
    """A refund as WooCommerce answers it: negative quantities and totals on its lines."""
    return Refund.from_wc(
        {
            "id": refund_id,
            "amount": amount,
            "reason": "",
            "meta_data": [{"id": 1, **m} for m in meta],
            "line_items": [
                {
                    "id": 5000 + target,
                    "name": (names or {}).get(target, f"line {target}"),
                    "quantity": -qty,
                    "total": f"-{total}",
                    "total_tax": f"-{tax}",
                    "meta_data": [{"id": 2, "key": "_refunded_item_id", "value": str(target)}],
                }
                for target, qty, total, tax in lines
            ],
            "shipping_lines": [
                {
                    "id": 6000 + target,
                    "method_title": "Colissimo",
                    "total": f"-{total}",
                    "total_tax": f"-{tax}",
                    "meta_data": [{"id": 3, "key": "_refunded_item_id", "value": str(target)}],
                }
                for target, total, tax in shipping
            ],
        }
    )
