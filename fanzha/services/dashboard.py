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
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.errors import InputRejected, Problem
from fanzha.store.models import Case

DEFAULT_DAYS = 30


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


def intake_figures(session: Session, start: date | None = None, end: date | None = None) -> IntakeFigures:
    """The figures for local days ``start``..``end``, both included.

    Without ``end``: the local day of the latest report in the store (today when it is empty).
    Without ``start``: the 30 days ending on ``end``.
    """
    if end is None:
        latest = session.scalar(select(func.max(Case.reported_at)))
        end = clock.local(latest).date() if latest is not None else clock.local(clock.now()).date()
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InputRejected([Problem("start", f"the first day {start} is after the last day {end}")],
                            "dashboard period refused")
    low, high = _midnight(start), _midnight(end + timedelta(days=1))
    period = (Case.reported_at >= low, Case.reported_at < high)
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
