"""Contacts (涉案联系方式): how the fraudster reached the victim, as reported."""
from __future__ import annotations

from enum import StrEnum


class ContactKind(StrEnum):
    PHONE = "phone"
    ACCOUNT = "account"
    URL = "url"
    APP = "app"
    WECHAT = "wechat"
    QQ = "qq"
    IP = "ip"
    DEVICE = "device"

    @classmethod
    def parse(cls, text: str) -> ContactKind:
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            raise ValueError(
                f"contact kind {text!r} is unknown; use one of: " + ", ".join(k.value for k in cls)
            ) from None
