"""Freezes (冻结): six months, renewable, always backed by a legal document number."""
from __future__ import annotations

import calendar
import re
from datetime import datetime

FREEZE_MONTHS = 6
_DOCUMENT = re.compile(r"^\S.{3,63}$")


def add_months(at: datetime, months: int) -> datetime:
    """The same day and time ``months`` later, clipped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month_index = at.month - 1 + months
    year, month = at.year + month_index // 12, month_index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def freeze_expires_at(frozen_at: datetime) -> datetime:
    if frozen_at.tzinfo is None:
        raise ValueError("frozen_at must carry a zone")
    return add_months(frozen_at, FREEZE_MONTHS)


def renewed_expiry(current_expiry: datetime) -> datetime:
    """A renewal (续冻) runs six months on from the current expiry, so no day is lost or gained."""
    return add_months(current_expiry, FREEZE_MONTHS)


def validate_legal_document(number: str | None) -> str:
    """A freeze needs the number of the legal document (冻结法律文书) that orders it."""
    text = (number or "").strip()
    if not _DOCUMENT.match(text):
        raise ValueError("a freeze needs the legal document number (冻结法律文书号), 4 to 64 characters")
    return text
