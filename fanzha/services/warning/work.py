"""Working leads (处置): the board, signing for a lead, the steps, closing it, callbacks, escalation.

A lead sits at one level: a station's (its officers sign for it), a county's, or the city's (the
warning officers there). Signing by anyone else is refused with the reason. After signing, the
officer records the steps — locate (call, SMS, visit), dissuade, stop-payment (handed to the funds
desk), educate — each with its time and outcome, then closes the lead with its result and the
loss avoided. A lead not signed for within its grade's limit moves up a level (逐级上报) with a
fresh limit; the board shows what is overdue.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.dissuasion import LocateMethod, Result, Step, may_close
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.warning_lead import SIGN_LIMIT, Grade
from fanzha.services import audit
from fanzha.services.warning.signals import CLOSED, OPEN, SIGNED
from fanzha.store.models import LeadStep, WarningLead

NEXT_LEVEL = {"station": "county", "county": "city"}
NOTE_MAX = 2000


class LeadNotFound(InputRejected):
    """No such lead (or none the actor may see)."""


def scope_terms(actor: Actor):
    """WHERE terms for the leads an actor sees; None: none at all."""
    if actor.is_system or actor.scope is Scope.ALL:
        return []
    if actor.scope is Scope.COUNTY:
        return [WarningLead.region == actor.region]
    if actor.scope is Scope.STATION:
        return [WarningLead.station_id == actor.org_id]
    return None


@dataclass(frozen=True)
class BoardRow:
    lead: WarningLead
    sign_overdue: bool
    finish_overdue: bool
    age: timedelta


def board(session: Session, actor: Actor, *, state: str | None = None, grade: str | None = None,
          limit: int = 200) -> list[BoardRow]:
    """Open leads first, most urgent (grade, then the oldest) first; closed ones only when asked.

    Read grade by grade, oldest first, so each read is a short walk of the open leads' indexes.
    """
    check(actor, Permission.LEADS_READ, object_type="warning_lead")
    terms = scope_terms(actor)
    if terms is None:
        return []
    state_term = WarningLead.state == state if state else WarningLead.state != CLOSED
    grades = [Grade(grade)] if grade else sorted(Grade, key=lambda g: g.rank)
    now = clock.now()
    leads: list[WarningLead] = []
    for g in grades:
        if len(leads) >= limit:
            break
        leads += session.scalars(select(WarningLead).where(*terms, state_term, WarningLead.grade == g.value)
                                 .order_by(WarningLead.raised_at, WarningLead.id).limit(limit - len(leads)))
    return [BoardRow(lead, lead.state == OPEN and now > lead.sign_by,
                     lead.state != CLOSED and now > lead.finish_by, now - lead.raised_at) for lead in leads]


def load(session: Session, actor: Actor, lead_id: int, permission: Permission = Permission.LEADS_READ) -> WarningLead:
    check(actor, permission, object_type="warning_lead", object_id=lead_id)
    lead = session.get(WarningLead, lead_id)
    if lead is None:
        raise LeadNotFound([Problem("lead_id", f"no lead #{lead_id}")], "unknown lead")
    terms = scope_terms(actor)
    if terms is None or (terms and session.scalar(select(WarningLead.id).where(
            WarningLead.id == lead_id, *terms)) is None):
        raise AccessDenied(actor, permission, "scope", object_type="warning_lead", object_id=lead_id)
    return lead


def holder_problem(actor: Actor, lead: WarningLead) -> str | None:
    """Why the actor may not sign or work this lead, or None when they may."""
    if actor.is_system:
        return None
    if lead.level == "station":
        if actor.scope is Scope.STATION and actor.org_id == lead.station_id:
            return None
        return "this lead is with its station: only that station's officers sign for it and work it"
    if lead.level == "county":
        if actor.scope is Scope.COUNTY and actor.region == lead.region:
            return None
        return f"this lead is with the {lead.region} county center: its warning officers sign for it"
    if actor.scope is Scope.ALL:
        return None
    return "this lead is with the city center's warning desk"


def add_step(session: Session, lead: WarningLead, actor: Actor, step: str, at: datetime, **fields) -> LeadStep:
    row = LeadStep(step=step, at=at, actor=actor.username[:64], **fields)
    lead.steps.append(row)
    return row


def sign(session: Session, actor: Actor, lead_id: int) -> WarningLead:
    lead = load(session, actor, lead_id, Permission.LEADS_WORK)
    why = holder_problem(actor, lead)
    if why:
        raise InputRejected([Problem("lead", why)], "not yours to sign")
    if lead.state != OPEN:
        raise InputRejected([Problem("lead", f"lead {lead.lead_no} was signed for already "
                                             f"({lead.signed_by}, {clock.local(lead.signed_at):%Y-%m-%d %H:%M})")],
                            "signed before")
    at = clock.now()
    lead.state, lead.signed_at, lead.signed_by = SIGNED, at, actor.username[:64]
    add_step(session, lead, actor, "sign", at, outcome="late" if at > lead.sign_by else "in_time")
    audit.record(session, actor, "lead.sign", object_type="warning_lead", object_id=lead.id,
                 detail={"lead_no": lead.lead_no, "late": at > lead.sign_by})
    session.flush()
    return lead


def record_step(session: Session, actor: Actor, lead_id: int, step: Step, outcome: str, *,
                method: LocateMethod | None = None, note: str = "") -> LeadStep:
    """One step of the work, with its outcome (reached / not reached, dissuaded / refused, ...)."""
    lead = load(session, actor, lead_id, Permission.LEADS_WORK)
    why = holder_problem(actor, lead)
    problems = [Problem("lead", why)] if why else []
    if lead.state != SIGNED:
        problems.append(Problem("lead", "sign for the lead first (签收)" if lead.state == OPEN else
                                f"lead {lead.lead_no} is closed"))
    if step is Step.LOCATE and method is None:
        problems.append(Problem("method", "say how the person was sought: call, sms or visit"))
    if not outcome.strip():
        problems.append(Problem("outcome", "record what came of the step"))
    if problems:
        raise InputRejected(problems, "step refused")
    at = clock.now()
    row = add_step(session, lead, actor, step.value, at, method=method.value if method else None,
                outcome=outcome.strip()[:32], note=note.strip()[:NOTE_MAX] or None)
    audit.record(session, actor, "lead.step", object_type="warning_lead", object_id=lead.id,
                 detail={"lead_no": lead.lead_no, "step": step.value, "outcome": row.outcome})
    session.flush()
    return row


def close(session: Session, actor: Actor, lead_id: int, result: Result, loss_avoided_fen: int | None,
          note: str = "") -> WarningLead:
    lead = load(session, actor, lead_id, Permission.LEADS_WORK)
    why = holder_problem(actor, lead)
    problems = [Problem("lead", why)] if why else []
    if lead.state != SIGNED:
        problems.append(Problem("lead", "sign for the lead first (签收)" if lead.state == OPEN else
                                f"lead {lead.lead_no} is closed already"))
    done = {Step(s.step) for s in lead.steps if s.step in {x.value for x in Step}}
    problems += [Problem("result", reason) for reason in may_close(result, done, loss_avoided_fen)]
    if problems:
        raise InputRejected(problems, "close refused")
    at = clock.now()
    lead.state, lead.closed_at, lead.result, lead.open_key = CLOSED, at, result.value, None
    lead.loss_avoided_fen = loss_avoided_fen if result is Result.DISSUADED else 0
    add_step(session, lead, actor, "close", at, outcome=result.value, note=note.strip()[:NOTE_MAX] or None)
    audit.record(session, actor, "lead.close", object_type="warning_lead", object_id=lead.id, detail={
        "lead_no": lead.lead_no, "result": result.value, "loss_avoided_fen": lead.loss_avoided_fen})
    session.flush()
    return lead


def schedule_callback(session: Session, actor: Actor, lead_id: int, due_at: datetime, note: str = "") -> LeadStep:
    """A callback (回访) to check on the person later; recorded as a step with its due time."""
    lead = load(session, actor, lead_id, Permission.LEADS_WORK)
    if due_at.tzinfo is None:
        raise InputRejected([Problem("due_at", "the time must carry a zone")], "callback refused")
    row = add_step(session, lead, actor, Step.CALLBACK.value, clock.now(), outcome="scheduled", due_at=due_at,
                note=note.strip()[:NOTE_MAX] or None)
    session.flush()
    return row


def escalate_overdue(session: Session, now: datetime | None = None, actor: Actor | None = None) -> list[int]:
    """Leads not signed for within their limit move up a level, with a fresh limit; returns their ids."""
    now = now or clock.now()
    actor = actor or Actor.system("escalation")
    due = list(session.scalars(select(WarningLead).where(WarningLead.state == OPEN, WarningLead.sign_by < now,
                                                         WarningLead.level != "city")))
    for lead in due:
        before = lead.level
        lead.level = NEXT_LEVEL[before] if not (before == "station" and lead.region is None) else "city"
        lead.escalations += 1
        lead.sign_by = now + SIGN_LIMIT[Grade(lead.grade)]
        add_step(session, lead, actor, "escalate", now, outcome=f"{before}->{lead.level}",
              note="not signed for within its limit (超时未签收)")
        audit.record(session, actor, "lead.escalate", object_type="warning_lead", object_id=lead.id,
                     detail={"lead_no": lead.lead_no, "from": before, "to": lead.level})
    session.flush()
    return [lead.id for lead in due]
