"""Times carry a zone. Times written without one are Asia/Shanghai, the center's local time."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CENTER_TZ = ZoneInfo("Asia/Shanghai")

_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
)


def parse_time(value: str | datetime) -> datetime:
    """Read a time from a file or form; naive times are taken as Asia/Shanghai."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("time is empty")
        parsed = None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for fmt in _FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise ValueError(f"time {text!r} is not a date and time like 2024-05-30 15:02:00")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CENTER_TZ)
    return parsed


def now() -> datetime:
    """The current time, zone-aware (UTC)."""
    return datetime.now(UTC)


def local(value: datetime) -> datetime:
    """The same instant in the center's local time, for display."""
    return value.astimezone(CENTER_TZ)


FIRST_DAY = date(1900, 1, 1)  # days a query may name: far enough for any record, and no
LAST_DAY = date(2999, 12, 31)  # overflow when a day is turned into a time or moved by a day


def day_problem(day: date | None, place: str) -> str | None:
    """Why ``day`` cannot be used in a query (None when it can)."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        return f"{place} {day.isoformat()} is outside {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
    return None
