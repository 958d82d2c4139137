"""Measures against suspects (打击处理): detention, arrest, prosecution, administrative penalty,
discipline — recorded with the day and the county that took them.

These records are what the statistics desk counts as people dealt with (打处人数): distinct
suspects with a measure whose ``Arrest.at`` falls in the period, by ``Arrest.region``. So the
day must be the day the measure was taken (not the day it was typed in), never in the future,
and the region one of the city's counties. The same measure against the same suspect is one
record: recording it again changes nothing and says so.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.crackdown import Measure, SuspectStatus
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.services import audit
from fanzha.services.analysis.request_keys import clean_key
from fanzha.services.analysis.suspects import load
from fanzha.services.organisations import known_regions
from fanzha.store.models import Arrest

# Criminal measures need the suspect in hand; a penalty or discipline does not.
NEEDS_CUSTODY = frozenset({Measure.DETENTION, Measure.ARREST, Measure.PROSECUTION})
NOTE_MAX = 2000


def measure_time(day: date | datetime) -> datetime:
    """The instant a measure counts at: a day is taken as 00:00 in the center's zone."""
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise InputRejected([Problem("at", "the time must carry a zone")], "bad time")
        return day
    return datetime.combine(day, time(0, 0), tzinfo=clock.CENTER_TZ)


def region_problem(session: Session, actor: Actor, region: str | None, place: str = "region") -> Problem | None:
    regions = known_regions(session)
    if not region or region not in regions:
        return Problem(place, "choose the county that took it: " + "、".join(regions))
    if not actor.is_system and actor.scope is Scope.COUNTY and region != actor.region:
        return Problem(place, f"you record for {actor.region} only")
    return None


def measures_of(session: Session, suspect_id: int) -> list[Arrest]:
    return list(session.scalars(select(Arrest).where(Arrest.suspect_id == suspect_id).order_by(Arrest.at, Arrest.id)))


def record_measure(session: Session, actor: Actor, suspect_id: int, measure: str, at: date | datetime,
                   region: str | None, note: str = "", client_key: str | None = None) -> tuple[Arrest, bool]:
    """One measure against one suspect; returns it and whether it is new."""
    suspect = load(session, actor, suspect_id, Permission.ANALYSIS_WORK)
    clean_key(client_key)
    problems = []
    if measure not in {m.value for m in Measure}:
        problems.append(Problem("measure", "choose a measure from the list: " + ", ".join(m.value for m in Measure)))
    else:
        same = session.scalar(select(Arrest).where(Arrest.suspect_id == suspect.id, Arrest.measure == measure))
        if same is not None:
            return same, False  # recorded before (a retry, or a second clerk): one record
    when = measure_time(at)
    if when > clock.now():
        problems.append(Problem("at", "the day is in the future: record the day the measure was taken"))
    if (why := region_problem(session, actor, region)) is not None:
        problems.append(why)
    if measure in {m.value for m in NEEDS_CUSTODY} and suspect.status not in (SuspectStatus.CAUGHT.value,
                                                                              SuspectStatus.HANDED_OVER.value):
        status = SuspectStatus(suspect.status)
        problems.append(Problem("measure", f"{Measure(measure).label_zh} needs the suspect in custody: "
                                           f"{suspect.suspect_no} is {status.value} ({status.label_zh}); "
                                           "record the capture first (move to caught)"))
    if problems:
        raise InputRejected(problems, "measure refused")
    arrest = Arrest(suspect_id=suspect.id, measure=measure, at=when, region=region, case_id=suspect.case_id,
                    series_id=suspect.series_id, recorded_by=actor.username[:64], note=note.strip()[:NOTE_MAX])
    session.add(arrest)
    session.flush()
    audit.record(session, actor, "suspect.measure", object_type="suspect", object_id=suspect.id, detail={
        "suspect_no": suspect.suspect_no, "measure": measure, "at": when.isoformat(), "region": region,
        "client_key": client_key})
    return arrest, True
