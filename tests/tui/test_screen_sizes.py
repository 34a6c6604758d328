"""Every screen at 80x24 (the floor) and at 200x50, and every key reachable without a mouse.

One console on a real reference shop tours every screen and dialog the way staff reach
them (tests/tui/screen_tour.py); at each one it looks at the terminal at both sizes and
writes down what a person would notice:

- a widget cut off by a container that cannot be scrolled, two widgets drawn over each
  other, a widget squeezed to nothing (tests/tui/layout.py);
- the screen's essential content (the order's number, its items, the thread…) and, on
  full screens, the key bar's way to every key (`?`/F1 help) not on the terminal;
- no focused widget, or a focused widget hidden or not looking focused;
- a key of the screen missing from `?` help or from the command palette;
- in the queue, which columns are shown at each width.

The tour runs once for the module (one app, ~30 screens); each test reads its part of the
report, so a failure names every screen at fault at once.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from client.woocommerce import WooCommerceClient
from screens.help import bindings_table
from shop import keys as shop_keys
from shop.server import start_in_thread
from tests.shop_copies import private_copy
from tests.tui.helpers import wait_until
from tests.tui.layout import (
    cells,
    describe,
    iter_focusable,
    layout_problems,
    text_in,
    visible_region,
)
from tests.tui.screen_tour import TourOrders, make_tour_orders, tour
from tui.app import OrderDeskApp
from tui.config import Config
from tui.i18n import _
from tui.render import format_money
from tui.widgets.key_bar import KeyBar
from tui.widgets.order_columns import COLUMNS, layout

#: How long a layout problem may last before it counts (Textual's second layout pass).
SETTLE_SECONDS = 3.0

FLOOR = (80, 24)
WIDE = (200, 50)

#: Every screen and dialog the tour must reach (a screen left out fails the first test).
SCREENS = [
    "queue",
    "help",
    "status filter",
    "scan",
    "pick list",
    "export",
    "invoice range",
    "customers",
    "order detail",
    "status picker",
    "help from a dialog",
    "confirm",
    "messages",
    "message picker",
    "refund",
    "returns",
    "pack",
    "ship dialog",
    "order detail (unpaid)",
    "order edit",
    "product picker",
    "quantity",
    "address form",
    "shipping form",
    "delete order",
    "payment link",
    "message manager",
    "message editor",
    "rename",
    "reports",
    "shop form",
    "conflict",
]

#: Widgets that must keep at least this many rows on screen (their content is the point).
MIN_ROWS: dict[str, list[tuple[str, int]]] = {
    "queue": [("#orders", 10)],
    "help": [("#help-body", 5)],
    "status filter": [("#status-filter-list", 5)],
    "status picker": [("#status-options", 5)],
    "customers": [("#customer-list", 5), ("#customer-orders", 3)],
    "order detail": [("#detail-body", 12)],
    "messages": [("#thread", 6), ("#compose", 3)],
    "message picker": [("#picker-options", 3)],
    "refund": [("#refund-body", 10)],
    "returns": [("#return-body", 10)],
    "pack": [("#pack-lines", 4)],
    "pick list": [("#pick-table", 5)],
    "order edit": [("#edit-lines", 3), ("#edit-body", 5)],
    "product picker": [("#product-options", 5)],
    "message manager": [("#message-table", 3), ("#template-table", 3)],
    "message editor": [("#editor-text", 4)],
    "reports": [("#report-body", 8)],
    "conflict": [("#confirm-body", 5)],
}


def essential_text(name: str, screen: Screen[Any], orders: TourOrders) -> list[str]:
    """Data (never English sentences) that must be readable on the terminal."""
    unpaid = ("order detail (unpaid)", "order edit", "delete order", "payment link")
    order = orders.pending if name in unpaid else orders.processing
    first_line = order.line_items[0]
    total = format_money(order.total, order.currency)
    by_screen: dict[str, list[str]] = {
        "queue": [f"#{orders.processing.number}", "Marie-Char", total],
        "order detail": [f"#{order.number}", first_line.sku, "Marie-Charlotte"],
        "order detail (unpaid)": [f"#{order.number}", first_line.sku],
        "status picker": [screen.app.status_label("processing")],  # type: ignore[attr-defined]
        "status filter": [screen.app.status_label("completed")],  # type: ignore[attr-defined]
        "messages": ["Gift wrap requested"],
        "refund": [first_line.name[:12]],
        "returns": [first_line.name[:12]],
        "pack": [first_line.sku],
        "pick list": [first_line.sku],
        "order edit": [first_line.sku],
        "ship dialog": [f"#{order.number}"],
        "delete order": [f"{order.number}"],
        "payment link": ["http"],
        "conflict": [screen.app.status_label("completed"), f"#{orders.others[0].number}"],
    }
    return by_screen.get(name, [])


# ---- the tour, once per module ------------------------------------------------------------


@dataclass
class Report:
    visited: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    queue_columns: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def add(self, category: str, where: str, messages: list[str]) -> None:
        self.problems.setdefault(category, []).extend(f"{where}: {m}" for m in messages)

    def of(self, category: str) -> list[str]:
        return self.problems.get(category, [])


def _screen_text(screen: Screen[Any]) -> str:
    return text_in(screen, screen.region)


def _key_bar_problems(screen: Screen[Any]) -> list[str]:
    bars = list(screen.query(KeyBar))
    if not bars:
        return [] if isinstance(screen, ModalScreen) else ["no key bar"]
    bar = bars[0]
    region = visible_region(screen, bar)
    text = text_in(screen, region)
    problems = []
    help_keys = [
        item.key for item in bar.items() if item.essential and item.description == _help_label()
    ]
    if not any(f" {key} " in text for key in help_keys):
        problems.append(f"the help key is not on the key bar: {text.strip()!r}")
    if not text.rstrip().endswith(f"^p {_('palette')}"):
        problems.append(f"the key bar is cut before the palette hint: {text.strip()!r}")
    return problems


def _help_label() -> str:
    binding = next(
        b for b in OrderDeskApp.BINDINGS if isinstance(b, Binding) and b.id == "app.help"
    )
    return _(binding.description)


def _min_rows_problems(name: str, screen: Screen[Any]) -> list[str]:
    problems = []
    for selector, rows in MIN_ROWS.get(name, []):
        widget = screen.query_one(selector)
        shown = visible_region(screen, widget).height
        if shown < rows:
            problems.append(f"{describe(widget)} shows {shown} rows, fewer than {rows}")
    return problems


def _dialog_controls_problems(screen: Screen[Any]) -> list[str]:
    """A dialog's hint lines and buttons: fully on the terminal."""
    if not isinstance(screen, ModalScreen):
        return []
    problems = []
    for widget in screen.query(".dialog-hint, .dialog-buttons Button"):
        if not widget.display:
            continue
        geometry = screen.find_widget(widget)
        if not geometry.clip.contains_region(geometry.region) or not geometry.region.area:
            problems.append(f"{describe(widget)} {geometry.region} is not wholly visible")
    return problems


