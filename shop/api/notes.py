"""`/wc/v3/orders/{id}/notes`: list (all, newest first, no paging), get, create, delete."""

from __future__ import annotations

from shop.api.orders import fields_of
from shop.context import Ctx
from shop.errors import ApiError, missing_params
from shop.fields import apply_fields
from shop.notes import add_note, get_note, list_notes, render_note
from shop.order_store import OrderRecord, load_order
from shop.outbox import queue_email
from shop.params import QueryReader, parse_bool
from shop.request import Call, Reply


def _order(
    ctx: Ctx, order_id: int, code: str = "woocommerce_rest_shop_order_invalid_id"
) -> OrderRecord:
    rec = load_order(ctx.conn, order_id)
    if rec is None:
        raise ApiError(404, code, "Invalid order ID.")
    return rec


def _invalid_note() -> ApiError:
    return ApiError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")


def list_order_notes(call: Call, ctx: Ctx) -> Reply:
    reader = QueryReader(call.query)
    kind = reader.enum("type", ("any", "customer", "internal"), "any")
    reader.errors.raise_if_any()
    rec = _order(ctx, call.route_id("order_id"))
    fields = fields_of(call)
    notes = [render_note(ctx, row, call.base_url) for row in list_notes(ctx.conn, rec.id, kind)]
    return Reply(200, [apply_fields(n, fields) for n in notes] if fields else notes)


def get_order_note(call: Call, ctx: Ctx) -> Reply:
    rec = _order(ctx, call.route_id("order_id"))
    row = get_note(ctx.conn, rec.id, call.route_id())
    if row is None:
        raise _invalid_note()
    return Reply(200, render_note(ctx, row, call.base_url))


def create_order_note(call: Call, ctx: Ctx) -> Reply:
    body = call.body
    if "note" not in body or body["note"] is None:
        raise missing_params(["note"])
    note = body["note"]
    if not isinstance(note, str) or not note.strip():
        raise ApiError(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): note",
            params={"note": "note must be a non-empty string."},
        )
    flags = {}
    for name in ("customer_note", "added_by_user"):
        flags[name] = parse_bool(body.get(name, False))
        if flags[name] is None:
            raise ApiError(
                400,
                "rest_invalid_param",
                f"Invalid parameter(s): {name}",
                params={name: f"{name} is not of type boolean."},
            )
    rec = _order(ctx, call.route_id("order_id"), "woocommerce_rest_order_invalid_id")
    note_id = add_note(
        ctx,
        rec.id,
        note,
        customer_note=bool(flags["customer_note"]),
        by_user=bool(flags["added_by_user"]),
    )
    if flags["customer_note"]:
        queue_email(ctx, rec.doc, "customer_note", note=note)
    row = get_note(ctx.conn, rec.id, note_id)
    assert row is not None
    return Reply(
        201,
        render_note(ctx, row, call.base_url),
        {"Location": call.url(f"/orders/{rec.id}/notes/{note_id}")},
    )


def delete_order_note(call: Call, ctx: Ctx) -> Reply:
    if not parse_bool(call.param("force") or False):
        # Sic: WooCommerce's notes controller reuses the webhooks message.
        raise ApiError(
            501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."
        )
    rec = _order(ctx, call.route_id("order_id"))
    row = get_note(ctx.conn, rec.id, call.route_id())
    if row is None:
        raise _invalid_note()
    out = render_note(ctx, row, call.base_url)
    ctx.conn.execute("DELETE FROM order_notes WHERE id = ?", (row["id"],))
    return Reply(200, out)
