"""Reports ("Reports" in the palette): orders, revenue, refunds and net per day over a date
range, as a terminal chart and a table, top products, and CSV export (`x`).

What counts and how days are cut is defined in `tui.reports` (and summarised on screen):
WooCommerce Analytics' default — pending, failed and cancelled orders are not sales —,
days in this console's time zone, refunds on the day they were made.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from client.errors import ShopError
from tui.error_text import error_text
from tui.i18n import N_, _
from tui.paths import documents_dir
from tui.render import format_money
from tui.reports import (
    Report,
    buckets,
    check_range,
    column_chart,
    default_range,
    fetch_report,
    local_zone,
    parse_day,
    report_filename,
    write_daily_csv,
    write_products_csv,
)
from tui.widgets.footer import Footer

CHART_HEIGHT = 8
TOP_PRODUCTS = 10
#: Columns left of the chart for its scale.
AXIS_WIDTH = 11

DEFINITION = N_(
    "Orders and revenue: orders created that day, except pending, failed and cancelled; "
    "revenue is the order total (tax and shipping included). Refunds: refunds made that day. "
    "Net = revenue − refunds. Days in this computer's time zone."
)


def render_chart(report: Report, width: int) -> Text:
    """Net per day (or per group of days when they do not fit) as columns; a red mark
    under the days with refunds."""
    nets = [day.net for day in report.days]
    refunds = [day.refunds for day in report.days]
    plot_width = max(width - AXIS_WIDTH, 10)
    columns = buckets(nets, plot_width)
    refund_columns = buckets(refunds, plot_width)
    per_column = -(-len(nets) // len(columns)) if columns else 1
    # Wide screens: each day several cells wide, so short ranges do not look like hairs.
    repeat = max(1, min(4, plot_width // max(len(columns), 1)))
    rows = column_chart(columns, CHART_HEIGHT)
    peak = max((v for v in columns if v > 0), default=Decimal(0))
    text = Text()
    for index, row in enumerate(rows):
        label = format_money(peak, report.currency, places=0) if index == 0 else ""
        text.append(f"{label:>{AXIS_WIDTH - 1}} ", style="dim")
        text.append("".join(ch * repeat for ch in row), style="green")
        text.append("\n")
    text.append(f"{'refunds':>{AXIS_WIDTH - 1}} ", style="dim")
    text.append(
        "".join(("▀" if value > 0 else " ") * repeat for value in refund_columns), style="red"
    )
    text.append("\n")
    span = len(columns) * repeat
    first, last = report.start.isoformat(), report.end.isoformat()
    axis = first + last.rjust(max(span - len(first), len(last) + 1))
    text.append(" " * AXIS_WIDTH + axis, style="dim")
    if per_column > 1:
        text.append(_(
            "\n{value}one column = {per_column} days"
        ).format(value=' ' * AXIS_WIDTH, per_column=per_column), style="dim")
    return text


def render_summary(report: Report) -> Group:
    totals = report.totals
    money = report.currency
    line = Text()
    for label, value in (
        (_("Orders"), str(totals.orders)),
        (_("Revenue"), format_money(totals.revenue, money)),
        (_("Refunds"), format_money(totals.refunds, money)),
        (_("Net"), format_money(totals.net, money)),
    ):
        line.append(f"{label} ", style="bold")
        line.append(f"{value}   ")
    parts: list[Text] = [line]
    if report.left_out:
        parts.append(
            Text(
                _(
                    "{left_out} order(s) in another currency than {money} are left out."
                ).format(left_out=report.left_out, money=money),
                style="yellow",
            )
        )
    parts.append(Text(_(DEFINITION), style="dim"))
    return Group(*parts)


def render_days(report: Report) -> Table:
    money = report.currency
    table = Table(box=None, header_style="bold", pad_edge=False, show_footer=True)
    totals = report.totals
    table.add_column(_("Day"), footer="Total", no_wrap=True)
    table.add_column(_("Orders"), justify="right", footer=str(totals.orders))
    table.add_column(_("Revenue"), justify="right", footer=format_money(totals.revenue, money))
    table.add_column(_("Refunds"), justify="right", footer=format_money(totals.refunds, money))
    table.add_column(_("Net"), justify="right", footer=format_money(totals.net, money))
    for day in report.days:
        table.add_row(
            f"{day.day.isoformat()} {day.day.strftime('%a')}",
            str(day.orders) if day.orders else "·",
            format_money(day.revenue, money) if day.revenue else "·",
            Text(format_money(day.refunds, money), style="red") if day.refunds else "·",
            Text(format_money(day.net, money), style="red" if day.net < 0 else ""),
        )
    return table


def render_products(report: Report) -> Table:
    money = report.currency
    grid = Table.grid(expand=True, padding=(0, 3))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    tables = []
    for title, rows in (
        (_("Top products by quantity"), report.top_by_quantity(TOP_PRODUCTS)),
        (_("Top products by revenue (excl. tax)"), report.top_by_revenue(TOP_PRODUCTS)),
    ):
        table = Table(title=title, title_justify="left", box=None, header_style="bold")
        table.add_column(_("Product"), ratio=1, overflow="fold")
        table.add_column(_("Qty"), justify="right")
        table.add_column(_("Revenue"), justify="right", no_wrap=True)
        for row in rows:
            table.add_row(row.name, str(row.quantity), format_money(row.revenue, money))
        if not rows:
            table.add_row("—", "", "")
        tables.append(table)
    grid.add_row(*tables)
    return grid


class ReportsScreen(Screen[None]):
    """A date range, then its chart, table and top products; `x` writes them as CSV."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    AUTO_FOCUS = "#report-body"
    BINDINGS = [
        Binding("escape", "back", "Back", id="reports.back"),
        Binding("d", "dates", "Dates", id="reports.dates"),
        Binding("x", "export", "Export CSV", id="reports.export"),
        Binding("ctrl+r", "run", "Refresh", id="reports.run"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="reports.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="reports.up"),
        Binding("question_mark,f1", "app.help", "Help", id="reports.help"),
    ]

    class Made(Message):
        def __init__(self, report: Report) -> None:
            super().__init__()
            self.report = report

    def __init__(self, start: date | None = None, end: date | None = None) -> None:
        super().__init__()
        default_start, default_end = default_range(date.today())
        self.start = start or default_start
        self.end = end or default_end
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Reports"), id="report-title", classes="screen-title")
        with Horizontal(id="report-range"):
            yield Label(_("From "), classes="range-label")
            yield Input(self.start.isoformat(), id="report-from", compact=True)
            yield Label(_("  To "), classes="range-label")
            yield Input(self.end.isoformat(), id="report-to", compact=True)
            yield Static(_("  YYYY-MM-DD · enter runs · d edits dates"), classes="range-hint")
        yield Static("", id="report-error")
        with VerticalScroll(id="report-body"):
            yield Static(_("Loading…"), id="report-summary")
            yield Static("", id="report-chart")
            yield Static("", id="report-days")
            yield Static("", id="report-products")
        yield Footer()

    def on_mount(self) -> None:
        self.run_report()

    # ---- running --------------------------------------------------------------------

    def _read_range(self) -> tuple[date, date] | None:
        error = self.query_one("#report-error", Static)
        try:
            start = parse_day(self.query_one("#report-from", Input).value)
            end = parse_day(self.query_one("#report-to", Input).value)
        except ValueError as problem:
            error.update(Text(str(problem), style="bold red"))
            return None
        if (why := check_range(start, end)) is not None:
            error.update(Text(why, style="bold red"))
            return None
        error.update("")
        return start, end

    def action_run(self) -> None:
        dates = self._read_range()
        if dates is None:
            return
        self.start, self.end = dates
        self.query_one("#report-body").focus()
        self.run_report()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_run()

    @work(exclusive=True, group="report-run", exit_on_error=False)
    async def run_report(self) -> None:
        self.query_one("#report-title", Static).update(
            _(
                "Reports · {isoformat} → {isoformat2} · loading…"
            ).format(isoformat=self.start.isoformat(), isoformat2=self.end.isoformat())
        )
        try:
            report = await fetch_report(
                self.app.shop,  # type: ignore[attr-defined]
                self.start,
                self.end,
                tz=local_zone(),
            )
        except ShopError as error:
            self.query_one("#report-summary", Static).update(_(
                "Could not make the report: {error}"
            ).format(error=error_text(error)))
            self.notify(error_text(error), title=_("Reports"), severity="error")
            return
        self.post_message(self.Made(report))

    def on_reports_screen_made(self, message: Made) -> None:
        self.report = report = message.report
        self.query_one("#report-title", Static).update(
            _(
                "Reports · {isoformat} → {isoformat2}"
            ).format(isoformat=report.start.isoformat(), isoformat2=report.end.isoformat())
        )
        self.query_one("#report-summary", Static).update(render_summary(report))
        self._draw_chart()
        self.query_one("#report-days", Static).update(render_days(report))
        self.query_one("#report-products", Static).update(render_products(report))

    def _draw_chart(self) -> None:
        if self.report is None:
            return
        width = max(self.query_one("#report-body").size.width - 3, 40)
        self.query_one("#report-chart", Static).update(render_chart(self.report, width))

    def on_resize(self) -> None:
        self._draw_chart()

    # ---- export ---------------------------------------------------------------------

    def action_export(self) -> None:
        if self.report is None:
            self.notify(_("The report is still being made."), severity="warning")
            return
        self.export(self.report)

    @work(exclusive=True, group="report-export", exit_on_error=False)
    async def export(self, report: Report) -> None:
        folder = documents_dir() / "reports"
        try:
            daily = await asyncio.to_thread(
                write_daily_csv, report, folder / report_filename(report, "daily")
            )
            products = await asyncio.to_thread(
                write_products_csv, report, folder / report_filename(report, "products")
            )
        except OSError as error:
            self.notify(_(
                "Not exported: {error}"
            ).format(error=error_text(error)), title=_("Reports"), severity="error")
            return
        self.notify(f"{daily}\n{products}", title=_("Report exported (CSV)"), timeout=10)

    # ---- keys -----------------------------------------------------------------------

    def action_dates(self) -> None:
        self.query_one("#report-from", Input).focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#report-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self.query_one("#report-body").focus()
            return
        self.app.pop_screen()
