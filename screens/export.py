"""Export the queue's current view to CSV, and make invoices for a date range.

`ExportScreen(order_ids)` (key `x` on the queue) writes the marked orders, else the
orders the current filter and search show, in their display order: one row per order or
per line item, UTF-8 with an optional BOM for spreadsheet programs
(`tui.export.export_orders_csv` decides the columns, quoting and amount format).

The queue only holds light orders, which lack most columns (subtotal, tax, shipping,
refunds, addresses), so the orders are fetched in full, 100 per request, *while* the
file is written: a thread worker pulls one page at a time from the app's event loop,
writes its rows and moves the progress bar, so 100,000 orders never sit in memory at
once and the screen stays responsive. Escape stops the export; the target file is only
replaced once everything is written.

`InvoiceRangeScreen` (F3 here) asks for two dates and makes all the paid orders'
invoices of those days as one PDF (`tui.print_jobs.invoices_for_range`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import Worker, get_current_worker

from client.errors import ShopError
from client.model import Order
from tui import paths
from tui.error_text import error_text
from tui.export import export_orders_csv
from tui.i18n import _, ngettext
from tui.print_jobs import CHUNK, INVOICE_STATUSES, include_query, invoices_for_range


class ExportCancelled(Exception):
    """The user left the export screen while the export ran."""


def default_export_path(now: datetime | None = None) -> Path:
    """`documents/orders-YYYYMMDD-HHMM.csv`, with `-2`, `-3`… if that name is taken."""
    now = now or datetime.now()
    folder = paths.documents_dir()
    stem = f"orders-{now:%Y%m%d-%H%M}"
    candidate = folder / f"{stem}.csv"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}.csv"
        n += 1
    return candidate


def resolve_path(text: str) -> Path:
    """What the user typed as a path: `~` expanded, relative to the documents folder."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else paths.documents_dir() / path


