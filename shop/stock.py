"""Stock that follows an order, as WooCommerce moves it.

* Entering a stock-holding status (processing, on-hold, completed) reduces each line's
  product stock once; the order remembers it (`stock_reduced`, WooCommerce's
  `_order_stock_reduced`) and each line how much (`_reduced_stock` meta).
* Going back to pending or cancelled, or being deleted, gives back what was reduced.
* Changing a line of an order that holds stock adjusts by the difference.
* A refund with restock gives back the refunded quantity (`wc_restock_refunded_items`).

Each move writes the order note WooCommerce writes, with its wording and `&rarr;`.
"""

from __future__ import annotations

from typing import Any

from shop.context import Ctx
from shop.notes import add_note
from shop.order_doc import get_meta, set_item_meta
from shop.order_store import OrderRecord
from shop.products import change_stock


def _meta_int(line: dict[str, Any], key: str) -> int:
    entry = get_meta(line["meta_data"], key)
    try:
        return int(entry["value"]) if entry else 0
    except (TypeError, ValueError):
        return 0


def reduce_order_stock(ctx: Ctx, rec: OrderRecord) -> None:
    """`wc_reduce_stock_levels`: take each line's quantity from stock, once."""
    moves = []
    for line in rec.doc["line_items"]:
        if get_meta(line["meta_data"], "_reduced_stock") is not None:
            continue
        quantity = line["quantity"] - _meta_int(line, "_restock_refunded_items")
        if quantity <= 0:
            continue
        move = change_stock(ctx, line["product_id"], -quantity)
        if move is None:
            continue
        set_item_meta(ctx, line["meta_data"], "_reduced_stock", str(quantity))
        moves.append(move.text())
    rec.stock_reduced = True
    if moves:
        add_note(ctx, rec.id, "Stock levels reduced: " + ", ".join(moves))


def restore_order_stock(ctx: Ctx, rec: OrderRecord) -> None:
    """`wc_increase_stock_levels`: give back what each line had reduced."""
    moves = []
    for line in rec.doc["line_items"]:
        reduced = _meta_int(line, "_reduced_stock")
        if get_meta(line["meta_data"], "_reduced_stock") is None:
            continue
        set_item_meta(ctx, line["meta_data"], "_reduced_stock", None)
        move = change_stock(ctx, line["product_id"], reduced) if reduced else None
        if move is not None:
            moves.append(move.text())
    rec.stock_reduced = False
    if moves:
        add_note(ctx, rec.id, "Stock levels increased: " + ", ".join(moves))


def adjust_line_stock(
    ctx: Ctx, rec: OrderRecord, line: dict[str, Any], new_quantity: int
) -> str | None:
    """`wc_maybe_adjust_line_item_product_stock` for a line whose quantity becomes
    `new_quantity` (0 = removed) on an order that holds stock; returns the move's text."""
    if not rec.stock_reduced:
        return None
    already = _meta_int(line, "_reduced_stock")
    target = max(new_quantity - _meta_int(line, "_restock_refunded_items"), 0)
    diff = target - already
    if diff == 0:
        return None
    move = change_stock(ctx, line["product_id"], -diff)
    if move is None:
        return None
    set_item_meta(ctx, line["meta_data"], "_reduced_stock", str(target) if target else None)
    return move.text()


def note_adjustments(ctx: Ctx, rec: OrderRecord, moves: list[str]) -> None:
    if moves:
        add_note(ctx, rec.id, "Adjusted stock: " + ", ".join(moves))


def restock_refunded_line(ctx: Ctx, rec: OrderRecord, line: dict[str, Any], quantity: int) -> None:
    """Give back `quantity` of a refunded line (only if the line had reduced stock)."""
    reduced = _meta_int(line, "_reduced_stock")
    if not reduced or quantity <= 0:
        return
    quantity = min(quantity, reduced)
    move = change_stock(ctx, line["product_id"], quantity)
    if move is None:
        return
    set_item_meta(ctx, line["meta_data"], "_reduced_stock", str(reduced - quantity))
    restocked = _meta_int(line, "_restock_refunded_items") + quantity
    set_item_meta(ctx, line["meta_data"], "_restock_refunded_items", str(restocked))
    add_note(
        ctx,
        rec.id,
        f"Item #{line['product_id']} stock increased from {move.old} to {move.new}.",
    )
