"""Documents, printing and CSV export as the console makes them, on a real reference shop.

PDFs are read back with pypdf, as a person copying their text would. Printing goes through
a stand-in `lp` on PATH that records its arguments (CUPS itself cannot run here). Exports
are read back with Python's csv module.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import unicodedata
from datetime import UTC
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.widgets import DataTable, Input, ProgressBar

from client.model import Order, meta_value
from client.protocol import OrderQuery
from client.woocommerce import WooCommerceClient
from screens.export import ExportScreen, InvoiceRangeScreen
from screens.pick_list import PickListScreen
from tests.tui.helpers import notifications, wait_until
from tui import paths
from tui.config import Config, Printers
from tui.documents import ShopIdentity
from tui.print_jobs import (
    INVOICE_NUMBER_META,
    INVOICE_STATUSES,
    invoices_for_range,
    produce_and_print,
)

IDENTITY = ShopIdentity(
    name="Atelier Lefèvre & Fils",
    address_lines=("12 rue de la République", "42000 Saint-Étienne"),
    vat_number="FR12345678901",
    company_number="123 456 789 00012",
    legal_mentions=("TVA non applicable, art. 293 B du CGI",),
)


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text.replace("\u00a0", " "))


def _lp(folder: Path, body: str) -> None:
    folder.mkdir(exist_ok=True)
    lp = folder / "lp"
    lp.write_text("#!/bin/sh\n" + body)
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An `lp` that records each call's arguments (one per line, calls separated by a
    blank line) and answers as CUPS does."""
    record = tmp_path / "lp-calls.txt"
    _lp(
        tmp_path / "bin",
        f"""for a in "$@"; do printf '%s\\n' "$a" >> "{record}"; done
printf '\\n' >> "{record}"
echo "request id is $2-7 (1 file(s))"
""",
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return record


def lp_calls(record: Path) -> list[list[str]]:
    if not record.exists():
        return []
    return [call.splitlines() for call in record.read_text().split("\n\n") if call.strip()]


@pytest.fixture
def printing_config() -> Config:
    return Config(
        staff="alice",
        workstation="bench-1",
        poll_interval=0.5,
        bell=False,
        printers=Printers(
            packing_slip="Slips", invoice="Office", receipt="Zebra_80mm", pick_list="Warehouse"
        ),
        shop_identity=IDENTITY,
    )


async def _orders(api: WooCommerceClient) -> list[Order]:
    orders: list[Order] = []
    async for page in api.iter_orders(OrderQuery()):
        orders.extend(page)
    return orders


async def _greek_order(api: WooCommerceClient) -> Order:
    """An order for a customer whose name and address are not in Latin script."""
    product = next(
        p for p in await api.list_products() if "€" not in p.name and (p.stock_quantity or 0) > 2
    )
    return await api.create_order(
        {
            "status": "processing",
            "billing": {
                "first_name": "Ελένη",
                "last_name": "Παπαδοπούλου",
                "address_1": "Οδός Ερμού 12",
                "city": "Αθήνα",
                "postcode": "10563",
                "country": "GR",
                "email": "eleni@example.gr",
            },
            "line_items": [{"product_id": product.id, "quantity": 2}],
        }
    )


# --------------------------------------------------------------------------- documents


async def test_packing_slip_prints_on_its_printer_with_unicode_names_and_no_prices(
    api, printing_config, isolated_dirs, fake_lp
):
    order = await _greek_order(api)
    result = await produce_and_print(api, printing_config, "packing_slip", [order.id])
    assert result.ok and result.printed, result.message
    assert lp_calls(fake_lp) == [["-d", "Slips", str(result.path)]]
    assert result.path.parent == paths.documents_dir()
    text = pdf_text(result.path)
    assert "Ελένη Παπαδοπούλου" in text and "Αθήνα" in text
    assert order.number in text and order.line_items[0].sku in text
    assert "Atelier Lefèvre & Fils" in text
    total = f"{order.total:.2f}"
    assert total not in text and "€" not in text  # the slip travels in the parcel


async def test_invoice_is_numbered_once_and_carries_the_legal_details(
    api, printing_config, isolated_dirs, fake_lp
):
    order = await _greek_order(api)
    first = await produce_and_print(api, printing_config, "invoice", [order.id])
    assert first.ok and first.printed, first.message
    assert lp_calls(fake_lp)[0][:2] == ["-d", "Office"]
    text = pdf_text(first.path)
    number = meta_value((await api.get_order(order.id)).meta_data, INVOICE_NUMBER_META)
    assert number and number.startswith("INV-") and number.endswith("-000001")
    assert number in text
    assert "FR12345678901" in text and "TVA non applicable, art. 293 B du CGI" in text
    assert "Ελένη Παπαδοπούλου" in text

    again = await produce_and_print(api, printing_config, "invoice", [order.id])
    assert number in pdf_text(again.path)  # a reprint keeps the order's number
    assert again.path != first.path  # and never overwrites the first file


async def test_receipt_is_sized_for_80_mm_label_printers(
    api, printing_config, isolated_dirs, fake_lp
):
    order = (await _orders(api))[0]
    result = await produce_and_print(api, printing_config, "receipt", [order.id])
    assert result.printed and lp_calls(fake_lp)[0][:2] == ["-d", "Zebra_80mm"]
    page = PdfReader(io.BytesIO(result.path.read_bytes())).pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    assert width_mm == pytest.approx(80, abs=0.5)
    assert order.number in pdf_text(result.path)


async def test_invoices_for_a_date_range_in_one_file(api, printing_config, isolated_dirs):
    orders = await _orders(api)
    paid = [o for o in orders if o.status in INVOICE_STATUSES and o.date_created]
    by_day: dict = {}
    for order in paid:
        by_day.setdefault(order.date_created.astimezone(UTC).date(), []).append(order)
    day, expected = max(by_day.items(), key=lambda item: len(item[1]))
    assert len(expected) >= 2

    config = Config(staff="a", workstation="b", shop_identity=IDENTITY)  # no printer
    result = await invoices_for_range(api, config, day, day)
    assert result.ok and not result.printed, result.message
    assert result.path.name == f"invoices-{day}-to-{day}.pdf"
    assert str(result.path) in result.message
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(result.path.read_bytes())).pages]
    numbers = set()
    for order in expected:
        recorded = meta_value((await api.get_order(order.id)).meta_data, INVOICE_NUMBER_META)
        assert recorded, f"order {order.number} has no invoice number"
        numbers.add(recorded)
        assert any(recorded in page for page in pages)
    assert len(numbers) == len(expected)  # one number each, none shared
    assert f"{len(expected)} invoices" in result.message


