"""Freezes (冻结) and what happens to a stop near its end: convert, renew, release, stop again.

A stopped order holds the money for 48 hours. Before they run out the funds desk either converts
the stop to a freeze (six months, with the legal document number that orders it), asks for a
second stop on the same account (续止付: a new order linked to the first, at most two stops per
account; past that the refusal says to freeze), or releases it. A freeze is renewed six months
on from its current expiry, each renewal with its own legal document, and released with a reason.

Every change is audited and every change of an order leaves an ``OrderEvent``. The desk's
officers act only on cases in their area; a bank's liaison reads the freezes at its bank.
Converting twice, renewing twice with the same document or stopping again twice is refused with
the reason, never done twice.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check, check_case
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.freeze import freeze_expires_at, renewed_expiry, validate_legal_document
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.restitution import notice_ends_at
from fanzha.domain.stop_payment import (
    MAX_STOPS_PER_ACCOUNT,
    NEAR_EXPIRY,
    OrderState,
    is_near_expiry,
    may_stop_again,
)
from fanzha.services import audit
from fanzha.services.funds.orders import bank_scope_filter, move, previous_stops, scope_filter
from fanzha.store.models import Case, CaseEvent, Freeze, OrderEvent, Restitution, StopPaymentOrder

ACTIVE, RELEASED, RETURNED, EXPIRED = "active", "released", "returned", "expired"
FREEZE_STATES = (ACTIVE, RELEASED, RETURNED, EXPIRED)
FREEZE_NEAR_EXPIRY = timedelta(days=30)  # freezes this close to their end are flagged for renewal
REASON_MAX = 256
EVENT_RESTOP = "order_restop"


class FreezeNotFound(InputRejected):
    """No such freeze (or none the actor may see)."""


@dataclass(frozen=True)
class FreezeView:
    """A freeze as the desk and the bank see it. ``case_id`` is None for a bank's liaison."""

    id: int
    case_id: int | None
    order_id: int | None
    order_no: str | None
    bank: str
    account_number: str
    amount_fen: int
    legal_document_no: str
    frozen_at: datetime
    expires_at: datetime
    renewals: int
    renewed_at: datetime | None
    renewal_document_no: str | None
    state: str
    released_at: datetime | None
    release_reason: str | None
    notice_published_at: datetime | None
    notice_ends_at: datetime | None
    returned_fen: int
    near_expiry: bool

    @classmethod
    def of(cls, f: Freeze, order_no: str | None, returned_fen: int, now: datetime, *,
           show_case: bool = True) -> FreezeView:
        return cls(f.id, f.case_id if show_case else None, f.order_id, order_no, f.bank, f.account_number,
                   f.amount_fen, f.legal_document_no, f.frozen_at, f.expires_at, f.renewals, f.renewed_at,
                   f.renewal_document_no, f.state, f.released_at, f.release_reason, f.notice_published_at,
                   notice_ends_at(f.notice_published_at) if f.notice_published_at else None, returned_fen,
                   f.state == ACTIVE and now < f.expires_at <= now + FREEZE_NEAR_EXPIRY)


@dataclass(frozen=True)
class ExpiringItem:
    """A stop or a freeze that ends within the horizon asked for, and how long it has left."""

    kind: str  # stop / freeze
    id: int  # the order's id (stop) or the freeze's id
    order_no: str | None
    case_id: int | None  # None for a bank's liaison
    bank: str
    account_number: str
    amount_fen: int  # stopped or frozen
    expires_at: datetime
    left: timedelta
    near_expiry: bool  # a stop within 6 hours, a freeze within 30 days of its end

    @property
    def left_seconds(self) -> int:
        return max(0, int(self.left.total_seconds()))


def _refused(place: str, reason: str, summary: str) -> InputRejected:
    return InputRejected([Problem(place, reason)], summary)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _local(value: datetime) -> str:
    return f"{clock.local(value):%Y-%m-%d %H:%M}"


def freeze_scope_filter(actor: Actor):
    """Extra WHERE terms for the freezes an actor sees; None means none at all."""
    return bank_scope_filter(actor, Freeze)


def _shows_cases(actor: Actor) -> bool:
    return actor.scope is not Scope.OWN_BANK


