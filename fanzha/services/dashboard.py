"""Dashboard figures (指挥 / 接警 统计): cases and losses over a period, by day, type, region, status.

Everything is counted in the database: one GROUP BY over the period by local day, one by fraud
type, region and status, both read from an index that holds all those columns; the few hundred
groups are then folded here. Days are the center's local days (Asia/Shanghai), while times are
stored in UTC: a report at 2024-05-31 23:30 +08:00 (15:30 UTC) counts on the 31st, one at
2024-06-01 00:10 +08:00 (2024-05-31 16:10 UTC) on June 1st.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.clock import CENTER_TZ, day_problem
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.store.models import Case

DEFAULT_DAYS = 30
MAX_DAYS = 3_660  # ten years by day


@dataclass(frozen=True)
class IntakeFigures:
    period_start: date  # inclusive local dates
    period_end: date
    cases: int
    loss_fen: int
    unclassified: int  # cases with no fraud type yet (未定性)
    by_fraud_type: list[tuple[str | None, int, int]]  # (FraudType value or None, cases, loss), most cases first
    by_day: list[tuple[date, int, int]]  # every day of the period, zero-filled: (day, cases, loss)
    by_region: list[tuple[str, int, int]]  # (region, cases, loss), most cases first
    by_status: list[tuple[str, int]]  # every CaseStatus in the order of a case's life, zero-filled


def intake_figures(session: Session, actor: Actor, start: date | None = None,
                   end: date | None = None) -> IntakeFigures:
    """The figures for local days ``start``..``end``, both included, over the actor's area (the
    city, a county, a station's cases). Figures only: counts and sums, never a person.

    Without ``end``: the local day of the latest report in the area (today when there is none).
    Without ``start``: the 30 days ending on ``end``.
    """
    check(actor, Permission.DASHBOARD_READ)
    area = _area(actor)
    if end is None:
        latest = session.scalar(select(func.max(Case.reported_at)).where(*area))
        end = clock.local(latest).date() if latest is not None else clock.local(clock.now()).date()
    problems = [Problem(place, reason) for place, day in (("start", start), ("end", end))
                if (reason := day_problem(day, place))]
    if start is None and not problems:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if not problems and start > end:
        problems.append(Problem("start", f"the first day {start} is after the last day {end}"))
    elif not problems and (end - start).days >= MAX_DAYS:
        problems.append(Problem("start", f"a period has at most {MAX_DAYS} days; {start} to {end} has "
                                         f"{(end - start).days + 1}"))
    if problems:
        raise InputRejected(problems, "dashboard period refused")
    low, high = _midnight(start), _midnight(end + timedelta(days=1))
    period = (Case.reported_at >= low, Case.reported_at < high, *area)
    day = _local_day(session.get_bind().dialect.name, low, high)
    days: dict[date, list[int]] = {start + timedelta(days=i): [0, 0] for i in range((end - start).days + 1)}
    for local_day, count, loss in session.execute(
        select(day, func.count(), func.sum(Case.loss_fen)).where(*period).group_by(day)
    ):
        if isinstance(local_day, str):
            local_day = date.fromisoformat(local_day)
        days[local_day] = [count, int(loss or 0)]
    types: dict[str | None, list[int]] = {}
    regions: dict[str, list[int]] = {}
    statuses: dict[str, int] = {s.value: 0 for s in CaseStatus}
    for fraud_type, region, status, count, loss in session.execute(
        select(Case.fraud_type, Case.region, Case.status, func.count(), func.sum(Case.loss_fen))
        .where(*period).group_by(Case.fraud_type, Case.region, Case.status)
    ):
        loss = int(loss or 0)
        for bucket in (types.setdefault(fraud_type, [0, 0]), regions.setdefault(region, [0, 0])):
            bucket[0] += count
            bucket[1] += loss
        statuses[status] = statuses.get(status, 0) + count
    return IntakeFigures(
        period_start=start,
        period_end=end,
        cases=sum(c for c, _ in days.values()),
        loss_fen=sum(loss for _, loss in days.values()),
        unclassified=types.get(None, [0, 0])[0],
        by_fraud_type=[(k, c, loss) for k, (c, loss) in sorted(
            types.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0] is None, kv[0] or ""))],
        by_day=[(d, c, loss) for d, (c, loss) in sorted(days.items())],
        by_region=[(k, c, loss) for k, (c, loss) in sorted(regions.items(), key=lambda kv: (-kv[1][0], kv[0]))],
        by_status=list(statuses.items()),
    )


def _area(actor: Actor) -> list:
    """The conditions that keep the figures to the actor's area."""
    scope = actor.scope
    if scope is Scope.ALL:
        return []
    if scope is Scope.COUNTY:
        return [Case.region == actor.region]
    if scope is Scope.STATION:
        return [Case.station_id == actor.org_id, Case.region == actor.region]
    raise AccessDenied(actor, Permission.DASHBOARD_READ, "scope")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CENTER_TZ)


def _local_day(dialect: str, low: datetime, high: datetime):
    """The local calendar day of ``cases.reported_at``, computed by the database."""
    if dialect == "postgresql":
        return cast(func.timezone(CENTER_TZ.key, Case.reported_at), Date)
    # SQLite stores UTC text; shift it by the zone's offset. Asia/Shanghai has kept +08:00 since
    # 1991; a zone whose offset changes inside the period is refused rather than miscounted.
    offset = low.utcoffset()
    if offset != (high - timedelta(seconds=1)).utcoffset():
        raise NotImplementedError(f"{CENTER_TZ.key} changes its UTC offset inside the period")
    return func.date(Case.reported_at, f"{int(offset.total_seconds()):+d} seconds")
