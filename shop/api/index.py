"""Discovery: `GET /wp-json/`, `GET /wp-json/wc/v3`, and `reports/orders/totals`.

A client reads the site's timezone from the index and the live status list (custom ones
included) from the totals report, instead of guessing.
"""

from __future__ import annotations

from shop.context import Ctx
from shop.request import Call, Reply


def site_index(call: Call, ctx: Ctx) -> Reply:
    settings = ctx.settings
    return Reply(
        200,
        {
            "name": settings.name,
            "description": "The reference shop of orderdesk",
            "url": call.base_url,
            "home": call.base_url,
            "gmt_offset": settings.gmt_offset(),
            "timezone_string": settings.timezone_name,
            "namespaces": ["wc/v3"],
            "authentication": [],
            "routes": {"/wc/v3": {"namespace": "wc/v3", "methods": ["GET"]}},
            "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
        },
    )


def namespace_index(call: Call, ctx: Ctx) -> Reply:
    # Imported here: the route table imports this module.
    from shop.routes import ROUTES, V3

    routes = {
        route.display: {"namespace": "wc/v3", "methods": sorted(route.methods)}
        for route in ROUTES
        if route.display.startswith(V3)
    }
    return Reply(200, {"namespace": "wc/v3", "routes": routes})


def order_totals(call: Call, ctx: Ctx) -> Reply:
    counts = dict(
        ctx.conn.execute("SELECT status, COUNT(*) FROM orders GROUP BY status").fetchall()
    )
    return Reply(
        200,
        [
            {"slug": slug, "name": label, "total": counts.get(slug, 0)}
            for slug, label in ctx.statuses.labels.items()
        ],
    )


def system_status(call: Call, ctx: Ctx) -> Reply:
    """The part of `GET /wc/v3/system_status` a client reads: the site's language.

    Read from the settings table on each call (not from the settings loaded at start), so
    a test can switch the shop's language with one UPDATE.
    """
    from shop.settings import DEFAULT_SETTINGS

    row = ctx.conn.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()
    language = row[0] if row else DEFAULT_SETTINGS["language"]
    settings = ctx.settings
    return Reply(
        200,
        {
            "environment": {
                "site_url": call.base_url,
                "version": settings.version,
                "language": language,
                "default_timezone": settings.timezone_name,
            },
            "settings": {
                "currency": settings.currency,
                "currency_symbol": settings.currency_symbol,
            },
        },
    )
