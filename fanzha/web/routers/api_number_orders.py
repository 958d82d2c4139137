"""The number orders JSON API (号码处置): an operator's queue and answers, appeals, raising by hand.

An operator's own system (with its organisation's token) lists the orders to that operator,
answers each once (executed, or rejected with a reason) and records holders' appeals; officers
raise orders by hand and decide appeals. Refusals are JSON ``{"message", "problems"}``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.number_order import AppealState, Basis, NumberOrderKind, NumberOrderState
from fanzha.domain.permissions import Permission
from fanzha.services.telecom.number_orders import (
    NumberOrderNotFound,
    NumberOrderView,
    answer_order,
    decide_appeal,
    file_appeal,
    list_orders,
    raise_order,
)
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import ErrorOut, api_responses
from fanzha.web.use_case import in_session

router = APIRouter(tags=["number orders"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
CONFLICT = {409: {"model": ErrorOut, "description": "the order or appeal is not in a state that allows this"}}
NOT_FOUND = {404: {"model": ErrorOut}}


class NumberOrderOut(BaseModel):
    id: int
    order_no: str = Field(description="HM-YYYYMMDD-NNNNNN")
    number: str
    operator: str = Field(description="CMCC, CUCC or CTCC")
    kind: NumberOrderKind = Field(description="intercept (拦截), shutdown (关停), reverify (二次实名)")
    basis: Basis = Field(description="reported: within 1 hour; associated: within 24 hours")
    source: str = Field(description="case, model or manual")
    reason: str
    appeal_channel: str
    state: NumberOrderState
    raised_at: datetime
    due_at: datetime
    overdue: bool = Field(description="still waiting past its time limit")
    answered_at: datetime | None
    reject_reason: str | None

    @classmethod
    def of(cls, view: NumberOrderView) -> NumberOrderOut:
        return cls(**view.__dict__)


class NumberOrderListOut(BaseModel):
    rows: list[NumberOrderOut]


class NumberOrderIn(BaseModel):
    number: str = Field(min_length=3, max_length=24, description="a mainland mobile number")
    kind: NumberOrderKind
    basis: Basis
    reason: str = Field(min_length=1, max_length=500)


class NumberAnswerIn(BaseModel):
    outcome: Literal["executed", "rejected"]
    reason: str | None = Field(None, max_length=256, description="needed for rejected")


class AppealIn(BaseModel):
    appellant: str = Field(min_length=1, max_length=64)
    grounds: str = Field(min_length=1, max_length=2000)


class DecisionIn(BaseModel):
    grant: bool = Field(description="true lifts the restriction and its block-list entry")
    reason: str = Field(min_length=1, max_length=2000, description="told to the holder")


class AppealOut(BaseModel):
    id: int
    order_id: int
    appellant: str
    grounds: str
    state: AppealState
    filed_at: datetime
    decided_at: datetime | None
    decision_reason: str | None


def _refused(exc: InputRejected) -> ApiError:
    if isinstance(exc, NumberOrderNotFound):
        return ApiError(404, exc.problems[0].reason, exc.problems)
    status = 409 if any(p.place in ("order", "appeal") for p in exc.problems) else 422
    return ApiError(status, "refused; " + "; ".join(p.reason for p in exc.problems), exc.problems)


def _appeal_out(a) -> AppealOut:
    return AppealOut(id=a.id, order_id=a.order_id, appellant=a.appellant, grounds=a.grounds, state=a.state,
                     filed_at=a.filed_at, decided_at=a.decided_at, decision_reason=a.decision_reason)


@router.get("/api/number-orders", response_model=NumberOrderListOut, responses=api_responses())
def list_number_orders(state: Annotated[NumberOrderState | None, Query()] = None,
                       overdue: Annotated[bool, Query(description="only orders past their limit")] = False,
                       actor: Actor = Depends(requires(Permission.NUMBERS_READ)), db=Depends(get_db)):
    """An operator's queue (its own numbers), soonest due first; officers see every operator's."""
    with db.session() as session:
        rows = list_orders(session, actor, state.value if state else None, overdue_only=overdue)
    return NumberOrderListOut(rows=[NumberOrderOut.of(r) for r in rows])


@router.post("/api/number-orders", status_code=201, response_model=NumberOrderOut,
             responses=api_responses(more={200: {"model": NumberOrderOut, "description": "already open: that order"}}))
def raise_number_order(body: NumberOrderIn, actor: Actor = Depends(requires(Permission.NUMBERS_ORDER)),
                       db=Depends(get_db)):
    """Raise an order by hand; the number goes on the block list at once. Idempotent per number and kind."""
    try:
        with db.session() as session:
            raised = raise_order(session, actor, body.number, body.kind, body.basis, source="manual",
                                 reason=body.reason)
            out = NumberOrderOut.of(NumberOrderView.of(raised.order, raised.order.raised_at))
    except InputRejected as exc:
        raise _refused(exc) from None
    if not raised.created:
        return JSONResponse(out.model_dump(mode="json"), status_code=200)
    return out


@router.post("/api/number-orders/{order_id}/answer", response_model=NumberOrderOut,
             responses=api_responses(more={**NOT_FOUND, **CONFLICT}))
def answer_number_order(order_id: Id, body: NumberAnswerIn, actor: Actor = Depends(requires(Permission.NUMBERS_ANSWER)),
                        db=Depends(get_db)) -> NumberOrderOut:
    """The operator's answer, once: ``executed``, or ``rejected`` with a ``reason``."""
    return in_session(db, _refused, lambda session:
                      NumberOrderOut.of(answer_order(session, actor, order_id, body.outcome, body.reason)))


@router.post("/api/number-orders/{order_id}/appeals", status_code=201, response_model=AppealOut,
             responses=api_responses(more={**NOT_FOUND, **CONFLICT}))
def appeal_number_order(order_id: Id, body: AppealIn, actor: Actor = Depends(requires(Permission.NUMBERS_READ)),
                        db=Depends(get_db)) -> AppealOut:
    """A holder's appeal against an executed restriction (申诉), taken by the operator or an officer."""
    return in_session(db, _refused, lambda session:
                      _appeal_out(file_appeal(session, actor, order_id, body.appellant, body.grounds)))


@router.post("/api/number-appeals/{appeal_id}/decision", response_model=AppealOut,
             responses=api_responses(more={**NOT_FOUND, **CONFLICT}))
def decide_number_appeal(appeal_id: Id, body: DecisionIn, actor: Actor = Depends(requires(Permission.NUMBERS_ORDER)),
                         db=Depends(get_db)) -> AppealOut:
    """An officer's decision: granted lifts the restriction; refused keeps it, with the reason."""
    return in_session(db, _refused, lambda session:
                      _appeal_out(decide_appeal(session, actor, appeal_id, body.grant, body.reason)))