async def test_invoice_range_dialog_makes_the_file(make_app, api, isolated_dirs):
    orders = [o for o in await _orders(api) if o.status in INVOICE_STATUSES]
    day = orders[0].date_created.astimezone(UTC).date()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        app.push_screen(ExportScreen(list(app.queue.view)))
        await pilot.pause()
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceRangeScreen))
        for field_id in ("#invoices-from", "#invoices-to"):
            field = app.screen.query_one(field_id, Input)
            field.value = day.isoformat()
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: any("invoice" in n for n in notifications(pilot)), timeout=20
        )
    files = list(paths.documents_dir().glob(f"invoices-{day}-to-{day}*.pdf"))
    assert len(files) == 1


# --------------------------------------------------------------------------- printing


async def test_without_a_printer_the_file_is_saved_and_its_path_shown(make_app, api):
    app = make_app()  # the default config names no printer
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        await pilot.pause()
        await pilot.press("p")
        await wait_until(pilot, lambda: any("Saved to" in n for n in notifications(pilot)))
    message = next(n for n in notifications(pilot) if "Saved to" in n)
    saved = Path(message.removeprefix("Saved to ").split(" (no printer")[0])
    assert saved.is_file() and saved.parent == paths.documents_dir()
    assert saved.read_bytes().startswith(b"%PDF")


