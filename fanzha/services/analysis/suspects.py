"""Suspects (嫌疑人): who is behind a case or series, the evidence, and their status from
identified to handed over, each move kept with its note.

A suspect belongs to a case or a series (or both). A county analyst sees the suspects of its
county's cases (or of series holding one); the city sees all. Moves follow SuspectStatus's
allowed moves; a refused move says which moves are open. Creation is idempotent: the same person
(identity number) on the same case or series is one suspect, and a retried request with the same
client key makes nothing new.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check, check_case
from fanzha.domain.actor import Actor
from fanzha.domain.crackdown import SuspectRole, SuspectStatus
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.services import audit
from fanzha.services.analysis.request_keys import check_race, clean_key, earlier
from fanzha.store.models import Case, Series, SeriesCase, Suspect, SuspectEvent

NOTE_MAX = 2000
EVIDENCE_MAX = 50
ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
START_STATUSES = (SuspectStatus.IDENTIFIED, SuspectStatus.WANTED, SuspectStatus.CAUGHT)


class SuspectNotFound(InputRejected):
    """No such suspect (or none the actor may see)."""


@dataclass
class SuspectIn:
    name: str
    role: str = SuspectRole.OTHER.value
    status: str = SuspectStatus.IDENTIFIED.value
    id_number: str | None = None
    phone: str | None = None
    province: str | None = None
    city: str | None = None
    case_id: int | None = None
    series_id: int | None = None
    evidence: list[str] = field(default_factory=list)
    note: str = ""


def suspect_scope(session: Session, actor: Actor) -> list:
    """WHERE terms for the suspects an actor sees."""
    if actor.is_system or actor.scope is Scope.ALL:
        return []
    if actor.scope is Scope.COUNTY:
        county_cases = select(Case.id).where(Case.region == actor.region)
        county_series = select(SeriesCase.series_id).where(SeriesCase.case_id.in_(county_cases))
        return [or_(Suspect.case_id.in_(county_cases), Suspect.series_id.in_(county_series))]
    return [false()]


def load(session: Session, actor: Actor, suspect_id: int, permission: Permission = Permission.ANALYSIS_READ) -> Suspect:
    check(actor, permission, object_type="suspect", object_id=suspect_id)
    suspect = session.get(Suspect, suspect_id)
    if suspect is None:
        raise SuspectNotFound([Problem("suspect_id", f"no suspect #{suspect_id}")], "unknown suspect")
    terms = suspect_scope(session, actor)
    if terms and session.scalar(select(Suspect.id).where(Suspect.id == suspect_id, *terms)) is None:
        raise AccessDenied(actor, permission, "scope", object_type="suspect", object_id=suspect_id)
    return suspect


def list_suspects(session: Session, actor: Actor, *, status: str | None = None, case_id: int | None = None,
                  series_id: int | None = None, limit: int = 200) -> list[Suspect]:
    """Newest first, in the actor's scope."""
    check(actor, Permission.ANALYSIS_READ, object_type="suspect")
    terms = suspect_scope(session, actor)
    if status:
        terms.append(Suspect.status == status)
    if case_id:
        terms.append(Suspect.case_id == case_id)
    if series_id:
        terms.append(Suspect.series_id == series_id)
    return list(session.scalars(select(Suspect).where(*terms).order_by(Suspect.id.desc()).limit(limit)))


def events(session: Session, suspect_id: int) -> list[SuspectEvent]:
    return list(session.scalars(select(SuspectEvent).where(SuspectEvent.suspect_id == suspect_id)
                                .order_by(SuspectEvent.at, SuspectEvent.id)))


def _problems(session: Session, actor: Actor, data: SuspectIn) -> list[Problem]:
    problems = []
    if not data.name.strip():
        problems.append(Problem("name", "give the suspect's name (or an alias such as 某男)"))
    elif len(data.name.strip()) > 64:
        problems.append(Problem("name", "at most 64 characters"))
    if data.role not in {r.value for r in SuspectRole}:
        problems.append(Problem("role", "choose a role from the list: " + ", ".join(r.value for r in SuspectRole)))
    if data.status not in {s.value for s in START_STATUSES}:
        problems.append(Problem("status", "a new suspect starts identified, wanted or caught; hand over later"))
    if data.id_number and not ID_NUMBER.match(data.id_number.strip()):
        problems.append(Problem("id_number", "an identity number has 18 characters: 17 digits and a digit or X"))
    if data.phone and not re.fullmatch(r"\+?\d{5,20}", data.phone.strip()):
        problems.append(Problem("phone", "digits only, like 13800000000"))
    for place, value in (("province", data.province), ("city", data.city)):
        if value and len(value.strip()) > 32:
            problems.append(Problem(place, "at most 32 characters"))
    if len(data.evidence) > EVIDENCE_MAX or any(len(e) > 500 for e in data.evidence):
        problems.append(Problem("evidence", f"at most {EVIDENCE_MAX} items of at most 500 characters"))
    if data.case_id is None and data.series_id is None:
        problems.append(Problem("case_id", "a suspect belongs to a case or a series: give one"))
    if data.case_id is not None:
        case = session.get(Case, data.case_id)
        if case is None:
            problems.append(Problem("case_id", f"no case #{data.case_id}"))
        else:
            check_case(actor, Permission.ANALYSIS_WORK, case.id, case.region, case.station_id)
    if data.series_id is not None and session.get(Series, data.series_id) is None:
        problems.append(Problem("series_id", f"no series #{data.series_id}"))
    return problems


