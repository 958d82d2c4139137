"""The freezes and returns JSON API (冻结、返还), beside the stop-payment orders API.

A freeze is named by the order it was converted from (``/api/orders/{order_id}/freeze``): one
order, at most one freeze. The funds desk converts a stopped order to a freeze, stops an account
again in the last 6 hours of its stop, releases, renews, publishes the 30-day notice and returns
the money; a bank's liaison reads the freezes at its bank (without the case). Every refusal is
JSON: ``{"message", "problems": [{place, reason}]}``.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.services.funds.bank_answers import OrderView
from fanzha.services.funds.freezes import (
    FreezeNotFound,
    FreezeView,
    convert_to_freeze,
    expiring,
    freeze_id_of_order,
    get_freeze,
    list_freezes,
    release_freeze,
    release_order,
    renew_freeze,
    restop,
)
from fanzha.services.funds.money_picture import money_picture
from fanzha.services.funds.restitution import ReturnPlan, publish_notice, return_money, return_plan
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.routers.api_orders import OrderOut
from fanzha.web.schemas import ErrorOut, api_responses
from fanzha.web.use_case import in_session

router = APIRouter(tags=["freezes"])
FreezeState = Literal["active", "released", "returned", "expired"]
OrderId = Annotated[int, Path(ge=1, le=2_147_483_647)]
CaseId = Annotated[int, Path(ge=1, le=2_147_483_647)]
NOT_FOUND = {404: {"model": ErrorOut, "description": "no such order, freeze or case"}}
REFUSED = {**NOT_FOUND, 409: {"model": ErrorOut, "description": "refused in the record's present state (the "
                                                                  "reason says why and what to do instead)"}}


class FreezeOut(BaseModel):
    id: int
    case_id: int | None = Field(description="None for a bank's liaison")
    order_id: int | None
    order_no: str | None
    bank: str
    account_number: str
    amount_fen: int = Field(description="the sum frozen, integer fen")
    legal_document_no: str
    frozen_at: datetime
    expires_at: datetime = Field(description="six months on, and six more for each renewal")
    renewals: int
    renewed_at: datetime | None
    renewal_document_no: str | None
    state: str = Field(description="active / released / returned / expired")
    released_at: datetime | None
    release_reason: str | None
    notice_published_at: datetime | None = Field(description="the 30-day public notice (公告), if published")
    notice_ends_at: datetime | None
    returned_fen: int
    near_expiry: bool = Field(description="active and ending within 30 days")

    @classmethod
    def of(cls, view: FreezeView) -> FreezeOut:
        return cls(**view.__dict__)


class FreezeListOut(BaseModel):
    rows: list[FreezeOut]


class FreezeIn(BaseModel):
    legal_document_no: str = Field(min_length=1, max_length=64, description="the legal document ordering it")
    amount_fen: int | None = Field(None, ge=1, le=10**15, description="less than the sum stopped; default: all")


class RenewIn(BaseModel):
    legal_document_no: str = Field(min_length=1, max_length=64, description="the renewal's own legal document")


class ReleaseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=256)


class ExpiringOut(BaseModel):
    kind: str = Field(description="stop / freeze")
    id: int = Field(description="the order's id (stop) or the freeze's id")
    order_no: str | None
    case_id: int | None
    bank: str
    account_number: str
    amount_fen: int
    expires_at: datetime
    left_seconds: int
    near_expiry: bool = Field(description="a stop in its last 6 hours, a freeze in its last 30 days")


class ExpiringListOut(BaseModel):
    rows: list[ExpiringOut]


class VictimShareOut(BaseModel):
    case_id: int
    report_id: str
    loss_fen: int
    share_fen: int
    returned_fen: int


class ReturnPlanOut(BaseModel):
    freeze_id: int
    amount_fen: int
    mode: str = Field(description="direct (one victim) / proportional (after the 30-day notice)")
    victims: list[VictimShareOut]
    notice_published_at: datetime | None
    notice_ends_at: datetime | None
    returned: bool
    blocked: str | None = Field(description="why the money cannot be returned now; null when it can")

    @classmethod
    def of(cls, plan: ReturnPlan) -> ReturnPlanOut:
        return cls(freeze_id=plan.freeze_id, amount_fen=plan.amount_fen, mode=plan.mode,
                   victims=[VictimShareOut(**v.__dict__) for v in plan.victims],
                   notice_published_at=plan.notice_published_at, notice_ends_at=plan.notice_ends_at,
                   returned=plan.returned, blocked=plan.blocked)


class RestitutionOut(BaseModel):
    case_id: int
    amount_fen: int
    mode: str
    returned_at: datetime


class PictureOut(BaseModel):
    case_id: int
    report_id: str
    rule: str | None
    stolen_fen: int
    nodes: list[dict] = Field(description="victim, accounts (level, bank, holder, sums, order), exits")
    links: list[dict] = Field(description="source → target with the stolen money carried, fen")
    exits: list[dict]
    totals: dict
    loops: list[dict]
    traced: bool


def _refused(exc: InputRejected) -> ApiError:
    if isinstance(exc, FreezeNotFound) or any(p.place in ("order_id", "case_id", "freeze_id") for p in exc.problems):
        return ApiError(404, "; ".join(p.reason for p in exc.problems), exc.problems)
    status = 409 if any(p.place in ("order", "freeze") for p in exc.problems) else 422
    return ApiError(status, "refused; " + "; ".join(p.reason for p in exc.problems), exc.problems)


@router.get("/api/freezes", response_model=FreezeListOut, responses=api_responses())
def list_all(state: Annotated[FreezeState | None, Query()] = None,
             actor: Actor = Depends(requires(Permission.ORDERS_READ)), db=Depends(get_db)) -> FreezeListOut:
    """The freezes the client sees (a bank: those at that bank), soonest to end first."""
    return in_session(db, _refused, lambda session:
                      FreezeListOut(rows=[FreezeOut.of(f) for f in list_freezes(session, actor, state)]))


@router.get("/api/funds/expiring", response_model=ExpiringListOut, responses=api_responses())
def list_expiring(within_hours: Annotated[int, Query(ge=1, le=24 * 366, description="the horizon")] = 48,
                  actor: Actor = Depends(requires(Permission.ORDERS_READ)), db=Depends(get_db)) -> ExpiringListOut:
    """Stops and freezes that end within the horizon, soonest first, flagged when near their end."""
    with db.session() as session:
        items = expiring(session, actor, timedelta(hours=within_hours))
    return ExpiringListOut(rows=[ExpiringOut(kind=i.kind, id=i.id, order_no=i.order_no, case_id=i.case_id,
                                             bank=i.bank, account_number=i.account_number, amount_fen=i.amount_fen,
                                             expires_at=i.expires_at, left_seconds=i.left_seconds,
                                             near_expiry=i.near_expiry) for i in items])


@router.get("/api/orders/{order_id}/freeze", response_model=FreezeOut, responses=api_responses(more=NOT_FOUND))
def read_freeze(order_id: OrderId, actor: Actor = Depends(requires(Permission.ORDERS_READ)),
                db=Depends(get_db)) -> FreezeOut:
    """The freeze an order was converted to."""
    return in_session(db, _refused, lambda session:
                      FreezeOut.of(get_freeze(session, actor, freeze_id_of_order(session, order_id))))


@router.post("/api/orders/{order_id}/freeze", response_model=FreezeOut, status_code=201,
             responses=api_responses(more=REFUSED))
def create_freeze(order_id: OrderId, body: FreezeIn, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                  db=Depends(get_db)) -> FreezeOut:
    """Convert a stopped order to a six-month freeze (止付转冻结); once per order."""
    return in_session(db, _refused, lambda session:
                      FreezeOut.of(convert_to_freeze(session, actor, order_id, body.legal_document_no, body.amount_fen)))


@router.post("/api/orders/{order_id}/freeze/renew", response_model=FreezeOut, responses=api_responses(more=REFUSED))
def renew(order_id: OrderId, body: RenewIn, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
          db=Depends(get_db)) -> FreezeOut:
    """Renew the order's freeze six months on from its current expiry (续冻)."""
    return in_session(db, _refused, lambda session: FreezeOut.of(renew_freeze(session, actor, freeze_id_of_order(session, order_id),
                                                                              body.legal_document_no)))


