"""Order facts every document prints the same way: addresses, line descriptions, the text
to choose fonts for, and money formatted in the order's currency."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from client.model import Address, LineItem, Order, Refund
from tui.documents.labels import money


def order_texts(order: Order) -> list[str]:
    """Every customer- or shop-supplied string the order may print (for font fallback)."""
    texts = [
        order.number,
        order.customer_note,
        order.payment_method_title,
        order.currency_symbol,
        *order.billing.lines(),
        order.billing.email,
        order.billing.phone,
        *order.shipping.lines(),
        order.shipping.phone,
    ]
    for item in order.line_items:
        texts += [item.name, item.sku, *line_details(item)]
    texts += [line.method_title for line in order.shipping_lines]
    texts += [fee.name for fee in order.fee_lines]
    texts += [coupon.code for coupon in order.coupon_lines]
    texts += [refund.reason for refund in order.refunds]
    return texts


def refund_texts(refund: Refund) -> list[str]:
    texts = [refund.reason]
    for line in (*refund.line_items, *refund.shipping_lines):
        texts += [line.name, line.sku]
    return texts


def ship_to(order: Order) -> Address:
    """Where the parcel goes: the shipping address, or the billing one when the order has
    none (virtual products, or shops that do not ask for a separate address)."""
    return order.shipping if order.shipping.lines() else order.billing


def contact_lines(address: Address) -> list[str]:
    return [part for part in (address.email, address.phone) if part]


def line_details(item: LineItem) -> list[str]:
    """Visible line metadata (variation attributes such as "Size: M"); keys starting with
    an underscore are WooCommerce's own bookkeeping and stay hidden, as in its emails."""
    details = []
    for meta in item.meta_data:
        if meta.key.startswith("_") or not isinstance(meta.value, (str, int, float)):
            continue
        key = meta.key.removeprefix("pa_").replace("_", " ").replace("-", " ")
        details.append(f"{key[:1].upper()}{key[1:]}: {meta.value}")
    return details


def describe(item: LineItem) -> str:
    """The line's name with its attributes on the following lines."""
    return "\n".join([item.name, *line_details(item)])


class Money:
    """Formats amounts in one order's currency and one language."""

    def __init__(self, order: Order, lang: str) -> None:
        self.currency = order.currency
        self.symbol = order.currency_symbol
        self.lang = lang

    def __call__(self, amount: Decimal) -> str:
        return money(amount, self.currency, self.lang, self.symbol)

    def minus(self, amount: Decimal) -> str:
        """A deduction (discount, refund) printed with its minus sign."""
        return self(-abs(amount))


def non_empty(values: Iterable[str]) -> list[str]:
    return [v for v in values if v]
