"""Mass warning SMS (预警短信群发): everyone in contact with a newly flagged number is warned.

The recipients are the residents (registered phones) who called, were called by, texted or were
texted by the number within the window of records in hand. Each gets the fraud type's template
(domain.warning_sms), once per number: warning about the same number again adds only residents
not yet warned. The operators deliver; their delivery reports mark messages delivered (in the
demo, the simulated operators do). Counts of sent and delivered are kept per broadcast.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, union
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
                      window_days: int = DEFAULT_WINDOW_DAYS, now: datetime | None = None) -> BroadcastCounts:
    """Warn every resident in contact with ``number``; returns the broadcast's counts."""
    check(actor, Permission.LEADS_WORK, object_type="warning_broadcast")
    number = normalise_number(number)
    if not number.isdigit() or not 5 <= len(number) <= 20:
        raise InputRejected([Problem("number", f"{number!r} is not a phone number")], "number refused")
    now = now or clock.now()
    latest = session.scalar(select(func.max(CallRecord.start_time)))
    since = (latest or now) - timedelta(days=window_days)
    broadcast = session.scalar(select(WarningBroadcast).where(WarningBroadcast.number == number))
    if broadcast is None:
        broadcast = WarningBroadcast(number=number, fraud_type=fraud_type.value if fraud_type else None,
                                     text=warning_text(fraud_type, number), window_days=window_days,
                                     created_at=now, created_by=actor.username[:64])
        session.add(broadcast)
        session.flush()
    warned = set(session.scalars(select(WarningMessage.recipient).where(WarningMessage.broadcast_id == broadcast.id)))
    fresh = [n for n in _contacts(session, number, since) if n not in warned]
    operators: dict[str, str | None] = {}
    for start in range(0, len(fresh), 500):
        chunk = fresh[start:start + 500]
        operators.update(session.execute(select(Phone.number, Phone.operator).where(Phone.number.in_(chunk))).all())
    for recipient in fresh:
        session.add(WarningMessage(broadcast_id=broadcast.id, recipient=recipient, operator=operators.get(recipient),
                                   state=SENT, sent_at=now))
    session.flush()
    audit.record(session, actor, "warning.broadcast", object_type="warning_broadcast", object_id=broadcast.id,
                 detail={"number": number, "fraud_type": broadcast.fraud_type, "new_recipients": len(fresh)})
    return counts(session, broadcast.id)


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
    for bid, state, n in session.execute(select(WarningMessage.broadcast_id, WarningMessage.state, func.count())
                                         .where(WarningMessage.broadcast_id.in_(ids))
                                         .group_by(WarningMessage.broadcast_id, WarningMessage.state)):
        by_state.setdefault(bid, {})[state] = n
    rows = {b.id: b for b in session.scalars(select(WarningBroadcast).where(WarningBroadcast.id.in_(ids)))}
    out = []
    for bid in ids:
        b, states = rows[bid], by_state.get(bid, {})
        out.append(BroadcastCounts(b.id, b.number, b.fraud_type, b.text, b.created_at, sum(states.values()),
                                   states.get(DELIVERED, 0), states.get(FAILED, 0)))
    return out


def list_broadcasts(session: Session, actor: Actor, limit: int = 100) -> list[BroadcastCounts]:
    check(actor, Permission.LEADS_READ, object_type="warning_broadcast")
    ids = list(session.scalars(select(WarningBroadcast.id).order_by(WarningBroadcast.created_at.desc()).limit(limit)))
    return _counted(session, ids)
