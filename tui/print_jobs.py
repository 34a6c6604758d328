"""Making a document for orders and sending it to its printer: one call per key press.

`produce_and_print(shop, config, kind, order_ids)` is what the `p` key and the screens
call. It fetches the full orders (the queue only holds light ones), builds the PDF in a
thread (`asyncio.to_thread`: fpdf2 is CPU work that would freeze the screen), saves it in
the documents folder, and prints it through `lp` on the printer configured for that kind
(`[printers]` in config.toml). No printer configured: the file is saved and its path
reported. Like `tui.printing`, it never raises: every failure, from an unreachable shop to
a missing font, comes back as a `PrintResult` whose message a person can act on.

Invoice numbers are a legal sequence (`tui.documents.numbers`), and an order keeps its
number: the first invoice takes the next number and records it on the order itself (meta
`_orderdesk_invoice_number`), so a reprint, on this machine or another, shows the same
number instead of using up a new one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from client.errors import ShopError
from client.model import Order, meta_value
from client.protocol import OrderQuery, ShopClient
from tui import paths
from tui.config import Config
from tui.documents import (
    DocumentNumbers,
    DocumentNumbersError,
    FontMissing,
    PickEntry,
    ShopIdentity,
    aggregate_pick_list,
    invoice,
    invoices,
    packing_slip,
    pick_list,
    receipt,
)
from tui.error_text import error_text
from tui.i18n import _, ngettext
from tui.printing import PrintResult, print_file, save_document
from tui.shop_language import customer_language

#: What `produce_and_print` makes; "invoices" is many invoices in one file.
KINDS: tuple[str, ...] = ("packing_slip", "invoice", "receipt", "pick_list", "invoices")
#: The `[printers]` entry each kind prints on.
PRINTER_OF: dict[str, str] = {
    "packing_slip": "packing_slip",
    "invoice": "invoice",
    "invoices": "invoice",
    "receipt": "receipt",
    "pick_list": "pick_list",
}
#: The order meta that keeps an order's invoice number.
INVOICE_NUMBER_META = "_orderdesk_invoice_number"
#: Orders that get an invoice in a date range: the paid ones (a refunded order was paid
#: and invoiced; its refund gets a credit note).
INVOICE_STATUSES: tuple[str, ...] = ("processing", "completed", "refunded")
#: Orders fetched per request (WooCommerce's maximum page size).
CHUNK = 100

Progress = Callable[[int, int], None]


class JobFailed(Exception):
    """A step failed in a way the user must read; the message says what and why."""


# --------------------------------------------------------------------------- fetching


def include_query(order_ids: Sequence[int]) -> OrderQuery:
    """The whole orders `order_ids` (at most 100), in that order."""
    return OrderQuery(include=tuple(order_ids), orderby="include", order="asc")


async def fetch_orders(
    shop: ShopClient, order_ids: Sequence[int], *, progress: Progress | None = None
) -> list[Order]:
    """The full orders for `order_ids`, in that order, 100 per request; ids the shop does
    not have are left out (the caller compares lengths to tell)."""
    ids = list(dict.fromkeys(order_ids))
    found: dict[int, Order] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        page = await shop.list_orders(include_query(chunk), per_page=CHUNK)
        found.update((o.id, o) for o in page.orders)
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return [found[i] for i in ids if i in found]


async def _weights(shop: ShopClient, orders: Sequence[Order]) -> dict[int, Decimal]:
    """Unit weights (kg) of the orders' products, for the packing slip's total."""
    ids = sorted({i.product_id for o in orders for i in o.line_items if i.product_id})
    weights: dict[int, Decimal] = {}
    for start in range(0, len(ids), CHUNK):
        products = await shop.list_products(include=ids[start : start + CHUNK], per_page=CHUNK)
        weights.update((p.id, p.weight) for p in products if p.weight is not None)
    return weights


def identity_for(shop: ShopClient, config: Config) -> ShopIdentity:
    """The seller printed on documents: the configured identity, named after the shop when
    the config names none (a slip with a blank header helps nobody)."""
    identity = config.shop_identity
    if identity.name.strip():
        return identity
    return dataclasses.replace(identity, name=getattr(shop, "name", "") or "orderdesk")


def _lang(config: Config) -> str:
    """The document language when the shop does not say its own."""
    return config.lang if config.lang in ("en", "fr") else "en"


# --------------------------------------------------------------------------- saving and printing


def _folder_result(ok: bool, message: str) -> PrintResult:
    return PrintResult(ok, False, message, paths.documents_dir())


async def save_and_print(
    config: Config,
    kind: str,
    data: bytes,
    name: str,
    *,
    lp_command: str = "lp",
    print_it: bool = True,
) -> PrintResult:
    """Save `data` as `name` in the documents folder, then print it on `kind`'s printer
    (`print_it=False`: only save it)."""
    folder = paths.documents_dir()
    try:
        path = await asyncio.to_thread(save_document, data, folder, name)
    except OSError as exc:
        return _folder_result(False, _(
            "Could not save {name} in {folder}: {value}"
        ).format(name=name, folder=folder, value=exc.strerror or exc))
    if not print_it:
        return PrintResult(True, False, _("Saved to {path}").format(path=path), path)
    printer = config.printers.for_kind(PRINTER_OF.get(kind, kind))
    return await print_file(path, printer=printer, lp_command=lp_command)


def _combined(results: list[PrintResult], what: str) -> PrintResult:
    """One result for several files (one packing slip per order)."""
    if len(results) == 1:
        return results[0]
    failed = [r for r in results if not r.ok]
    if failed:
        return dataclasses.replace(
            failed[0], message=_(
                "{count} of {count2} {what} failed: {message}"
            ).format(count=len(failed), count2=len(results), what=what, message=failed[0].message)
        )
    first = results[0]
    if all(r.printed for r in results):
        message = _("{n} {what} sent to {printer}; saved in {folder}").format(
            n=len(results), what=what, printer=first.printer, folder=first.path.parent
        )
    else:
        message = _("{n} {what} saved in {folder} (no printer configured)").format(
            n=len(results), what=what, folder=first.path.parent
        )
    return dataclasses.replace(first, message=message)


# --------------------------------------------------------------------------- the documents


async def produce_and_print(
    shop: ShopClient,
    config: Config,
    kind: str,
    order_ids: Sequence[int],
    *,
    lp_command: str = "lp",
) -> PrintResult:
    """Make `kind` for `order_ids` and print it (or save it when no printer is set).

    Kinds: "packing_slip" and "receipt" (one file per order), "invoice" (one file per
    order, each numbered), "invoices" (all the orders' invoices in one file), "pick_list"
    (one list for all the orders).
    """
    if kind not in KINDS:
        return _folder_result(False, _("Unknown document kind {kind!r}.").format(kind=kind))
    if not order_ids:
        return _folder_result(False, _("No order selected."))
    try:
        orders = await fetch_orders(shop, order_ids)
        if not orders:
            return _folder_result(False, _("The shop has none of these orders."))
        lang = await customer_language(shop, _lang(config))
        if kind == "pick_list":
            return await print_pick_list(
                config, aggregate_pick_list(orders), len(orders), lp_command=lp_command, lang=lang
            )
        if kind == "invoices":
            return await _invoice_batch(
                shop, config, orders, _batch_name(orders), lp_command, lang=lang
            )
        results = []
        for order in orders:
            data, name = await _one_document(shop, config, kind, order, lang)
            results.append(await save_and_print(config, kind, data, name, lp_command=lp_command))
    except (ShopError, JobFailed) as exc:
        return _folder_result(False, error_text(exc))
    except FontMissing as exc:
        return _folder_result(False, _("Cannot make the PDF: {exc}").format(exc=exc))
    what = {
        "packing_slip": _("packing slips"),
        "receipt": _("receipts"),
        "invoice": _("invoices"),
    }[kind]
    result = _combined(results, what)
    missing = len(set(order_ids)) - len(orders)
    if missing:
        result = dataclasses.replace(
            result, message=_(
                "{message} ({missing} order(s) not found in the shop)"
            ).format(message=result.message, missing=missing)
        )
    return result


async def _one_document(
    shop: ShopClient, config: Config, kind: str, order: Order, lang: str
) -> tuple[bytes, str]:
    identity = identity_for(shop, config)
    if kind == "packing_slip":
        weights = await _weights(shop, [order])
        data = await asyncio.to_thread(packing_slip, order, identity, weights=weights, lang=lang)
        return data, f"packing-slip-{order.number}.pdf"
    if kind == "receipt":
        data = await asyncio.to_thread(receipt, order, identity, lang=lang)
        return data, f"receipt-{order.number}.pdf"
    numbers, _warnings = await invoice_numbers(shop, config, [order])
    number = numbers[order.id]
    data = await asyncio.to_thread(invoice, order, identity, number=number, lang=lang)
    return data, f"invoice-{number}-order-{order.number}.pdf"


async def print_pick_list(
    config: Config,
    entries: Sequence[PickEntry],
    order_count: int,
    *,
    lp_command: str = "lp",
    print_it: bool = True,
    lang: str | None = None,
) -> PrintResult:
    """The pick list already on screen, as PDF, printed on the pick-list printer
    (`print_it=False`: only saved)."""
    if not entries:
        return _folder_result(False, _("Nothing to pick: the orders have no lines."))
    now = datetime.now().astimezone()
    title = f"{order_count} order{'s' if order_count != 1 else ''}, {now:%Y-%m-%d %H:%M}"
    try:
        data = await asyncio.to_thread(
            pick_list, list(entries), title=title, printed=now, lang=lang or _lang(config)
        )
    except FontMissing as exc:
        return _folder_result(False, _("Cannot make the PDF: {exc}").format(exc=exc))
    return await save_and_print(
        config,
        "pick_list",
        data,
        f"pick-list-{now:%Y%m%d-%H%M}.pdf",
        lp_command=lp_command,
        print_it=print_it,
    )


# --------------------------------------------------------------------------- invoices


def _paid_year(order: Order, identity: ShopIdentity) -> int:
    """The year the invoice is dated in (the builder dates it on payment, else creation)."""
    moment = order.date_paid or order.date_created
    if moment is None:
        return date.today().year
    return moment.astimezone(identity.tz).year


async def invoice_numbers(
    shop: ShopClient, config: Config, orders: Sequence[Order]
) -> tuple[dict[int, str], list[str]]:
    """Each order's invoice number: the one recorded on it, else the next in sequence,
    recorded on the order at once. Returns the numbers and warnings (a number that could
    not be recorded: a reprint would take a new one)."""
    identity = identity_for(shop, config)
    counters = DocumentNumbers(paths.data_dir())
    numbers: dict[int, str] = {}
    new: dict[int, str] = {}
    for order in orders:
        existing = meta_value(order.meta_data, INVOICE_NUMBER_META)
        if isinstance(existing, str) and existing.strip():
            numbers[order.id] = existing.strip()
            continue
        try:
            number = await asyncio.to_thread(
                counters.next, identity.name, "invoice", year=_paid_year(order, identity)
            )
        except (DocumentNumbersError, OSError) as exc:
            raise JobFailed(
                _("No invoice number could be taken: {error}").format(error=exc)
            ) from exc
        numbers[order.id] = new[order.id] = number
    warnings: list[str] = []
    if len(new) == 1:
        ((order_id, number),) = new.items()
        try:
            await shop.update_order(
                order_id, {"meta_data": [{"key": INVOICE_NUMBER_META, "value": number}]}
            )
        except ShopError as exc:
            warnings.append(_(
                "invoice number {number} not recorded on the order ({exc})"
            ).format(number=number, exc=error_text(exc)))
    elif new:
        result = await shop.batch_update_orders(
            [
                {"id": order_id, "meta_data": [{"key": INVOICE_NUMBER_META, "value": number}]}
                for order_id, number in new.items()
            ]
        )
        for order_id, error in result.errors:
            warnings.append(_(
                "invoice number {get} not recorded ({error})"
            ).format(get=new.get(order_id), error=error_text(error)))
    return numbers, warnings


async def _invoice_batch(
    shop: ShopClient,
    config: Config,
    orders: Sequence[Order],
    name: str,
    lp_command: str,
    *,
    lang: str | None = None,
) -> PrintResult:
    numbers, warnings = await invoice_numbers(shop, config, orders)
    lang = lang or await customer_language(shop, _lang(config))
    data = await asyncio.to_thread(
        invoices, orders, identity_for(shop, config), numbers=numbers, lang=lang
    )
    result = await save_and_print(config, "invoices", data, name, lp_command=lp_command)
    count = ngettext("{n} invoice", "{n} invoices", len(orders)).format(n=len(orders))
    message = f"{count}: {result.message}"
    if warnings:
        message += ". " + _("Warning: {warning}").format(warning=warnings[0])
        if len(warnings) > 1:
            more = len(warnings) - 1
            message += " " + ngettext("(and {n} more)", "(and {n} more)", more).format(n=more)
    return dataclasses.replace(result, message=message)


def _batch_name(orders: Sequence[Order]) -> str:
    return f"invoices-{len(orders)}-orders-{datetime.now():%Y%m%d-%H%M}.pdf"


def day_bounds(start: date, end: date, identity: ShopIdentity) -> tuple[datetime, datetime]:
    """The UTC instants of `start` 00:00 and the day after `end` 00:00, in the shop's zone."""
    tz = identity.tz
    after = datetime.combine(start, time.min, tzinfo=tz).astimezone(UTC)
    before = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return after, before


async def invoices_for_range(
    shop: ShopClient,
    config: Config,
    start: date,
    end: date,
    *,
    statuses: Sequence[str] = INVOICE_STATUSES,
    progress: Progress | None = None,
    lp_command: str = "lp",
) -> PrintResult:
    """Invoices of the paid orders created from `start` to `end` (both included, in the
    shop's timezone), oldest first, in one PDF, printed on the invoice printer.

    `progress(n, 0)` is called as orders arrive, then `progress(n, n)` once all are in.
    """
    if end < start:
        return _folder_result(False, _(
            "The end date {end} is before the start date {start}."
        ).format(end=end, start=start))
    identity = identity_for(shop, config)
    after, before = day_bounds(start, end, identity)
    # `after`/`before` are strict on WooCommerce: step one second outside the day bounds.
    query = OrderQuery(
        status=tuple(statuses),
        after=after - timedelta(seconds=1),
        before=before,
        orderby="date",
        order="asc",
    )
    orders: list[Order] = []
    try:
        async for page in shop.iter_orders(query):
            orders.extend(page)
            if progress is not None:
                progress(len(orders), 0)
        if not orders:
            return _folder_result(
                False, _(
                    "No paid orders from {start} to {end}: no invoices to make."
                ).format(start=start, end=end)
            )
        if progress is not None:
            progress(len(orders), len(orders))  # fetched: now numbering and drawing
        return await _invoice_batch(
            shop, config, orders, f"invoices-{start}-to-{end}.pdf", lp_command
        )
    except (ShopError, JobFailed) as exc:
        return _folder_result(False, error_text(exc))
    except FontMissing as exc:
        return _folder_result(False, _("Cannot make the PDF: {exc}").format(exc=exc))
