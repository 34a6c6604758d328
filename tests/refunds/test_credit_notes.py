"""Credit notes: one number per refund, numbered per issuer, saved as a readable PDF."""

from __future__ import annotations

import io
import tomllib
import unicodedata
from pathlib import Path

from pypdf import PdfReader

from tests.refunds.builders import line, make_order, make_refund
from tui.credit_notes import issue_credit_note, issuer
from tui.documents import ShopIdentity
from tui.refund_plan import QUANTITIES_META


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text.replace("\u00a0", " "))


NAMES = {11: "Tasse à café émaillée", 12: "Ручка"}


def _order():
    return make_order(
        [line(11, "Tasse à café émaillée", 2, "24.00", "4.80"), line(12, "Ручка", 1, "3.00")]
    )


def test_each_refund_gets_the_next_number_and_a_pdf_naming_lines_amounts_and_order(tmp_path):
    order = _order()
    identity = ShopIdentity(name="Atelier Lefèvre", address_lines=("3 rue de l'Église",))
    first = make_refund(71, "14.40", lines=[(11, 1, "12.00", "2.40")], names=NAMES)
    second = make_refund(72, "3.00", lines=[(12, 1, "3.00", "0.00")], names=NAMES)
    one = issue_credit_note(
        order, first, identity=identity, shop_label="main", state_dir=tmp_path, folder=tmp_path
    )
    two = issue_credit_note(
        order, second, identity=identity, shop_label="main", state_dir=tmp_path, folder=tmp_path
    )
    year = one.number.split("-")[1]
    assert (one.number, two.number) == (f"AV-{year}-000001", f"AV-{year}-000002")
    text = _text(one.path)
    for expected in (
        one.number,
        "Tasse à café émaillée",
        "Zoë Ünal",
        "Atelier Lefèvre",
        "1001",  # the original order
        "€14.40",
    ):
        assert expected in text, expected
    assert "Ручка" in _text(two.path)
    assert one.path.parent == tmp_path and one.path.suffix == ".pdf"


def test_the_same_refund_never_gets_a_second_number(tmp_path):
    order, refund = _order(), make_refund(71, "14.40", lines=[(11, 1, "12.00", "2.40")])
    identity = ShopIdentity(name="Atelier Lefèvre")
    kwargs = {"identity": identity, "shop_label": "main", "state_dir": tmp_path, "folder": tmp_path}
    first = issue_credit_note(order, refund, **kwargs)
    again = issue_credit_note(order, refund, **kwargs)
    assert again.number == first.number and again.reused and again.path == first.path
    first.path.unlink()  # the file was lost: it is made again under the same number
    remade = issue_credit_note(order, refund, **kwargs)
    assert remade.number == first.number and remade.path.exists()
    counters = tomllib.loads((tmp_path / "document-numbers.toml").read_text())
    assert list(counters["Atelier Lefèvre"]["credit_note"].values()) == [1]


def test_without_a_configured_identity_the_shop_label_is_the_issuer(tmp_path):
    assert issuer(ShopIdentity(name=""), "Boutique Zoé").name == "Boutique Zoé"
    note = issue_credit_note(
        _order(),
        make_refund(71, "5.00"),
        identity=ShopIdentity(name=""),
        shop_label="Boutique Zoé",
        state_dir=tmp_path,
        folder=tmp_path,
    )
    text = _text(note.path)
    assert "Boutique Zoé" in text and "€5.00" in text


def test_quantities_refunded_by_amount_show_on_the_credit_note(tmp_path):
    refund = make_refund(
        73,
        "14.40",
        lines=[(11, 0, "12.00", "2.40")],
        meta=[{"key": QUANTITIES_META, "value": [{"id": 11, "quantity": 1}]}],
        names=NAMES,
    )
    note = issue_credit_note(
        _order(),
        refund,
        identity=ShopIdentity(name="S"),
        shop_label="main",
        state_dir=tmp_path,
        folder=tmp_path,
    )
    rows = [row for row in _text(note.path).splitlines() if row.endswith("€2.40 €12.00")]
    assert rows == ["1 €2.40 €12.00"] or rows == ["Tasse à café émaillée 1 €2.40 €12.00"]