@router.post("/api/orders/{order_id}/freeze/release", response_model=FreezeOut,
             responses=api_responses(more=REFUSED))
def release_the_freeze(order_id: OrderId, body: ReleaseIn, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                       db=Depends(get_db)) -> FreezeOut:
    """Release the order's freeze (解冻), with a reason."""
    return in_session(db, _refused, lambda session:
                      FreezeOut.of(release_freeze(session, actor, freeze_id_of_order(session, order_id), body.reason)))


@router.get("/api/orders/{order_id}/freeze/return", response_model=ReturnPlanOut,
            responses=api_responses(more=NOT_FOUND))
def read_return(order_id: OrderId, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                db=Depends(get_db)) -> ReturnPlanOut:
    """The return as it stands: the victims, their shares, the notice and what still blocks it."""
    return in_session(db, _refused, lambda session:
                      ReturnPlanOut.of(return_plan(session, actor, freeze_id_of_order(session, order_id))))


@router.post("/api/orders/{order_id}/freeze/notice", response_model=ReturnPlanOut,
             responses=api_responses(more=REFUSED))
def notice(order_id: OrderId, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
           db=Depends(get_db)) -> ReturnPlanOut:
    """Publish the 30-day public notice (公告) a proportional return waits for; once."""
    return in_session(db, _refused, lambda session:
                      ReturnPlanOut.of(publish_notice(session, actor, freeze_id_of_order(session, order_id))))


