"""OrderTable in a real (headless) Textual app: what is on screen, and how keys move it."""

from __future__ import annotations

import dataclasses
import re

from rich.style import Style
from textual.strip import Strip

from tui.queue_model import QueueModel
from tui.widgets.order_table import OrderTable


def line_of(lines: list[str], number: int | str) -> int | None:
    """Index of the screen line showing order `#number` (None if not on screen)."""
    pattern = re.compile(rf"#{number}(?!\d)")
    for index, line in enumerate(lines):
        if pattern.search(line):
            return index
    return None


def row_strip(table: OrderTable, order_id: int) -> Strip:
    """The rendered line of this order (it must be on screen)."""
    row = table.model.index_of(order_id)
    assert row is not None
    screen_y = row - table.scroll_offset.y + 1
    assert 1 <= screen_y <= table.scrollable_content_region.height - 1
    return table.render_line(screen_y)


def row_background(table: OrderTable, order_id: int) -> object:
    return row_strip(table, order_id)._segments[1].style.bgcolor  # the number column


def badge_style(table: OrderTable, order_id: int, word: str) -> Style:
    for segment in row_strip(table, order_id)._segments:
        if word in segment.text:
            return segment.style
    raise AssertionError(f"{word!r} not in the row of order {order_id}")


# ----- what is on screen ----------------------------------------------------------------


async def test_rows_show_number_age_customer_total_and_status_words(
    table_app, order_factory, read_screen
):
    orders = [
        order_factory(
            7,
            number="1042",
            first="Élodie",
            last="Dupont",
            total="1234.5",
            minutes_ago=3,
            status="on-hold",
            skus=("A", "B"),
            quantity=2,
        ),
        order_factory(
            8,
            number="1043",
            first="Bram",
            last="de Vries",
            total="9.99",
            currency="GBP",
            minutes_ago=70,
            status="completed",
        ),
    ]
    app = table_app(orders)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = read_screen(app)
        header = lines[0]
        for title in ("Order", "Age", "Customer", "Total", "Status"):
            assert title in header
        first, second = lines[1], lines[2]
        assert "#1042" in first and "3 minutes ago" in first and "Élodie Dupont" in first
        assert "€1,234.50" in first and "‖ on-hold" in first
        assert "#1043" in second and "an hour ago" in second and "£9.99" in second
        assert "✔ completed" in second


async def test_no_status_is_shown_by_colour_alone(table_app, order_factory, read_screen):
    statuses = [
        "pending",
        "processing",
        "on-hold",
        "completed",
        "cancelled",
        "refunded",
        "failed",
        "trash",
        "ready-pickup",
    ]
    orders = [order_factory(i + 1, status=s) for i, s in enumerate(statuses)]
    app = table_app(orders)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = read_screen(app)
        for order in orders:
            line = lines[line_of(lines, order.number)]
            assert order.status in line, line
            look = app.table.status_styles[order.status]
            assert look.symbol in line


