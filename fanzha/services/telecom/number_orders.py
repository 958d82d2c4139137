"""Orders to operators on fraud numbers (涉诈号码处置): raise, queue, answer, overdue, appeal.

Raising an order does two things at once: the number goes on the center's block list (so calls
from it are screened from this moment, with the order's reason and appeal channel as its
provenance) and the order goes to the number's operator's queue with its time limit — 1 hour for
a number a victim reported, 24 hours for one found by association. One open order per number and
kind: raising it again (another case, a retry) returns the order already there. The operator's
liaison (or its system, by token) answers executed or rejected with a reason. The holder's appeal
(申诉) is filed by the operator's liaison or an officer; an officer grants it (the order is lifted
and the block-list entry with it) or refuses it with a reason.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, case_in_scope, check
from fanzha.domain.actor import Actor
from fanzha.domain.contact import ContactKind
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.number_order import (
    APPEAL_CHANNEL,
    AppealState,
    Basis,
    NumberOrderKind,
    NumberOrderState,
    due_at,
    is_overdue,
)
from fanzha.domain.organisation import operator_by_name, operator_of_number
from fanzha.domain.permissions import Permission, Scope
from fanzha.services import audit
from fanzha.services.analysis.graph_build import graph_after_order
from fanzha.services.telecom.block_list import NewEntry, add_entry, lift_entry
from fanzha.store.models import Case, CaseEvent, NumberAppeal, NumberOrder, NumberOrderEvent, Phone

REASON_MAX = 256
_NUMBER = re.compile(r"^1\d{10}$")
EVENT_NOT_SENT = "number_order_not_sent"
LIST_KIND = {Basis.REPORTED: "known", Basis.ASSOCIATED: "associated"}


class NumberOrderNotFound(InputRejected):
    """No such order or appeal (or none the actor may see)."""


def normalise_number(text: str) -> str:
    """Digits only, without the country code: '+86 138-1234-5678' → '13812345678'."""
    digits = re.sub(r"[\s\-()]", "", text or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def operator_for(session: Session, number: str) -> str | None:
    """The operator holding the number: the registry first, else the number's segment (号段)."""
    registered = session.scalar(select(Phone.operator).where(Phone.number == number))
    op = operator_by_name(registered) if registered else None
    op = op or operator_of_number(number)
    return op.code if op else None


def _key(number: str, kind: NumberOrderKind) -> str:
    return f"{number}|{kind.value}"


def _move(order: NumberOrder, target: NumberOrderState, actor: Actor, at: datetime, detail: dict | None = None) -> None:
    current = NumberOrderState(order.state) if order.state else None
    if current is not None and not current.can_move_to(target):
        raise InputRejected([Problem("order", f"order {order.order_no} is {current.value}; it cannot become "
                                              f"{target.value}")], "order state")
    order.state = target.value
    order.events.append(NumberOrderEvent(at=at, from_state=current.value if current else None,
                                         to_state=target.value, actor=actor.username[:64], detail=detail or {}))


@dataclass(frozen=True)
class Raised:
    order: NumberOrder
    created: bool


