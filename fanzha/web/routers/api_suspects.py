"""Suspects, arrests and seizures API (嫌疑人、打击处理、缴获).

Writes are idempotent: send a client key (the ``Idempotency-Key`` header, or ``client_key`` in
the body) and a retried POST answers with what the first made (``created: false``); the same
measure against the same suspect is one record whatever the key. Names, identity and phone
numbers are masked.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.crackdown import Measure, SeizureKind, SuspectRole, SuspectStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.domain.privacy import mask_id, mask_name, mask_phone
from fanzha.services.analysis.arrests import measures_of, record_measure
from fanzha.services.analysis.request_keys import Replayed
from fanzha.services.analysis.seizures import SeizureIn, record_seizure, seizures_of
from fanzha.services.analysis.suspects import (
    SuspectIn,
    SuspectNotFound,
    create_suspect,
    events,
    list_suspects,
    load,
    move_status,
)
from fanzha.store.models import Seizure
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import ErrorOut, api_responses

router = APIRouter(prefix="/api/analysis", tags=["analysis: suspects and arrests"])
SuspectId = Annotated[int, Path(ge=1, le=2_147_483_647)]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=64,
                                       description="a retried request with the same key makes nothing new")]
NOT_FOUND = api_responses(more={404: {"model": ErrorOut}})
SMALL_ID = Field(None, ge=1, le=2_147_483_647)


class MeasureOut(BaseModel):
    id: int
    measure: Measure
    at: datetime = Field(description="the day it counts on (00:00 in the center's zone when a day was given)")
    region: str | None = Field(description="the county that took it")
    case_id: int | None
    series_id: int | None
    recorded_by: str


class SeizureOut(BaseModel):
    id: int
    kind: SeizureKind
    count: int = Field(description="pieces; fen for cash")
    at: datetime
    region: str | None
    case_id: int | None
    series_id: int | None
    suspect_id: int | None


class EventOut(BaseModel):
    at: datetime
    actor: str
    status_from: SuspectStatus | None
    status_to: SuspectStatus
    note: str


class SuspectOut(BaseModel):
    id: int
    suspect_no: str
    name: str = Field(description="masked (陈*明)")
    id_number: str | None = Field(description="masked")
    phone: str | None = Field(description="masked")
    role: SuspectRole
    status: SuspectStatus
    province: str | None
    city: str | None
    case_id: int | None
    series_id: int | None
    evidence: list[str]
    created_at: datetime

    @classmethod
    def of(cls, s) -> SuspectOut:
        return cls(id=s.id, suspect_no=s.suspect_no, name=mask_name(s.name),
                   id_number=mask_id(s.id_number) if s.id_number else None,
                   phone=mask_phone(s.phone) if s.phone else None, role=s.role, status=s.status, province=s.province,
                   city=s.city, case_id=s.case_id, series_id=s.series_id, evidence=list(s.evidence or []),
                   created_at=s.created_at)


class SuspectDetailOut(SuspectOut):
    events: list[EventOut]
    measures: list[MeasureOut]
    seizures: list[SeizureOut]


class SuspectListOut(BaseModel):
    rows: list[SuspectOut]


class CreatedSuspectOut(BaseModel):
    created: bool = Field(description="false: made before (same client key, or the same person on the same case/series)")
    suspect: SuspectOut


class SuspectCreateIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    role: SuspectRole = SuspectRole.OTHER
    status: SuspectStatus = SuspectStatus.IDENTIFIED
    id_number: str | None = Field(None, max_length=18)
    phone: str | None = Field(None, max_length=20)
    province: str | None = Field(None, max_length=32)
    city: str | None = Field(None, max_length=32)
    case_id: int | None = SMALL_ID
    series_id: int | None = SMALL_ID
    evidence: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=2000)
    client_key: str | None = Field(None, max_length=64)


class MoveIn(BaseModel):
    status: SuspectStatus
    note: str = Field(min_length=1, max_length=2000)
    client_key: str | None = Field(None, max_length=64)


class MoveOut(BaseModel):
    created: bool
    suspect: SuspectOut


class MeasureIn(BaseModel):
    measure: Measure
    day: date | None = Field(None, description="the day the measure was taken")
    at: AwareDatetime | None = Field(None, description="or the exact time, with its zone")
    region: str = Field(min_length=1, max_length=64, description="the county that took it")
    note: str = Field("", max_length=2000)
    client_key: str | None = Field(None, max_length=64)


class CreatedMeasureOut(BaseModel):
    created: bool = Field(description="false: this measure was recorded before; nothing changed")
    measure: MeasureOut


class SeizureCreateIn(BaseModel):
    kind: SeizureKind
    count: int = Field(ge=1, le=10**12)
    day: date
    region: str = Field(min_length=1, max_length=64)
    case_id: int | None = SMALL_ID
    series_id: int | None = SMALL_ID
    suspect_id: int | None = SMALL_ID
    note: str = Field("", max_length=2000)
    client_key: str | None = Field(None, max_length=64)


class CreatedSeizureOut(BaseModel):
    created: bool
    seizure: SeizureOut


def _refused(exc: InputRejected) -> ApiError:
    if isinstance(exc, SuspectNotFound):
        return ApiError(404, "no such suspect; list them with GET /api/analysis/suspects", exc.problems)
    return ApiError(422, "refused; fix each place listed in problems", exc.problems)


def _measure_out(a) -> MeasureOut:
    return MeasureOut(id=a.id, measure=a.measure, at=a.at, region=a.region, case_id=a.case_id,
                      series_id=a.series_id, recorded_by=a.recorded_by)


def _seizure_out(z) -> SeizureOut:
    return SeizureOut(id=z.id, kind=z.kind, count=z.count, at=z.at, region=z.region, case_id=z.case_id,
                      series_id=z.series_id, suspect_id=z.suspect_id)


@router.get("/suspects", response_model=SuspectListOut, responses=api_responses())
def suspects(status: Annotated[SuspectStatus | None, Query()] = None,
             case_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
             series_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
             actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> SuspectListOut:
    """Suspects in the caller's scope, newest first."""
    with db.session() as session:
        rows = list_suspects(session, actor, status=status.value if status else None, case_id=case_id,
                             series_id=series_id)
        return SuspectListOut(rows=[SuspectOut.of(s) for s in rows])


