"""Amounts as people type them: "12,50", "1 234,50", "1,234.50" -> "12.50", "1234.50".

Why one place: the refund, return and order-edit screens each parse typed money, and staff
type it the way their country writes it. French writes a decimal comma and groups
thousands with a (narrow no-break) space, "1 234,50"; English "1,234.50". Both are read in
both interface languages, because the language shown is not always the habit of the hand.

The rules, chosen so that no typing slip silently becomes another amount:

- a single "." or "," is the decimal mark ("12,50" and "12.50" are 12.50; "1,234" is
  1.234, which a money field then refuses for its decimals rather than reading 1234);
- with both, the last one is the decimal mark and the other groups thousands
  ("1.234,50", "1,234.50");
- spaces (plain, no-break U+00A0, narrow no-break U+202F, thin U+2009, figure U+2007)
  group thousands, and only in groups of three ("1 234" yes, "12 34" no).

Anything else comes back as typed (stripped), for the caller's "not an amount".
"""

from __future__ import annotations

import re

#: The spaces that group thousands.
GROUP_SPACES = " \u00a0\u202f\u2009\u2007"
_DIGITS = re.compile(r"[0-9]*")


def _ungrouped(integer: str, separators: str) -> str | None:
    """`integer` without its thousands separators, or None if they are misplaced."""
    if not any(ch in separators for ch in integer):
        return integer if _DIGITS.fullmatch(integer) else None
    pattern = rf"[0-9]{{1,3}}(?:[{re.escape(separators)}][0-9]{{3}})+"
    if not re.fullmatch(pattern, integer):
        return None
    return re.sub(rf"[{re.escape(separators)}]", "", integer)


def canonical_amount(text: str) -> str:
    """`text` with a "." decimal mark and no grouping ("1 234,50" -> "1234.50"), sign
    kept; `text.strip()` when it is not laid out as a number (see the module docstring)."""
    typed = text.strip()
    body = typed
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:].lstrip(GROUP_SPACES)
    groups = GROUP_SPACES
    if "," in body and "." in body:
        mark = "," if body.rfind(",") > body.rfind(".") else "."
        groups += "." if mark == "," else ","
    elif body.count(",") + body.count(".") == 1:
        mark = "," if "," in body else "."
    elif "," in body or "." in body:
        return typed  # "1.2.3": not a number
    else:
        mark = ""
    integer, _, fraction = body.rpartition(mark) if mark else (body, "", "")
    whole = _ungrouped(integer, groups)
    if whole is None or not _DIGITS.fullmatch(fraction):
        return typed
    return sign + whole + ("." + fraction if mark else "")
