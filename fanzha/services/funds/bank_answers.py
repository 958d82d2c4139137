"""The banks' side of a stop-payment order: the queue a liaison works, the answer, the expiry.

A bank's liaison (or its bank's own system, through a token) sees only orders to that bank and
only what the order needs: the four fields, the order number, level, state and times — never the
victim. The answer is "stopped" (with the sum actually stopped; the 48 hours run from now) or
"rejected" (with the reason). An order is answered once; an answer to an unknown, answered or
expired order is refused with the reason, and an account may be stopped at most twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.stop_payment import (
    MAX_STOPS_PER_ACCOUNT,
    OrderState,
    may_stop_again,
    stop_expires_at,
)
from fanzha.services import audit
from fanzha.services.funds.orders import move, previous_stops, scope_filter
from fanzha.store.models import StopPaymentOrder

REASON_MAX = 256


class OrderNotFound(InputRejected):
    """No such order (or none the actor may see)."""


@dataclass(frozen=True)
class OrderView:
    """An order as a bank sees it: what the order needs, no victim."""

    id: int
    order_no: str
    level: int
    bank: str
    account_number: str
    account_name: str
    amount_fen: int
    transfer_time: datetime
    state: str
    sent_at: datetime | None
    answered_at: datetime | None
    stopped_at: datetime | None
    expires_at: datetime | None
    stopped_fen: int | None
    reject_reason: str | None

    @classmethod
    def of(cls, o: StopPaymentOrder) -> OrderView:
        return cls(o.id, o.order_no, o.level, o.bank, o.account_number, o.account_name, o.amount_fen,
                   o.transfer_time, o.state, o.sent_at, o.answered_at, o.stopped_at, o.expires_at,
                   o.stopped_fen, o.reject_reason)


def _not_found(order_id: object) -> OrderNotFound:
    return OrderNotFound([Problem("order_id", f"no order #{order_id}; list your orders with GET /api/orders")],
                         "unknown order")


def list_bank_queue(session: Session, actor: Actor, state: str | None = None, limit: int = 500) -> list[OrderView]:
    """The orders the actor sees (a bank: orders to that bank), oldest open first."""
    check(actor, Permission.ORDERS_READ, object_type="order")
    terms = scope_filter(actor)
    if terms is None:
        return []
    query = select(StopPaymentOrder).where(*terms)
    if state:
        query = query.where(StopPaymentOrder.state == OrderState(state).value)
    query = query.order_by(StopPaymentOrder.sent_at, StopPaymentOrder.id).limit(limit)
    return [OrderView.of(o) for o in session.scalars(query)]


def _load(session: Session, actor: Actor, permission: Permission, order_id: int, *,
          lock: bool = False) -> StopPaymentOrder:
    check(actor, permission, object_type="order", object_id=order_id)
    order = session.get(StopPaymentOrder, order_id, with_for_update=lock)
    if order is None:
        raise _not_found(order_id)
    terms = scope_filter(actor)
    visible = terms is not None and (not terms or session.scalar(
        select(StopPaymentOrder.id).where(StopPaymentOrder.id == order_id, *terms)) is not None)
    if not visible:
        raise AccessDenied(actor, permission, "scope", object_type="order", object_id=order_id)
    return order


def get_order(session: Session, actor: Actor, order_id: int) -> OrderView:
    return OrderView.of(_load(session, actor, Permission.ORDERS_READ, order_id))


def load_for_answer(session: Session, actor: Actor, order_id: int, *, lock: bool = False) -> StopPaymentOrder:
    """The order, if the actor may answer it: the liaison of the order's bank (or the system)."""
    order = _load(session, actor, Permission.ORDERS_ANSWER, order_id, lock=lock)
    if not actor.is_system and (actor.scope is not Scope.OWN_BANK or actor.bank_code != order.bank):
        raise AccessDenied(actor, Permission.ORDERS_ANSWER, "scope", object_type="order", object_id=order_id)
    return order


def answer_order(session: Session, actor: Actor, order_id: int, outcome: Literal["stopped", "rejected"],
                 stopped_fen: int | None = None, reason: str | None = None) -> OrderView:
    """Record the bank's answer to one order, once."""
    order = load_for_answer(session, actor, order_id, lock=True)
    state = OrderState(order.state)
    if state is not OrderState.SENT:
        when = f" at {order.answered_at.isoformat()}" if order.answered_at else ""
        raise InputRejected([Problem("order", f"order {order.order_no} is {state.value} ({state.label_zh}){when}; "
                                              "only a sent order awaits an answer")], "order already answered")
    reason = (reason or "").strip() or None
    at = clock.now()
    if outcome == "stopped":
        # An account with nothing left is still stopped (0): what arrives later cannot move on.
        if stopped_fen is None or not 0 <= stopped_fen <= order.amount_fen:
            raise InputRejected([Problem("stopped_fen", f"the sum stopped must be 0 or more and at most the order's "
                                                        f"{order.amount_fen} fen")], "stopped sum out of range")
        stops = previous_stops(session, order.account_number)
        if not may_stop_again(stops):
            raise InputRejected([Problem("order", f"account {order.account_number} was already stopped {stops} times; "
                                                  f"at most {MAX_STOPS_PER_ACCOUNT} stops per account")],
                                "stop limit reached")
        move(session, order, OrderState.STOPPED, actor, at, {"stopped_fen": stopped_fen})
        order.stopped_fen = stopped_fen
        order.stopped_at = at
        order.expires_at = stop_expires_at(at)
    elif outcome == "rejected":
        if not reason:
            raise InputRejected([Problem("reason", "a rejection needs a reason (which of the four fields did not "
                                                   "match, and how)")], "reason missing")
        if len(reason) > REASON_MAX:
            raise InputRejected([Problem("reason", f"at most {REASON_MAX} characters")], "reason too long")
        move(session, order, OrderState.REJECTED, actor, at, {"reason": reason})
        order.reject_reason = reason
    else:
        raise InputRejected([Problem("outcome", "outcome must be stopped or rejected")], "unknown outcome")
    order.answered_at = at
    audit.record(session, actor, "order.answer", object_type="order", object_id=order.id, detail={
        "order_no": order.order_no, "bank": order.bank, "outcome": outcome, "stopped_fen": order.stopped_fen,
        "reason": order.reject_reason, "expires_at": order.expires_at.isoformat() if order.expires_at else None})
    session.flush()
    return OrderView.of(order)


def expire_orders(session: Session, now: datetime | None = None, actor: Actor | None = None) -> list[int]:
    """Move stopped orders whose 48 hours have run out to expired; returns their ids."""
    now = now or clock.now()
    actor = actor or Actor.system("expiry")
    due = list(session.scalars(select(StopPaymentOrder).where(
        StopPaymentOrder.state == OrderState.STOPPED.value, StopPaymentOrder.expires_at <= now)
        .order_by(StopPaymentOrder.id)))
    for order in due:
        move(session, order, OrderState.EXPIRED, actor, now, {"expires_at": order.expires_at.isoformat()})
        audit.record(session, actor, "order.expire", object_type="order", object_id=order.id,
                     detail={"order_no": order.order_no, "expires_at": order.expires_at.isoformat()})
    session.flush()
    return [o.id for o in due]
