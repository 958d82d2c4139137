"""Identity numbers (身份证号) and phone numbers: format checks that catch typos at intake."""
from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an 18-digit identity number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """Return the identity number upper-cased, or raise when it is not 17 digits and a digit or X.

    A wrong check digit is not refused here: reports arrive with typos and the report still has
    to be taken; ``id_check_ok`` lets intake flag it for the duty officer.
    """
    text = value.strip().upper()
    if not _ID.match(text):
        raise ValueError(f"identity number {value!r} must be 17 digits followed by a digit or X")
    return text


def id_check_ok(value: str) -> bool:
    """Whether an 18-digit identity number's check character is right."""
    return bool(_ID.match(value)) and id_check_digit(value[:17]) == value[17]


def normalise_phone(value: str) -> str:
    """Strip spaces, dashes and a +86 prefix; phone numbers are kept as digit strings."""
    text = re.sub(r"[\s\-()]", "", str(value))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text.isdigit() or not 5 <= len(text) <= 15:
        raise ValueError(f"phone number {value!r} is not a phone number")
    return text


def is_mobile(number: str) -> bool:
    return bool(_MOBILE.match(number))


def mask(value: str | None, keep_head: int = 4, keep_tail: int = 4) -> str:
    """Mask the middle of an identifier for lists and pages (3502**********1234)."""
    if not value:
        return ""
    if len(value) <= keep_head + keep_tail:
        return value[:1] + "*" * (len(value) - 1)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]