class ExportScreen(ModalScreen[None]):
    """Options, a file name, a progress bar; enter (or ctrl+s) exports."""

    CSS_PATH = Path(__file__).with_name("export.tcss")
    BINDINGS = [
        Binding("escape", "close", "Close", id="export.close"),
        Binding("ctrl+s", "export", "Export", priority=True, id="export.run"),
        Binding("f3", "invoices", "Invoices for dates", priority=True, id="export.invoices"),
    ]

    def __init__(self, order_ids: Sequence[int]) -> None:
        super().__init__()
        self.order_ids = list(dict.fromkeys(order_ids))
        self.running: Worker[None] | None = None
        #: The file written by the last export, once it is complete.
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        count = len(self.order_ids)
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(
                ngettext(
                    "Export {count} order to CSV", "Export {count} orders to CSV", count
                ).format(count=count),
                classes="dialog-title",
            )
            with RadioSet(id="export-rows"):
                yield RadioButton(_("One row per order"), value=True, id="per-order")
                yield RadioButton(_("One row per line item"), id="per-line")
            yield Checkbox(_("Byte-order mark (BOM), for Excel"), id="export-bom")
            yield Static(_("File"), classes="export-label")
            yield Input(str(default_export_path()), id="export-path")
            yield ProgressBar(id="export-progress", show_eta=True)
            yield Static("", id="export-message")
            yield Static(
                _("enter/ctrl+s: export · tab: next · F3: invoices for dates · esc: close"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#export-progress", ProgressBar).display = False
        self.query_one("#export-path", Input).focus()

    @property
    def per_line(self) -> bool:
        return self.query_one("#per-line", RadioButton).value

    @property
    def bom(self) -> bool:
        return self.query_one("#export-bom", Checkbox).value

    def _say(self, message: str, *, error: bool = False) -> None:
        label = self.query_one("#export-message", Static)
        label.update(message)
        label.set_class(error, "-error")

    @on(Input.Submitted, "#export-path")
    def _path_submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        if self.running is not None and self.running.is_running:
            self._say(_("An export is running."))
            return
        if not self.order_ids:
            self._say(_("No orders to export: the queue view is empty."), error=True)
            return
        text = self.query_one("#export-path", Input).value
        if not text.strip():
            self._say(_("Type a file name."), error=True)
            return
        self._confirm_and_start(resolve_path(text))

    @work(group="export-confirm", exit_on_error=False)
    async def _confirm_and_start(self, path: Path) -> None:
        from screens.confirm import ConfirmScreen

        if path.is_dir():
            self._say(_("{path} is a folder; type a file name.").format(path=path), error=True)
            return
        if path.exists():
            replace = await self.app.push_screen_wait(
                ConfirmScreen(_(
                    "{path} exists. Replace it?"
                ).format(path=path), title=_("Export"), yes_label=_("Replace"))
            )
            if not replace:
                self._say(_("Not exported. Change the file name."))
                return
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=len(self.order_ids), progress=0)
        self.written = None
        self._say(_("Exporting {count} orders…").format(count=len(self.order_ids)))
        self.running = self._export(
            asyncio.get_running_loop(), list(self.order_ids), path, self.per_line, self.bom
        )

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(
        self,
        loop: asyncio.AbstractEventLoop,
        order_ids: list[int],
        path: Path,
        per_line: bool,
        bom: bool,
    ) -> None:
        """Runs in a thread: pulls full orders page by page from the app's loop and
        writes them as it goes."""
        worker = get_current_worker()
        shop = self.app.shop  # type: ignore[attr-defined]

        def orders() -> Iterator[Order]:
            for start in range(0, len(order_ids), CHUNK):
                if worker.is_cancelled:
                    raise ExportCancelled
                chunk = order_ids[start : start + CHUNK]
                page = asyncio.run_coroutine_threadsafe(
                    shop.list_orders(include_query(chunk), per_page=CHUNK), loop
                ).result()
                by_id = {o.id: o for o in page.orders}
                yield from (by_id[i] for i in chunk if i in by_id)
                self.app.call_from_thread(self._progress, start + len(chunk))

        try:
            session = self.app.session  # type: ignore[attr-defined]
            rows = export_orders_csv(
                orders(),
                path,
                per_line=per_line,
                bom=bom,
                shop_of=session.shop_of_order if session is not None else None,
            )
        except ExportCancelled:
            return
        except ShopError as error:
            self.app.call_from_thread(
                self._failed,
                _("Export stopped, nothing written: {error}").format(error=error_text(error)),
            )
            return
        except OSError as error:
            self.app.call_from_thread(
                self._failed,
                _("Could not write {path}: {error}").format(
                    path=path, error=error.strerror or error
                ),
            )
            return
        self.app.call_from_thread(self._finished, path, rows, per_line)

    def _progress(self, done: int) -> None:
        if self.is_attached:
            self.query_one("#export-progress", ProgressBar).update(progress=done)

    def _failed(self, message: str) -> None:
        if self.is_attached:
            self._say(message, error=True)
        else:
            self.app.notify(message, severity="error", timeout=10)

    def _finished(self, path: Path, rows: int, per_line: bool) -> None:
        self.written = path
        if per_line:
            message = ngettext(
                "Exported {n} line to {path}", "Exported {n} lines to {path}", rows
            ).format(n=rows, path=path)
        else:
            message = ngettext(
                "Exported {n} order to {path}", "Exported {n} orders to {path}", rows
            ).format(n=rows, path=path)
        self.app.notify(message, title=_("Export"), timeout=10)
        if self.is_attached:
            self.query_one("#export-progress", ProgressBar).update(
                total=len(self.order_ids), progress=len(self.order_ids)
            )
            self._say(message)

    def action_invoices(self) -> None:
        self.app.push_screen(InvoiceRangeScreen())

    def action_close(self) -> None:
        if self.running is not None and self.running.is_running:
            self.running.cancel()
            self.app.notify(_("Export stopped; no file written."), severity="warning")
        self.dismiss()


# --------------------------------------------------------------------------- invoices


def previous_month(today: date | None = None) -> tuple[date, date]:
    """The first and last day of the month before `today`'s."""
    today = today or date.today()
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def parse_day(text: str) -> date | None:
    """A date typed as YYYY-MM-DD (the one form no locale reads differently)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class InvoiceRangeScreen(ModalScreen[None]):
    """Two dates in, one PDF of invoices out (printed on the invoice printer, or saved)."""

    CSS_PATH = Path(__file__).with_name("export.tcss")
    BINDINGS = [
        Binding("escape", "close", "Close", id="invoices.close"),
        Binding("ctrl+s", "make", "Make invoices", priority=True, id="invoices.make"),
    ]

    def __init__(self, *, start: date | None = None, end: date | None = None) -> None:
        super().__init__()
        default_start, default_end = previous_month()
        self.start = start or default_start
        self.end = end or default_end

    def compose(self) -> ComposeResult:
        statuses = ", ".join(self.app.status_label(s) for s in INVOICE_STATUSES)  # type: ignore[attr-defined]
        with Vertical(id="invoices-dialog", classes="dialog"):
            yield Static(_("Invoices for a date range"), classes="dialog-title")
            with Horizontal(id="invoices-dates"):
                yield Static(_("From"), classes="export-label")
                yield Input(self.start.isoformat(), id="invoices-from", max_length=10)
                yield Static(_("to"), classes="export-label")
                yield Input(self.end.isoformat(), id="invoices-to", max_length=10)
            yield Static("", id="export-message")
            yield Static(
                _(
                    "Orders created on those days (shop's timezone) in: {statuses}. One PDF, "
                    "each order keeping its invoice number. enter: make · escape: close"
                ).format(statuses=statuses),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#invoices-from", Input).focus()

    @on(Input.Submitted, "#invoices-from")
    def _from_submitted(self) -> None:
        self.query_one("#invoices-to", Input).focus()

    @on(Input.Submitted, "#invoices-to")
    def _to_submitted(self) -> None:
        self.action_make()

    def _say(self, message: str, *, error: bool = False) -> None:
        label = self.query_one("#export-message", Static)
        label.update(message)
        label.set_class(error, "-error")

    def action_make(self) -> None:
        start = parse_day(self.query_one("#invoices-from", Input).value)
        end = parse_day(self.query_one("#invoices-to", Input).value)
        if start is None or end is None:
            self._say(_("Dates as YYYY-MM-DD, e.g. 2026-03-01."), error=True)
            return
        if end < start:
            self._say(_("The end date is before the start date."), error=True)
            return
        self._make(start, end)

    @work(exclusive=True, group="invoices", exit_on_error=False)
    async def _make(self, start: date, end: date) -> None:
        self._say(_("Fetching the orders from {start} to {end}…").format(start=start, end=end))

        def progress(done: int, total: int) -> None:
            if total:
                self._say(_("Numbering and drawing {total} invoices…").format(total=total))
            else:
                self._say(_(
                    "Fetching the orders from {start} to {end}… {done}"
                ).format(start=start, end=end, done=done))

        result = await invoices_for_range(
            self.app.shop,
            self.app.config,
            start,
            end,
            progress=progress,  # type: ignore[attr-defined]
        )
        self._say(result.message, error=not result.ok)
        self.app.notify(
            result.message,
            title=_("Invoices"),
            severity="information" if result.ok else "error",
            timeout=10,
        )

    def action_close(self) -> None:
        self.dismiss()
