"""`OrderTable`: the order queue, one line per order, fast at 100,000 orders.

Why a custom widget: Textual's DataTable formats and measures every cell of every row
(about 16 s for 100,000 rows). This is a `ScrollView` using the Line API: `render_line`
builds only the lines on screen, column widths come from a fixed schema
(`order_columns.COLUMNS`), and the data lives in a `QueueModel` the widget only reads.

Rules the queue keeps for the people using it all day:
- the cursor stays on the same *order* (by id) across updates, sorts and filters; if the
  order leaves the view, the cursor goes to the row that followed it;
- rows inserted above the viewport never push the visible rows around (the scroll offset
  moves with them) -- unless the view is at the very top (`follow_top`), where new
  orders appear in sight, briefly highlighted;
- marks are kept by order id, so they survive filtering, sorting and updates;
- the header (line 0) never scrolls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from time import monotonic
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from client.model import Order
from tui.i18n import N_, _
from tui.queue_model import QueueModel, SortKey, UpsertResult
from tui.status_style import StatusStyles
from tui.widgets.order_columns import COLUMNS, GAP, Column, Placed, layout, with_status_width
from tui.widgets.order_format import (
    fit,
    format_age,
    format_created,
    format_money,
    order_number,
)

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OrderTable(ScrollView, can_focus=True, inherit_bindings=False):
    """The order queue. Give it a `QueueModel`; call `refresh_view()` after changing the
    model's filters or sort, and `apply_update(result)` after `model.upsert/remove`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="order-table.cursor-down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="order-table.cursor-up"),
        Binding("g,home", "cursor_top", "Top", show=False, id="order-table.top"),
        Binding("G,end", "cursor_bottom", "Bottom", show=False, id="order-table.bottom"),
        Binding("pagedown", "page_down", "Page down", show=False, id="order-table.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="order-table.page-up"),
        Binding("space", "toggle_mark", "Mark", id="order-table.mark"),
        Binding("enter", "open", "Open", id="order-table.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "order-table--header",
        "order-table--cursor",
        "order-table--marked",
        "order-table--mark",
        "order-table--new",
        "order-table--dim",
        "order-table--empty",
    }
    """
    | Class | Styles |
    | :- | :- |
    | `order-table--header` | The column titles (line 0, never scrolls). |
    | `order-table--cursor` | The cursor row (brighter while the table has focus). |
    | `order-table--marked` | Rows marked with space. |
    | `order-table--mark` | The ✓ in the mark column (partial: only what it sets applies). |
    | `order-table--new` | Orders that just arrived, for `highlight_seconds`. |
    | `order-table--dim` | Secondary text: age, item count, email, creation time. |
    | `order-table--empty` | The "no orders" line. |
    """

    DEFAULT_CSS = """
    OrderTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;

        & > .order-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .order-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .order-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .order-table--marked {
            background: $secondary 45%;
            text-style: bold;
        }
        & > .order-table--mark {
            text-style: bold;
        }
        & > .order-table--new {
            background: $success 30%;
        }
        & > .order-table--dim {
            color: $text-muted;
        }
        & > .order-table--empty {
            color: $text-muted;
            text-style: italic;
        }

        &:ansi {
            & > .order-table--header {
                background: ansi_bright_blue;
                color: ansi_default;
            }
            & > .order-table--marked {
                background: ansi_cyan;
                color: ansi_black;
            }
            & > .order-table--new {
                background: ansi_green;
                color: ansi_black;
            }
            & > .order-table--dim {
                color: ansi_default;
            }
        }
    }
    """

    MARK = "✓"
    MARK_ASCII = "*"

    # ----- messages ------------------------------------------------------------------

    class CursorMoved(Message):
        """The cursor is on a different order (None: the view is empty)."""

        def __init__(self, table: OrderTable, order_id: int | None) -> None:
            super().__init__()
            self.table = table
            self.order_id = order_id

        @property
        def control(self) -> OrderTable:
            return self.table

    class Opened(Message):
        """Enter (or a double click) on an order: show it."""

        def __init__(self, table: OrderTable, order_id: int) -> None:
            super().__init__()
            self.table = table
            self.order_id = order_id

        @property
        def control(self) -> OrderTable:
            return self.table

    class MarkChanged(Message):
        """The set of marked orders changed; `marked_ids` is a snapshot of it."""

        def __init__(self, table: OrderTable, marked_ids: frozenset[int]) -> None:
            super().__init__()
            self.table = table
            self.marked_ids = marked_ids

        @property
        def control(self) -> OrderTable:
            return self.table

    class RowsPainted(Message):
        """Order rows are on screen for the first time (the loading indicator gone)."""

        def __init__(self, table: OrderTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> OrderTable:
            return self.table

    # ----- construction --------------------------------------------------------------

    def __init__(
        self,
        model: QueueModel | None = None,
        *,
        status_styles: StatusStyles | None = None,
        now: Clock | None = None,
        highlight_seconds: float = 3.0,
        age_refresh_seconds: float = 30.0,
        follow_top: bool = True,
        columns: tuple[Column, ...] = COLUMNS,
        empty_text: str = N_("No orders"),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """
        Args:
            model: The queue's data; `set_model` replaces it later.
            status_styles: Word, symbol and colour per status (`StatusStyles.from_config`).
            now: Clock for the age column (UTC-aware); tests inject a fixed one.
            highlight_seconds: How long a newly arrived order stays highlighted.
            age_refresh_seconds: Repaint interval so ages stay true (0: never).
            follow_top: At the very top, let new orders appear in sight instead of
                keeping the visible rows fixed.
            columns: The column schema (defaults to `order_columns.COLUMNS`).
            empty_text: Shown when no order passes the filters.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._model = model if model is not None else QueueModel()
        self._styles = status_styles or StatusStyles()
        self._clock: Clock = now or _utc_now
        self.highlight_seconds = highlight_seconds
        self.age_refresh_seconds = age_refresh_seconds
        self.follow_top = follow_top
        self._schema = columns
        self.columns = with_status_width(columns, self._styles.badge_width)
        self.empty_text = empty_text
        #: With several shops open: the order column shows `code_of(order)` ("MAIN-1234")
        #: and the "shop" column `shop_of(order)`.
        self.code_of: Callable[[Order], str] | None = None
        self.shop_of: Callable[[Order], str] | None = None
        #: Orders marked with space, by id (they survive filters and updates).
        self.marked_ids: set[int] = set()
        #: The order under the cursor (by id); None only when the view is empty.
        self.cursor_order_id: int | None = None
        self._cursor_row = -1
        self._last_id: int | None = None
        self._last_row = 0
        self._cursor_key: tuple[tuple[str, bool], SortKey] | None = None
        self._top_id: int | None = None
        self._top_key: tuple[tuple[str, bool], SortKey] | None = None
        self._new_until: dict[int, float] = {}
        self._now_for_paint: datetime | None = None
        self._synced_version = self._model.version
        self._place_cursor(0 if len(self._model.view) else -1)

    #: Whether order rows have been painted once (see `render_lines`).
    rows_painted = False

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._remember_top()
        if self.age_refresh_seconds > 0:
            self.set_interval(self.age_refresh_seconds, self.refresh, name="order-ages")

    def on_resize(self, event: events.Resize) -> None:
        # A shorter terminal must not hide the cursor below the last line.
        self._update_virtual_size()
        self.call_after_refresh(self._keep_cursor_in_sight)

    def _synced(self) -> None:
        self._synced_version = self._model.version
        self._remember_top()
        self.refresh()

    def _resync(self) -> None:
        if self._model.version != self._synced_version:
            self.refresh_view()

    def _keep_cursor_in_sight(self) -> None:
        if self._cursor_row >= 0:
            self._scroll_to_row(self._cursor_row)

    # ----- public API ----------------------------------------------------------------

    @property
    def model(self) -> QueueModel:
        return self._model

    @property
    def status_styles(self) -> StatusStyles:
        return self._styles

    @status_styles.setter
    def status_styles(self, styles: StatusStyles) -> None:
        """New looks (e.g. config reloaded): the status column adapts to the labels."""
        self._styles = styles
        self.columns = with_status_width(self._schema, styles.badge_width)
        self.refresh()

    @property
    def cursor_row(self) -> int | None:
        """The view row of the cursor, or None when the view is empty."""
        return self._cursor_row if self._cursor_row >= 0 else None

    @property
    def cursor_order(self) -> Order | None:
        order_id = self.cursor_order_id
        return None if order_id is None else self._model.get(order_id)

    def set_model(self, model: QueueModel, *, styles: StatusStyles | None = None) -> None:
        """Show another model: cursor on its first row (the newest with the default sort).

        `styles` replaces `status_styles` at the same time (the app's, from config).
        """
        self._model = model
        if styles is not None:
            self.status_styles = styles
        self.marked_ids = {order_id for order_id in self.marked_ids if order_id in model}
        self._new_until.clear()
        old_id = self.cursor_order_id
        self._update_virtual_size()
        self._scroll_top_to(0)
        self._forget_cursor()
        self._place_cursor(0 if len(model.view) else -1)
        self._synced()
        if self.cursor_order_id != old_id:
            self.post_message(self.CursorMoved(self, self.cursor_order_id))

    def refresh_view(self) -> None:
        """Call after changing the model's filters or sort.

        The cursor stays on its order at the same screen line when the order is still
        in the view; otherwise it goes to the row that followed it.
        """
        old_id = self.cursor_order_id
        screen_line = self._cursor_screen_line()
        self._update_virtual_size()
        row = self._locate_cursor()
        self._place_cursor(row)
        if row >= 0:
            if screen_line is not None:
                self._scroll_top_to(row - screen_line)
            self._scroll_to_row(row)
        else:
            self._scroll_top_to(0)
        self._synced()
        if self.cursor_order_id != old_id:
            self.post_message(self.CursorMoved(self, self.cursor_order_id))

    def apply_update(self, result: UpsertResult, *, highlight: bool = True) -> None:
        """Call after `model.upsert(...)`/`model.remove(...)` with what they returned.

        New orders are highlighted (unless `highlight` is False, e.g. for the user's own
        changes); changed ones repaint in place; rows inserted or removed above the
        viewport shift the scroll offset so the visible rows stay put.
        """
        if not result:
            return
        if result.removed:
            dropped = self.marked_ids.intersection(result.removed)
            if dropped:
                self.marked_ids -= dropped
                self.post_message(self.MarkChanged(self, frozenset(self.marked_ids)))
        if highlight and result.added and self.highlight_seconds > 0:
            until = monotonic() + self.highlight_seconds
            for order_id in result.added:
                self._new_until[order_id] = until
            self.set_timer(self.highlight_seconds + 0.05, self._expire_highlights)
        for order_id in result.removed:
            self._new_until.pop(order_id, None)

        if not result.view_changed:
            self._synced_version = self._model.version
            self._refresh_orders((*result.changed, *result.added))
            return

        old_id = self.cursor_order_id
        old_scroll = self.scroll_offset.y
        cursor_was_visible = self._cursor_screen_line() is not None
        self._update_virtual_size()
        row = self._locate_cursor()
        self._place_cursor(row)
        pinned_to_top = self.follow_top and old_scroll == 0
        self._scroll_top_to(0 if pinned_to_top else self._anchor_row(old_scroll))
        if row >= 0 and (cursor_was_visible or old_id is None):
            self._scroll_to_row(row)
        self._synced()
        if self.cursor_order_id != old_id:
            self.post_message(self.CursorMoved(self, self.cursor_order_id))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on view row `row` (clamped) and scroll it into sight."""
        n = len(self._model.view)
        if n == 0:
            return
        row = max(0, min(row, n - 1))
        old_row, old_id = self._cursor_row, self.cursor_order_id
        self._place_cursor(row)
        self._refresh_row(old_row)
        self._refresh_row(row)
        self._scroll_to_row(row)
        if self.cursor_order_id != old_id:
            self.post_message(self.CursorMoved(self, self.cursor_order_id))

    def move_cursor_to_order(self, order_id: int) -> bool:
        """Put the cursor on this order if it is in the view; returns whether it is."""
        row = self._model.index_of(order_id)
        if row is None:
            return False
        self.move_cursor(row)
        return True

    def toggle_mark(self, order_id: int) -> None:
        if order_id in self.marked_ids:
            self.marked_ids.discard(order_id)
        else:
            self.marked_ids.add(order_id)
        self._refresh_orders((order_id,))
        self.post_message(self.MarkChanged(self, frozenset(self.marked_ids)))

    def set_marks(self, order_ids: Iterable[int]) -> None:
        """Replace the marks (e.g. "mark all shown")."""
        new = set(order_ids)
        if new != self.marked_ids:
            self.marked_ids = new
            self.refresh()
            self.post_message(self.MarkChanged(self, frozenset(new)))

    def clear_marks(self) -> None:
        self.set_marks(())

    def is_new(self, order_id: int) -> bool:
        """Whether this order is still highlighted as newly arrived."""
        until = self._new_until.get(order_id)
        return until is not None and until > monotonic()

    # ----- actions -------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self._cursor_row >= 0:
            self.move_cursor(self._cursor_row + 1)

    def action_cursor_up(self) -> None:
        if self._cursor_row >= 0:
            self.move_cursor(self._cursor_row - 1)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(len(self._model.view) - 1)

    def action_page_down(self) -> None:
        if self._cursor_row < 0:
            return
        page = self._visible_rows
        self._scroll_top_to(self.scroll_offset.y + page)
        self.move_cursor(self._cursor_row + page)

    def action_page_up(self) -> None:
        if self._cursor_row < 0:
            return
        page = self._visible_rows
        self._scroll_top_to(self.scroll_offset.y - page)
        self.move_cursor(self._cursor_row - page)

    def action_toggle_mark(self) -> None:
        if self.cursor_order_id is None:
            return
        self.toggle_mark(self.cursor_order_id)
        self.action_cursor_down()

    def action_open(self) -> None:
        if self.cursor_order_id is not None:
            self.post_message(self.Opened(self, self.cursor_order_id))

    def action_clear_marks(self) -> None:
        self.clear_marks()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_mark", "open") and self.cursor_order_id is None:
            return None  # shown dimmed in the footer: nothing to act on
        return True

    # ----- mouse (optional: everything works from the keyboard) ----------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = self.scroll_offset.y + offset.y - 1
        if row >= len(self._model.view):
            return
        self.move_cursor(row)
        if event.chain >= 2 and self.cursor_order_id is not None:
            self.post_message(self.Opened(self, self.cursor_order_id))

    # ----- rendering -----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._model.version != self._synced_version:
            # The model changed without `refresh_view`/`apply_update`: paint what is
            # there now, and fix size, cursor and scroll just after (not mid-paint).
            self.call_later(self._resync)
        # One clock reading per paint: every row's age is relative to the same instant.
        self._now_for_paint = self._clock()
        try:
            return super().render_lines(crop)
        finally:
            self._now_for_paint = None
            # Orders are on screen (the loading indicator gone): the app starts decoding
            # the rest of its queue snapshot only then (`OrderDeskApp._painted`).
            if not self.rows_painted and not self.loading and self._model.view:
                self.rows_painted = True
                # Made outside the paint: a message made while the screen renders counts
                # the screen as its sender, and then stops there instead of reaching the app.
                self.call_later(lambda: self.post_message(self.RowsPainted(self)))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        placed = layout(width, self.columns)
        base = self.rich_style
        if y == 0:
            return self._render_header(placed, width)
        view = self._model.view
        row = self.scroll_offset.y + y - 1
        if row >= len(view):
            if row == 0:
                style = self.get_component_rich_style("order-table--empty")
                return Strip([Segment(fit(f" {_(self.empty_text)}", width), style)], width)
            return Strip.blank(width, base)
        order_id = view[row]
        return self._render_row(self._model[order_id], row, placed, width, base)

    def _render_header(self, placed: tuple[Placed, ...], width: int) -> Strip:
        style = self.get_component_rich_style("order-table--header")
        arrow = "▼" if self._model.descending else "▲"
        sort_key = self._model.sort_key
        segments: list[Segment] = []
        arrow_done = False
        for place in placed:
            if place.x:
                segments.append(Segment(" " * GAP, style))
            label = _(place.column.label)  # English ids in COLUMNS, shown translated
            if not arrow_done and place.column.sort_key == sort_key:
                label = f"{label} {arrow}"
                arrow_done = True
            segments.append(Segment(fit(label, place.width, place.column.align), style))
        return Strip(segments).adjust_cell_length(width, style)

    def _render_row(
        self, order: Order, row: int, placed: tuple[Placed, ...], width: int, base: Style
    ) -> Strip:
        # Full component styles: Textual blends their translucent colours ($secondary 35%,
        # $text-muted) over the table's background, which partial styles cannot do.
        component = self.get_component_rich_style
        marked = order.id in self.marked_ids
        row_style = base
        plain = True
        if self.is_new(order.id):
            row_style += component("order-table--new")
            plain = False
        if marked:
            row_style += component("order-table--marked")
            plain = False
        if row == self._cursor_row:
            row_style += component("order-table--cursor")
            plain = False
        dim = row_style + Style(color=component("order-table--dim").color) if plain else row_style
        mark_style = row_style + component("order-table--mark", partial=True)
        now = self._now_for_paint or self._clock()
        ascii_only = self.status_styles.ascii

        segments: list[Segment] = []
        for place in placed:
            if place.x:
                segments.append(Segment(" " * GAP, row_style))
            key = place.column.key
            w = place.width
            if key == "mark":
                glyph = (self.MARK_ASCII if ascii_only else self.MARK) if marked else " "
                segments.append(Segment(fit(glyph, w), mark_style))
            elif key == "status":
                look = self.status_styles[order.status]
                badge_style = row_style + Style(color=look.text_colour, bgcolor=look.colour)
                segments.append(Segment(fit(look.badge(ascii=ascii_only), w), badge_style))
            else:
                if key == "number" and self.code_of is not None:
                    text = self.code_of(order)
                elif key == "shop":
                    text = self.shop_of(order) if self.shop_of is not None else ""
                else:
                    text = self._cell_text(key, order, now)
                style = row_style
                if key in ("age", "items", "email", "created", "shop"):
                    style = dim
                segments.append(Segment(fit(text, w, place.column.align), style))
        return Strip(segments).adjust_cell_length(width, row_style)

    @staticmethod
    def _cell_text(key: str, order: Order, now: datetime) -> str:
        if key == "number":
            return order_number(order.number)
        if key == "age":
            return format_age(order.date_created, now)
        if key == "customer":
            return order.customer_name
        if key == "items":
            return str(order.item_count)
        if key == "total":
            return format_money(order.total, order.currency, order.currency_symbol)
        if key == "email":
            return order.billing.email
        if key == "created":
            return format_created(order.date_created)
        return ""

    # ----- internals -----------------------------------------------------------------

    @property
    def _visible_rows(self) -> int:
        """Data rows on screen (the header takes one line)."""
        return max(1, self.scrollable_content_region.height - 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._remember_top()

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        self.virtual_size = Size(width, len(self._model.view) + 1)

    def _scroll_top_to(self, y: int) -> None:
        self.scroll_to(y=max(0, y), animate=False, force=True, immediate=True)

    def _scroll_to_row(self, row: int) -> None:
        """Scroll the least needed to show view row `row` below the header."""
        top = self.scroll_offset.y
        rows = self._visible_rows
        if row < top:
            self._scroll_top_to(row)
        elif row >= top + rows:
            self._scroll_top_to(row - rows + 1)

    def _cursor_screen_line(self) -> int | None:
        """The cursor's data line on screen (0 = first line under the header), if shown."""
        if self._cursor_row < 0:
            return None
        line = self._cursor_row - self.scroll_offset.y
        return line if 0 <= line < self._visible_rows else None

    def _place_cursor(self, row: int) -> None:
        """Put the cursor on view row `row`; -1 (or an empty view) hides it.

        A hidden cursor still remembers its last order (`_last_id`), so a filter that
        briefly matches nothing does not send the cursor back to the top.
        """
        view = self._model.view
        if row < 0 or not len(view):
            self._cursor_row, self.cursor_order_id = -1, None
            return
        self._cursor_row = self._last_row = row
        self.cursor_order_id = self._last_id = view[row]
        key = self._model.sort_key_of(self._last_id)
        self._cursor_key = (self._model.sort_signature, key) if key is not None else None

    def _forget_cursor(self) -> None:
        self._place_cursor(-1)
        self._last_id, self._last_row, self._cursor_key = None, 0, None

    def _locate_cursor(self) -> int:
        """Where the cursor belongs now: its order, else the row that followed it."""
        model = self._model
        n = len(model.view)
        if n == 0:
            return -1
        order_id = self._last_id
        if order_id is None:
            return 0
        row = model.index_of(order_id)
        if row is not None:
            return row
        near = self._nearest(order_id, self._cursor_key)
        if near is not None:
            return near
        return max(0, min(self._last_row, n - 1))

    def _nearest(
        self, order_id: int, remembered: tuple[tuple[str, bool], SortKey] | None
    ) -> int | None:
        model = self._model
        key = model.sort_key_of(order_id)
        if key is None and remembered is not None and remembered[0] == model.sort_signature:
            key = remembered[1]
        return model.nearest_index(key) if key is not None else None

    def _anchor_row(self, old_scroll: int) -> int:
        """The scroll offset that keeps the previously first visible order first."""
        if self._top_id is None:
            return old_scroll
        row = self._model.index_of(self._top_id)
        if row is not None:
            return row
        near = self._nearest(self._top_id, self._top_key)
        return old_scroll if near is None else near

    def _remember_top(self) -> None:
        view = self._model.view
        top = self.scroll_offset.y
        if top < len(view):
            self._top_id = view[top]
            key = self._model.sort_key_of(self._top_id)
            self._top_key = (self._model.sort_signature, key) if key is not None else None
        else:
            self._top_id, self._top_key = None, None

    def _refresh_row(self, row: int) -> None:
        if row >= 0:
            self.refresh_line(row + 1)

    def _refresh_orders(self, order_ids: Iterable[int]) -> None:
        """Repaint the visible rows of these orders, nothing else."""
        top = self.scroll_offset.y
        bottom = top + self._visible_rows
        for order_id in order_ids:
            row = self._model.index_of(order_id)
            if row is not None and top <= row < bottom:
                self._refresh_row(row)

    def _expire_highlights(self) -> None:
        now = monotonic()
        expired = [order_id for order_id, until in self._new_until.items() if until <= now]
        for order_id in expired:
            del self._new_until[order_id]
        self._refresh_orders(expired)
