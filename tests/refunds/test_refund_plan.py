"""Refund arithmetic and validation (tui.refund_plan), cent by cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.refunds.builders import line, make_order, make_refund
from tui.refund_plan import (
    QUANTITIES_META,
    VOUCHERS_META,
    OrderState,
    RefundForm,
    full_refund_form,
    parse_amount,
    parse_quantity,
    plan_refund,
    round_money,
    split_tax,
    to_request,
)

D = Decimal


def mug_order(**kwargs):
    """2 mugs at €12.00 + 20 % tax (€14.40 each), 3 pens at €1.05 (no tax), €6.00 shipping."""
    return make_order(
        [line(11, "Blue Mug", 2, "24.00", "4.80"), line(12, "Pen", 3, "3.15", "0.00")],
        **kwargs,
    )


def plan(state, **form):
    return plan_refund(state, RefundForm(**form))


# ---------------------------------------------------------------- arithmetic


def test_rounding_is_half_away_from_zero_like_php_round():
    assert round_money(D("0.525"), 2) == D("0.53")  # banker's rounding would say 0.52
    assert round_money(D("0.535"), 2) == D("0.54")
    assert round_money(D("12.5"), 0) == D("13")


def test_line_amount_is_unit_price_with_tax_times_quantity_rounded():
    state = OrderState.build(mug_order(), [])
    refund = plan(state, quantities={11: "1", 12: "1"})
    amounts = {line.line_id: line.amount for line in refund.lines}
    assert amounts == {11: D("14.40"), 12: D("1.05")}
    assert refund.total == D("15.45")
    # (3.15 / 3) × 1 = 1.05 exactly; 1.05 × 2 = 2.10
    assert plan(state, quantities={12: "2"}).total == D("2.10")


def test_half_cent_unit_price_rounds_up_and_the_last_unit_takes_what_is_left():
    state = OrderState.build(make_order([line(20, "Clip", 2, "1.05")], shipping=None), [])
    assert plan(state, quantities={20: "1"}).total == D("0.53")  # 0.525 → 0.53
    # after refunding that unit, the last one is what is left (0.52), not 0.53 again
    after = OrderState.build(
        make_order([line(20, "Clip", 2, "1.05")], shipping=None, refunds=[(1, "0.53")]),
        [make_refund(1, "0.53", lines=[(20, 1, "0.53", "0.00")])],
    )
    assert plan(after, quantities={20: "1"}).total == D("0.52")


def test_amount_split_into_net_and_tax_always_adds_up():
    for amount in (D("0.01"), D("4.33"), D("14.40"), D("7.77")):
        net, tax = split_tax(amount, D("24.00"), D("4.80"), 2)
        assert net + tax == amount and tax <= D("4.80") and net <= D("24.00")
    assert split_tax(D("14.40"), D("24.00"), D("4.80"), 2) == (D("12.00"), D("2.40"))


def test_remaining_counts_refund_lines_and_quantities_recorded_in_meta():
    refunds = [
        make_refund(1, "14.40", lines=[(11, 1, "12.00", "2.40")]),
        # a pen refunded by amount (no quantity on the line), its quantity kept in meta
        make_refund(
            2,
            "1.05",
            lines=[(12, 0, "1.05", "0.00")],
            meta=[{"key": QUANTITIES_META, "value": [{"id": 12, "quantity": 1}]}],
        ),
    ]
    order = mug_order(refunds=[(1, "14.40"), (2, "1.05")])
    state = OrderState.build(order, refunds)
    mug, pen = state.lines
    assert (mug.refunded_quantity, mug.remaining_quantity, mug.remaining) == (1, 1, D("14.40"))
    assert (pen.refunded_quantity, pen.remaining_quantity, pen.remaining) == (1, 2, D("2.10"))
    assert state.refunded == D("15.45")
    assert state.remaining == order.total - D("15.45")


def test_shipping_remaining_subtracts_refunded_shipping():
    refunds = [make_refund(1, "2.40", shipping=[(900, "2.00", "0.40")])]
    state = OrderState.build(mug_order(refunds=[(1, "2.40")]), refunds)
    assert state.shipping_paid == D("6.00")
    assert state.shipping_remaining == D("3.60")


def test_totals_and_net_after_follow_the_form():
    order = mug_order()
    state = OrderState.build(order, [])
    refund = plan(state, quantities={11: "2"}, shipping="part", shipping_amount="3")
    assert refund.ok, refund.errors
    assert refund.total == D("28.80") + D("3")
    assert refund.remaining == order.total == D("37.95")
    assert refund.net_after == order.total - refund.total
    ship = refund.shipping[0]
    assert ship.total + ship.tax == D("3.00") and ship.tax == D("0.50")


def test_line_amount_can_be_overridden_and_its_tax_share_follows():
    state = OrderState.build(mug_order(), [])
    refund = plan(state, quantities={11: "1"}, amounts={11: "10,00"})  # decimal comma
    (mug,) = refund.lines
    assert (mug.quantity, mug.amount, mug.total + mug.tax) == (1, D("10.00"), D("10.00"))
    assert mug.tax == D("1.67")


def test_free_amount_mode_ignores_lines():
    state = OrderState.build(mug_order(), [])
    refund = plan(state, quantities={11: "2"}, free_amount_mode=True, free_amount="5")
    assert refund.ok and refund.lines == () and refund.total == D("5")


def test_currency_without_decimals():
    order = make_order([line(1, "Tea", 3, "1200", "0")], shipping=None, currency="JPY")
    state = OrderState.build(order, [])
    assert state.places == 0
    assert plan(state, quantities={1: "1"}).total == D("400")
    assert plan(state, free_amount_mode=True, free_amount="12.5").errors == {
        "free": "Whole amounts only."
    }


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1", "A quantity can't be negative."),
        ("abc", "“abc” is not a number."),
        ("1.5", "A quantity is a whole number."),
        ("3", "Only 2 left to refund (2 bought)."),
    ],
)
def test_bad_quantities_are_named_on_their_line(text, message):
    state = OrderState.build(mug_order(), [])
    refund = plan(state, quantities={11: text})
    assert refund.errors == {"qty-11": message}


def test_quantity_above_what_remains_after_earlier_refunds():
    refunds = [make_refund(1, "14.40", lines=[(11, 1, "12.00", "2.40")])]
    state = OrderState.build(mug_order(refunds=[(1, "14.40")]), refunds)
    assert plan(state, quantities={11: "2"}).errors == {
        "qty-11": "Only 1 left to refund (2 bought, 1 already refunded)."
    }


@pytest.mark.parametrize(
    ("form", "key", "message"),
    [
        ({"amounts": {11: "-3"}}, "amount-11", "An amount can't be negative."),
        ({"amounts": {11: "ten"}}, "amount-11", "“ten” is not an amount."),
        ({"amounts": {11: "1.234"}}, "amount-11", "At most 2 decimals."),
        ({"amounts": {11: "NaN"}}, "amount-11", "“NaN” is not an amount."),
        (
            {"amounts": {11: "30"}},
            "amount-11",
            "€30.00 is more than what is left of this line (€28.80).",
        ),
        (
            {"free_amount_mode": True, "free_amount": "-1"},
            "free",
            "An amount can't be negative.",
        ),
        ({"free_amount_mode": True, "free_amount": "x1"}, "free", "“x1” is not an amount."),
        (
            {"free_amount_mode": True, "free_amount": "100"},
            "free",
            "€100.00 is more than what is left to refund on this order (€37.95).",
        ),
        ({"other": "-2"}, "other", "An amount can't be negative."),
    ],
)
def test_bad_amounts_are_named(form, key, message):
    state = OrderState.build(mug_order(), [])
    assert plan(state, **form).errors == {key: message}


def test_total_above_what_is_left_on_the_order():
    refunds = [make_refund(1, "30.00")]  # an earlier refund by amount only
    state = OrderState.build(mug_order(refunds=[(1, "30.00")]), refunds)
    errors = plan(state, quantities={11: "1"}).errors
    assert errors == {"total": "€14.40 is more than what is left to refund on this order (€7.95)."}


def test_zero_total_is_refused():
    state = OrderState.build(mug_order(), [])
    assert set(plan(state).errors) == {"empty"}
    assert set(plan(state, quantities={11: "0"}, amounts={11: "0"}).errors) == {"empty"}


def test_shipping_refund_above_shipping_paid():
    state = OrderState.build(mug_order(), [])
    assert plan(state, shipping="part", shipping_amount="6.50").errors == {
        "shipping": "Shipping refund €6.50 is more than the shipping paid (€6.00)."
    }
    refunds = [make_refund(1, "2.40", shipping=[(900, "2.00", "0.40")])]
    state = OrderState.build(mug_order(refunds=[(1, "2.40")]), refunds)
    assert plan(state, shipping="part", shipping_amount="4").errors == {
        "shipping": (
            "Shipping refund €4.00 is more than the shipping paid (€6.00, €2.40 already refunded)."
        )
    }


@pytest.mark.parametrize("status", ["cancelled", "pending", "failed"])
def test_unpaid_order_has_nothing_to_refund(status):
    state = OrderState.build(mug_order(status=status, paid=False), [])
    label = {"cancelled": "cancelled", "pending": "pending payment", "failed": "failed"}[status]
    assert plan(state, quantities={11: "1"}).errors == {
        "order": f"Order #1001 is {label} and was never paid: there is nothing to refund."
    }


def test_cancelled_but_paid_order_can_be_refunded():
    state = OrderState.build(mug_order(status="cancelled", paid=True), [])
    assert plan(state, quantities={11: "1"}).ok


def test_read_only_key_is_refused_before_anything_is_sent():
    state = OrderState.build(mug_order(), [])
    errors = plan_refund(state, RefundForm(quantities={11: "1"}), can_write=False).errors
    assert list(errors) == ["key"] and "read-only" in errors["key"]


# ---------------------------------------------------------------- full refund


def test_full_refund_fills_everything_and_equals_what_is_left():
    order = mug_order(fees=("2.00", "0.40"))
    state = OrderState.build(order, [])
    form, sentence = full_refund_form(state)
    refund = plan_refund(state, form)
    assert refund.ok, refund.errors
    assert refund.total == order.total == state.remaining
    assert refund.other == D("2.40")  # the fee, not tied to a product line
    assert {line.line_id: line.quantity for line in refund.lines} == {11: 2, 12: 3}
    assert refund.net_after == 0
    assert sentence == f"Full refund: €{order.total}."


def test_full_refund_after_a_refund_by_amount_goes_by_amount():
    refunds = [make_refund(1, "10.00")]
    order = mug_order(refunds=[(1, "10.00")])
    state = OrderState.build(order, refunds)
    form, sentence = full_refund_form(state)
    refund = plan_refund(state, form)
    assert form.free_amount_mode and refund.ok
    assert refund.total == order.total - D("10.00")
    assert "by amount" in sentence


# ---------------------------------------------------------------- the wire


def test_request_carries_net_and_tax_per_line_and_the_exact_amount():
    state = OrderState.build(mug_order(), [])
    refund = plan(state, quantities={11: "1", 12: "2"}, shipping="full", reason="Broken")
    wire = to_request(refund, restock_choice=True)
    request = wire.request
    assert request.amount == D("14.40") + D("2.10") + D("6.00")
    assert sum(x.refund_total + x.refund_tax for x in request.lines) == request.amount
    assert [(x.line_id, x.quantity) for x in request.lines] == [(11, 1), (12, 2), (900, 0)]
    assert request.restock and request.reason == "Broken" and not request.api_refund
    assert wire.restocked == (11, 12) and not wire.by_amount


def test_no_restock_on_a_shop_that_honours_it_keeps_quantities():
    state = OrderState.build(mug_order(), [])
    wire = to_request(plan(state, quantities={11: "1"}, restock=False), restock_choice=True)
    assert wire.request.restock is False
    assert [(x.line_id, x.quantity) for x in wire.request.lines] == [(11, 1)]
    assert not wire.by_amount and wire.restocked == ()


def test_no_restock_on_plain_woocommerce_goes_by_amount_and_records_quantities():
    state = OrderState.build(mug_order(), [])
    wire = to_request(plan(state, quantities={11: "1"}, restock=False), restock_choice=False)
    assert wire.by_amount and wire.restocked == ()
    assert [(x.line_id, x.quantity) for x in wire.request.lines] == [(11, 0)]
    assert wire.request.amount == D("14.40")
    assert wire.request.meta == {QUANTITIES_META: [{"id": 11, "quantity": 1}]}


def test_mixed_restock_sends_damaged_lines_by_amount_on_any_shop():
    state = OrderState.build(mug_order(), [])
    form = RefundForm(quantities={11: "1", 12: "1"}, restock_lines={12: False})
    for restock_choice in (True, False):
        wire = to_request(plan_refund(state, form), restock_choice=restock_choice)
        assert wire.request.restock is True
        assert [(x.line_id, x.quantity) for x in wire.request.lines] == [(11, 1), (12, 0)]
        assert wire.restocked == (11,)
        assert wire.request.meta == {QUANTITIES_META: [{"id": 12, "quantity": 1}]}


def test_gateway_choice_is_sent_as_api_refund():
    state = OrderState.build(mug_order(), [])
    wire = to_request(plan(state, quantities={11: "1"}, gateway=True), restock_choice=True)
    assert wire.request.api_refund is True


# ---------------------------------------------------------------- vouchers


def test_a_voucher_counts_as_money_given_back_and_its_items_as_returned():
    voucher = {
        "code": "RET-AAAA-BBBB",
        "amount": "14.40",
        "lines": [{"id": 11, "quantity": 1, "amount": "14.40"}],
    }
    order = mug_order(meta=[{"id": 7, "key": VOUCHERS_META, "value": [voucher]}])
    state = OrderState.build(order, [])
    assert state.vouchers == D("14.40")
    assert state.remaining == order.total - D("14.40")
    mug = state.line(11)
    assert mug is not None and (mug.remaining_quantity, mug.remaining) == (1, D("14.40"))
    assert plan(state, quantities={11: "2"}).errors == {
        "qty-11": "Only 1 left to refund (2 bought, 1 already refunded)."
    }


# ---------------------------------------------------------------- parsing


def test_parsers_accept_what_staff_type():
    assert parse_quantity("") == (0, "")
    assert parse_quantity(" +2 ") == (2, "")
    assert parse_amount("", 2) == (None, "")
    assert parse_amount("12,5", 2) == (D("12.5"), "")
    assert parse_amount(".5", 2) == (D(".5"), "")
    assert parse_amount("1e3", 2)[0] is None
    assert parse_amount("Infinity", 2)[0] is None