def raise_order(session: Session, actor: Actor, number: str, kind: NumberOrderKind, basis: Basis, *,
                source: Literal["case", "model", "manual"], reason: str, case_id: int | None = None,
                source_ref: str | None = None, score: float | None = None) -> Raised:
    """Raise (or find) the open order on ``number`` of ``kind``; puts the number on the block list."""
    check(actor, Permission.NUMBERS_ORDER, object_type="number_order")
    number = normalise_number(number)
    problems = []
    if not _NUMBER.match(number):
        problems.append(Problem("number", f"{number!r} is not a mainland mobile number (11 digits from 1); "
                                          "fixed lines and overseas numbers go to the operator by hand"))
    reason = (reason or "").strip()
    if not reason:
        problems.append(Problem("reason", "every restriction states its reason"))
    if problems:
        raise InputRejected(problems, "order refused")
    existing = session.scalar(select(NumberOrder).where(NumberOrder.dedup_key == _key(number, kind)))
    if existing is not None:
        return Raised(existing, False)
    operator = operator_for(session, number)
    if operator is None:
        raise InputRejected([Problem("number", f"{number}: its operator is unknown (not in the registry, segment "
                                               f"{number[:3]} not known); send it to the operator by hand")],
                            "operator unknown")
    at = clock.now()
    entry = add_entry(session, actor, NewEntry(
        number=number, reason=f"{kind.label_zh}: {reason}"[:1000], provenance=source,
        list_kind=LIST_KIND[basis], provenance_ref=source_ref or (f"case #{case_id}" if case_id else None),
        appeal_channel=APPEAL_CHANNEL, score=score))
    order = NumberOrder(order_no=f"TMP-{uuid.uuid4().hex[:24]}", dedup_key=_key(number, kind), number=number,
                        operator=operator, kind=kind.value, basis=basis.value, source=source, source_ref=source_ref,
                        case_id=case_id, reason=reason[:2000], appeal_channel=APPEAL_CHANNEL, state=None,
                        raised_at=at, due_at=due_at(at, basis), block_entry_id=entry.id,
                        created_by=actor.username[:64])
    _move(order, NumberOrderState.SENT, actor, at, {"operator": operator, "due_at": order.due_at.isoformat()})
    session.add(order)
    session.flush()
    if case_id is not None:
        graph_after_order(session, number_id=order.id)  # the entity graph (研判): case involves the number
    order.order_no = f"HM-{at.astimezone(clock.CENTER_TZ):%Y%m%d}-{order.id:06d}"
    audit.record(session, actor, "number_order.raise", object_type="number_order", object_id=order.id, detail={
        "order_no": order.order_no, "number": number, "operator": operator, "kind": kind.value,
        "basis": basis.value, "source": source, "case_id": case_id, "due_at": order.due_at.isoformat()})
    return Raised(order, True)


def raise_from_case(session: Session, actor: Actor, case: Case | int) -> list[Raised]:
    """Shut down every mobile number the victim reported in the case (1 hour).

    A number that cannot be ordered (operator unknown) is noted on the case with the reason, so the
    report itself is never refused for it.
    """
    if isinstance(case, int):
        found = session.get(Case, case)
        if found is None:
            raise NumberOrderNotFound([Problem("case_id", f"no case #{case}")], "unknown case")
        case = found
    if not case_in_scope(actor, case.region, case.station_id):
        raise AccessDenied(actor, Permission.NUMBERS_ORDER, "scope", object_type="case", object_id=case.id)
    raised = []
    for contact in case.contacts:
        if contact.kind != ContactKind.PHONE.value:
            continue
        try:
            raised.append(raise_order(session, actor, contact.value, NumberOrderKind.SHUTDOWN, Basis.REPORTED,
                                      source="case", case_id=case.id, source_ref=case.report_id,
                                      reason=f"受害人报案涉诈号码（警情 {case.report_id}） reported by the victim"))
        except InputRejected as exc:
            session.add(CaseEvent(case_id=case.id, at=clock.now(), kind=EVENT_NOT_SENT, actor=actor.username[:64],
                                  detail={"number": contact.value,
                                          "reason": "; ".join(p.reason for p in exc.problems)}))
    return raised


def raise_from_model(session: Session, actor: Actor, number: str, score: float, top_features: list[str]) -> Raised:
    """An officer's reviewed decision on a number the model scored high: re-verification (24 hours)."""
    why = ", ".join(top_features[:5]) or "model score"
    return raise_order(session, actor, number, NumberOrderKind.REVERIFY, Basis.ASSOCIATED, source="model",
                       source_ref=f"score {score:.3f}", score=score,
                       reason=f"模型研判涉诈（{score:.2f}，经民警审核）: {why}")