def _order_for_issue(session: Session, actor: Actor, order_id: int, *, lock: bool = True) -> StopPaymentOrder:
    """The order, if the actor may act on it: ORDERS_ISSUE and the order's case in the actor's area."""
    check(actor, Permission.ORDERS_ISSUE, object_type="order", object_id=order_id)
    order = session.get(StopPaymentOrder, order_id, with_for_update=lock)
    if order is None:
        raise _refused("order_id", f"no order #{order_id}", "unknown order")
    case = session.get(Case, order.case_id)
    check_case(actor, Permission.ORDERS_ISSUE, order.case_id, case.region if case else None,
               case.station_id if case else None)
    return order


def _freeze_for_issue(session: Session, actor: Actor, freeze_id: int) -> Freeze:
    check(actor, Permission.ORDERS_ISSUE, object_type="freeze", object_id=freeze_id)
    freeze = session.get(Freeze, freeze_id, with_for_update=True)
    if freeze is None:
        raise FreezeNotFound([Problem("freeze_id", f"no freeze #{freeze_id}")], "unknown freeze")
    case = session.get(Case, freeze.case_id)
    check_case(actor, Permission.ORDERS_ISSUE, freeze.case_id, case.region if case else None,
               case.station_id if case else None)
    return freeze


def returned_fen(session: Session, freeze_id: int) -> int:
    return sum(session.scalars(select(Restitution.amount_fen).where(Restitution.freeze_id == freeze_id)))


def _view(session: Session, actor: Actor, freeze: Freeze, now: datetime) -> FreezeView:
    order = session.get(StopPaymentOrder, freeze.order_id) if freeze.order_id else None
    return FreezeView.of(freeze, order.order_no if order else None, returned_fen(session, freeze.id), now,
                         show_case=_shows_cases(actor))


def _legal_document(number: str | None, place: str = "legal_document_no") -> str:
    try:
        return validate_legal_document(number)
    except ValueError as exc:
        raise _refused(place, str(exc), "legal document missing") from None


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise _refused("reason", f"{what} needs a reason (why the money is let go)", "reason missing")
    if len(text) > REASON_MAX:
        raise _refused("reason", f"at most {REASON_MAX} characters", "reason too long")
    return text


def convert_to_freeze(session: Session, actor: Actor, order_id: int, legal_document_no: str | None,
                      amount_fen: int | None = None, *, at: datetime | None = None) -> FreezeView:
    """Convert a stopped order to a freeze (止付转冻结): six months from now, the sum stopped
    unless a smaller one is given; the order moves to frozen. Done once per order."""
    at = at or clock.now()
    order = _order_for_issue(session, actor, order_id)
    document = _legal_document(legal_document_no)
    existing = session.scalar(select(Freeze).where(Freeze.order_id == order.id))
    if existing is not None:
        raise _refused("order", f"order {order.order_no} was converted to freeze #{existing.id} already on "
                                f"{_local(existing.frozen_at)} (document {existing.legal_document_no}); "
                                "renew that freeze instead", "already frozen")
    state = OrderState(order.state)
    if state is not OrderState.STOPPED:
        raise _refused("order", f"order {order.order_no} is {state.value} ({state.label_zh}); only a stopped "
                                "order can be converted to a freeze", "order not stopped")
    if order.expires_at is not None and order.expires_at <= at:
        raise _refused("order", f"the stop of order {order.order_no} ran out at {_local(order.expires_at)}; "
                                "the bank no longer holds the money — ask for a new stop", "stop expired")
    stopped = order.stopped_fen or 0
    if stopped == 0:
        raise _refused("order", f"the bank stopped 0 fen on order {order.order_no}: there is nothing to freeze; "
                                "release the stop or let it run out", "nothing stopped")
    amount = stopped if amount_fen is None else amount_fen
    if not 0 < amount <= stopped:
        raise _refused("amount_fen", f"the sum to freeze must be more than 0 and at most the {stopped} fen "
                                     "stopped", "sum out of range")
    freeze = Freeze(order_id=order.id, case_id=order.case_id, bank=order.bank, account_number=order.account_number,
                    amount_fen=amount, legal_document_no=document, frozen_at=at, expires_at=freeze_expires_at(at),
                    renewals=0, state=ACTIVE, created_by=actor.username[:64])
    session.add(freeze)
    session.flush()
    move(session, order, OrderState.FROZEN, actor, at, {"freeze_id": freeze.id, "amount_fen": amount,
                                                         "legal_document_no": document})
    audit.record(session, actor, "freeze.create", object_type="freeze", object_id=freeze.id, detail={
        "order_no": order.order_no, "case_id": order.case_id, "bank": order.bank, "account": order.account_number,
        "amount_fen": amount, "legal_document_no": document, "expires_at": _iso(freeze.expires_at)})
    session.flush()
    return _view(session, actor, freeze, at)


