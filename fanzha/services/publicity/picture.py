"""Publicity next to the case trends (宣传与发案): where publicity went and what followed.

Weeks run Monday to Sunday in local time; a case counts on the local day it was reported. For
each district the page compares the **last 4 weeks** (the end day and the 27 days before it)
with the **4 weeks before** those, and flags a district whose cases rose while it had no publicity
event in those 8 weeks, or fewer than the districts' average: there publicity should go next.
The fraud types rising in a district (domain.publicity.rising) are the suggested topics of its
next public SMS.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.publicity import WINDOW_WEEKS, Rise, rising, week_start
from fanzha.services.organisations import known_regions
from fanzha.store.models import Case, Consultation, MediaItem, PublicityEvent, PublicSmsBroadcast

DEFAULT_WEEKS = 12


@dataclass
class Week:
    start: date
    events: int = 0
    people_reached: int = 0
    materials: int = 0
    sms_sent: int = 0
    cases: int = 0


@dataclass
class District:
    region: str
    events: int = 0  # in the whole window
    people_reached: int = 0
    sms_sent: int = 0
    cases: int = 0
    events_8w: int = 0  # in the last 8 weeks
    cases_recent: int = 0  # last 4 weeks
    cases_before: int = 0  # the 4 weeks before
    flagged: bool = False  # cases rising, little publicity
    rising: list[Rise] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.cases_recent - self.cases_before


@dataclass
class Picture:
    start: date
    end: date
    weeks: list[Week]
    districts: list[District]
    totals: dict[str, int]
    recent_from: date
    before_from: date


def may_read(actor: Actor) -> None:
    if not (actor.may(Permission.PUBLICITY_RECORD) or actor.may(Permission.STATS_READ)):
        raise AccessDenied(actor, Permission.PUBLICITY_RECORD, object_type="publicity")


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.CENTER_TZ)


def default_end(session: Session) -> date:
    """The latest day anything happened (a loaded city may lie in the past), else today."""
    days = [clock.local(clock.now()).date()]
    latest_case = session.scalar(select(func.max(Case.reported_at)))
    latest_event = session.scalar(select(func.max(PublicityEvent.held_on)))
    if latest_case is not None or latest_event is not None:
        days = [d for d in (clock.local(latest_case).date() if latest_case else None, latest_event) if d]
    return max(days)


def publicity_picture(session: Session, actor: Actor, end: date | None = None,
                      weeks: int = DEFAULT_WEEKS) -> Picture:
    may_read(actor)
    weeks = max(2 * WINDOW_WEEKS, min(weeks, 104))
    end = end or default_end(session)
    first = week_start(end) - timedelta(weeks=weeks - 1)
    recent_from = end - timedelta(days=7 * WINDOW_WEEKS - 1)
    before_from = recent_from - timedelta(days=7 * WINDOW_WEEKS)
    since = min(first, before_from)
    only = actor.region if actor.scope is not Scope.ALL and not actor.is_system else None
    regions = [r for r in known_regions(session) if only is None or r == only]

    by_week = {first + timedelta(weeks=i): Week(first + timedelta(weeks=i)) for i in range(weeks)}
    districts = {r: District(r) for r in regions}
    recent_types: dict[str, Counter] = defaultdict(Counter)
    before_types: dict[str, Counter] = defaultdict(Counter)

    cases = select(Case.reported_at, Case.region, Case.fraud_type).where(
        Case.reported_at >= _utc(since), Case.reported_at < _utc(end + timedelta(days=1)))
    if only:
        cases = cases.where(Case.region == only)
    for reported_at, region, fraud_type in session.execute(cases):
        day = clock.local(reported_at).date()
        district = districts.get(region)
        if day >= first:
            by_week[week_start(day)].cases += 1
            if district:
                district.cases += 1
        if district is None:
            continue
        if day >= recent_from:
            district.cases_recent += 1
            if fraud_type:
                recent_types[region][fraud_type] += 1
        elif day >= before_from:
            district.cases_before += 1
            if fraud_type:
                before_types[region][fraud_type] += 1

    events = select(PublicityEvent.held_on, PublicityEvent.region, PublicityEvent.people_reached,
                    PublicityEvent.materials).where(PublicityEvent.held_on >= since, PublicityEvent.held_on <= end)
    if only:
        events = events.where(PublicityEvent.region == only)
    for held_on, region, people, materials in session.execute(events):
        district = districts.get(region)
        if held_on >= first:
            week = by_week[week_start(held_on)]
            week.events += 1
            week.people_reached += people
            week.materials += materials
            if district:
                district.events += 1
                district.people_reached += people
        if district and held_on >= before_from:
            district.events_8w += 1

    sms = select(PublicSmsBroadcast.sent_on, PublicSmsBroadcast.region, PublicSmsBroadcast.sent).where(
        PublicSmsBroadcast.sent_on >= first, PublicSmsBroadcast.sent_on <= end)
    if only:
        sms = sms.where(PublicSmsBroadcast.region == only)
    for sent_on, region, sent in session.execute(sms):
        by_week[week_start(sent_on)].sms_sent += sent
        if region in districts:
            districts[region].sms_sent += sent

    rows = list(districts.values())
    average = sum(d.events_8w for d in rows) / len(rows) if rows else 0
    for d in rows:
        d.flagged = d.cases_recent > d.cases_before and (d.events_8w == 0 or d.events_8w < average)
        d.rising = rising(dict(recent_types[d.region]), dict(before_types[d.region]))
    rows.sort(key=lambda d: (not d.flagged, -d.change, d.region))

    weekly = list(by_week.values())
    totals = {
        "events": sum(w.events for w in weekly), "people_reached": sum(w.people_reached for w in weekly),
        "materials": sum(w.materials for w in weekly), "sms_sent": sum(w.sms_sent for w in weekly),
        "cases": sum(w.cases for w in weekly),
        "media_reach": _sum(session, MediaItem.reach, MediaItem.published_on, first, end, MediaItem.region, only),
        "media": _count(session, MediaItem.id, MediaItem.published_on, first, end, MediaItem.region, only),
        "consultations": _count(session, Consultation.id, Consultation.at, _utc(first),
                                _utc(end + timedelta(days=1)), Consultation.region, only, exclusive=True),
        "answered": _count(session, Consultation.id, Consultation.at, _utc(first), _utc(end + timedelta(days=1)),
                           Consultation.region, only, exclusive=True, answered=True),
    }
    return Picture(first, end, weekly, rows, totals, recent_from, before_from)


def _window(column, start, end, exclusive: bool):
    return (column >= start, column < end) if exclusive else (column >= start, column <= end)


def _sum(session, value, day_col, start, end, region_col, only) -> int:
    query = select(func.coalesce(func.sum(value), 0)).where(*_window(day_col, start, end, False))
    if only:
        query = query.where(region_col == only)
    return int(session.scalar(query) or 0)


def _count(session, id_col, day_col, start, end, region_col, only, *, exclusive: bool = False,
           answered: bool | None = None) -> int:
    query = select(func.count(id_col)).where(*_window(day_col, start, end, exclusive))
    if only:
        query = query.where(region_col == only)
    if answered is not None:
        query = query.where(Consultation.answered.is_(answered))
    return int(session.scalar(query) or 0)


def sms_suggestions(picture: Picture) -> list[tuple[str, list[Rise]]]:
    """Where a public SMS should go next and what it should warn about: districts with rising types."""
    return [(d.region, d.rising) for d in picture.districts if d.rising]
