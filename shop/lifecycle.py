"""What happens when an order changes status, in WooCommerce's order of events.

1. stock: reduced on entering a holding status, given back on pending/cancelled (and on
   custom statuses that do not hold stock);
2. dates: `date_paid` on entering processing/completed (once), `date_completed` on completed;
3. setting `refunded` by hand refunds whatever is left (`wc_order_fully_refunded`);
4. the note "Order status changed from X to Y." with WooCommerce's labels;
5. the customer email WooCommerce sends for that transition, into the outbox.
"""

from __future__ import annotations

from shop.context import Ctx
from shop.notes import add_note
from shop.order_store import OrderRecord
from shop.outbox import queue_email
from shop.statuses import PAID_STATUSES
from shop.stock import reduce_order_stock, restore_order_stock

#: (new status, old statuses that trigger it) → email kind, as WooCommerce hooks its emails.
STATUS_EMAILS = {
    "processing": (
        frozenset({"pending", "failed", "on-hold", "cancelled"}),
        "customer_processing_order",
    ),
    "on-hold": (frozenset({"pending", "failed", "cancelled"}), "customer_on_hold_order"),
}


def change_status(ctx: Ctx, rec: OrderRecord, new: str, *, by_user: bool = False) -> None:
    old = rec.status
    if new == old:
        return
    doc = rec.doc
    doc["status"] = new
    if new in ctx.statuses.holding and not rec.stock_reduced:
        reduce_order_stock(ctx, rec)
    elif ctx.statuses.releases_stock(new) and rec.stock_reduced:
        restore_order_stock(ctx, rec)
    if new in PAID_STATUSES and not doc["date_paid_gmt"]:
        doc["date_paid_gmt"] = ctx.now
    if new == "completed":
        doc["date_completed_gmt"] = ctx.now
    if new == "refunded":
        # Imported here: refunds change status back through this module.
        from shop.refunds import refund_remaining

        refund_remaining(ctx, rec)
    labels = ctx.statuses
    add_note(
        ctx,
        rec.id,
        f"Order status changed from {labels.label(old)} to {labels.label(new)}.",
        by_user=by_user,
    )
    if new == "completed":
        queue_email(ctx, doc, "customer_completed_order")
    elif new in STATUS_EMAILS:
        sources, kind = STATUS_EMAILS[new]
        if old in sources:
            queue_email(ctx, doc, kind)


#: Statuses `payment_complete` acts on (WooCommerce's default filter value).
PAYMENT_COMPLETE_FROM = frozenset({"on-hold", "pending", "failed", "cancelled"})


def mark_paid(ctx: Ctx, rec: OrderRecord, transaction_id: str = "") -> None:
    """`payment_complete`: paid now, then processing (every demo product needs shipping).
    Does nothing in other statuses, as WooCommerce."""
    if rec.status not in PAYMENT_COMPLETE_FROM:
        return
    if transaction_id:
        rec.doc["transaction_id"] = transaction_id
    if not rec.doc["date_paid_gmt"]:
        rec.doc["date_paid_gmt"] = ctx.now
    change_status(ctx, rec, "processing")
