"""How values look on pages: yuan with thousands separators, masked identifiers, local times.

Lists and pages show identifiers masked (陈*明, 138****0000) so a screen or a printout does not
give away a victim's details; the masking itself lives in domain/privacy.py.
"""
from __future__ import annotations

from datetime import date, datetime

from fanzha.domain.clock import local
from fanzha.domain.privacy import mask_account, mask_id, mask_name, mask_phone

__all__ = ["day", "iso_local", "local_time", "mask_account", "mask_id", "mask_name", "mask_phone", "yuan"]


def yuan(fen: int | None) -> str:
    """134100000 fen → '1,341,000.00' (integer arithmetic, no floats)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


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