@dataclass(frozen=True)
class NumberOrderView:
    """An order as its operator sees it (no victim), with the time limit and whether it is overdue."""

    id: int
    order_no: str
    number: str
    operator: str
    kind: str
    basis: str
    source: str
    reason: str
    appeal_channel: str
    state: str
    raised_at: datetime
    due_at: datetime
    overdue: bool
    answered_at: datetime | None
    reject_reason: str | None

    @classmethod
    def of(cls, o: NumberOrder, now: datetime) -> NumberOrderView:
        return cls(o.id, o.order_no, o.number, o.operator, o.kind, o.basis, o.source, o.reason, o.appeal_channel,
                   o.state, o.raised_at, o.due_at, is_overdue(o.state, o.due_at, now), o.answered_at, o.reject_reason)


def _scope_terms(actor: Actor):
    if actor.scope is Scope.ALL or actor.is_system:
        return []
    if actor.scope is Scope.OWN_OPERATOR and actor.operator_code:
        return [NumberOrder.operator == actor.operator_code]
    return None


def list_orders(session: Session, actor: Actor, state: str | None = None, overdue_only: bool = False,
                limit: int = 500) -> list[NumberOrderView]:
    """The queue: an operator's liaison sees orders to that operator; officers all; soonest due first."""
    check(actor, Permission.NUMBERS_READ, object_type="number_order")
    terms = _scope_terms(actor)
    if terms is None:
        return []
    now = clock.now()
    query = select(NumberOrder).where(*terms)
    if state:
        query = query.where(NumberOrder.state == NumberOrderState(state).value)
    if overdue_only:
        query = query.where(NumberOrder.state == NumberOrderState.SENT.value, NumberOrder.due_at < now)
    query = query.order_by(NumberOrder.state != NumberOrderState.SENT.value, NumberOrder.due_at, NumberOrder.id)
    return [NumberOrderView.of(o, now) for o in session.scalars(query.limit(limit))]


def _load(session: Session, actor: Actor, permission: Permission, order_id: int) -> NumberOrder:
    check(actor, permission, object_type="number_order", object_id=order_id)
    order = session.get(NumberOrder, order_id, with_for_update=True)
    if order is None:
        raise NumberOrderNotFound([Problem("order_id", f"no number order #{order_id}; list them with "
                                                       "GET /api/number-orders")], "unknown order")
    terms = _scope_terms(actor)
    if terms is None or (terms and order.operator != actor.operator_code):
        raise AccessDenied(actor, permission, "scope", object_type="number_order", object_id=order_id)
    return order


def answer_order(session: Session, actor: Actor, order_id: int, outcome: Literal["executed", "rejected"],
                 reason: str | None = None) -> NumberOrderView:
    """The operator's answer, once: executed, or rejected with the reason."""
    order = _load(session, actor, Permission.NUMBERS_ANSWER, order_id)
    if not actor.is_system and actor.operator_code != order.operator:
        raise AccessDenied(actor, Permission.NUMBERS_ANSWER, "scope", object_type="number_order", object_id=order_id)
    if order.state != NumberOrderState.SENT.value:
        raise InputRejected([Problem("order", f"order {order.order_no} is {order.state}; only a sent order awaits "
                                              "an answer")], "order already answered")
    reason = (reason or "").strip() or None
    at = clock.now()
    if outcome == "executed":
        _move(order, NumberOrderState.EXECUTED, actor, at, {"late": at > order.due_at})
    elif outcome == "rejected":
        if not reason:
            raise InputRejected([Problem("reason", "a rejection needs a reason (e.g. not our number)")],
                                "reason missing")
        _move(order, NumberOrderState.REJECTED, actor, at, {"reason": reason[:REASON_MAX]})
        order.reject_reason = reason[:REASON_MAX]
        order.dedup_key = f"{order.dedup_key}|#{order.id}"  # a rejected order no longer holds the number
    else:
        raise InputRejected([Problem("outcome", "outcome must be executed or rejected")], "unknown outcome")
    order.answered_at = at
    audit.record(session, actor, "number_order.answer", object_type="number_order", object_id=order.id, detail={
        "order_no": order.order_no, "outcome": outcome, "reason": order.reject_reason, "late": at > order.due_at})
    session.flush()
    return NumberOrderView.of(order, at)


