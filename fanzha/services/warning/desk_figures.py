"""The warning desk's picture (预警态势): open leads by grade and age, how fast stations sign for
and finish them, dissuasion rate and loss avoided by day, where the leads come from and which
fraud types they are. Scoped like the board: a station sees its own, a county its county."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.dissuasion import Result
from fanzha.domain.permissions import Permission
from fanzha.domain.warning_lead import Grade
from fanzha.services.warning.signals import CLOSED
from fanzha.services.warning.work import scope_terms
from fanzha.store.models import LeadSignal, Organisation, WarningLead

AGE_BUCKETS = ((timedelta(minutes=10), "<10m"), (timedelta(hours=1), "10m-1h"), (timedelta(hours=24), "1h-24h"),
               (None, ">24h"))
REACHED = (Result.DISSUADED.value, Result.DEFRAUDED.value)  # the person was reached in the end


def _bucket(age: timedelta) -> str:
    return next(label for limit, label in AGE_BUCKETS if limit is None or age < limit)


def desk_figures(session: Session, actor: Actor, days: int = 14, now: datetime | None = None) -> dict:
    check(actor, Permission.LEADS_READ, object_type="warning_lead")
    terms = scope_terms(actor)
    now = now or clock.now()
    empty = {"open": {}, "stations": [], "days": [], "sources": {}, "fraud_types": {}, "totals": {}}
    if terms is None:
        return empty
    since = now - timedelta(days=days)
    open_rows = session.execute(select(WarningLead.grade, WarningLead.raised_at)
                                .where(*terms, WarningLead.state != CLOSED)).all()
    by_grade_age: dict[str, Counter] = {g.value: Counter() for g in Grade}
    for grade, raised in open_rows:
        by_grade_age[grade][_bucket(now - raised)] += 1
    window = session.execute(select(WarningLead.station_id, WarningLead.raised_at, WarningLead.signed_at,
                                    WarningLead.closed_at, WarningLead.result, WarningLead.loss_avoided_fen,
                                    WarningLead.fraud_type)
                             .where(*terms, WarningLead.raised_at >= since)).all()
    names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    sign_minutes: dict[int | None, list[float]] = defaultdict(list)
    finish_minutes: dict[int | None, list[float]] = defaultdict(list)
    per_day: dict[str, Counter] = defaultdict(Counter)
    fraud_types: Counter = Counter()
    for station, raised, signed, closed, result, avoided, fraud_type in window:
        if signed:
            sign_minutes[station].append((signed - raised).total_seconds() / 60)
        if closed:
            finish_minutes[station].append((closed - raised).total_seconds() / 60)
        day = clock.local(raised).date().isoformat()
        per_day[day]["raised"] += 1
        if result:
            per_day[day]["closed"] += 1
            per_day[day][result] += 1
            per_day[day]["avoided_fen"] += avoided or 0
        fraud_types[fraud_type or "unknown"] += 1
    stations = [{"station": names.get(sid, "—") if sid else "—", "signed": len(sign_minutes[sid]),
                 "sign_median_min": round(median(sign_minutes[sid]), 1) if sign_minutes[sid] else None,
                 "closed": len(finish_minutes[sid]),
                 "finish_median_min": round(median(finish_minutes[sid]), 1) if finish_minutes[sid] else None}
                for sid in sorted(set(sign_minutes) | set(finish_minutes), key=lambda s: names.get(s, "") if s else "")]
    day_rows = []
    for offset in range(days, -1, -1):
        day = clock.local(now - timedelta(days=offset)).date().isoformat()
        c = per_day.get(day, Counter())
        reached = sum(c[r] for r in REACHED)
        day_rows.append({"day": day, "raised": c["raised"], "closed": c["closed"],
                         "dissuaded": c[Result.DISSUADED.value],
                         "dissuasion_rate": round(c[Result.DISSUADED.value] / reached, 4) if reached else None,
                         "loss_avoided_fen": c["avoided_fen"]})
    sources = dict(session.execute(select(LeadSignal.source, func.count()).join(
        WarningLead, WarningLead.id == LeadSignal.lead_id).where(*terms, LeadSignal.received_at >= since)
        .group_by(LeadSignal.source)).all())
    dissuaded = sum(d["dissuaded"] for d in day_rows)
    reached = sum(per_day[d][r] for d in per_day for r in REACHED)
    return {
        "open": {g: dict(c) for g, c in by_grade_age.items()}, "age_buckets": [label for _, label in AGE_BUCKETS],
        "stations": stations, "days": day_rows, "sources": sources, "fraud_types": dict(fraud_types),
        "totals": {"open": len(open_rows), "raised": len(window), "dissuaded": dissuaded,
                   "dissuasion_rate": round(dissuaded / reached, 4) if reached else None,
                   "loss_avoided_fen": sum(d["loss_avoided_fen"] for d in day_rows)},
    }
