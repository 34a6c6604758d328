"""CSV export: read back with Python's csv module as a spreadsheet import would."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from client.model import Order
from tui.export import LINE_COLUMNS, ORDER_COLUMNS, export_orders_csv


def read_rows(path, encoding="utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_order_with_plain_amounts(order, greek_order, cyrillic_order, tmp_path):
    path = tmp_path / "orders.csv"
    assert export_orders_csv([order, greek_order, cyrillic_order], path) == 3
    rows = read_rows(path)
    assert list(rows[0]) == list(ORDER_COLUMNS)
    first = rows[0]
    assert first["number"] == "10482"
    assert first["date"] == "2026-03-04T23:30:00+00:00"
    assert first["customer"] == "Élodie Lefèvre"
    assert first["email"] == "elodie.lefevre@example.fr"
    assert first["items"] == "9"
    assert first["subtotal"] == "1237.00"
    assert first["shipping"] == "6.90"
    assert first["tax"] == "247.98"
    assert first["discount"] == "5.00"
    assert first["total"] == "1487.88"
    assert first["refunded"] == "64.80"
    assert first["net"] == "1423.08"
    assert first["currency"] == "EUR"
    assert first["payment_method"] == "Virement bancaire"
    assert first["shipping_method"] == "Colissimo"
    assert first["country"] == "FR"
    assert rows[1]["customer"] == "Ελένη Παπαδοπούλου"
    assert rows[2]["customer"] == "Иван Петров"
    assert rows[2]["country"] == "RU"  # billing country when there is no shipping address


def test_amounts_are_never_grouped_or_scientific(order, tmp_path):
    big = replace(
        order,
        total=Decimal("1.23456E+6"),
        shipping_total=Decimal("1E+1"),
        discount_total=Decimal("0.005"),
    )
    path = tmp_path / "big.csv"
    export_orders_csv([big], path)
    (row,) = read_rows(path)
    assert row["total"] == "1234560.00"
    assert row["shipping"] == "10.00"
    assert row["discount"] == "0.01"  # half up, as accountants round


def test_one_row_per_line(order, tmp_path):
    path = tmp_path / "lines.csv"
    assert export_orders_csv([order], path, per_line=True) == 3
    rows = read_rows(path)
    assert list(rows[0]) == list(LINE_COLUMNS)
    assert [
        (r["sku"], r["name"], r["quantity"], r["unit_price"], r["line_total"]) for r in rows
    ] == [
        ("TEA-POT-01", "Théière en fonte « Hōjō »", "2", "450.00", "900.00"),
        ("CUP-GRES", "Tasse en grès", "6", "53.33", "320.00"),  # after the coupon
        ("", "Carte cadeau", "1", "12.00", "12.00"),
    ]
    assert {r["order_number"] for r in rows} == {"10482"}
    assert {r["customer"] for r in rows} == {"Élodie Lefèvre"}


def test_bom_for_excel(order, tmp_path):
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    export_orders_csv([order], plain)
    export_orders_csv([order], excel, bom=True)
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_rows(excel, encoding="utf-8-sig")[0]["customer"] == "Élodie Lefèvre"


def test_quoting_keeps_commas_quotes_and_newlines(order, tmp_path):
    tricky = replace(order, payment_method_title='Chèque, "à l\'ordre de"\nLefèvre')
    path = tmp_path / "tricky.csv"
    export_orders_csv([tricky], path)
    assert read_rows(path)[0]["payment_method"] == 'Chèque, "à l\'ordre de"\nLefèvre'


def test_formulas_are_neutralised(order, tmp_path):
    evil = replace(
        order, billing=replace(order.billing, first_name='=HYPERLINK("x")', last_name="")
    )
    path = tmp_path / "evil.csv"
    export_orders_csv([evil], path)
    assert read_rows(path)[0]["customer"] == '\'=HYPERLINK("x")'


def test_progress_is_reported(order, tmp_path):
    seen: list[int] = []
    orders = [replace(order, id=i, number=str(i)) for i in range(1, 451)]
    count = export_orders_csv(orders, tmp_path / "p.csv", progress=seen.append, progress_every=200)
    assert count == 450
    assert seen == [200, 400, 450]


def test_a_failure_midway_leaves_no_partial_file(order, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("previous export\n")

    def orders() -> Iterator[Order]:
        yield order
        yield order
        raise ConnectionError("shop stopped answering")

    with pytest.raises(ConnectionError):
        export_orders_csv(orders(), path)
    assert path.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_a_failure_on_a_new_file_leaves_nothing(order, tmp_path):
    def orders() -> Iterator[Order]:
        yield order
        raise ConnectionError("gone")

    with pytest.raises(ConnectionError):
        export_orders_csv(orders(), tmp_path / "new.csv")
    assert list(tmp_path.iterdir()) == []
