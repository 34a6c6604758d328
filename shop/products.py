"""Products: stored as rows, answered in the shape of WooCommerce 10's product JSON.

Stock lives here. `change_stock` is the one place a quantity moves; it keeps
`stock_status` in step (instock above zero, outofstock at or below zero, onbackorder when
backorders are allowed), as `wc_update_product_stock` does.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from shop.context import Ctx
from shop.money import to_decimal
from shop.settings import Settings

CATEGORY_IDS = {
    "Uncategorized": 15,
    "Kitchen": 16,
    "Clothing": 17,
    "Stationery": 18,
    "Home": 19,
    "Accessories": 20,
    "Gifts": 21,
}
STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
BACKORDERS = ("no", "notify", "yes")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "product"


def stock_status_for(quantity: int | None, backorders: str) -> str:
    if quantity is None or quantity > 0:
        return "instock"
    return "onbackorder" if backorders in ("yes", "notify") else "outofstock"


def formatted_name(row: sqlite3.Row | dict[str, Any]) -> str:
    """WooCommerce's `get_formatted_name`: "Blue Mug (MUG-BLUE)" or "Blue Mug (#11)"."""
    identifier = row["sku"] or f"#{row['id']}"
    return f"{row['name']} ({identifier})"


def get_product(conn: sqlite3.Connection, product_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()


def find_by_sku(conn: sqlite3.Connection, sku: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM products WHERE sku = ? AND sku != ''", (sku,)).fetchone()


def current_price(row: sqlite3.Row | dict[str, Any]) -> str:
    return row["sale_price"] or row["regular_price"]


def as_line_product(row: sqlite3.Row) -> dict[str, Any]:
    """What `order_doc.line_item` needs to know about a product."""
    return {"id": row["id"], "name": row["name"], "sku": row["sku"], "price": current_price(row)}


@dataclass(frozen=True, slots=True)
class StockMove:
    label: str
    old: int
    new: int

    def text(self) -> str:
        return f"{self.label} {self.old}&rarr;{self.new}"


def change_stock(ctx: Ctx, product_id: int, delta: int) -> StockMove | None:
    """Add `delta` to a product's managed stock; None when it does not manage stock."""
    row = get_product(ctx.conn, product_id)
    if row is None or not row["manage_stock"] or row["stock_quantity"] is None:
        return None
    old = row["stock_quantity"]
    new = old + delta
    ctx.conn.execute(
        "UPDATE products SET stock_quantity = ?, stock_status = ?, date_modified_gmt = ? "
        "WHERE id = ?",
        (new, stock_status_for(new, row["backorders"]), ctx.now, product_id),
    )
    return StockMove(formatted_name(row), old, new)


def render_product(row: sqlite3.Row, settings: Settings, base_url: str) -> dict[str, Any]:
    api = f"{base_url}/wp-json/wc/v3/products"
    price = current_price(row)
    symbol_entity = "&euro;" if settings.currency == "EUR" else settings.currency_symbol
    price_html = (
        '<span class="woocommerce-Price-amount amount"><bdi>'
        f'<span class="woocommerce-Price-currencySymbol">{symbol_entity}</span>{price}'
        "</bdi></span>"
        if price
        else ""
    )
    category = row["category"]
    quantity = row["stock_quantity"] if row["manage_stock"] else None
    backorders_allowed = row["backorders"] in ("yes", "notify")
    return {
        "id": row["id"],
        "name": row["name"],
        "slug": row["slug"],
        "permalink": f"{base_url}/product/{row['slug']}/",
        "date_created": settings.local(row["date_created_gmt"]),
        "date_created_gmt": row["date_created_gmt"],
        "date_modified": settings.local(row["date_modified_gmt"]),
        "date_modified_gmt": row["date_modified_gmt"],
        "type": "simple",
        "status": "publish",
        "featured": False,
        "catalog_visibility": "visible",
        "description": row["description"],
        "short_description": "",
        "sku": row["sku"],
        "price": price,
        "regular_price": row["regular_price"],
        "sale_price": row["sale_price"],
        "date_on_sale_from": None,
        "date_on_sale_from_gmt": None,
        "date_on_sale_to": None,
        "date_on_sale_to_gmt": None,
        "on_sale": bool(row["sale_price"]),
        "purchasable": bool(price),
        "total_sales": row["total_sales"],
        "virtual": False,
        "downloadable": False,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": "",
        "button_text": "",
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": bool(row["manage_stock"]),
        "stock_quantity": quantity,
        "backorders": row["backorders"],
        "backorders_allowed": backorders_allowed,
        "backordered": bool(
            row["manage_stock"] and quantity is not None and quantity < 0 and backorders_allowed
        ),
        "low_stock_amount": row["low_stock_amount"],
        "sold_individually": False,
        "weight": row["weight"],
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_required": True,
        "shipping_taxable": True,
        "shipping_class": "",
        "shipping_class_id": 0,
        "reviews_allowed": True,
        "average_rating": "0.00",
        "rating_count": 0,
        "upsell_ids": [],
        "cross_sell_ids": [],
        "parent_id": 0,
        "purchase_note": "",
        "categories": [
            {"id": CATEGORY_IDS.get(category, 15), "name": category, "slug": slugify(category)}
        ],
        "brands": [],
        "tags": [],
        "images": [],
        "attributes": [],
        "default_attributes": [],
        "variations": [],
        "grouped_products": [],
        "menu_order": 0,
        "price_html": price_html,
        "related_ids": [],
        "meta_data": [],
        "stock_status": row["stock_status"],
        "has_options": False,
        "post_password": "",
        "global_unique_id": row["global_unique_id"],
        "_links": {
            "self": [
                {
                    "href": f"{api}/{row['id']}",
                    "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                }
            ],
            "collection": [{"href": api}],
        },
    }


def valid_price(value: Any) -> str | None:
    """A price as WooCommerce stores it ("" allowed), or None when not a price."""
    if value == "":
        return ""
    amount = to_decimal(value)
    if amount is None or amount < 0:
        return None
    return f"{amount:f}"
