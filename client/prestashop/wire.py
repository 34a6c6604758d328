"""PrestaShop's wire formats: answers (JSON or XML) to plain data, and XML write bodies.

Reads ask for JSON (`output_format=JSON`), but a store may still answer XML (an older
module, a proxy dropping the parameter, a write answered before the format is read), so
`decode` accepts both and gives the same shape for either: what the JSON answer would be,
`{"orders": [{...}]}`, `{"order": {...}}`, `{"errors": [...]}`, with every value a string
as XML has it. Multilingual fields (`<name><language id="1">…`) are flattened to the first
language, as JSON does with one language. Writes must be XML whatever the output format
(a JSON body is a 500, "XML error", code 127): `xml_body` builds them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from client.errors import ShopError

_XLINK = "{http://www.w3.org/1999/xlink}href"


def _leaf(element: ET.Element) -> Any:
    """A field: its text, or the first language's text for a multilingual field."""
    children = list(element)
    if children and all(child.tag == "language" for child in children):
        return children[0].text or ""
    return element.text or ""


def _item(element: ET.Element) -> Any:
    """One entry of a list: an object, or a bare link `<order id="3" xlink:href=…/>`."""
    if len(element):
        return _object(element)
    return {key: value for key, value in element.attrib.items() if key != _XLINK}


def _object(element: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        if child.tag == "associations":
            out["associations"] = {
                group.tag: [_item(entry) for entry in group] for group in child
            }
        elif len(child) and not all(c.tag == "language" for c in child):
            out[child.tag] = _object(child)
        else:
            out[child.tag] = _leaf(child)
    return out


def _is_list(element: ET.Element) -> bool:
    """`<orders><order>…</order>…</orders>` (or an empty `<order_slips>`) rather than one
    resource: every child has the same tag, different from the element's, and each is an
    object or a bare link. A resource with a single field never looks like that."""
    children = list(element)
    if not children:
        return not (element.text or "").strip()
    tags = {child.tag for child in children}
    if len(tags) != 1 or element.tag in tags:
        return False
    return all(len(child) or "id" in child.attrib for child in children) and not all(
        c.tag == "language" for c in children
    )


def decode_xml(content: bytes) -> Any:
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from None
    if root.tag != "prestashop":
        raise ValueError(f"not a PrestaShop answer (root element {root.tag!r})")
    out: dict[str, Any] = {}
    for child in root:
        if child.tag == "errors":
            out["errors"] = [_object(error) for error in child]
        elif _is_list(child):
            out[child.tag] = [_item(entry) for entry in child]
        else:
            out[child.tag] = _object(child)
    return out


def decode(content: bytes, content_type: str = "") -> Any:
    """An answer body as plain data (JSON or XML, told by content type, else by sniffing);
    None for an empty body. ValueError when it is neither."""
    text = content.strip()
    if not text:
        return None
    if "xml" in content_type or text.startswith(b"<"):
        return decode_xml(text)
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("neither JSON nor XML") from None


def xml_body(resource: str, fields: Mapping[str, Any]) -> bytes:
    """`<prestashop><resource><field>value</field>…</resource></prestashop>`, escaped.

    Values are written as text (`True`/`False` as 1/0); a mapping value is written as
    nested elements (used for `associations`), a list as repeated elements.
    """

    def render(name: str, value: Any) -> str:
        if isinstance(value, Mapping):
            inner = "".join(render(k, v) for k, v in value.items())
            return f"<{name}>{inner}</{name}>"
        if isinstance(value, bool):
            value = int(value)
        return f"<{name}>{escape(str(value))}</{name}>"

    inner = "".join(render(name, value) for name, value in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"<{resource}>{inner}</{resource}></prestashop>"
    ).encode()


def items(data: Any, plural: str) -> list[Mapping[str, Any]]:
    """The entries of a list answer: `{"orders": [...]}`, or `[]` (how JSON says "none")."""
    if data is None or data == [] or data == "":
        return []
    if isinstance(data, Mapping):
        found = data.get(plural)
        if found is None or found == "":
            return []
        if isinstance(found, list):
            return [entry for entry in found if isinstance(entry, Mapping)]
        if isinstance(found, Mapping):
            return [found]
    raise ShopError(
        f"PrestaShop answered {plural} in an unexpected shape ({type(data).__name__})",
        code="orderdesk_bad_answer",
    )


def one(data: Any, singular: str, plural: str) -> Mapping[str, Any] | None:
    """The resource of a single answer: `{"order": {...}}`, or the first of a list answer
    (a GET by id with `display=` answers as a list: `{"products": [{...}]}`)."""
    if isinstance(data, Mapping) and isinstance(data.get(singular), Mapping):
        return data[singular]
    found = items(data, plural)
    return found[0] if found else None
