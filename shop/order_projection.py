"""`_fields` on order lists, computed by SQLite instead of Python.

Why: a light page (the console's queue fields, 100 orders) spent most of its time in
Python parsing whole ~3 KB documents to keep a dozen fields, then dumping them again.
SQLite can cut the same fields out of the stored JSON (`doc -> '$.status'`,
`json_object`, and `json_group_array` over `json_each` for lists of lines) and hand back
each trimmed order as JSON text, which the answer joins as is.

The answers must not differ from the Python path (`render_order` + `apply_fields`). Two
things make that safe:
- only fields every stored document has are projected in SQL, so "absent fields are left
  out" never applies (stored orders all come from `order_doc.new_order` and the line
  builders, which always write the same keys); anything else — host-dependent fields
  (`_links`, `payment_url`), unknown names, deeper nesting — returns None and the caller
  takes the Python path;
- `->` returns a value's JSON text as stored (Python's own `json.dumps` output), and
  `json_object` writes keys in the order asked with the same separators, so the bytes are
  the Python path's bytes.
"""

from __future__ import annotations

from shop.fields import FieldTree

#: Top-level keys of every stored order document (`order_doc.new_order`), minus the
#: host-dependent ones `render_order` adds on output (`payment_url`, `_links`: the stored
#: `payment_url` is a placeholder).
ORDER_KEYS = frozenset(
    {
        "id",
        "parent_id",
        "status",
        "currency",
        "version",
        "prices_include_tax",
        "date_created",
        "date_modified",
        "discount_total",
        "discount_tax",
        "shipping_total",
        "shipping_tax",
        "cart_tax",
        "total",
        "total_tax",
        "customer_id",
        "order_key",
        "billing",
        "shipping",
        "payment_method",
        "payment_method_title",
        "transaction_id",
        "customer_ip_address",
        "customer_user_agent",
        "created_via",
        "customer_note",
        "date_completed",
        "date_paid",
        "cart_hash",
        "number",
        "meta_data",
        "line_items",
        "tax_lines",
        "shipping_lines",
        "fee_lines",
        "coupon_lines",
        "refunds",
        "is_editable",
        "needs_payment",
        "needs_processing",
        "date_created_gmt",
        "date_modified_gmt",
        "date_completed_gmt",
        "date_paid_gmt",
        "currency_symbol",
    }
)

#: Sub-fields that may be asked for (`billing.email`, `line_items.sku`) and that every
#: stored object or line of that field has: "object" fields are one JSON object, "list"
#: fields a list of them (each trimmed the same way, in order).
NESTED: dict[str, tuple[str, frozenset[str]]] = {
    "billing": (
        "object",
        frozenset(
            {
                "first_name",
                "last_name",
                "company",
                "address_1",
                "address_2",
                "city",
                "state",
                "postcode",
                "country",
                "email",
                "phone",
            }
        ),
    ),
    "shipping": (
        "object",
        frozenset(
            {
                "first_name",
                "last_name",
                "company",
                "address_1",
                "address_2",
                "city",
                "state",
                "postcode",
                "country",
                "phone",
            }
        ),
    ),
    "line_items": (
        "list",
        frozenset(
            {
                "id",
                "name",
                "product_id",
                "variation_id",
                "quantity",
                "tax_class",
                "subtotal",
                "subtotal_tax",
                "total",
                "total_tax",
                "taxes",
                "meta_data",
                "sku",
                "price",
                "image",
                "parent_name",
            }
        ),
    ),
}


#: Lists of up to this many elements are trimmed from indexed paths (see `_list_value`);
#: seeded orders have 1–5 lines.
UNROLLED_LINES = 6


def _pairs(source: str, prefix: str, names: list[str]) -> str:
    # Names come from the allow-lists above (plain identifiers): safe to inline.
    return ", ".join(f"'{name}', {source} -> '{prefix}.{name}'" for name in names)


def order_projection(tree: FieldTree) -> str | None:
    """A SQL expression over the `doc` column giving the trimmed order as JSON text, or
    None when `tree` asks for something only the Python path answers correctly."""
    parts = []
    for name, sub in tree.items():
        if name not in ORDER_KEYS:
            return None
        if sub is True:
            parts.append(f"'{name}', doc -> '$.{name}'")
            continue
        shape = NESTED.get(name)
        if shape is None:
            return None
        kind, allowed = shape
        names = list(sub)
        if any(sub[n] is not True or n not in allowed for n in names):
            return None
        if kind == "object":
            value = f"json_object({_pairs('doc', f'$.{name}', names)})"
        else:
            value = _list_value(name, names)
        parts.append(f"'{name}', {value}")
    return f"json_object({', '.join(parts)})"


def _list_value(name: str, names: list[str]) -> str:
    """Each element of list field `name` trimmed to `names`, in order.

    Orders with up to `UNROLLED_LINES` elements are built from indexed paths
    (`doc -> '$.line_items[0].sku'`), which reuse the statement's parse of `doc`; longer
    lists go through `json_each`, which parses the document again and each line once more
    (a light page took 2.8 ms of SQLite time that way, 1.6 ms unrolled).
    """
    each = (
        f"(SELECT json_group_array(json_object({_pairs('value', '$', names)})) "
        f"FROM json_each(doc, '$.{name}'))"
    )
    cases = " ".join(
        f"WHEN {n} THEN json_array("
        + ", ".join(f"json_object({_pairs('doc', f'$.{name}[{i}]', names)})" for i in range(n))
        + ")"
        for n in range(1, UNROLLED_LINES + 1)
    )
    return (
        f"CASE json_array_length(doc, '$.{name}') WHEN 0 THEN json_array() {cases} ELSE {each} END"
    )
