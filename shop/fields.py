"""`_fields`: trim an answer to the fields a client asked for.

`_fields=id,status,billing.email,line_items.sku` keeps those fields (nested with dots,
applied to every element of a list such as `line_items`); `id` is always kept. A list
screen asks for a handful of fields and saves most of the bytes.
"""

from __future__ import annotations

from typing import Any

FieldTree = dict[str, "FieldTree | bool"]


def parse_fields(spec: str | list[str] | None) -> FieldTree | None:
    if spec is None:
        return None
    parts = spec if isinstance(spec, list) else spec.split(",")
    tree: FieldTree = {}
    for part in parts:
        path = [p for p in part.strip().split(".") if p]
        if not path:
            continue
        node = tree
        for i, name in enumerate(path):
            last = i == len(path) - 1
            current = node.get(name)
            if current is True:
                break  # the whole field is already wanted
            if last:
                node[name] = True
            else:
                if not isinstance(current, dict):
                    current = {}
                    node[name] = current
                node = current
    if not tree:
        return None
    tree.setdefault("id", True)
    return tree


def apply_fields(value: Any, tree: FieldTree) -> Any:
    if isinstance(value, list):
        return [apply_fields(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for name, sub in tree.items():
        if name not in value:
            continue
        result[name] = value[name] if sub is True else apply_fields(value[name], sub)
    return result