def renew_freeze(session: Session, actor: Actor, freeze_id: int, legal_document_no: str | None, *,
                 at: datetime | None = None) -> FreezeView:
    """Renew an active freeze (续冻): six months on from its current expiry, with the renewal's
    own legal document. The same document renews once."""
    at = at or clock.now()
    freeze = _freeze_for_issue(session, actor, freeze_id)
    document = _legal_document(legal_document_no)
    if freeze.state != ACTIVE:
        raise _refused("freeze", f"freeze #{freeze.id} is {freeze.state}; only an active freeze can be renewed",
                       "freeze not active")
    if freeze.expires_at <= at:
        raise _refused("freeze", f"freeze #{freeze.id} ran out at {_local(freeze.expires_at)}; a lapsed freeze "
                                 "cannot be renewed, freeze the account again", "freeze expired")
    if document in (freeze.legal_document_no, freeze.renewal_document_no):
        raise _refused("legal_document_no", f"document {document} was used for freeze #{freeze.id} already; "
                                            "a renewal needs its own legal document", "document used already")
    before = freeze.expires_at
    freeze.expires_at = renewed_expiry(before)
    freeze.renewals += 1
    freeze.renewed_at = at
    freeze.renewal_document_no = document
    if freeze.order_id:
        order = session.get(StopPaymentOrder, freeze.order_id)
        if order is not None:  # the order's timeline shows the renewal; its state stays frozen
            order.events.append(OrderEvent(at=at, from_state=order.state, to_state=order.state,
                                           actor=actor.username[:64], detail={
                                               "freeze_id": freeze.id, "renewal": freeze.renewals,
                                               "legal_document_no": document, "expires_at": _iso(freeze.expires_at)}))
    audit.record(session, actor, "freeze.renew", object_type="freeze", object_id=freeze.id, detail={
        "legal_document_no": document, "renewals": freeze.renewals, "from": _iso(before),
        "expires_at": _iso(freeze.expires_at)})
    session.flush()
    return _view(session, actor, freeze, at)


def release_freeze(session: Session, actor: Actor, freeze_id: int, reason: str | None, *,
                   at: datetime | None = None) -> FreezeView:
    """Release an active freeze (解冻) with a reason. The order stays 'frozen' (converted to a
    freeze); its timeline records the release."""
    at = at or clock.now()
    freeze = _freeze_for_issue(session, actor, freeze_id)
    text = _reason(reason, "a release")
    if freeze.state != ACTIVE:
        when = f" on {_local(freeze.released_at)}" if freeze.released_at else ""
        raise _refused("freeze", f"freeze #{freeze.id} is {freeze.state}{when}; only an active freeze can be "
                                 "released", "freeze not active")
    freeze.state = RELEASED
    freeze.released_at = at
    freeze.release_reason = text
    if freeze.order_id:
        order = session.get(StopPaymentOrder, freeze.order_id)
        if order is not None:
            order.events.append(OrderEvent(at=at, from_state=order.state, to_state=order.state,
                                           actor=actor.username[:64],
                                           detail={"freeze_id": freeze.id, "freeze": RELEASED, "reason": text}))
    audit.record(session, actor, "freeze.release", object_type="freeze", object_id=freeze.id,
                 detail={"reason": text, "account": freeze.account_number, "amount_fen": freeze.amount_fen})
    session.flush()
    return _view(session, actor, freeze, at)


def release_order(session: Session, actor: Actor, order_id: int, reason: str | None, *,
                  at: datetime | None = None) -> StopPaymentOrder:
    """Release a stopped order before its 48 hours end (解除止付), with a reason."""
    at = at or clock.now()
    order = _order_for_issue(session, actor, order_id)
    text = _reason(reason, "a release")
    state = OrderState(order.state)
    if state is not OrderState.STOPPED:
        raise _refused("order", f"order {order.order_no} is {state.value} ({state.label_zh}); only a stopped "
                                "order can be released", "order not stopped")
    move(session, order, OrderState.RELEASED, actor, at, {"reason": text})
    audit.record(session, actor, "order.release", object_type="order", object_id=order.id,
                 detail={"order_no": order.order_no, "reason": text})
    session.flush()
    return order


