"""The payment link's QR code (half blocks that redraw the exact QR matrix), when there is no
link, and the OSC 52 clipboard sequence."""

from __future__ import annotations

import base64

import segno

from client.model import Order, Product
from screens.edit_dialogs import product_matches, search_products
from screens.payment_link import no_link_reason, qr_rows
from tui.clipboard import OSC52_LIMIT, copy_text, multiplexer_hint, osc52

URL = "https://shop.example/checkout/order-pay/1234/?pay_for_order=true&key=wc_order_AbCdEf123"

_TOP = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}


def test_qr_rows_redraw_the_qr_matrix_module_for_module() -> None:
    rows = qr_rows(URL)
    expected = [
        [bool(m) for m in row] for row in segno.make(URL, micro=False).matrix_iter(border=2)
    ]
    drawn: list[list[bool]] = []
    for row in rows:
        pairs = [_TOP[ch] for ch in row]
        drawn.append([top for top, _ in pairs])
        drawn.append([bottom for _, bottom in pairs])
    assert drawn[: len(expected)] == expected
    assert all(not any(row) for row in drawn[len(expected) :])  # padding row, if any, is light
    # A typical shop link fits an 80×24 terminal beside its text.
    assert len(rows) <= 21 and len(rows[0]) <= 41


def order(**data) -> Order:
    return Order.from_wc({"id": 7, "number": "7", "total": "10.00", **data})


def test_no_link_reasons() -> None:
    payable = order(status="pending", needs_payment=True, payment_url=URL)
    assert no_link_reason(payable, "Pending payment") is None
    paid = order(status="processing", date_paid_gmt="2026-03-01T10:00:00", payment_url=URL)
    assert "was paid on" in str(no_link_reason(paid, "Processing"))
    on_hold = order(status="on-hold", needs_payment=False, payment_url=URL)
    reason = str(no_link_reason(on_hold, "On hold"))
    assert "is On hold" in reason and "Pending payment first" in reason
    free = order(status="pending", total="0.00", payment_url=URL)
    assert "nothing to pay" in str(no_link_reason(free, "Pending payment"))


class _App:
    def __init__(self) -> None:
        self.copied: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)


def test_osc52_sequence_and_copy_outcomes() -> None:
    sequence = osc52("héllo")
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\a")
    assert base64.b64decode(sequence[7:-1]).decode() == "héllo"
    app = _App()
    outcome = copy_text(app, URL, environ={})
    assert outcome.sent and app.copied == [URL]
    assert "over SSH" in outcome.message
    inside_tmux = copy_text(app, URL, environ={"TMUX": "/tmp/tmux-0/default,1,0"})
    assert "set-clipboard on" in inside_tmux.message
    assert "GNU screen" in multiplexer_hint({"STY": "123.pts-0"})
    too_long = copy_text(app, "x" * OSC52_LIMIT, environ={})
    assert not too_long.sent and len(app.copied) == 2


def test_product_search_by_name_sku_and_ean() -> None:
    mug = Product.from_wc(
        {"id": 1, "name": "Blue Enamel Mug", "sku": "MUG-BLU", "global_unique_id": "03761417776311"}
    )
    pen = Product.from_wc({"id": 2, "name": "Red Pen", "sku": "PEN-RED", "global_unique_id": ""})
    assert product_matches(mug, "enamel") and product_matches(mug, "mug-b")
    assert product_matches(mug, "3761417776311")  # leading zeros do not matter
    assert not product_matches(pen, "3761417776311")
    assert [p.id for p in search_products([pen, mug], "pen-red")] == [2]
    assert [p.id for p in search_products([pen, mug], "")] == [1, 2]