def create_suspect(session: Session, actor: Actor, data: SuspectIn,
                   client_key: str | None = None) -> tuple[Suspect, bool]:
    """A suspect on a case or series; returns it and whether it is new (False: made before)."""
    check(actor, Permission.ANALYSIS_WORK, object_type="suspect")
    key = clean_key(client_key)
    made = earlier(session, "suspect.create", key)
    if made is not None:
        return load(session, actor, made), False
    problems = _problems(session, actor, data)
    if problems:
        raise InputRejected(problems, "suspect refused")
    id_number = data.id_number.strip().upper() if data.id_number else None
    if id_number:
        same = session.scalar(select(Suspect).where(
            Suspect.id_number == id_number,
            Suspect.case_id.is_(None) if data.case_id is None else Suspect.case_id == data.case_id,
            Suspect.series_id.is_(None) if data.series_id is None else Suspect.series_id == data.series_id))
        if same is not None:
            return same, False
    now = clock.now()
    suspect = Suspect(suspect_no=f"TMP-{uuid.uuid4().hex[:24]}", name=data.name.strip(), id_number=id_number,
                      phone=(data.phone or "").strip() or None, role=data.role, status=data.status,
                      province=(data.province or "").strip() or None, city=(data.city or "").strip() or None,
                      case_id=data.case_id, series_id=data.series_id,
                      evidence=[e.strip() for e in data.evidence if e.strip()], created_at=now, updated_at=now,
                      created_by=actor.username[:64])
    session.add(suspect)
    session.flush()
    suspect.suspect_no = f"XY-{clock.local(now):%Y%m%d}-{suspect.id:06d}"
    session.add(SuspectEvent(suspect_id=suspect.id, at=now, actor=actor.username[:64], status_from=None,
                             status_to=data.status, note=data.note.strip()[:NOTE_MAX]))
    seq = audit.record(session, actor, "suspect.create", object_type="suspect", object_id=suspect.id, detail={
        "suspect_no": suspect.suspect_no, "case_id": data.case_id, "series_id": data.series_id,
        "status": data.status, "client_key": key})
    check_race(session, "suspect.create", key, seq)
    session.flush()
    return suspect, True


def allowed_moves(status: str) -> list[SuspectStatus]:
    current = SuspectStatus(status)
    return [s for s in SuspectStatus if current.can_move_to(s)]


def move_status(session: Session, actor: Actor, suspect_id: int, target: str, note: str,
                client_key: str | None = None) -> tuple[SuspectEvent | None, bool]:
    """Move a suspect along the allowed moves, with a note; returns the event and whether it is new."""
    suspect = load(session, actor, suspect_id, Permission.ANALYSIS_WORK)
    key = clean_key(client_key)
    if earlier(session, "suspect.move", key) is not None:
        return None, False
    problems = []
    if target not in {s.value for s in SuspectStatus}:
        problems.append(Problem("status", "choose a status from the list: " + ", ".join(s.value for s in SuspectStatus)))
    elif not SuspectStatus(suspect.status).can_move_to(SuspectStatus(target)):
        current, wanted = SuspectStatus(suspect.status), SuspectStatus(target)
        open_moves = allowed_moves(suspect.status)
        reason = (f"suspect {suspect.suspect_no} is {current.value} ({current.label_zh}) and cannot move to "
                  f"{wanted.value} ({wanted.label_zh}); ")
        reason += ("moves open now: " + ", ".join(f"{s.value} ({s.label_zh})" for s in open_moves)
                   if open_moves else "no move is open: handed over is the last status")
        problems.append(Problem("status", reason))
    if not note.strip():
        problems.append(Problem("note", "say what happened (where caught, by whom, the document number)"))
    if problems:
        raise InputRejected(problems, "move refused")
    now = clock.now()
    event = SuspectEvent(suspect_id=suspect.id, at=now, actor=actor.username[:64], status_from=suspect.status,
                         status_to=target, note=note.strip()[:NOTE_MAX])
    session.add(event)
    suspect.status, suspect.updated_at = target, now
    seq = audit.record(session, actor, "suspect.move", object_type="suspect", object_id=suspect.id, detail={
        "suspect_no": suspect.suspect_no, "from": event.status_from, "to": target, "client_key": key})
    check_race(session, "suspect.move", key, seq)
    session.flush()
    return event, True


def add_evidence(session: Session, actor: Actor, suspect_id: int, item: str) -> Suspect:
    """One more piece of evidence (an account, a call, a document); the same text twice is kept once."""
    suspect = load(session, actor, suspect_id, Permission.ANALYSIS_WORK)
    text = item.strip()
    if not text or len(text) > 500:
        raise InputRejected([Problem("evidence", "write the evidence, at most 500 characters")], "evidence refused")
    if text in (suspect.evidence or []):
        return suspect
    if len(suspect.evidence or []) >= EVIDENCE_MAX:
        raise InputRejected([Problem("evidence", f"at most {EVIDENCE_MAX} items per suspect")], "evidence refused")
    suspect.evidence = [*(suspect.evidence or []), text]
    suspect.updated_at = clock.now()
    audit.record(session, actor, "suspect.evidence", object_type="suspect", object_id=suspect.id,
                 detail={"suspect_no": suspect.suspect_no, "items": len(suspect.evidence)})
    session.flush()
    return suspect
