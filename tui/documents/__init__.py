"""Printable documents for orders: packing slips, invoices, receipts, pick lists, credit
notes, and the numbering of invoices and credit notes.

Every builder is a pure function from model objects to PDF bytes (fpdf2): no I/O, no
UI, so screens call them in a worker and hand the bytes to `tui.printing`. Labels come in
English and French (`lang="en" | "fr"`); names and addresses in any script the fonts
cover (see `tui.documents.fonts`).
"""

from tui.documents.barcode import BarcodeError, code128_values, code128_widths
from tui.documents.credit_note import credit_note
from tui.documents.fonts import FontMissing
from tui.documents.identity import ShopIdentity
from tui.documents.invoice import invoice, invoices
from tui.documents.numbers import DocumentNumbers, DocumentNumbersError
from tui.documents.packing_slip import packing_slip, total_weight
from tui.documents.pick_list import PickEntry, aggregate_pick_list, pick_list
from tui.documents.receipt import receipt

__all__ = [
    "BarcodeError",
    "DocumentNumbers",
    "DocumentNumbersError",
    "FontMissing",
    "PickEntry",
    "ShopIdentity",
    "aggregate_pick_list",
    "code128_values",
    "code128_widths",
    "credit_note",
    "invoice",
    "invoices",
    "packing_slip",
    "pick_list",
    "receipt",
    "total_weight",
]
