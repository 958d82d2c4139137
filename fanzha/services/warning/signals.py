"""Taking a warning sign in (预警信号): resolve the person, merge into their open lead, grade, route.

Every source — the telecom desk's call screen, the funds desk and bank feeds, URL and app hits,
citizens' reports, leads pushed down from above — arrives as one ``SignalIn``. The person is
resolved from the identity number, then the phone (registry, then persons' own numbers), then the
account; the same person at risk from several signals is one open lead with all of them. A
signal is taken once (source + its own reference). The lead is graded by the domain's stated
rule and routed by the person's district down to their station; a person the registry does not
know stays with the city desk, and a district the city does not have is refused, with reasons.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.domain.warning_lead import Grade, LeadSource, Signals, Stage, finish_by, grade, sign_by
from fanzha.services import audit
from fanzha.services.organisations import known_regions, station_org_id
from fanzha.store.models import Account, LeadSignal, LeadStep, Person, Phone, WarningLead

CONTACT_SOURCES = frozenset({LeadSource.CALL_IN_PROGRESS, LeadSource.FRAUD_CONTACT})
STAGE_ORDER = (Stage.CONTACTED, Stage.ENGAGED, Stage.PAYING)
OPEN, SIGNED, CLOSED = "open", "signed", "closed"


@dataclass(frozen=True)
class SignalIn:
    source: LeadSource
    ref: str  # the signal's own reference (alert id, transaction, push file row); taken once
    at: datetime
    phone: str | None = None
    account: str | None = None
    id_number: str | None = None
    name: str | None = None
    district: str | None = None  # when the person is not in the registry (a pushed lead)
    amount_fen: int = 0
    fraud_type: FraudType | None = None
    stage: Stage = Stage.CONTACTED
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Taken:
    lead: WarningLead
    created: bool  # a new lead (False: merged into the person's open lead, or a repeat)
    repeat: bool = False  # this very signal was taken before


def _problems(signal: SignalIn) -> list[Problem]:
    problems = []
    if not (signal.phone or signal.account or signal.id_number):
        problems.append(Problem("subject", "a lead names a person: give a phone number, an account or an "
                                           "identity number"))
    if not signal.ref.strip():
        problems.append(Problem("ref", "every signal carries its own reference (alert, transaction, file row)"))
    if signal.at.tzinfo is None:
        problems.append(Problem("at", "the time must carry a zone"))
    if signal.amount_fen < 0:
        problems.append(Problem("amount_fen", "must not be negative"))
    return problems


def resolve_person(session: Session, signal: SignalIn) -> Person | None:
    if signal.id_number:
        person = session.scalar(select(Person).where(Person.id_number == signal.id_number.strip()))
        if person is not None:
            return person
    if signal.phone:
        owner = session.scalar(select(Phone.person_id).where(Phone.number == signal.phone.strip()))
        if owner is not None:
            return session.get(Person, owner)
        person = session.scalar(select(Person).where(Person.phone == signal.phone.strip()).limit(1))
        if person is not None:
            return person
    if signal.account:
        owner = session.scalar(select(Account.person_id).where(Account.number == signal.account.strip()))
        if owner is not None:
            return session.get(Person, owner)
    return None


def _subject(person: Person | None, signal: SignalIn) -> str:
    if person is not None:
        return f"person:{person.id}"
    if signal.phone:
        return f"phone:{signal.phone.strip()}"
    if signal.account:
        return f"account:{signal.account.strip()}"
    return f"id:{signal.id_number.strip()}"


def _route(session: Session, person: Person | None, signal: SignalIn) -> tuple[str | None, int | None, str]:
    """(county, station organisation id, level) for the lead; refuses a district the city lacks."""
    region = (person.district if person is not None else None) or (signal.district or "").strip() or None
    if region is None:
        return None, None, "city"  # nobody knows where the person lives yet: the city desk finds them
    regions = known_regions(session)
    if region not in regions:
        raise InputRejected([Problem("district", f"{region!r} is not a district of this city; "
                                                 f"use one of: {', '.join(regions)}")],
                            "unknown district")
    station = station_org_id(session, region, person.station) if person is not None else None
    return region, station, "station" if station is not None else "county"


def _merged(lead: WarningLead, signal: SignalIn, person: Person | None, now: datetime) -> Signals:
    sources = {LeadSource(s.source) for s in lead.signals} | {signal.source}
    window = now - timedelta(hours=24)
    contacts = sum(1 for s in lead.signals if LeadSource(s.source) in CONTACT_SOURCES and s.at >= window)
    contacts += 1 if signal.source in CONTACT_SOURCES else 0
    stage = max((Stage(lead.stage), signal.stage), key=STAGE_ORDER.index)
    return Signals(frozenset(sources), amount_at_stake_fen=max(lead.amount_at_stake_fen, signal.amount_fen),
                   fraud_type=signal.fraud_type or (FraudType(lead.fraud_type) if lead.fraud_type else None),
                   stage=stage, age=person.age if person is not None else None, contacts_24h=max(contacts, 1))


def take_signal(session: Session, actor: Actor, signal: SignalIn) -> Taken:
    """Take one warning sign: a new lead for the person, or one more signal on their open lead."""
    check(actor, Permission.LEADS_READ, object_type="warning_lead")
    problems = _problems(signal)
    if problems:
        raise InputRejected(problems, "signal refused")
    dedup = f"{signal.source.value}:{signal.ref.strip()}"[:128]
    seen = session.scalar(select(LeadSignal).where(LeadSignal.dedup_key == dedup))
    if seen is not None:
        return Taken(seen.lead, created=False, repeat=True)
    person = resolve_person(session, signal)
    subject = _subject(person, signal)
    now = clock.now()
    lead = session.scalar(select(WarningLead).where(WarningLead.open_key == subject))
    created = lead is None
    if created:
        region, station, level = _route(session, person, signal)
        graded = grade(Signals(frozenset({signal.source}), signal.amount_fen, signal.fraud_type, signal.stage,
                               person.age if person is not None else None, 1))
        lead = WarningLead(
            lead_no=f"TMP-{uuid.uuid4().hex[:24]}", subject_key=subject, open_key=subject,
            person_id=person.id if person is not None else None, phone=(signal.phone or (person.phone if person else None)),
            account=signal.account, region=region, station_id=station, level=level, grade=graded.grade.value,
            points=graded.points, reasons=[list(r) for r in graded.reasons],
            fraud_type=signal.fraud_type.value if signal.fraud_type else None,
            amount_at_stake_fen=signal.amount_fen, stage=signal.stage.value, state=OPEN, escalations=0,
            raised_at=now, sign_by=sign_by(now, graded.grade), finish_by=finish_by(now, graded.grade))
        session.add(lead)
        session.flush()
        lead.lead_no = f"YJ-{now.astimezone(clock.CENTER_TZ):%Y%m%d}-{lead.id:06d}"
        if level == "city" and person is None:
            session.add(LeadStep(lead_id=lead.id, step="route", at=now, actor=actor.username[:64],
                                 note="person not found in the registry: the city desk locates them"))
    else:
        graded = grade(_merged(lead, signal, person, now))
        before = Grade(lead.grade)
        lead.grade, lead.points = graded.grade.value, graded.points
        lead.reasons = [list(r) for r in graded.reasons]
        lead.amount_at_stake_fen = max(lead.amount_at_stake_fen, signal.amount_fen)
        lead.stage = max((Stage(lead.stage), signal.stage), key=STAGE_ORDER.index).value
        lead.fraud_type = (signal.fraud_type.value if signal.fraud_type else None) or lead.fraud_type
        lead.account = lead.account or signal.account
        if graded.grade.rank < before.rank:  # more urgent now: the limits tighten, never loosen
            if lead.state == OPEN:
                lead.sign_by = min(lead.sign_by, sign_by(now, graded.grade))
            lead.finish_by = min(lead.finish_by, finish_by(now, graded.grade))
    lead.signals.append(LeadSignal(dedup_key=dedup, source=signal.source.value, at=signal.at,
                           evidence={**signal.evidence, **{k: v for k, v in (
                               ("phone", signal.phone), ("account", signal.account), ("amount_fen", signal.amount_fen),
                               ("fraud_type", signal.fraud_type.value if signal.fraud_type else None),
                               ("stage", signal.stage.value)) if v}}, received_at=now))
    session.flush()
    audit.record(session, actor, "lead.signal", object_type="warning_lead", object_id=lead.id, detail={
        "lead_no": lead.lead_no, "source": signal.source.value, "ref": signal.ref, "created": created,
        "grade": lead.grade, "level": lead.level})
    return Taken(lead, created)