def file_appeal(session: Session, actor: Actor, order_id: int, appellant: str, grounds: str) -> NumberAppeal:
    """The holder's appeal against an executed restriction, taken by the operator or an officer."""
    permission = Permission.NUMBERS_ANSWER if actor.may(Permission.NUMBERS_ANSWER) else Permission.NUMBERS_ORDER
    order = _load(session, actor, permission, order_id)
    problems = []
    if not (appellant or "").strip():
        problems.append(Problem("appellant", "name the holder who appeals"))
    if not (grounds or "").strip():
        problems.append(Problem("grounds", "say why the holder appeals (e.g. the number is their own, in daily use)"))
    if order.state != NumberOrderState.EXECUTED.value:
        problems.append(Problem("order", f"order {order.order_no} is {order.state}; only an executed restriction "
                                         "can be appealed"))
    pending = session.scalar(select(NumberAppeal.id).where(NumberAppeal.order_id == order.id,
                                                            NumberAppeal.state == AppealState.PENDING.value))
    if pending is not None:
        problems.append(Problem("order", f"appeal #{pending} on this order is still pending"))
    if problems:
        raise InputRejected(problems, "appeal refused")
    at = clock.now()
    appeal = NumberAppeal(order_id=order.id, appellant=appellant.strip()[:64], grounds=grounds.strip()[:2000],
                          filed_at=at, filed_by=actor.username[:64], state=AppealState.PENDING.value)
    session.add(appeal)
    session.flush()
    audit.record(session, actor, "number_appeal.file", object_type="number_appeal", object_id=appeal.id,
                 detail={"order_no": order.order_no, "number": order.number})
    return appeal


def decide_appeal(session: Session, actor: Actor, appeal_id: int, grant: bool, reason: str) -> NumberAppeal:
    """An officer's decision: granted lifts the restriction and the block-list entry; refused keeps it."""
    check(actor, Permission.NUMBERS_ORDER, object_type="number_appeal", object_id=appeal_id)
    appeal = session.get(NumberAppeal, appeal_id, with_for_update=True)
    if appeal is None:
        raise NumberOrderNotFound([Problem("appeal_id", f"no appeal #{appeal_id}")], "unknown appeal")
    reason = (reason or "").strip()
    if not reason:
        raise InputRejected([Problem("reason", "a decision states its reason; the holder is told it")],
                            "reason missing")
    if appeal.state != AppealState.PENDING.value:
        raise InputRejected([Problem("appeal", f"appeal #{appeal.id} was already {appeal.state}")], "decided before")
    order = session.get(NumberOrder, appeal.order_id, with_for_update=True)
    at = clock.now()
    appeal.state = (AppealState.GRANTED if grant else AppealState.REFUSED).value
    appeal.decided_at, appeal.decided_by, appeal.decision_reason = at, actor.username[:64], reason[:2000]
    if grant:
        _move(order, NumberOrderState.LIFTED, actor, at, {"appeal_id": appeal.id, "reason": reason[:REASON_MAX]})
        order.dedup_key = f"{order.dedup_key}|#{order.id}"  # a later flag raises a fresh order
        if order.block_entry_id is not None:
            lift_entry(session, actor, order.block_entry_id, f"申诉成功 appeal #{appeal.id} granted: {reason}")
    audit.record(session, actor, "number_appeal.decide", object_type="number_appeal", object_id=appeal.id,
                 detail={"order_no": order.order_no, "granted": grant, "reason": reason[:REASON_MAX]})
    session.flush()
    return appeal


def list_appeals(session: Session, actor: Actor, state: str | None = None) -> list[tuple[NumberAppeal, NumberOrder]]:
    check(actor, Permission.NUMBERS_READ, object_type="number_appeal")
    terms = _scope_terms(actor)
    if terms is None:
        return []
    query = select(NumberAppeal, NumberOrder).join(NumberOrder, NumberOrder.id == NumberAppeal.order_id).where(*terms)
    if state:
        query = query.where(NumberAppeal.state == AppealState(state).value)
    return [(a, o) for a, o in session.execute(query.order_by(NumberAppeal.filed_at.desc()).limit(500)).all()]
