"""Entity keys (实体标识): one spelling per phone, card, URL or device, so the same thing found in a
report, a statement and a call record is one node.

Phones, cards, QQ numbers and IMEIs keep their digits only (a leading +86/0086 is dropped from
phones); URLs are lower-cased without a trailing slash; MACs are upper-case hex pairs joined by
colons; a reported "device" is an IMEI when it is 14-16 digits, a MAC when it is 12 hex digits.
"""
from __future__ import annotations

import re

_HEX = re.compile(r"[^0-9A-Fa-f]")
_NOT_DIGIT = re.compile(r"\D")


def digits(value: str) -> str:
    return _NOT_DIGIT.sub("", value or "")


def phone_key(value: str) -> str:
    d = digits(value)
    if d.startswith("0086"):
        d = d[4:]
    elif d.startswith("86") and len(d) == 13:
        d = d[2:]
    return d


def mac_key(value: str) -> str:
    h = _HEX.sub("", value or "").upper()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2)) if len(h) == 12 else (value or "").strip().upper()


def url_key(value: str) -> str:
    return (value or "").strip().lower().rstrip("/")


def entity_key(kind: str, value: str | None) -> tuple[str, str] | None:
    """(entity kind, normalised key), or None when nothing is left to name."""
    if value is None:
        return None
    value = str(value).strip()
    kind = kind.strip().lower()
    if kind == "device":
        d = digits(value)
        if 14 <= len(d) <= 16 and len(d) == len(value):
            kind, key = "imei", d
        elif len(_HEX.sub("", value)) == 12:
            kind, key = "mac", mac_key(value)
        else:
            kind, key = "imei", value.upper()
    elif kind == "phone":
        key = phone_key(value)
    elif kind in ("account", "qq", "imei"):
        key = digits(value)
    elif kind == "mac":
        key = mac_key(value)
    elif kind == "url":
        key = url_key(value)
    elif kind == "wechat":
        key = value.lower()
    else:
        key = value
    return (kind, key[:256]) if key else None