def restop_key(parent: StopPaymentOrder) -> str:
    return f"restop:{parent.id}|acct:{parent.account_number}"


def restop(session: Session, actor: Actor, order_id: int, *, at: datetime | None = None) -> StopPaymentOrder:
    """Ask the bank for a second stop (续止付) of a stopped order's account in its last 6 hours:
    a new order with the same four fields, linked to the first by ``parent_id``."""
    at = at or clock.now()
    parent = _order_for_issue(session, actor, order_id)
    state = OrderState(parent.state)
    if state is not OrderState.STOPPED or parent.expires_at is None:
        raise _refused("order", f"order {parent.order_no} is {state.value} ({state.label_zh}); only a stopped "
                                "order can be stopped again", "order not stopped")
    child = session.scalar(select(StopPaymentOrder).where(StopPaymentOrder.dedup_key == restop_key(parent)))
    if child is not None:
        raise _refused("order", f"order {parent.order_no} was stopped again already by order {child.order_no} "
                                f"({OrderState(child.state).label_zh})", "stopped again already")
    if parent.expires_at <= at:
        raise _refused("order", f"the stop ran out at {_local(parent.expires_at)}", "stop expired")
    stops = previous_stops(session, parent.account_number)
    if not may_stop_again(stops):
        raise _refused("order", f"account {parent.account_number} was stopped {stops} times already; at most "
                                f"{MAX_STOPS_PER_ACCOUNT} stops per account — convert it to a freeze (冻结) "
                                "instead", "stop limit reached")
    if not is_near_expiry(parent.expires_at, at):
        raise _refused("order", f"the stop runs until {_local(parent.expires_at)}; a second stop may be asked "
                                f"in its last {int(NEAR_EXPIRY.total_seconds() // 3600)} hours, from "
                                f"{_local(parent.expires_at - NEAR_EXPIRY)}", "not near expiry")
    order = StopPaymentOrder(
        order_no=f"TMP-{uuid.uuid4().hex[:24]}", dedup_key=restop_key(parent), case_id=parent.case_id,
        level=parent.level, parent_id=parent.id, bank=parent.bank, account_number=parent.account_number,
        account_name=parent.account_name, amount_fen=parent.amount_fen, transfer_time=parent.transfer_time,
        state=None, source="restop", created_at=at, created_by=actor.username[:64])
    move(session, order, OrderState.DRAFTED, actor, at, {"restop_of": parent.order_no})
    move(session, order, OrderState.SENT, actor, at, {"bank": parent.bank})
    order.sent_at = at
    session.add(order)
    session.flush()
    order.order_no = f"ZF-{at.astimezone(clock.CENTER_TZ):%Y%m%d}-{order.id:06d}"
    parent.events.append(OrderEvent(at=at, from_state=parent.state, to_state=parent.state, actor=actor.username[:64],
                                    detail={"restop_order": order.order_no}))
    session.add(CaseEvent(case_id=parent.case_id, at=at, kind=EVENT_RESTOP, actor=actor.username[:64], detail={
        "order_no": order.order_no, "parent": parent.order_no, "bank": parent.bank,
        "account": parent.account_number, "amount_fen": parent.amount_fen}))
    audit.record(session, actor, "order.restop", object_type="order", object_id=order.id, detail={
        "order_no": order.order_no, "parent": parent.order_no, "case_id": parent.case_id, "bank": parent.bank,
        "account": parent.account_number, "previous_stops": stops})
    session.flush()
    return order


def list_freezes(session: Session, actor: Actor, state: str | None = None, *, case_id: int | None = None,
                 at: datetime | None = None, limit: int = 500) -> list[FreezeView]:
    """The freezes the actor sees (a bank: those at that bank), soonest to end first."""
    check(actor, Permission.ORDERS_READ, object_type="freeze")
    at = at or clock.now()
    terms = freeze_scope_filter(actor)
    if terms is None:
        return []
    query = select(Freeze).where(*terms)
    if state:
        if state not in FREEZE_STATES:
            raise _refused("state", f"state must be one of {', '.join(FREEZE_STATES)}", "unknown state")
        query = query.where(Freeze.state == state)
    if case_id is not None:
        query = query.where(Freeze.case_id == case_id)
    query = query.order_by(Freeze.expires_at, Freeze.id).limit(limit)
    return [_view(session, actor, f, at) for f in session.scalars(query)]


