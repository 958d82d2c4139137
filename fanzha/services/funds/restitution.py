"""Returning frozen money to the victims (返还).

The victims of a freeze are the cases whose money reached the frozen account: the freeze's own
case and every other case with an order on the same account at the same bank (one case, one
victim). Where that is one victim the money goes back directly; otherwise the desk publishes a
30-day public notice (公告) first, so other victims can come forward, and after it ends the money
is returned in proportion to each victim's loss (largest remainder, integer fen, every fen handed
out, nobody above their loss). A freeze's money is returned once and never more than was frozen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.domain.restitution import may_return_proportionally, notice_ends_at, proportional_shares
from fanzha.services import audit
from fanzha.services.funds.freezes import ACTIVE, RETURNED, _freeze_for_issue, get_freeze
from fanzha.store.models import Case, Freeze, OrderEvent, Restitution, StopPaymentOrder

DIRECT, PROPORTIONAL = "direct", "proportional"


@dataclass(frozen=True)
class VictimShare:
    case_id: int
    report_id: str
    loss_fen: int
    share_fen: int  # what the plan returns to this victim
    returned_fen: int  # what was returned already


@dataclass(frozen=True)
class ReturnPlan:
    """What returning a freeze's money would do now, or why it cannot yet."""

    freeze_id: int
    amount_fen: int
    mode: str  # direct / proportional
    victims: list[VictimShare]
    notice_published_at: datetime | None
    notice_ends_at: datetime | None
    returned: bool
    blocked: str | None  # why the money cannot be returned now; None when it can

    @property
    def share_total_fen(self) -> int:
        return sum(v.share_fen for v in self.victims)


def _local(value: datetime) -> str:
    return f"{clock.local(value):%Y-%m-%d %H:%M}"


def victims_of(session: Session, freeze: Freeze) -> dict[int, Case]:
    """The cases whose money reached the frozen account, by case id."""
    ids = set(session.scalars(select(StopPaymentOrder.case_id).where(
        StopPaymentOrder.account_number == freeze.account_number, StopPaymentOrder.bank == freeze.bank)))
    ids.add(freeze.case_id)
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id))}


def _plan(session: Session, freeze: Freeze, now: datetime) -> ReturnPlan:
    victims = victims_of(session, freeze)
    done = {r.case_id: r.amount_fen for r in session.scalars(
        select(Restitution).where(Restitution.freeze_id == freeze.id))}
    mode = DIRECT if len(victims) == 1 else PROPORTIONAL
    if mode == DIRECT:
        (case,) = victims.values()
        shares = {case.id: min(freeze.amount_fen, case.loss_fen)}
    else:
        split = proportional_shares(freeze.amount_fen, {str(cid): c.loss_fen for cid, c in victims.items()})
        shares = {int(k): v for k, v in split.items()}
    published = freeze.notice_published_at
    ends = notice_ends_at(published) if published else None
    blocked = None
    if done or freeze.state == RETURNED:
        blocked = "the money of this freeze was returned already"
    elif freeze.state != ACTIVE:
        blocked = f"the freeze is {freeze.state}; only an active freeze's money can be returned"
    elif mode == PROPORTIONAL and published is None:
        blocked = (f"{len(victims)} victims' money reached this account: publish the 30-day notice (公告) first, "
                   "then return in proportion to each victim's loss after it ends")
    elif mode == PROPORTIONAL and not may_return_proportionally(published, now):
        blocked = f"the 30-day notice published {_local(published)} ends {_local(ends)}; return after that"
    elif sum(shares.values()) == 0:
        blocked = "the victims' recorded losses are zero: nothing to return"
    return ReturnPlan(freeze.id, freeze.amount_fen, mode, [
        VictimShare(cid, c.report_id, c.loss_fen, shares.get(cid, 0), done.get(cid, 0)) for cid, c in victims.items()],
        published, ends, bool(done), blocked)


def return_plan(session: Session, actor: Actor, freeze_id: int, *, at: datetime | None = None) -> ReturnPlan:
    """The return as it stands (read): the victims, their shares, the notice and what blocks it."""
    check(actor, Permission.ORDERS_ISSUE, object_type="freeze", object_id=freeze_id)
    get_freeze(session, actor, freeze_id)  # scope
    return _plan(session, session.get(Freeze, freeze_id), at or clock.now())


def publish_notice(session: Session, actor: Actor, freeze_id: int, *, at: datetime | None = None) -> ReturnPlan:
    """Publish the 30-day public notice (公告) a proportional return waits for; once per freeze."""
    at = at or clock.now()
    freeze = _freeze_for_issue(session, actor, freeze_id)
    if freeze.notice_published_at is not None:
        raise InputRejected([Problem("freeze", f"the notice for freeze #{freeze.id} was published on "
                                               f"{_local(freeze.notice_published_at)}; it ends "
                                               f"{_local(notice_ends_at(freeze.notice_published_at))}")],
                            "notice published already")
    if freeze.state != ACTIVE:
        raise InputRejected([Problem("freeze", f"the freeze is {freeze.state}; a notice is for an active freeze")],
                            "freeze not active")
    freeze.notice_published_at = at
    audit.record(session, actor, "freeze.notice", object_type="freeze", object_id=freeze.id, detail={
        "published_at": at.isoformat(), "ends_at": notice_ends_at(at).isoformat()})
    session.flush()
    return _plan(session, freeze, at)


def return_money(session: Session, actor: Actor, freeze_id: int, *, at: datetime | None = None) -> list[Restitution]:
    """Return a freeze's money to its victims (directly, or in proportion after the notice)."""
    at = at or clock.now()
    freeze = _freeze_for_issue(session, actor, freeze_id)
    plan = _plan(session, freeze, at)
    if plan.blocked:
        raise InputRejected([Problem("freeze", plan.blocked)], "return refused")
    shares = [v for v in plan.victims if v.share_fen > 0]
    assert sum(v.share_fen for v in shares) <= freeze.amount_fen  # never more than was frozen
    rows = [Restitution(freeze_id=freeze.id, case_id=v.case_id, amount_fen=v.share_fen, mode=plan.mode,
                        notice_published_at=freeze.notice_published_at, returned_at=at,
                        created_by=actor.username[:64]) for v in shares]
    session.add_all(rows)
    freeze.state = RETURNED
    if freeze.order_id:
        order = session.get(StopPaymentOrder, freeze.order_id)
        if order is not None:
            order.events.append(OrderEvent(at=at, from_state=order.state, to_state=order.state,
                                           actor=actor.username[:64], detail={
                                               "freeze_id": freeze.id, "freeze": RETURNED, "mode": plan.mode,
                                               "returned_fen": sum(v.share_fen for v in shares)}))
    audit.record(session, actor, "freeze.return", object_type="freeze", object_id=freeze.id, detail={
        "mode": plan.mode, "shares": {str(v.case_id): v.share_fen for v in shares},
        "returned_fen": sum(v.share_fen for v in shares), "amount_fen": freeze.amount_fen})
    session.flush()
    return rows