async def test_ascii_mode_uses_plain_symbols(table_app, order_factory, read_screen):
    from tui.status_style import StatusStyles

    app = table_app([order_factory(1, status="completed")], status_styles=StatusStyles(ascii=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "+ completed" in read_screen(app)[1]


async def test_columns_drop_when_narrow(table_app, order_factory, read_screen):
    long_name = order_factory(1, first="Maximiliane-Josephine", last="Oberhollenzer-Brandstätter")
    for size, wanted, dropped in (
        ((80, 24), ("Order", "Age", "Customer", "Total", "Status"), ("Email", "Created")),
        (
            (200, 50),
            ("Order", "Age", "Customer", "Items", "Total", "Status", "Email", "Created"),
            (),
        ),
    ):
        app = table_app([long_name])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            lines = read_screen(app)
            for title in wanted:
                assert title in lines[0], (size, title)
            for title in dropped:
                assert title not in lines[0], (size, title)
            if size[0] == 80:
                assert "Maximiliane-Josephine Ob…" in lines[1] or "…" in lines[1]
                assert "maximiliane-josephine1@example.com" not in lines[1]
            else:
                assert "maximiliane-josephine1@example.com" in lines[1]
            assert "€10.00" in lines[1] and "● processing" in lines[1]


async def test_empty_view_says_so_and_keys_do_nothing(table_app, read_screen):
    app = table_app([])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter", "space", "G")
        await pilot.pause()
        assert "No orders" in read_screen(app)[1]
        assert app.table.cursor_order_id is None and app.table.marked_ids == set()
        assert not [m for m in app.messages if isinstance(m, OrderTable.Opened)]


async def test_a_hundred_thousand_orders_render_only_the_visible_lines(
    table_app, hundred_thousand, read_screen
):
    calls: list[int] = []

    class CountingTable(OrderTable):
        def render_line(self, y: int) -> Strip:
            calls.append(y)
            return super().render_line(y)

    app = table_app(QueueModel(hundred_thousand), table_class=CountingTable)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = read_screen(app)
        assert line_of(lines, 100000) == 1 and app.table.cursor_order_id == 100000
        assert 0 < len(calls) <= 24 * 4  # a few paints of 24 lines, never 100,000
        calls.clear()
        await pilot.press("G")
        await pilot.pause()
        assert line_of(read_screen(app), 1) == 23
        assert len(calls) <= 24 * 3


# ----- keys -----------------------------------------------------------------------------


async def test_keys_move_the_cursor_and_keep_it_on_screen(table_app, orders_factory, read_screen):
    app = table_app(orders_factory(100))  # ids 1..100, #100 newest (top)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        assert table.cursor_order_id == 100 and table.cursor_row == 0
        await pilot.press("j", "j")
        assert (table.cursor_row, table.cursor_order_id) == (2, 98)
        await pilot.press("k")
        assert table.cursor_order_id == 99
        await pilot.press("down", "up", "up")
        assert table.cursor_order_id == 100
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_order_id == 1
        assert line_of(read_screen(app), 1) == 23  # last line of the screen
        await pilot.press("g")
        await pilot.pause()
        assert table.cursor_order_id == 100 and line_of(read_screen(app), 100) == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor_row == 23  # one page: 23 rows under the header
        lines = read_screen(app)
        assert line_of(lines, table.cursor_order_id) is not None
        await pilot.press("pageup")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_order_id == 1
        await pilot.press("home")
        assert table.cursor_order_id == 100
        await pilot.pause()
        moved = [m.order_id for m in app.messages if isinstance(m, OrderTable.CursorMoved)]
        assert moved[:3] == [99, 98, 99]


async def test_cursor_row_is_drawn_with_the_cursor_style(table_app, orders_factory):
    app = table_app(orders_factory(10))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        await pilot.press("j")
        await pilot.pause()
        assert row_background(table, 9) != row_background(table, 10)
        assert row_background(table, 10) == row_background(table, 8)


async def test_space_marks_and_marks_survive_filters_sorts_and_updates(
    table_app, orders_factory, read_screen
):
    app = table_app(orders_factory(30))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("space", "space")
        await pilot.pause()
        assert table.marked_ids == {30, 29}
        assert table.cursor_order_id == 28  # space moves down
        lines = read_screen(app)
        assert lines[1].startswith("✓") and lines[2].startswith("✓")
        assert not lines[3].startswith("✓")
        marks = [m.marked_ids for m in app.messages if isinstance(m, OrderTable.MarkChanged)]
        assert marks == [frozenset({30}), frozenset({29, 30})]

        model.set_filter(statuses={"nothing-has-this"})
        table.refresh_view()
        model.set_filter(statuses=())
        model.set_sort("total")
        table.refresh_view()
        model.set_sort("date")
        table.refresh_view()
        result = model.upsert([dataclasses.replace(model[30], status="completed")])
        table.apply_update(result)
        await pilot.pause()
        assert table.marked_ids == {30, 29}
        lines = read_screen(app)
        assert lines[line_of(lines, 30)].startswith("✓")
        await pilot.press("k", "space")  # unmark #29
        assert table.marked_ids == {30}


async def test_enter_opens_the_order_under_the_cursor(table_app, orders_factory):
    app = table_app(orders_factory(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j", "enter")
        await pilot.pause()
        opened = [m.order_id for m in app.messages if isinstance(m, OrderTable.Opened)]
        assert opened == [7]


async def test_click_selects_a_row(table_app, orders_factory):
    app = table_app(orders_factory(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click(OrderTable, offset=(10, 3))  # line 3 = third data row
        assert app.table.cursor_order_id == 8


# ----- live updates ---------------------------------------------------------------------


async def test_insert_above_the_viewport_keeps_visible_rows_and_cursor(
    table_app, orders_factory, order_factory, read_screen
):
    app = table_app(orders_factory(200))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("pagedown", "pagedown", "j")
        await pilot.pause()
        width = table.scrollable_content_region.width  # leave out the scrollbar
        before = [line[:width] for line in read_screen(app)[1:]]
        cursor, scroll = table.cursor_order_id, table.scroll_offset.y
        newest = [order_factory(1000 + i, minutes_ago=-i) for i in range(3)]
        table.apply_update(model.upsert(newest))
        await pilot.pause()
        assert [line[:width] for line in read_screen(app)[1:]] == before
        assert table.cursor_order_id == cursor
        assert table.scroll_offset.y == scroll + 3


async def test_at_the_top_new_orders_appear_highlighted_and_the_cursor_stays(
    table_app, orders_factory, order_factory, read_screen
):
    app = table_app(orders_factory(50))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("j")
        plain = row_background(table, 48)
        table.apply_update(model.upsert([order_factory(500, minutes_ago=-1)]))
        await pilot.pause()
        lines = read_screen(app)
        assert line_of(lines, 500) == 1  # in sight, at the top
        assert table.cursor_order_id == 49 and table.cursor_row == 2
        assert table.is_new(500)
        assert row_background(table, 500) not in (plain, None)


async def test_the_new_highlight_fades(table_app, orders_factory, order_factory):
    app = table_app(orders_factory(5), highlight_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        plain = row_background(table, 4)
        table.apply_update(model.upsert([order_factory(9, minutes_ago=-1)]))
        assert table.is_new(9)
        for _ in range(100):
            await pilot.pause(0.02)
            if not table.is_new(9):
                break
        assert not table.is_new(9)
        assert row_background(table, 9) == plain


async def test_own_changes_are_not_highlighted(table_app, orders_factory, order_factory):
    app = table_app(orders_factory(5))
    async with app.run_test(size=(80, 24)):
        table, model = app.table, app.model
        table.apply_update(model.upsert([order_factory(9, minutes_ago=-1)]), highlight=False)
        assert not table.is_new(9)


async def test_status_change_recolours_in_place_without_moving_the_cursor(
    table_app, orders_factory, read_screen
):
    app = table_app(orders_factory(40))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("j", "j")
        target = model.view[4]
        old = model[target]
        assert old.status != "completed"
        lines = read_screen(app)
        where = line_of(lines, target)
        old_badge = badge_style(table, target, old.status)
        table.apply_update(model.upsert([dataclasses.replace(old, status="completed")]))
        await pilot.pause()
        lines = read_screen(app)
        assert line_of(lines, target) == where
        assert "✔ completed" in lines[where] and old.status not in lines[where]
        assert badge_style(table, target, "completed").bgcolor != old_badge.bgcolor
        assert (table.cursor_row, table.cursor_order_id) == (2, 38)


async def test_removing_the_cursor_order_moves_to_the_next_row_and_drops_its_mark(
    table_app, orders_factory
):
    app = table_app(orders_factory(20))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("j", "space", "k")  # mark #19 (moves to #18), back up to #19
        assert table.cursor_order_id == 19 and table.marked_ids == {19}
        table.apply_update(model.remove([19]))
        await pilot.pause()
        assert table.cursor_order_id == 18 and table.cursor_row == 1
        assert table.marked_ids == set()


# ----- filters, search, sort ------------------------------------------------------------


async def test_status_filter_narrows_the_screen_and_the_cursor_goes_to_the_nearest_row(
    table_app, orders_factory, read_screen
):
    app = table_app(orders_factory(70))  # statuses cycle by id % 7
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("j", "j", "j")  # #67: id % 7 == 4 -> cancelled
        assert model[table.cursor_order_id].status == "cancelled"
        model.set_filter(statuses={"processing"})  # ids divisible by 7
        table.refresh_view()
        await pilot.pause()
        lines = [line for line in read_screen(app)[1:] if line.strip()]
        assert len(lines) == 10
        assert all("processing" in line for line in lines)
        assert table.cursor_order_id == 63  # the next processing order below #67
        model.set_filter(statuses=())
        table.refresh_view()
        assert table.cursor_order_id == 63  # kept when the order stays in view


async def test_search_narrows_the_screen(table_app, order_factory, read_screen):
    orders = [
        order_factory(1, first="Élodie", last="Martin", email="em@shop.fr"),
        order_factory(2, first="Anna", last="Berg", email="anna@berg.se", skus=("TEE-RED-L",)),
        order_factory(3, number="4711", first="Jürgen", last="Koch"),
    ]
    app = table_app(orders)
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        for query, shown in (
            ("elodie", {1}),
            ("anna@berg", {2}),
            ("#4711", {3}),
            ("tee-red", {2}),
            ("", {1, 2, 3}),
        ):
            model.search = query
            table.refresh_view()
            await pilot.pause()
            lines = read_screen(app)
            on_screen = {o.id for o in orders if line_of(lines, o.number) is not None}
            assert on_screen == shown, query


async def test_sort_change_keeps_the_cursor_on_the_same_order(
    table_app, orders_factory, read_screen
):
    app = table_app(orders_factory(100))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("j", "j", "j", "j", "j")
        chosen = table.cursor_order_id
        for key, descending in (("total", True), ("number", False), ("status", False)):
            model.set_sort(key, descending)
            table.refresh_view()
            await pilot.pause()
            assert table.cursor_order_id == chosen
            assert line_of(read_screen(app), chosen) is not None
        header = read_screen(app)[0]
        assert "Status ▲" in header


async def test_a_smaller_terminal_keeps_the_cursor_in_sight(table_app, orders_factory, read_screen):
    app = table_app(orders_factory(100))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press(*["j"] * 30)
        await pilot.resize_terminal(80, 15)
        await pilot.pause()
        await pilot.pause()
        assert line_of(read_screen(app), app.table.cursor_order_id) is not None


async def test_without_follow_top_new_orders_at_the_top_stay_out_of_sight(
    table_app, orders_factory, order_factory, read_screen
):
    app = table_app(orders_factory(50), follow_top=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        width = table.scrollable_content_region.width
        before = [line[:width] for line in read_screen(app)[1:]]
        table.apply_update(model.upsert([order_factory(500, minutes_ago=-1)]))
        await pilot.pause()
        assert [line[:width] for line in read_screen(app)[1:]] == before
        assert table.cursor_order_id == 50
        await pilot.press("g")
        assert table.cursor_order_id == 500


async def test_a_model_change_without_apply_update_still_shows_and_fixes_the_cursor(
    table_app, orders_factory, read_screen
):
    app = table_app(orders_factory(20))
    async with app.run_test(size=(80, 24)) as pilot:
        table, model = app.table, app.model
        await pilot.press("j")
        assert table.cursor_order_id == 19
        model.remove([19, 20])  # the caller forgot table.apply_update(...)
        table.refresh()
        await pilot.pause()
        await pilot.pause()
        lines = read_screen(app)
        assert line_of(lines, 20) is None and line_of(lines, 18) == 1
        assert table.cursor_order_id == 18
        await pilot.press("enter")
        await pilot.pause()
        assert [m.order_id for m in app.messages if isinstance(m, OrderTable.Opened)] == [18]