@router.post("/suspects", response_model=CreatedSuspectOut, status_code=201, responses=NOT_FOUND)
def add_suspect(body: SuspectCreateIn, idempotency_key: IdemKey = None,
                actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)):
    """A suspect on a case or a series (201), or the one made before for this key or person (200)."""
    data = SuspectIn(name=body.name, role=body.role.value, status=body.status.value, id_number=body.id_number,
                     phone=body.phone, province=body.province, city=body.city, case_id=body.case_id,
                     series_id=body.series_id, evidence=body.evidence, note=body.note)
    try:
        with db.session() as session:
            suspect, created = create_suspect(session, actor, data, idempotency_key or body.client_key)
            out = CreatedSuspectOut(created=created, suspect=SuspectOut.of(suspect))
    except Replayed as again:
        with db.session() as session:
            out = CreatedSuspectOut(created=False, suspect=SuspectOut.of(load(session, actor, again.object_id)))
    except InputRejected as exc:
        raise _refused(exc) from None
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if out.created else 200)


@router.get("/suspects/{suspect_id}", response_model=SuspectDetailOut, responses=NOT_FOUND)
def suspect(suspect_id: SuspectId, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
            db=Depends(get_db)) -> SuspectDetailOut:
    """One suspect with the status history, measures and seizures."""
    try:
        with db.session() as session:
            s = load(session, actor, suspect_id)
            return SuspectDetailOut(
                **SuspectOut.of(s).model_dump(),
                events=[EventOut(at=e.at, actor=e.actor, status_from=e.status_from, status_to=e.status_to, note=e.note)
                        for e in events(session, s.id)],
                measures=[_measure_out(a) for a in measures_of(session, s.id)],
                seizures=[_seizure_out(z) for z in seizures_of(session, actor, suspect_id=s.id)])
    except InputRejected as exc:
        raise _refused(exc) from None


@router.post("/suspects/{suspect_id}/status", response_model=MoveOut, responses=NOT_FOUND)
def move(suspect_id: SuspectId, body: MoveIn, idempotency_key: IdemKey = None,
         actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)) -> MoveOut:
    """Move the suspect's status along the allowed moves (identified → wanted → caught → handed over)."""
    try:
        with db.session() as session:
            _, created = move_status(session, actor, suspect_id, body.status.value, body.note,
                                     idempotency_key or body.client_key)
            return MoveOut(created=created, suspect=SuspectOut.of(load(session, actor, suspect_id)))
    except Replayed:
        with db.session() as session:
            return MoveOut(created=False, suspect=SuspectOut.of(load(session, actor, suspect_id)))
    except InputRejected as exc:
        raise _refused(exc) from None


@router.post("/suspects/{suspect_id}/measures", response_model=CreatedMeasureOut, status_code=201,
             responses=NOT_FOUND)
def measure(suspect_id: SuspectId, body: MeasureIn, idempotency_key: IdemKey = None,
            actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)):
    """A measure (打击处理) with its day and county; the same measure twice is one record (200)."""
    when = body.at or body.day
    if when is None:
        raise ApiError(422, "give the day the measure was taken", [])
    try:
        with db.session() as session:
            arrest, created = record_measure(session, actor, suspect_id, body.measure.value, when, body.region,
                                             body.note, idempotency_key or body.client_key)
            out = CreatedMeasureOut(created=created, measure=_measure_out(arrest))
    except InputRejected as exc:
        raise _refused(exc) from None
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


def _seize(body: SeizureCreateIn, suspect_id: int | None, key: str | None, actor: Actor, db):
    data = SeizureIn(kind=body.kind.value, count=body.count, at=body.day, region=body.region,
                     suspect_id=suspect_id, case_id=body.case_id, series_id=body.series_id, note=body.note)
    try:
        with db.session() as session:
            seizure, created = record_seizure(session, actor, data, key or body.client_key)
            out = CreatedSeizureOut(created=created, seizure=_seizure_out(seizure))
    except Replayed as again:
        with db.session() as session:
            out = CreatedSeizureOut(created=False, seizure=_seizure_out(session.get(Seizure, again.object_id)))
    except InputRejected as exc:
        raise _refused(exc) from None
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if out.created else 200)


@router.post("/suspects/{suspect_id}/seizures", response_model=CreatedSeizureOut, status_code=201,
             responses=NOT_FOUND)
def seize_from(suspect_id: SuspectId, body: SeizureCreateIn, idempotency_key: IdemKey = None,
               actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)):
    """Things seized from a suspect (cards, phones, SIM boxes, tools, cash in fen)."""
    return _seize(body, suspect_id, idempotency_key, actor, db)


@router.post("/seizures", response_model=CreatedSeizureOut, status_code=201, responses=api_responses())
def seize(body: SeizureCreateIn, idempotency_key: IdemKey = None,
          actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)):
    """Things seized on a case or series (or a suspect given in the body)."""
    return _seize(body, body.suspect_id, idempotency_key, actor, db)