async def test_missing_lp_is_a_clear_message_not_a_crash(
    make_app, printing_config, tmp_path, monkeypatch
):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    app = make_app(cfg=printing_config)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        await pilot.pause()
        await pilot.press("p")
        await wait_until(pilot, lambda: any("lp not found" in n for n in notifications(pilot)))
        assert app.is_running
    message = next(n for n in notifications(pilot) if "lp not found" in n)
    assert "saved to" in message


async def test_a_refused_print_job_says_why(
    api, printing_config, isolated_dirs, tmp_path, monkeypatch
):
    _lp(tmp_path / "bin", 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    order = (await _orders(api))[0]
    result = await produce_and_print(api, printing_config, "packing_slip", [order.id])
    assert not result.ok and not result.printed
    assert "Printing on Slips failed" in result.message
    assert "does not exist" in result.message and str(result.path) in result.message


# --------------------------------------------------------------------------- pick list


async def test_pick_list_aggregates_the_marked_orders_by_sku_and_prints(
    make_app, api, printing_config, fake_lp
):
    orders = [o for o in await _orders(api) if o.line_items][:8]
    ids = [o.id for o in orders]
    totals: dict[str, int] = {}
    goes_to: dict[str, set[str]] = {}
    for order in orders:
        for line in order.line_items:
            totals[line.sku] = totals.get(line.sku, 0) + line.quantity
            goes_to.setdefault(line.sku, set()).add(order.number)
    app = make_app(cfg=printing_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        app.push_screen(PickListScreen(ids))
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, PickListScreen) and app.screen.entries is not None,
        )
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [row[0] for row in rows] == sorted(totals)
        assert {row[0]: int(row[2]) for row in rows} == totals
        for row in rows:
            shown = {n.strip().lstrip("#") for n in row[3].split("+")[0].split(",") if n.strip()}
            assert shown <= goes_to[row[0]]
        await pilot.press("p")
        await wait_until(pilot, lambda: any("Warehouse" in n for n in notifications(pilot)))
    (call,) = lp_calls(fake_lp)
    assert call[:2] == ["-d", "Warehouse"]
    text = pdf_text(Path(call[-1]))
    for sku in totals:
        assert sku in text


# --------------------------------------------------------------------------- CSV export


async def _export(pilot, *, per_line: bool = False, bom: bool = False) -> Path:
    app = pilot.app
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
    screen = app.screen
    if per_line:
        screen.query_one("#per-line").value = True
    if bom:
        screen.query_one("#export-bom").value = True
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: screen.written is not None, timeout=30, what="the export")
    return screen.written


async def test_export_of_the_filtered_view_round_trips_with_accents(make_app, api):
    orders = await _orders(api)
    accented = next(o for o in orders if any(ord(c) > 127 for c in o.customer_name))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        await pilot.pause()
        await pilot.press("slash", *accented.billing.last_name)
        await wait_until(pilot, lambda: app.queue.search == accented.billing.last_name)
        await pilot.press("enter")
        view = list(app.queue.view)
        assert accented.id in view and len(view) < len(orders)
        path = await _export(pilot)
    assert path.parent == paths.documents_dir() and path.name.startswith("orders-")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_number = {o.number: o for o in orders}
    assert [row["number"] for row in rows] == [app.queue.get(i).number for i in view]
    row = next(r for r in rows if r["number"] == accented.number)
    assert row["customer"] == accented.customer_name  # accents intact
    assert row["total"] == f"{by_number[accented.number].total:.2f}"
    assert row["email"] == accented.billing.email


async def test_per_line_export_with_bom_and_progress(make_app, api):
    orders = await _orders(api)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.loaded)
        await pilot.pause()
        path = await _export(pilot, per_line=True, bom=True)
        bar = app.screen.query_one("#export-progress", ProgressBar)
        assert bar.display and bar.progress == bar.total == len(orders)  # two requests' worth
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sum(len(o.line_items) for o in orders)
    line = next(o for o in orders if o.line_items).line_items[0]
    match = next(r for r in rows if r["sku"] == line.sku and r["name"] == line.name)
    assert "." in match["line_total"] and "," not in match["line_total"]
