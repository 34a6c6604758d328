"""The route table: REST path + method → handler, with the permission each one needs.

Paths are matched the way WordPress matches them (after `/wp-json`, ids digits only, an
optional trailing slash); an unknown path or method is `rest_no_route` (404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shop.api import catalog, index, notes, orders, refunds
from shop.context import Ctx
from shop.request import Call, Reply

Handler = Callable[[Call, Ctx], Reply]

#: What an unauthenticated caller is told, per kind of permission (WooCommerce's words).
PERMISSION_ERRORS = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
    "batch": (
        "woocommerce_rest_cannot_batch",
        "Sorry, you are not allowed to batch manipulate this resource.",
    ),
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    handler: Handler
    permission: str  # "public" or a key of PERMISSION_ERRORS

    @property
    def writes(self) -> bool:
        return self.permission in ("create", "edit", "delete", "batch")


@dataclass(frozen=True, slots=True)
class Route:
    display: str
    pattern: re.Pattern[str]
    methods: dict[str, Endpoint]


def _route(template: str, **methods: Endpoint) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[\\d]+)", template)
    return Route(template, re.compile(f"^{regex}/?$"), {m.upper(): e for m, e in methods.items()})


def _editable(handler: Handler) -> dict[str, Endpoint]:
    """WordPress's EDITABLE: POST, PUT and PATCH all update."""
    endpoint = Endpoint(handler, "edit")
    return {"POST": endpoint, "PUT": endpoint, "PATCH": endpoint}


V3 = "/wc/v3"

ROUTES: tuple[Route, ...] = (
    Route("/", re.compile(r"^/?$"), {"GET": Endpoint(index.site_index, "public")}),
    _route(V3, get=Endpoint(index.namespace_index, "public")),
    _route(
        f"{V3}/orders",
        get=Endpoint(orders.list_orders, "list"),
        post=Endpoint(orders.create_order, "create"),
    ),
    _route(
        f"{V3}/orders/batch",
        post=Endpoint(orders.batch_orders, "batch"),
        put=Endpoint(orders.batch_orders, "batch"),
        patch=Endpoint(orders.batch_orders, "batch"),
    ),
    _route(
        f"{V3}/orders/{{id}}",
        get=Endpoint(orders.get_order, "view"),
        delete=Endpoint(orders.delete_order, "delete"),
        **_editable(orders.update_order),
    ),
    _route(
        f"{V3}/orders/{{order_id}}/notes",
        get=Endpoint(notes.list_order_notes, "list"),
        post=Endpoint(notes.create_order_note, "create"),
    ),
    _route(
        f"{V3}/orders/{{order_id}}/notes/{{id}}",
        get=Endpoint(notes.get_order_note, "view"),
        delete=Endpoint(notes.delete_order_note, "delete"),
    ),
    _route(
        f"{V3}/orders/{{order_id}}/refunds",
        get=Endpoint(refunds.list_order_refunds, "list"),
        post=Endpoint(refunds.create_order_refund, "create"),
    ),
    _route(
        f"{V3}/orders/{{order_id}}/refunds/{{id}}",
        get=Endpoint(refunds.get_order_refund, "view"),
        delete=Endpoint(refunds.delete_order_refund, "delete"),
    ),
    _route(f"{V3}/refunds", get=Endpoint(refunds.list_all_refunds, "list")),
    _route(f"{V3}/products", get=Endpoint(catalog.list_products, "list")),
    _route(
        f"{V3}/products/{{id}}",
        get=Endpoint(catalog.get_product_item, "view"),
        **_editable(catalog.update_product_item),
    ),
    _route(f"{V3}/customers", get=Endpoint(catalog.list_customers, "list")),
    _route(f"{V3}/customers/{{id}}", get=Endpoint(catalog.get_customer_item, "view")),
    _route(
        f"{V3}/coupons",
        get=Endpoint(catalog.list_coupons, "list"),
        post=Endpoint(catalog.create_coupon_item, "create"),
    ),
    _route(f"{V3}/coupons/{{id}}", get=Endpoint(catalog.get_coupon_item, "view")),
    _route(f"{V3}/reports/orders/totals", get=Endpoint(index.order_totals, "list")),
    _route(f"{V3}/system_status", get=Endpoint(index.system_status, "view")),
)


def match(rest_path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        found = route.pattern.match(rest_path)
        if found:
            return route, found.groupdict()
    return None