def get_freeze(session: Session, actor: Actor, freeze_id: int, *, at: datetime | None = None) -> FreezeView:
    check(actor, Permission.ORDERS_READ, object_type="freeze", object_id=freeze_id)
    freeze = session.get(Freeze, freeze_id)
    if freeze is None:
        raise FreezeNotFound([Problem("freeze_id", f"no freeze #{freeze_id}")], "unknown freeze")
    terms = freeze_scope_filter(actor)
    visible = terms is not None and (not terms or session.scalar(
        select(Freeze.id).where(Freeze.id == freeze_id, *terms)) is not None)
    if not visible:
        raise AccessDenied(actor, Permission.ORDERS_READ, "scope", object_type="freeze", object_id=freeze_id)
    return _view(session, actor, freeze, at or clock.now())


def expiring(session: Session, actor: Actor, within: timedelta, *, at: datetime | None = None) -> list[ExpiringItem]:
    """Stops and freezes that end within ``within`` from now, soonest first, each flagged when
    near its end (a stop in its last 6 hours, a freeze in its last 30 days)."""
    check(actor, Permission.ORDERS_READ, object_type="order")
    at = at or clock.now()
    horizon = at + within
    show_case = _shows_cases(actor)
    items: list[ExpiringItem] = []
    order_terms = scope_filter(actor)
    if order_terms is not None:
        stops = session.scalars(select(StopPaymentOrder).where(
            *order_terms, StopPaymentOrder.state == OrderState.STOPPED.value,
            StopPaymentOrder.expires_at > at, StopPaymentOrder.expires_at <= horizon))
        items += [ExpiringItem("stop", o.id, o.order_no, o.case_id if show_case else None, o.bank, o.account_number,
                               o.stopped_fen or 0, o.expires_at, o.expires_at - at, is_near_expiry(o.expires_at, at))
                  for o in stops]
    freeze_terms = freeze_scope_filter(actor)
    if freeze_terms is not None:
        freezes = list(session.scalars(select(Freeze).where(
            *freeze_terms, Freeze.state == ACTIVE, Freeze.expires_at > at, Freeze.expires_at <= horizon)))
        order_nos: dict[int, str] = dict(session.execute(select(StopPaymentOrder.id, StopPaymentOrder.order_no).where(
            StopPaymentOrder.id.in_([f.order_id for f in freezes if f.order_id]))).all()) if freezes else {}
        items += [ExpiringItem("freeze", f.id, order_nos.get(f.order_id), f.case_id if show_case else None, f.bank,
                               f.account_number, f.amount_fen, f.expires_at, f.expires_at - at,
                               f.expires_at <= at + FREEZE_NEAR_EXPIRY)
                  for f in freezes]
    return sorted(items, key=lambda i: (i.expires_at, i.kind, i.id))


def freeze_id_of_order(session: Session, order_id: int) -> int:
    """The freeze an order was converted to (the pages and the API name a freeze by its order)."""
    freeze_id = session.scalar(select(Freeze.id).where(Freeze.order_id == order_id))
    if freeze_id is None:
        raise FreezeNotFound([Problem("order_id", f"order #{order_id} was not converted to a freeze; convert a "
                                                  "stopped order first")], "unknown freeze")
    return freeze_id


def order_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many orders the actor sees in each state (every state listed, zero included)."""
    check(actor, Permission.ORDERS_READ, object_type="order")
    counts = dict.fromkeys((s.value for s in OrderState), 0)
    terms = scope_filter(actor)
    if terms is None:
        return counts
    rows = session.execute(select(StopPaymentOrder.state, func.count()).where(*terms)
                           .group_by(StopPaymentOrder.state)).all()
    for state, n in rows:
        counts[state] = n
    return counts


def expire_freezes(session: Session, now: datetime | None = None, actor: Actor | None = None) -> list[int]:
    """Mark active freezes whose time has run out (not renewed) as expired; returns their ids."""
    now = now or clock.now()
    actor = actor or Actor.system("expiry")
    due = list(session.scalars(select(Freeze).where(Freeze.state == ACTIVE, Freeze.expires_at <= now)
                               .order_by(Freeze.id)))
    for freeze in due:
        freeze.state = EXPIRED
        audit.record(session, actor, "freeze.expire", object_type="freeze", object_id=freeze.id,
                     detail={"expires_at": _iso(freeze.expires_at), "account": freeze.account_number})
    session.flush()
    return [f.id for f in due]
