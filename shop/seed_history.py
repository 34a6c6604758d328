"""Order histories for the seeder: orders, their status paths, notes, refunds, stock moves.

Times are whole seconds relative to the anchor (negative = before it). Stock moves are
recorded as events and replayed in time order at the end (`stock_notes`), because a
note's "20&rarr;19" depends on every other order's moves before it; each stock note's id
is reserved when its event happens so notes still sort the way they were written.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from shop import seed_data as data
from shop.money import money
from shop.order_doc import (
    PAYMENT_TITLES,
    fee_line,
    finalize,
    get_meta,
    item_meta,
    line_item,
    new_order,
    recalc_totals,
    shipping_line,
)
from shop.order_store import OrderRecord
from shop.refund_request import RefundLineRequest, RefundRequest
from shop.refunds import order_items, refund_document, refund_summary
from shop.seed_people import DAY, FIRST_PRODUCT_ID, People
from shop.settings import Settings
from shop.statuses import CORE_STATUSES

LABELS = {slug: label for slug, label, _ in CORE_STATUSES}
PAYMENTS = (("stripe", "cod", "bacs", "cheque"), (45, 70, 90, 100))  # cumulative weights
LINE_COUNTS = ((1, 2, 3, 4, 5), (40, 68, 85, 95, 100))
QUANTITIES = ((1, 2, 3, 4), (70, 90, 97, 100))
#: Status mix by order age in days: old orders are mostly done, recent ones in progress.
STATUS_MIX = tuple(
    (limit, (tuple(mix), tuple(accumulate(mix.values()))))
    for limit, mix in (
        (2, {"pending": 15, "processing": 45, "on-hold": 15, "completed": 20, "failed": 5}),
        (
            7,
            {
                "pending": 4,
                "processing": 25,
                "on-hold": 6,
                "completed": 55,
                "cancelled": 5,
                "failed": 3,
                "refunded": 2,
            },
        ),
        (
            10**6,
            {
                "pending": 2,
                "processing": 2,
                "on-hold": 1,
                "completed": 80,
                "cancelled": 7,
                "failed": 3,
                "refunded": 5,
            },
        ),
    )
)
ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#: Nothing happens later than a minute before the anchor.
END = -60

NoteRow = tuple[int, int, str, str, int, int, str]
#: Item, meta and note ids reserved per chunk of orders (a chunk of 5,000 uses < 90,000).
ID_BLOCK = 100_000


def pick(rng: random.Random, population: tuple[Any, ...], cum_weights: tuple[int, ...]) -> Any:
    """`rng.choices(population, cum_weights=…)[0]` without its per-call overhead."""
    return population[bisect(cum_weights, rng.random() * cum_weights[-1])]


@dataclass
class StockEvent:
    time: int
    seq: tuple[int, int]
    note_id: int
    order_id: int
    kind: str  # "reduced", "increased" or "item" (a refunded line restocked)
    moves: list[tuple[int, int]]  # (product id, delta)


class Clock:
    """Seed times are whole seconds relative to the anchor; `when` renders them (cached)."""

    def __init__(self, anchor: datetime) -> None:
        self._anchor = anchor.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        self._texts: dict[int, str] = {}

    def when(self, offset: int) -> str:
        """The UTC date string `offset` seconds after the anchor."""
        text = self._texts.get(offset)
        if text is None:
            text = self._texts[offset] = (self._anchor + timedelta(seconds=offset)).isoformat()
        return text


@dataclass
class History:
    """The orders of one chunk. Its item, meta and note ids come from the chunk's own block
    (`chunk * ID_BLOCK + 1` on), its refund ids from `next_refund` on, so chunks can be built
    in parallel and still never share an id."""

    rng: random.Random
    settings: Settings
    clock: Clock
    people: People
    products: list[dict[str, Any]]
    customers: list[dict[str, Any]]
    chunk: int
    next_refund: int
    events: list[StockEvent] = field(default_factory=list)
    sales: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    notes: list[NoteRow] = field(default_factory=list)
    refunds: list[tuple[int, int, str, dict[str, Any]]] = field(default_factory=list)
    #: Customers this chunk's orders touched: id → (has a paid order, last activity).
    touched: dict[int, tuple[bool, int]] = field(default_factory=dict)
    _lines: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        base = self.chunk * ID_BLOCK
        self.next_item = self.next_meta = self.next_note = base + 1
        self.id_limit = base + ID_BLOCK
        self.when = self.clock.when

    # Ids (the `order_doc.Ids` protocol) and time

    def _take(self, name: str) -> int:
        value = getattr(self, name)
        if value >= self.id_limit:
            raise RuntimeError(f"seed chunk {self.chunk} ran out of {name} ids")
        setattr(self, name, value + 1)
        return value

    def item_id(self) -> int:
        return self._take("next_item")

    def meta_id(self) -> int:
        return self._take("next_meta")

    def _note_id(self) -> int:
        return self._take("next_note")

    def later(self, start: int, low: int, high: int) -> int:
        """A random moment `low`–`high` seconds after `start`, squeezed before `END`."""
        moment = start + self.rng.randint(low, high)
        if moment > END:
            moment = start + self.rng.randint(0, END - start) if start < END else start
        return moment

    # Notes and stock events

    def _note(self, order_id: int, time: int, text: str, customer: bool = False) -> None:
        self.notes.append(
            (self._note_id(), order_id, "WooCommerce", text, int(customer), 0, self.when(time))
        )

    def _status_note(self, order_id: int, time: int, old: str, new: str) -> None:
        self._note(order_id, time, f"Order status changed from {LABELS[old]} to {LABELS[new]}.")

    def _stock_event(
        self, order_id: int, time: int, kind: str, moves: list[tuple[int, int]]
    ) -> None:
        if moves:
            seq = (self.chunk, len(self.events))
            event = StockEvent(time, seq, self._note_id(), order_id, kind, moves)
            self.events.append(event)

    # One order

    def make_order(self, order_id: int, created: int) -> OrderRecord:
        rng = self.rng
        age = -created / DAY
        statuses, weights = next(mix for limit, mix in STATUS_MIX if age < limit)
        status = pick(rng, statuses, weights)
        payment = pick(rng, *PAYMENTS)
        if status == "on-hold" and payment in ("stripe", "cod"):
            payment = "bacs"
        rec, customer = self._draft(order_id, created, payment)
        last = self._play(rec, status, created)
        last = self._extra_notes(rec, status, created, last)
        doc = rec.doc
        doc["status"] = status
        doc["date_modified_gmt"] = self.when(last)
        finalize(doc, self.settings)
        paid = status in ("processing", "completed", "on-hold", "refunded")
        if paid:
            for line in doc["line_items"]:
                self.sales[line["product_id"]] += line["quantity"]
        if customer is not None:
            was_paying, modified = self.touched.get(customer["id"], (False, customer["modified"]))
            self.touched[customer["id"]] = (was_paying or paid, max(modified, last))
        return rec

    def _draft(
        self, order_id: int, created: int, payment: str
    ) -> tuple[OrderRecord, dict[str, Any] | None]:
        """The order as checked out: customer, addresses, lines, shipping, totals."""
        rng = self.rng
        settings = self.settings
        key = "wc_order_" + "".join(rng.choices(ALPHANUMERIC, k=13))
        doc = new_order(
            order_id, settings, self.when(created), order_key=key, created_via="checkout"
        )
        customer = rng.choice(self.customers) if rng.random() < 0.7 else None
        person = customer["person"] if customer else self.people.person()
        if customer:
            doc["customer_id"] = customer["id"]
        doc["billing"] = person.billing()
        doc["shipping"] = (
            person.shipping()
            if rng.random() < 0.85
            else {**self.people.person().shipping(), "first_name": person.first}
        )
        doc["payment_method"] = payment
        doc["payment_method_title"] = PAYMENT_TITLES[payment]
        doc["customer_ip_address"] = f"192.0.2.{rng.randint(1, 254)}"
        if rng.random() < 0.1:
            doc["customer_note"] = rng.choice(data.CHECKOUT_NOTES)
        count = pick(rng, *LINE_COUNTS)
        for product in rng.sample(self.products, count):
            quantity = pick(rng, *QUANTITIES)
            doc["line_items"].append(self._line(product, quantity))
        goods = sum(Decimal(line["total"]) for line in doc["line_items"])
        free = goods >= 60 and rng.random() < 0.7
        method_id, title, instance, price = (
            data.FREE_SHIPPING if free else rng.choice(data.SHIPPING_METHODS)
        )
        doc["shipping_lines"].append(
            shipping_line(
                self.item_id(), method_id, title, Decimal(price), settings, instance_id=instance
            )
        )
        if rng.random() < 0.03:
            doc["fee_lines"].append(
                fee_line(self.item_id(), "Gift wrap", Decimal("2.50"), settings)
            )
        recalc_totals(doc, settings, self)
        return OrderRecord(doc=doc, version=1), customer

    def _line(self, product: dict[str, Any], quantity: int) -> dict[str, Any]:
        """A line item, copied from a per (product, quantity) template: the same few hundred
        lines recur across 100,000 orders, so their money and taxes are computed once."""
        template = self._lines.get((product["id"], quantity))
        if template is None:
            template = line_item(0, product, quantity, self.settings)
            self._lines[product["id"], quantity] = template
        return {
            **template,
            "id": self.item_id(),
            "taxes": [dict(tax) for tax in template["taxes"]],
            "meta_data": [],
            "image": {"id": "", "src": ""},
        }

    def _reduce(self, rec: OrderRecord, at: int) -> None:
        moves = []
        for line in rec.doc["line_items"]:
            if self.products[line["product_id"] - FIRST_PRODUCT_ID]["manage"]:
                moves.append((line["product_id"], -line["quantity"]))
                line["meta_data"].append(
                    item_meta(self.meta_id(), "_reduced_stock", str(line["quantity"]))
                )
        self._stock_event(rec.id, at, "reduced", moves)
        rec.stock_reduced = True

    def _restore(self, rec: OrderRecord, at: int) -> None:
        moves = []
        for line in rec.doc["line_items"]:
            reduced = get_meta(line["meta_data"], "_reduced_stock")
            if reduced:
                line["meta_data"].remove(reduced)
                moves.append((line["product_id"], int(reduced["value"])))
        self._stock_event(rec.id, at, "increased", moves)
        rec.stock_reduced = False

    def _pay(self, rec: OrderRecord, at: int) -> None:
        self._reduce(rec, at)
        rec.doc["date_paid_gmt"] = self.when(at)
        if rec.doc["payment_method"] == "stripe":
            rec.doc["transaction_id"] = "pi_" + "".join(self.rng.choices(ALPHANUMERIC, k=24))
        self._status_note(rec.id, at, "pending", "processing")

    def _play(self, rec: OrderRecord, status: str, created: int) -> int:
        """Walk the order from pending to `status`; returns the time of the last event."""
        rng = self.rng
        order_id = rec.id
        paid_at = created + rng.randint(30, 300)
        last = created
        if status == "failed":
            last = paid_at
            self._status_note(order_id, last, "pending", "failed")
        elif status == "on-hold":
            last = paid_at
            self._reduce(rec, last)
            self._status_note(order_id, last, "pending", "on-hold")
        elif status in ("processing", "completed", "refunded"):
            self._pay(rec, paid_at)
            last = paid_at
            if status != "processing":
                last = self.later(paid_at, DAY // 3, 4 * DAY)
                rec.doc["date_completed_gmt"] = self.when(last)
                self._status_note(order_id, last, "processing", "completed")
        elif status == "cancelled":
            last = self.later(paid_at, 3600, 3 * DAY)
            if rng.random() < 0.5:
                self._status_note(order_id, last, "pending", "cancelled")
            else:
                self._pay(rec, paid_at)
                self._restore(rec, last)
                self._status_note(order_id, last, "processing", "cancelled")
        if status == "refunded":
            last = self.later(last, DAY, 10 * DAY)
            self._refund(rec, last, full=True)
            self._status_note(order_id, last, "completed", "refunded")
        elif status in ("completed", "processing") and rng.random() < 0.04:
            last = self.later(last, 3600, 8 * DAY)
            self._refund(rec, last, full=False)
        return last

    def _extra_notes(self, rec: OrderRecord, status: str, created: int, last: int) -> int:
        """Some customer notes (shipping news) and private notes."""
        rng = self.rng
        if status in ("processing", "completed", "on-hold") and rng.random() < 0.05:
            last = self.later(last, 600, DAY)
            digits = "".join(rng.choices("0123456789", k=11))
            text = rng.choice(data.CUSTOMER_NOTES).format(digits=digits)
            self._note(rec.id, last, text, customer=True)
        if rng.random() < 0.08:
            self._note(rec.id, self.later(created, 600, 2 * DAY), rng.choice(data.PRIVATE_NOTES))
        return last

    def _refund(self, rec: OrderRecord, at: int, *, full: bool) -> None:
        """A refund with its lines restocked (an admin refund with "restock" ticked)."""
        rng = self.rng
        doc = rec.doc
        rate = self.settings.tax_rate_id
        items = order_items(doc)
        if full:
            chosen = [(line, line["quantity"]) for line in doc["line_items"]]
            lines = [
                RefundLineRequest(
                    item["id"],
                    item["quantity"] if kind == "line_items" else 0,
                    Decimal(item["total"]),
                    Decimal(item["total_tax"]),
                    {rate: Decimal(item["total_tax"])},
                )
                for kind, item in items.values()
            ]
            amount = Decimal(doc["total"])
        else:
            line = rng.choice(doc["line_items"])
            unit = Decimal(money(Decimal(line["total"]) / line["quantity"]))
            tax = Decimal(money(Decimal(line["total_tax"]) / line["quantity"]))
            chosen = [(line, 1)]
            lines = [RefundLineRequest(line["id"], 1, unit, tax, {rate: tax})]
            amount = unit + tax
        request = RefundRequest(
            amount=amount,
            reason=rng.choice(data.REFUND_REASONS),
            api_refund=False,
            api_restock=True,
            lines=lines,
            meta=[],
        )
        refund_id = self.next_refund
        self.next_refund += 1
        refund = refund_document(
            self, self.settings, refund_id, self.when(at), items, request, amount
        )
        self.refunds.append((refund_id, rec.id, self.when(at), refund))
        doc["refunds"].insert(0, refund_summary(refund, self.settings.decimals))
        for line, quantity in chosen:
            reduced = get_meta(line["meta_data"], "_reduced_stock")
            if reduced is None:
                continue
            reduced["value"] = reduced["display_value"] = str(int(reduced["value"]) - quantity)
            line["meta_data"].append(
                item_meta(self.meta_id(), "_restock_refunded_items", str(quantity))
            )
            self._stock_event(rec.id, at, "item", [(line["product_id"], quantity)])


def replay_stock(
    products: list[dict[str, Any]], events: list[StockEvent], when: Any
) -> list[NoteRow]:
    """Replay every stock move in time order, set each product's final `stock`, and write the
    stock notes with the numbers the replay produced.

    Each product starts at the stock that ends at its `target`, raised if needed so that no
    moment of the history goes below zero.
    """
    events.sort(key=lambda e: (e.time, e.seq))
    running: dict[int, int] = defaultdict(int)
    lowest: dict[int, int] = defaultdict(int)
    for event in events:
        for product_id, delta in event.moves:
            running[product_id] += delta
            lowest[product_id] = min(lowest[product_id], running[product_id])
    by_id = {p["id"]: p for p in products}
    stock = {
        p["id"]: max(p["target"] - running[p["id"]], -lowest[p["id"]])
        for p in products
        if p["manage"]
    }
    rows = []
    for event in events:
        parts = []
        for product_id, delta in event.moves:
            old = stock[product_id]
            stock[product_id] = new = old + delta
            if event.kind == "item":
                parts.append(f"Item #{product_id} stock increased from {old} to {new}.")
            else:
                product = by_id[product_id]
                parts.append(f"{product['name']} ({product['sku']}) {old}&rarr;{new}")
        if event.kind == "item":
            text = parts[0]
        else:
            verb = "reduced" if event.kind == "reduced" else "increased"
            text = f"Stock levels {verb}: " + ", ".join(parts)
        rows.append((event.note_id, event.order_id, "WooCommerce", text, 0, 0, when(event.time)))
    for product_id, quantity in stock.items():
        by_id[product_id]["stock"] = quantity
    return rows