@router.post("/api/orders/{order_id}/freeze/return", response_model=list[RestitutionOut],
             responses=api_responses(more=REFUSED))
def do_return(order_id: OrderId, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
              db=Depends(get_db)) -> list[RestitutionOut]:
    """Return the frozen money: directly to one victim, or in proportion after the notice; once."""
    try:
        with db.session() as session:
            rows = return_money(session, actor, freeze_id_of_order(session, order_id))
            return [RestitutionOut(case_id=r.case_id, amount_fen=r.amount_fen, mode=r.mode,
                                   returned_at=r.returned_at) for r in rows]
    except InputRejected as exc:
        raise _refused(exc) from None


@router.post("/api/orders/{order_id}/restop", response_model=OrderOut, status_code=201,
             responses=api_responses(more=REFUSED))
def stop_again(order_id: OrderId, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
               db=Depends(get_db)) -> OrderOut:
    """Stop the order's account once more in the last 6 hours of its stop (续止付): a new order
    linked to this one; at most two stops per account, past that freeze it."""
    return in_session(db, _refused, lambda session:
                      OrderOut.of(OrderView.of(restop(session, actor, order_id))))


@router.post("/api/orders/{order_id}/release", response_model=OrderOut, responses=api_responses(more=REFUSED))
def release_stop(order_id: OrderId, body: ReleaseIn, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                 db=Depends(get_db)) -> OrderOut:
    """Release a stopped order before its 48 hours end (解除止付), with a reason."""
    return in_session(db, _refused, lambda session:
                      OrderOut.of(OrderView.of(release_order(session, actor, order_id, body.reason))))


@router.get("/api/funds/cases/{case_id}/money", response_model=PictureOut, responses=api_responses(more=NOT_FOUND))
def case_money(case_id: CaseId, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
               db=Depends(get_db)) -> PictureOut:
    """A case's money as data for a picture: nodes (victim, accounts with their orders, exits)
    and links with the stolen money each carried, in fen."""
    return in_session(db, _refused, lambda session:
                      PictureOut(**money_picture(session, actor, case_id).as_dict()))
