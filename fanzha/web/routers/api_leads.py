"""The warning leads JSON API (预警线索): the board in the caller's scope, one lead, and leads
pushed down from a higher level's system (上级下发) — all of a push or none, every bad one named."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime, BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.domain.warning_lead import Grade, LeadSource
from fanzha.services.warning.signals import SignalIn, take_signal
from fanzha.services.warning.work import LeadNotFound, board, load
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import ErrorOut, api_responses

router = APIRouter(prefix="/api/leads", tags=["warning leads"])
LeadId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class LeadOut(BaseModel):
    id: int
    lead_no: str
    grade: Grade
    points: int
    reasons: list[list] = Field(description="[points, why in Chinese, why in English]")
    state: str = Field(description="open (to sign), signed, closed")
    level: str = Field(description="where it sits: station, county or city")
    region: str | None
    station_id: int | None
    raised_at: datetime
    sign_by: datetime
    finish_by: datetime
    sign_overdue: bool = False
    finish_overdue: bool = False
    result: str | None
    loss_avoided_fen: int | None

    @classmethod
    def of(cls, lead, sign_overdue: bool = False, finish_overdue: bool = False) -> LeadOut:
        return cls(id=lead.id, lead_no=lead.lead_no, grade=lead.grade, points=lead.points, reasons=lead.reasons,
                   state=lead.state, level=lead.level, region=lead.region, station_id=lead.station_id,
                   raised_at=lead.raised_at, sign_by=lead.sign_by, finish_by=lead.finish_by,
                   sign_overdue=sign_overdue, finish_overdue=finish_overdue, result=lead.result,
                   loss_avoided_fen=lead.loss_avoided_fen)


class LeadListOut(BaseModel):
    rows: list[LeadOut]


class PushedLeadIn(BaseModel):
    ref: str = Field(min_length=1, max_length=96, description="the higher level's reference; pushed again, taken once")
    time: AwareDatetime
    phone: str | None = Field(None, max_length=20)
    account: str | None = Field(None, max_length=32)
    id_number: str | None = Field(None, max_length=18)
    name: str | None = Field(None, max_length=64)
    district: str | None = Field(None, max_length=64)
    fraud_type: FraudType | None = None
    amount_fen: int = Field(0, ge=0, le=10**15)
    note: str | None = Field(None, max_length=500)


class PushIn(BaseModel):
    leads: list[PushedLeadIn] = Field(min_length=1, max_length=5000)


class PushOut(BaseModel):
    taken: int = Field(description="new signals (a new lead, or one more on the person's open lead)")
    repeated: int = Field(description="pushed before: nothing changed")
    leads: list[LeadOut]


@router.get("", response_model=LeadListOut, responses=api_responses())
def list_leads(grade: Annotated[Grade | None, Query()] = None,
               state: Annotated[str | None, Query(pattern="^(open|signed|closed)$")] = None,
               actor: Actor = Depends(requires(Permission.LEADS_READ)), db=Depends(get_db)) -> LeadListOut:
    """The board in the caller's scope: most urgent first, overdue ones flagged."""
    with db.session() as session:
        rows = board(session, actor, state=state, grade=grade.value if grade else None)
        return LeadListOut(rows=[LeadOut.of(r.lead, r.sign_overdue, r.finish_overdue) for r in rows])


@router.get("/{lead_id}", response_model=LeadOut, responses=api_responses(more={404: {"model": ErrorOut}}))
def read_lead(lead_id: LeadId, actor: Actor = Depends(requires(Permission.LEADS_READ)), db=Depends(get_db)) -> LeadOut:
    try:
        with db.session() as session:
            return LeadOut.of(load(session, actor, lead_id))
    except LeadNotFound as exc:
        raise ApiError(404, f"no lead #{lead_id}; list them with GET /api/leads", exc.problems) from None


@router.post("/push", response_model=PushOut, responses=api_responses())
def push(body: PushIn, actor: Actor = Depends(requires(Permission.LEADS_WORK)), db=Depends(get_db)) -> PushOut:
    """Leads pushed down from a higher level: each names a person (phone, account or identity number);
    all are taken or none, and every refused one is named by its index."""
    problems: list[Problem] = []
    taken = repeated = 0
    leads = []
    try:
        with db.session() as session:
            for i, item in enumerate(body.leads):
                try:
                    result = take_signal(session, actor, SignalIn(
                        source=LeadSource.PUSHED_DOWN, ref=f"push:{item.ref}", at=item.time, phone=item.phone,
                        account=item.account, id_number=item.id_number, name=item.name, district=item.district,
                        amount_fen=item.amount_fen, fraud_type=item.fraud_type,
                        evidence={"note": item.note} if item.note else {}))
                except InputRejected as exc:
                    problems += [Problem(f"leads.{i}.{p.place}", p.reason) for p in exc.problems]
                    continue
                repeated += result.repeat
                taken += not result.repeat
                leads.append(result.lead)
            if problems:
                raise InputRejected(problems, "push refused")
            out = PushOut(taken=taken, repeated=repeated, leads=[LeadOut.of(lead) for lead in {x.id: x for x in leads}.values()])
    except InputRejected as exc:
        raise ApiError(422, "the push was refused, nothing taken; fix the leads named and push again",
                       exc.problems) from None
    return out
