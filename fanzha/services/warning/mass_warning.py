"""Mass warning SMS (预警短信群发): everyone in contact with a newly flagged number is warned.

The recipients are the residents (registered phones) who called, were called by, texted or were
texted by the number within the window of records in hand. Each gets the fraud type's template
(domain.warning_sms), once per number: warning about the same number again adds only residents
not yet warned. The operators deliver; their delivery reports mark messages delivered (in the
demo, the simulated operators do). Counts of sent and delivered are kept per broadcast.

The hourly number rule (services/telecom/number_velocity.py) sends it for each number it flags.
A flash warning (闪信, flash_warning.py) goes to one resident while the number is on the line;
it is a message of the same broadcast, of kind ``flash``, and counts with the others. A resident
flashed about a number is not sent the mass warning about it too.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, union
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.domain.warning_sms import warning_text
from fanzha.services import audit
from fanzha.services.telecom.number_orders import normalise_number
from fanzha.store.models import CallRecord, Phone, SmsRecord, WarningBroadcast, WarningMessage

DEFAULT_WINDOW_DAYS = 30
SENT, DELIVERED, FAILED = "sent", "delivered", "failed"
MASS, FLASH = "mass", "flash"  # a message's kind: the broadcast to a number's contacts, or a flash warning


@dataclass(frozen=True)
class BroadcastCounts:
    id: int
    number: str
    fraud_type: str | None
    text: str
    created_at: datetime
    recipients: int
    delivered: int
    failed: int
    flash: int = 0  # of the recipients, those sent a flash warning (闪信) during a call
    added: int = 0  # recipients this send added


def _contacts(session: Session, number: str, since: datetime) -> list[str]:
    """Residents' numbers in contact with ``number`` (either direction, calls or SMS) since ``since``."""
    other_side = union(
        select(CallRecord.msisdn.label("n")).where(CallRecord.other == number, CallRecord.start_time >= since),
        select(CallRecord.other.label("n")).where(CallRecord.msisdn == number, CallRecord.start_time >= since),
        select(SmsRecord.msisdn.label("n")).where(SmsRecord.other == number, SmsRecord.time >= since),
        select(SmsRecord.other.label("n")).where(SmsRecord.msisdn == number, SmsRecord.time >= since),
    ).subquery()
    query = select(Phone.number).where(Phone.person_id.is_not(None), Phone.number.in_(select(other_side.c.n)),
                                       Phone.number != number)
    return sorted(set(session.scalars(query)))


def send_mass_warning(session: Session, actor: Actor, number: str, fraud_type: FraudType | None,
                      window_days: int = DEFAULT_WINDOW_DAYS, now: datetime | None = None,
                      since: datetime | None = None, suspected: bool = False) -> BroadcastCounts:
    """Warn every resident in contact with ``number`` since ``since`` (by default ``window_days``
    before the newest call on record); returns the broadcast's counts. ``suspected``: the number is
    only suspected (a rule or the model flagged it), and a new broadcast's text says so."""
    check(actor, Permission.LEADS_WORK, object_type="warning_broadcast")
    number = normalise_number(number)
    if not number.isdigit() or not 5 <= len(number) <= 20:
        raise InputRejected([Problem("number", f"{number!r} is not a phone number")], "number refused")
    now = now or clock.now()
    if since is None:
        latest = session.scalar(select(func.max(CallRecord.start_time)))
        since = (latest or now) - timedelta(days=window_days)
    broadcast = session.scalar(select(WarningBroadcast).where(WarningBroadcast.number == number))
    if broadcast is None:
        broadcast = WarningBroadcast(number=number, fraud_type=fraud_type.value if fraud_type else None,
                                     text=warning_text(fraud_type, number, suspected=suspected), window_days=window_days,
                                     created_at=now, created_by=actor.username[:64])
        session.add(broadcast)
        session.flush()
    warned = set(session.scalars(select(WarningMessage.recipient).where(WarningMessage.broadcast_id == broadcast.id)))
    fresh = [n for n in _contacts(session, number, since) if n not in warned]
    operators: dict[str, str | None] = {}
    for start in range(0, len(fresh), 500):
        chunk = fresh[start:start + 500]
        operators.update(session.execute(select(Phone.number, Phone.operator).where(Phone.number.in_(chunk))).all())
    if fresh:  # one statement for all: a broadcast reaches thousands
        session.execute(insert(WarningMessage), [
            {"broadcast_id": broadcast.id, "recipient": r, "operator": operators.get(r), "state": SENT, "sent_at": now,
             "kind": MASS} for r in fresh])
    session.flush()
    audit.record(session, actor, "warning.broadcast", object_type="warning_broadcast", object_id=broadcast.id,
                 detail={"number": number, "fraud_type": broadcast.fraud_type, "new_recipients": len(fresh)})
    return replace(counts(session, broadcast.id), added=len(fresh))


def record_delivery(session: Session, message_ids: list[int], delivered: bool = True, failure: str | None = None,
                    at: datetime | None = None) -> int:
    """An operator's delivery report for messages; returns how many changed."""
    at = at or clock.now()
    changed = 0
    for message in session.scalars(select(WarningMessage).where(WarningMessage.id.in_(message_ids),
                                                                WarningMessage.state == SENT)):
        message.state = DELIVERED if delivered else FAILED
        message.delivered_at = at if delivered else None
        message.failure = None if delivered else (failure or "undeliverable")[:128]
        changed += 1
    session.flush()
    return changed


def counts(session: Session, broadcast_id: int) -> BroadcastCounts:
    return _counted(session, [broadcast_id])[0]


def _counted(session: Session, ids: list[int]) -> list[BroadcastCounts]:
    """The broadcasts ``ids`` (in that order) with their messages counted by state, in one query."""
    by_state: dict[int, dict[str, int]] = {}
    flashed: dict[int, int] = {}
    for bid, state, kind, n in session.execute(
            select(WarningMessage.broadcast_id, WarningMessage.state, WarningMessage.kind, func.count())
            .where(WarningMessage.broadcast_id.in_(ids))
            .group_by(WarningMessage.broadcast_id, WarningMessage.state, WarningMessage.kind)):
        by_state.setdefault(bid, {})
        by_state[bid][state] = by_state[bid].get(state, 0) + n
        if kind == FLASH:
            flashed[bid] = flashed.get(bid, 0) + n
    rows = {b.id: b for b in session.scalars(select(WarningBroadcast).where(WarningBroadcast.id.in_(ids)))}
    out = []
    for bid in ids:
        b, states = rows[bid], by_state.get(bid, {})
        out.append(BroadcastCounts(b.id, b.number, b.fraud_type, b.text, b.created_at, sum(states.values()),
                                   states.get(DELIVERED, 0), states.get(FAILED, 0), flashed.get(bid, 0)))
    return out


def list_broadcasts(session: Session, actor: Actor, limit: int = 100) -> list[BroadcastCounts]:
    check(actor, Permission.LEADS_READ, object_type="warning_broadcast")
    ids = list(session.scalars(select(WarningBroadcast.id).order_by(WarningBroadcast.created_at.desc()).limit(limit)))
    return _counted(session, ids)
