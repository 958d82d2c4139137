"""What a citizen may look up (风险查询): a phone number, bank account, URL, QQ or WeChat id, each
written down one way so the look-up and the center's lists compare like with like.

``normalise`` turns what a person typed into the key the lists are indexed by, or raises
ValueError saying what a valid value looks like. URLs compare by host and path (no scheme, no
``www.``, no query, no trailing slash), so ``HTTPS://www.Example.cn/app/?x=1`` is ``example.cn/app``.
"""
from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit

from fanzha.domain.identity import normalise_phone


class RiskKind(StrEnum):
    PHONE = "phone"
    ACCOUNT = "account"
    URL = "url"
    QQ = "qq"
    WECHAT = "wechat"


_WECHAT = re.compile(r"^[a-z][a-z0-9_-]{4,19}$")


def normalise(kind: RiskKind | str, value: str) -> str:
    kind = RiskKind(kind)
    text = str(value or "").strip()
    if not text:
        raise ValueError("type the number, account, address or id to look up")
    if kind is RiskKind.PHONE:
        try:
            return normalise_phone(text)
        except ValueError:
            raise ValueError("a phone number has 5 to 15 digits, like 13800000000 or 0594-2345678") from None
    if kind is RiskKind.ACCOUNT:
        digits = re.sub(r"[\s\-]", "", text)
        if not digits.isdigit() or not 10 <= len(digits) <= 32:
            raise ValueError("a bank account has 10 to 32 digits, like 6222 0000 0000 0001")
        return digits
    if kind is RiskKind.QQ:
        if not text.isdigit() or not 5 <= len(text) <= 12:
            raise ValueError("a QQ number has 5 to 12 digits")
        return text
    if kind is RiskKind.WECHAT:
        wechat = text.lower()
        if not _WECHAT.match(wechat):
            try:  # a WeChat id may be the phone number it was made with
                return normalise_phone(text)
            except ValueError:
                raise ValueError("a WeChat id has 5 to 20 letters, digits, _ or -, starting with a letter "
                                 "(or is a phone number)") from None
        return wechat
    return _url_key(text)


def _url_key(text: str) -> str:
    if len(text) > 2000:
        raise ValueError("the address is too long")
    parts = urlsplit(text if "://" in text else "http://" + text)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or ("." not in host and host != "localhost") or " " in host:
        raise ValueError("a web address looks like example.com or http://example.com/page")
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    return (host + path)[:256]


def try_normalise(kind: str, value: str) -> str | None:
    """The key, or None when the value cannot be one (a list entry written oddly is skipped)."""
    try:
        return normalise(kind, value)
    except ValueError:
        return None
