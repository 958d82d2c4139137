"""The stop-payment orders JSON API (紧急止付): a bank's queue, one order, the bank's answer.

A bank's liaison (or the bank's own system with a token) sees and answers only orders to that
bank, and only the fields the order needs: the four fields, order number, level, state and times.
Funds officers and duty officers see the orders of the cases in their area. Every refusal is JSON:
``{"message", "problems": [{place, reason}]}``; a refused answer is written to the audit log.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.domain.stop_payment import OrderState
from fanzha.services.funds.bank_answers import (
    OrderNotFound,
    OrderView,
    answer_order,
    get_order,
    list_bank_queue,
)
from fanzha.services.funds.statement_answer import answer_with_statement
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import ErrorOut, ImportResultOut, api_responses

router = APIRouter(prefix="/api/orders", tags=["orders"])
OrderId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class OrderOut(BaseModel):
    id: int
    order_no: str = Field(description="ZF-YYYYMMDD-NNNNNN")
    level: int = Field(description="1 = the account the victim paid (一级卡)")
    bank: str = Field(description="bank code (ICBC, CCB, ...)")
    account_number: str
    account_name: str = Field(description="the holder's name as the victim gave it; may be empty")
    amount_fen: int = Field(description="the sum to stop, integer fen")
    transfer_time: datetime = Field(description="the victim's first payment into the account")
    state: OrderState
    sent_at: datetime | None
    answered_at: datetime | None
    stopped_at: datetime | None
    expires_at: datetime | None = Field(description="stopped_at + 48 hours")
    stopped_fen: int | None
    reject_reason: str | None

    @classmethod
    def of(cls, view: OrderView) -> OrderOut:
        return cls(**view.__dict__)


class OrderListOut(BaseModel):
    rows: list[OrderOut]


class AnswerIn(BaseModel):
    outcome: Literal["stopped", "rejected"]
    stopped_fen: int | None = Field(None, ge=0, le=10**15, description="needed for stopped: the sum stopped, fen "
                                     "(0 when the account holds nothing: it is stopped all the same)")
    reason: str | None = Field(None, max_length=256, description="needed for rejected: which field did not match")


@router.get("", response_model=OrderListOut, responses=api_responses())
def list_orders(state: Annotated[OrderState | None, Query()] = None,
                actor: Actor = Depends(requires(Permission.ORDERS_READ)), db=Depends(get_db)) -> OrderListOut:
    """The orders the client sees: a bank's liaison, the orders to that bank (its queue)."""
    with db.session() as session:
        rows = list_bank_queue(session, actor, state.value if state else None)
    return OrderListOut(rows=[OrderOut.of(r) for r in rows])


@router.get("/{order_id}", response_model=OrderOut, responses=api_responses(more={404: {"model": ErrorOut}}))
def read_order(order_id: OrderId, actor: Actor = Depends(requires(Permission.ORDERS_READ)),
               db=Depends(get_db)) -> OrderOut:
    try:
        with db.session() as session:
            return OrderOut.of(get_order(session, actor, order_id))
    except OrderNotFound as exc:
        raise ApiError(404, f"no order #{order_id}; list your orders with GET /api/orders", exc.problems) from None


@router.post("/{order_id}/answer", response_model=OrderOut, responses=api_responses(more={
    404: {"model": ErrorOut}, 409: {"model": ErrorOut, "description": "the order was answered already or expired"}}))
def answer(order_id: OrderId, body: AnswerIn, actor: Actor = Depends(requires(Permission.ORDERS_ANSWER)),
           db=Depends(get_db)) -> OrderOut:
    """The bank's answer: ``stopped`` with ``stopped_fen`` (the 48 hours run from now), or
    ``rejected`` with a ``reason``. An order is answered once."""
    try:
        with db.session() as session:
            return OrderOut.of(answer_order(session, actor, order_id, body.outcome, body.stopped_fen, body.reason))
    except OrderNotFound as exc:
        raise ApiError(404, f"no order #{order_id}; list your orders with GET /api/orders", exc.problems) from None
    except InputRejected as exc:
        status = 409 if any(p.place == "order" for p in exc.problems) else 422
        raise ApiError(status, "the answer was refused; " + "; ".join(p.reason for p in exc.problems),
                       exc.problems) from None


class FollowOrderOut(BaseModel):
    id: int
    order_no: str
    level: int
    bank: str
    account_number: str
    amount_fen: int
    parent_id: int | None


class FollowRequestOut(BaseModel):
    id: int
    bank: str = Field(description="bank code; empty when the statements do not name the bank")
    account_number: str
    level: int


class StatementAnswerOut(BaseModel):
    imported: ImportResultOut
    orders_raised: list[FollowOrderOut] = Field(description="next-level orders this statement led to (source trace)")
    statement_requests: list[FollowRequestOut] = Field(description="statements now asked for (调证)")


@router.post("/{order_id}/statement", response_model=StatementAnswerOut, responses=api_responses(more={
    404: {"model": ErrorOut}, 422: {"description": "the file was refused: nothing imported, nothing followed"}}))
def answer_statement(order_id: OrderId,
                     file: Annotated[UploadFile, File(description="the account's statement: CSV or .xlsx (FORMATS.md)")],
                     actor: Actor = Depends(requires(Permission.ORDERS_ANSWER)), db=Depends(get_db)):
    """The bank's statement for an order's account (and any other it holds): imported, then the
    case's money is followed — accounts still holding stolen money get the next level of orders,
    accounts without a statement get a statement request."""
    try:
        answer = answer_with_statement(db, actor, order_id, file.file.read(), PurePath(file.filename or "upload").name)
    except OrderNotFound as exc:
        raise ApiError(404, f"no order #{order_id}; list your orders with GET /api/orders", exc.problems) from None
    except InputRejected as exc:
        raise ApiError(422, "the file was refused; fix the problems and upload it again", exc.problems) from None
    except (ValueError, UnicodeError) as exc:
        raise ApiError(422, f"the file could not be read ({exc}); check its format against FORMATS.md") from None
    imported = ImportResultOut(**answer.imported.as_dict())
    if answer.imported.rejected:
        return JSONResponse({"imported": imported.model_dump(mode="json"), "orders_raised": [],
                             "statement_requests": []}, status_code=422)
    return StatementAnswerOut(imported=imported, orders_raised=answer.orders_raised,
                              statement_requests=answer.statement_requests)
