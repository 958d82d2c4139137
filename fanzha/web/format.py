"""How values look on pages: yuan with thousands separators, masked identifiers, local times.

Lists and pages show identifiers masked (陈*明, 138****0000) so a screen or a printout does not
give away a victim's details; the full values stay in the store and the API detail.
"""
from __future__ import annotations

from datetime import date, datetime

from fanzha.domain.clock import local
from fanzha.domain.identity import mask


def yuan(fen: int | None) -> str:
    """134100000 fen → '1,341,000.00' (integer arithmetic, no floats)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def mask_name(name: str | None) -> str:
    """陈某明 → 陈*明, 李四 → 李*; first and last character kept."""
    if not name:
        return ""
    return mask(name, keep_head=1, keep_tail=1) if len(name) > 2 else name[:1] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """13800000000 → 138****0000."""
    return mask(phone, keep_head=3, keep_tail=4)


def mask_id(id_number: str | None) -> str:
    """350302197901011234 → 3503**********1234."""
    return mask(id_number, keep_head=4, keep_tail=4)


def mask_account(number: str | None) -> str:
    """6222000000000001 → 6222********0001."""
    return mask(number, keep_head=4, keep_tail=4)


def local_time(value: datetime | None, seconds: bool = False) -> str:
    """An aware time as the center's local clock reads it: 2024-05-30 15:40."""
    if value is None:
        return ""
    return local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso_local(value: datetime | None) -> str | None:
    """ISO 8601 in the center's zone (+08:00), as the API answers times."""
    return local(value).isoformat() if value is not None else None


def day(value: date | None) -> str:
    return value.isoformat() if value else ""
