"""Telecom alerts (涉诈通话预警): a flagged number talking to a resident, top grade, once per call;
and a fraud SMS to a resident (涉诈短信预警), graded below a live call, once per message.

Raised by the stream's consumer in the same transaction that stores the call, so an alert never
exists for a call that was not stored and a redelivered call raises nothing new. Listed for the
telecom desk (``numbers.read``: the city sees all, an operator its own subscribers' alerts) and
the warning desk (``leads.read``: a county center its county's residents, a station the
residents of its area).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha1

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission, Scope
from fanzha.services.importing.keys import SEPARATOR
from fanzha.store.models import Person, TelecomAlert

TOP_GRADE = "high"  # 高
SMS_FLAGGED_GRADE = "medium"  # 中: a flagged number texted a resident
SMS_TEXT_GRADE = "low"  # 低: an SMS that reads like fraud, from a number not flagged
OPEN = "open"
MAX_LIST = 500


@dataclass(frozen=True)
class AlertDraft:
    """What the screen found on one call, before it is stored."""

    resident_number: str
    person_id: int | None
    flagged_number: str
    block_entry_id: int | None
    call_record_key: str
    call_start: datetime
    operator: str | None
    reason: str
    action: str
    grade: str = TOP_GRADE
    kind: str = "call"  # call / sms
    evidence: dict | None = None  # handed to the warning desk with the lead (e.g. the text model's confidence)


def alert_key(resident_number: str, flagged_number: str, call_start: datetime, kind: str = "call") -> str:
    """One key per call (or SMS): both operators' records of it give the same key."""
    start = call_start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    head = "alert" if kind == "call" else f"alert-{kind}"
    return sha1(SEPARATOR.join((head, resident_number, flagged_number, start)).encode()).hexdigest()


def raise_alerts(session: Session, drafts: Sequence[AlertDraft]) -> list[int]:
    """Store the alerts not raised before (per call); the ids of the new ones."""
    return [alert_id for alert_id, _ in raise_alerts_by_draft(session, drafts)]


def raise_alerts_by_draft(session: Session, drafts: Sequence[AlertDraft]) -> list[tuple[int, AlertDraft]]:
    """Store the alerts not raised before (per call or SMS); each new one's id with its draft."""
    if not drafts:
        return []
    now = clock.now()
    rows, by_key = {}, {}
    for d in drafts:
        key = alert_key(d.resident_number, d.flagged_number, d.call_start, d.kind)
        by_key.setdefault(key, d)
        rows.setdefault(key, {
            "dedup_key": key, "grade": d.grade, "person_id": d.person_id, "resident_number": d.resident_number,
            "flagged_number": d.flagged_number, "block_entry_id": d.block_entry_id,
            "call_record_key": d.call_record_key, "call_start": d.call_start, "operator": d.operator,
            "reason": d.reason, "action": d.action, "state": OPEN, "raised_at": now,
        })
    table = TelecomAlert.__table__
    make = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = make(table).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id, table.c.dedup_key)
    return sorted((alert_id, by_key[key]) for alert_id, key in session.execute(stmt, list(rows.values())).all())


def _may_list(actor: Actor) -> None:
    if not (actor.may(Permission.NUMBERS_READ) or actor.may(Permission.LEADS_READ)):
        raise AccessDenied(actor, Permission.NUMBERS_READ, "role", object_type="telecom_alert")


def list_alerts(session: Session, actor: Actor, *, state: str | None = None, since: datetime | None = None,
                limit: int = 100) -> list[TelecomAlert]:
    """The newest alerts the actor may see, newest first."""
    _may_list(actor)
    t = TelecomAlert
    query = select(t).order_by(t.raised_at.desc(), t.id.desc()).limit(max(1, min(limit, MAX_LIST)))
    if state:
        query = query.where(t.state == state)
    if since:
        query = query.where(t.raised_at >= since)
    scope = actor.scope
    if scope is Scope.OWN_OPERATOR:
        query = query.where(t.operator == actor.operator_code)
    elif scope is Scope.COUNTY:
        query = query.join(Person, Person.id == t.person_id).where(Person.district == actor.region)
    elif scope is Scope.STATION:
        query = query.join(Person, Person.id == t.person_id).where(Person.station == actor.org_name)
    elif scope is not Scope.ALL:
        return []
    return list(session.scalars(query))
