"""Trends (趋势) for the command desk: the period's local days folded into weeks or months, each
against the same days a year earlier; and the period a page opens on when none is chosen."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.services.command.area import Area
from fanzha.services.command.period import Period
from fanzha.services.command.statistics import Figure
from fanzha.store.models import Case

GRAINS = ("day", "week", "month")


def trend(by_day: list[tuple[date, Figure, Figure]], grain: str) -> list[tuple[str, Figure, Figure]]:
    """(label, cases, loss) per day, per week (starting Monday, labelled by its first day in the
    period) or per month (YYYY-MM); each figure carries this year and the same days last year."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    buckets: dict[str, list[int]] = {}
    for day, cases, loss in by_day:
        if grain == "day":
            key = day.isoformat()
        elif grain == "week":
            key = max(day - timedelta(days=day.weekday()), by_day[0][0]).isoformat()
        else:
            key = f"{day:%Y-%m}"
        b = buckets.setdefault(key, [0, 0, 0, 0])
        b[0] += cases.this
        b[1] += cases.last
        b[2] += loss.this
        b[3] += loss.last
    return [(k, Figure("cases", v[0], v[1]), Figure("loss_fen", v[2], v[3])) for k, v in buckets.items()]


def default_grain(period: Period) -> str:
    return "day" if period.days <= 62 else "week" if period.days <= 120 else "month"


def default_period(session: Session, area: Area) -> Period:
    """The month of the latest case reported in the area (this month when there is none)."""
    cond = []
    if area.region is not None:
        cond.append(Case.region == area.region)
    if area.station_id is not None:
        cond.append(Case.station_id == area.station_id)
    latest = session.scalar(select(func.max(Case.reported_at)).where(*cond))
    day = clock.local(latest or clock.now()).date()
    return Period.month(day.year, day.month)