def _focus_problems(screen: Screen[Any]) -> list[str]:
    focused = screen.focused
    if focused is None:
        return ["nothing has focus: keys have nowhere to go"]
    region = visible_region(screen, focused)
    if not region.area:
        return [f"the focused {describe(focused)} is not on the terminal"]
    return []


async def _looks_focused(
    pilot: Pilot, screen: Screen[Any], widget: Widget, around: Widget | None = None
) -> bool | None:
    """Whether the terminal under `around` (default: `widget`) changes when `widget` loses
    focus; None when the focused widget is not on the terminal at all."""
    widget.focus()
    await pilot.pause()
    region = visible_region(screen, around or widget)
    if not region.area:
        return None
    focused = cells(screen, region)
    screen.set_focus(None)
    await pilot.pause()
    return focused != cells(screen, region)


async def _focus_style_problems(
    pilot: Pilot, screen: Screen[Any], checked: set[tuple[str, str, frozenset[str]]]
) -> list[str]:
    """Every focusable widget looks different focused and not focused (itself, or the
    container around it with a focus-within style), even with colours cut down to the 16
    of a `TERM=xterm` terminal (`layout.cells`).

    Widgets styled alike (same class, id and CSS classes: the quantity field of every
    refund line) are checked once per tour, in `checked`.
    """
    problems = []
    before = screen.focused
    for widget in list(iter_focusable(screen)):
        look = (type(widget).__name__, widget.id or "", frozenset(widget.classes))
        if look in checked:
            continue
        checked.add(look)
        seen = await _looks_focused(pilot, screen, widget)
        if seen is None:
            problems.append(f"{describe(widget)} gets focus but is not on the terminal")
            continue
        parent = widget.parent
        if not seen and isinstance(parent, Widget) and parent is not screen:
            seen = await _looks_focused(pilot, screen, widget, parent)
        if not seen:
            problems.append(f"{describe(widget)} looks the same with and without focus")
    if before is not None and before.is_attached:
        before.focus()
        await pilot.pause()
    return problems


