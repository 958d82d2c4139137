"""When statements arrive (流水到位): answer the statement requests they fill and follow the money on.

However a statement comes in — a bank's answer to an order, a general import, the demo's banks —
the accounts it covers may be ones the funds desk asked for (调证) or ones holding a case's money.
Each such request is marked answered with the import batch that filled it, and every case that
named one of those accounts (by order or by request) is followed again, so the next level of
orders goes out without anyone having to ask. Following is idempotent, so a case followed twice
raises nothing new.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.services import audit
from fanzha.services.funds.follow_money import REQUESTED, follow_money
from fanzha.store.db import Database
from fanzha.store.models import StatementPosting, StatementRequest, StopPaymentOrder

ANSWERED = "answered"
FOLLOWER = Actor.system("follow-money")


@dataclass
class Arrival:
    """What one statements import led to."""

    batch_id: int
    requests_answered: list[int] = field(default_factory=list)
    followed: list[dict] = field(default_factory=list)  # FollowResult.as_dict() per case followed

    def as_dict(self) -> dict:
        orders = [o for f in self.followed for o in f["orders_raised"]]
        requests = [r for f in self.followed for r in f["statement_requests"]]
        return {"batch_id": self.batch_id, "requests_answered": self.requests_answered,
                "cases_followed": [f["case_id"] for f in self.followed], "orders_raised": orders,
                "statement_requests": requests}


def _batch_accounts(batch_id: int):
    return select(StatementPosting.account).where(StatementPosting.import_batch_id == batch_id).distinct()


def answer_requests(session: Session, batch_id: int, actor: Actor = FOLLOWER) -> list[int]:
    """Mark the open statement requests for the batch's accounts answered by it; returns their ids."""
    open_requests = list(session.scalars(select(StatementRequest).where(
        StatementRequest.state == REQUESTED, StatementRequest.account_number.in_(_batch_accounts(batch_id)))
        .order_by(StatementRequest.id)))
    at = clock.now()
    for request in open_requests:
        request.state = ANSWERED
        request.answered_at = at
        request.import_batch_id = batch_id
        audit.record(session, actor, "statement.answered", object_type="statement_request", object_id=request.id,
                     detail={"case_id": request.case_id, "account": request.account_number, "batch_id": batch_id})
    session.flush()
    return [r.id for r in open_requests]


def cases_touched(session: Session, batch_id: int) -> list[int]:
    """Cases with an order or a statement request on an account the batch brought statements for."""
    accounts = _batch_accounts(batch_id)
    query = union(
        select(StopPaymentOrder.case_id).where(StopPaymentOrder.account_number.in_(accounts)),
        select(StatementRequest.case_id).where(StatementRequest.account_number.in_(accounts)),
    )
    return sorted({int(c) for c in session.scalars(query)})


def _anything_asked(session: Session) -> bool:
    """Whether any order or request exists at all (a bulk load into a fresh store skips the rest)."""
    return (session.scalar(select(StopPaymentOrder.id).limit(1)) is not None
            or session.scalar(select(StatementRequest.id).limit(1)) is not None)


def statements_arrived(db: Database, batch_id: int | None, actor: Actor = FOLLOWER) -> Arrival | None:
    """Answer the requests the batch fills, then follow every case it touches (one transaction each,
    so one case's trouble does not hold back the others)."""
    if batch_id is None:
        return None
    arrival = Arrival(batch_id)
    with db.session() as session:
        if not _anything_asked(session):
            return arrival
        arrival.requests_answered = answer_requests(session, batch_id, actor)
        case_ids = cases_touched(session, batch_id)
    for case_id in case_ids:
        with db.session() as session:
            arrival.followed.append(follow_money(session, actor, case_id).as_dict())
    return arrival
