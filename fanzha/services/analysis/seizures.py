"""Things seized (缴获): bank cards, phone cards, phones, SIM boxes, computers, tools and cash,
with the day and the county that seized them, on a suspect, a case or a series.

``count`` is pieces (fen for cash). A retried request with the same client key records nothing
new; two real seizures of the same kind on the same day stay two records.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check, check_case
from fanzha.domain.actor import Actor
from fanzha.domain.crackdown import SeizureKind
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services import audit
from fanzha.services.analysis.arrests import measure_time, region_problem
from fanzha.services.analysis.request_keys import check_race, clean_key, earlier
from fanzha.services.analysis.suspects import load
from fanzha.store.models import Case, Seizure, Series

COUNT_MAX = 10**12


@dataclass
class SeizureIn:
    kind: str
    count: int
    at: date | datetime
    region: str | None
    suspect_id: int | None = None
    case_id: int | None = None
    series_id: int | None = None
    note: str = ""


def record_seizure(session: Session, actor: Actor, data: SeizureIn,
                   client_key: str | None = None) -> tuple[Seizure, bool]:
    """One seizure; returns it and whether it is new (False: this client key made it before)."""
    check(actor, Permission.ANALYSIS_WORK, object_type="seizure")
    key = clean_key(client_key)
    made = earlier(session, "seizure.record", key)
    if made is not None:
        return session.get(Seizure, made), False
    problems = []
    case_id, series_id = data.case_id, data.series_id
    if data.suspect_id is not None:
        suspect = load(session, actor, data.suspect_id, Permission.ANALYSIS_WORK)
        case_id, series_id = case_id or suspect.case_id, series_id or suspect.series_id
    if data.kind not in {k.value for k in SeizureKind}:
        problems.append(Problem("kind", "choose what was seized: " + ", ".join(k.value for k in SeizureKind)))
    if not isinstance(data.count, int) or not 1 <= data.count <= COUNT_MAX:
        problems.append(Problem("count", "how many pieces (for cash: the sum in fen), at least 1"))
    when = measure_time(data.at)
    if when > clock.now():
        problems.append(Problem("at", "the day is in the future: record the day of the seizure"))
    if (why := region_problem(session, actor, data.region)) is not None:
        problems.append(why)
    if case_id is None and series_id is None:
        problems.append(Problem("case_id", "a seizure belongs to a suspect, a case or a series: give one"))
    if case_id is not None:
        case = session.get(Case, case_id)
        if case is None:
            problems.append(Problem("case_id", f"no case #{case_id}"))
        else:
            check_case(actor, Permission.ANALYSIS_WORK, case.id, case.region, case.station_id)
    if series_id is not None and session.get(Series, series_id) is None:
        problems.append(Problem("series_id", f"no series #{series_id}"))
    if problems:
        raise InputRejected(problems, "seizure refused")
    seizure = Seizure(at=when, kind=data.kind, count=data.count, region=data.region, case_id=case_id,
                      series_id=series_id, suspect_id=data.suspect_id, recorded_by=actor.username[:64],
                      note=data.note.strip()[:2000])
    session.add(seizure)
    session.flush()
    seq = audit.record(session, actor, "seizure.record", object_type="seizure", object_id=seizure.id, detail={
        "kind": data.kind, "count": data.count, "suspect_id": data.suspect_id, "case_id": case_id,
        "series_id": series_id, "region": data.region, "client_key": key})
    check_race(session, "seizure.record", key, seq)
    return seizure, True


def seizures_of(session: Session, actor: Actor, *, suspect_id: int | None = None, case_id: int | None = None,
                series_id: int | None = None, limit: int = 500) -> list[Seizure]:
    check(actor, Permission.ANALYSIS_READ, object_type="seizure")
    terms = []
    if suspect_id is not None:
        terms.append(Seizure.suspect_id == suspect_id)
    if case_id is not None or series_id is not None:
        terms.append(or_(Seizure.case_id == case_id, Seizure.series_id == series_id))
    return list(session.scalars(select(Seizure).where(*terms).order_by(Seizure.at.desc(), Seizure.id.desc())
                                .limit(limit)))