def _expected_bindings(screen: Screen[Any]) -> list[tuple[DOMNode, Binding]]:
    """The keys of `screen` a user should find in help and the palette: the screen's own,
    the console's own widgets' (the queue's space/enter) and, outside dialogs, the app's."""
    nodes: list[DOMNode] = [screen]
    focused = screen.focused
    if focused is not None:
        nodes.extend(
            n for n in focused.ancestors_with_self if n is not screen and n is not screen.app
        )
    if not isinstance(screen, ModalScreen):
        nodes.append(screen.app)
    found: list[tuple[DOMNode, Binding]] = []
    seen: set[tuple[int, str]] = set()
    for node in nodes:
        for _key, binding in node._bindings:
            if not binding.description or not binding.id:
                continue  # Textual's own keys (copy, focus next…) have no id
            if binding.id == "app.help_anywhere":
                continue  # F1 is also the app's help key, listed as "Help"
            if screen.app._check_action_state(binding.action, node) is False:
                continue  # not offered here (check_action): the shop filter with one shop
            if (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            found.append((node, binding))
    return found


def _keyboard_problems(screen: Screen[Any]) -> list[str]:
    app: Any = screen.app
    table = bindings_table(screen)
    keys_column, descriptions = table.columns[0]._cells, table.columns[1]._cells
    help_rows = [(str(k), str(d)) for k, d in zip(keys_column, descriptions, strict=True)]
    commands = list(app.get_system_commands(screen))
    problems = []
    for node, binding in _expected_bindings(screen):
        what = f"{binding.description!r} ({binding.id or binding.action})"
        keys = [
            key
            for key, other in node._bindings
            if other.action == binding.action and other.description == binding.description
        ]
        displays = {app.get_key_display(Binding(key, binding.action)) for key in keys}
        if binding.key_display:
            displays.add(binding.key_display)
        in_help = any(
            description == _(binding.description) and any(d in shown.split(", ") for d in displays)
            for shown, description in help_rows
        )
        if not in_help:
            problems.append(f"{what} is not in ? help")
        action_method = getattr(node, f"action_{binding.action}", None)
        in_palette = any(
            _(binding.description) in str(command.title)
            or (action_method is not None and command.callback == action_method)
            for command in commands
        )
        if not in_palette:
            problems.append(f"{what} is not in the command palette")
    return problems


def _queue_columns(screen: Screen[Any]) -> tuple[list[str], list[str]]:
    table = screen.table  # type: ignore[attr-defined]
    width = table.scrollable_content_region.width
    placed = layout(width, table.columns)
    header = text_in(screen, Region(table.region.x, table.region.y, table.region.width, 1))
    missing = [p.column.label for p in placed if p.column.label not in header]
    return [p.column.key for p in placed], missing


async def _resize(pilot: Pilot, size: tuple[int, int]) -> None:
    await pilot.resize_terminal(*size)
    await wait_until(pilot, lambda: tuple(pilot.app.screen.size) == size, what="the resize")
    await pilot.pause()


async def _settled_layout(pilot: Pilot, screen: Screen[Any]) -> list[str]:
    """The screen's layout problems once it has settled.

    Textual lays a screen out again after a scrollbar appears or goes away (a resize, new
    content), a pass that can lag on a loaded machine: a problem counts only if it is
    still there after a while, which a real one is.
    """
    problems = layout_problems(screen)
    deadline = time.monotonic() + SETTLE_SECONDS
    while problems and time.monotonic() < deadline:
        await pilot.pause(0.1)
        problems = layout_problems(screen)
    return problems


async def _run_tour(url: str, key: tuple[str, str]) -> Report:
    report = Report()
    api = WooCommerceClient(url, *key, name="api")
    try:
        orders = await make_tour_orders(api)
        config = Config(staff="alice", workstation="bench-1", poll_interval=60, bell=False)
        app = OrderDeskApp(
            WooCommerceClient(url, *key, name="test shop"), config=config, shop_label="test shop"
        )

        looks_checked: set[tuple[str, str, frozenset[str]]] = set()

        async def visit(name: str, screen: Screen[Any]) -> None:
            current = (app.size.width, app.size.height)
            for size in (current, WIDE if current == FLOOR else FLOOR):
                if size != current:
                    await _resize(pilot, size)
                where = f"{name} @ {size[0]}x{size[1]}"
                report.add("layout", where, await _settled_layout(pilot, screen))
                report.add("layout", where, _min_rows_problems(name, screen))
                report.add("essentials", where, _dialog_controls_problems(screen))
                report.add("essentials", where, _key_bar_problems(screen))
                text = _screen_text(screen)
                report.add(
                    "essentials",
                    where,
                    [
                        f"{t!r} is not on the terminal"
                        for t in essential_text(name, screen, orders)
                        if t not in text
                    ],
                )
                report.add("focus", where, _focus_problems(screen))
                if name == "queue":
                    keys, missing = _queue_columns(screen)
                    report.queue_columns[size] = keys
                    report.add("layout", where, [f"header lacks {m!r}" for m in missing])
                if size == FLOOR:
                    report.add("keys", name, _keyboard_problems(screen))
                    report.add(
                        "focus style",
                        where,
                        await _focus_style_problems(pilot, screen, looks_checked),
                    )

        async with app.run_test(size=FLOOR) as pilot:
            report.visited = await tour(pilot, orders, visit, api=api)
    finally:
        await api.aclose()
    return report


@pytest.fixture(scope="module")
def report(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("screen-sizes")
    db = private_copy(template_db, folder)
    key = shop_keys.create_key(db, "read_write")
    running = start_in_thread(db)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ORDERDESK_CONFIG_DIR", str(folder / "config"))
            patch.setenv("ORDERDESK_DATA_DIR", str(folder / "data"))
            # A steady cursor: a blinking one could be caught "off" when focus is compared.
            patch.setattr(Input, "_toggle_cursor", lambda self: None)
            patch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
            return asyncio.run(_run_tour(running.url, key))
    finally:
        running.stop()


def _listed(problems: list[str]) -> str:
    return "\n".join(problems)


# ---- the tests ----------------------------------------------------------------------------


def test_the_tour_reaches_every_screen(report: Report):
    assert report.visited == SCREENS


def test_nothing_is_cut_off_squeezed_or_overlapping_at_80x24_and_200x50(report: Report):
    problems = report.of("layout")
    assert not problems, _listed(problems)


def test_each_screen_shows_its_content_and_its_way_to_every_key(report: Report):
    problems = report.of("essentials")
    assert not problems, _listed(problems)


def test_something_visible_always_has_focus(report: Report):
    problems = report.of("focus")
    assert not problems, _listed(problems)


def test_every_focusable_widget_looks_focused_when_it_is(report: Report):
    problems = report.of("focus style")
    assert not problems, _listed(problems)


def test_every_key_is_in_help_and_in_the_command_palette(report: Report):
    problems = report.of("keys")
    assert not problems, _listed(problems)


def test_the_queue_drops_columns_by_priority_at_80_columns(report: Report):
    narrow, wide = report.queue_columns[FLOOR], report.queue_columns[WIDE]
    assert {"number", "customer", "total", "status"} <= set(narrow)
    by_key = {c.key: c for c in COLUMNS}
    dropped = [by_key[k] for k in by_key if k not in narrow]
    assert dropped, "at 80 columns something must give way"
    lowest_kept = max(by_key[k].priority for k in narrow if k in by_key)
    assert all(c.priority > 0 and c.priority >= lowest_kept for c in dropped), (narrow, dropped)
    assert set(by_key) <= set(wide), wide
