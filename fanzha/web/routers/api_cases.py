"""The cases JSON API: file a report, search, read a case, move its status, classify it.

Signed-in browsers use the session cookie; scripts send HTTP Basic credentials (groundwork: API
tokens come in a later release). Every refusal is JSON: ``{"message", "problems": [{place, reason}]}``.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.report import VictimReport
from fanzha.services.case_edit import classify_case
from fanzha.services.case_search import SORTS, UNSET, CaseQuery, case_detail, search_cases
from fanzha.services.intake import DuplicateReport, change_status, file_report
from fanzha.web.auth import SignedIn, api_user
from fanzha.web.case_query import MAX_PER_PAGE, PER_PAGE
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import (
    CaseFiledOut,
    CaseListOut,
    CaseOut,
    CaseRowOut,
    ClassifyIn,
    ErrorOut,
    StatusChangeIn,
)

router = APIRouter(prefix="/api/cases", tags=["cases"], responses={401: {"model": ErrorOut}})
Sort = Literal[SORTS]  # type: ignore[valid-type]
FraudFilter = Literal[(UNSET, *(f.value for f in FraudType))]  # type: ignore[valid-type]


@router.post("", status_code=201, response_model=CaseFiledOut,
             responses={200: {"model": CaseFiledOut, "description": "the same report was filed before; nothing written"},
                        409: {"model": ErrorOut, "description": "a different report already has this report_id"},
                        422: {"model": ErrorOut, "description": "the report has errors; each place is listed"}})
def create_case(report: VictimReport, user: SignedIn = Depends(api_user), db=Depends(get_db)):
    """File a victim report (FORMATS.md). Re-sending the same report is safe: it answers 200 with
    the case filed the first time."""
    try:
        with db.session() as session:
            filed = file_report(session, report, actor=user.username)
            body = CaseFiledOut(created=filed.created, case=CaseOut.of(case_detail(session, filed.case.id)))
    except DuplicateReport as exc:
        raise ApiError(409, "a different report already has this report_id; give the report a new id, "
                            "or send the same content to retry", exc.problems) from None
    except InputRejected as exc:
        raise ApiError(422, "the report was refused; fix each place listed in problems and send it again",
                       exc.problems) from None
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if body.created else 200)


@router.get("", response_model=CaseListOut, responses={422: {"model": ErrorOut}})
def list_cases(
    text: Annotated[str | None, Query(description="victim name, phone, account, report id or words of the narrative")] = None,
    region: str | None = None,
    fraud_type: Annotated[FraudFilter | None, Query(description="a FraudType code, or unset for unclassified cases")] = None,
    status: CaseStatus | None = None,
    reported_from: date | None = None,
    reported_to: date | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
    sort: Sort = "-reported_at",
    user: SignedIn = Depends(api_user),
    db=Depends(get_db),
) -> CaseListOut:
    """Search cases. Victims' names and phones are masked in the rows; open a case for them."""
    query = CaseQuery(text=text or None, region=region or None, fraud_type=fraud_type,
                      status=status.value if status else None, reported_from=reported_from,
                      reported_to=reported_to, page=page, per_page=per_page, sort=sort)
    try:
        with db.session() as session:
            result = search_cases(session, query)
    except InputRejected as exc:
        raise ApiError(422, "the search was refused; fix each place listed in problems", exc.problems) from None
    return CaseListOut(rows=[CaseRowOut.of(r) for r in result.rows], total=result.total,
                       total_capped=bool(getattr(result, "total_capped", False)),
                       page=result.page, per_page=result.per_page, took_ms=result.took_ms)


def _case(session, case_id: int):
    case = case_detail(session, case_id)
    if case is None:
        raise ApiError(404, f"no case #{case_id}; find cases with GET /api/cases")
    return case


@router.get("/{case_id}", response_model=CaseOut, responses={404: {"model": ErrorOut}})
def get_case(case_id: int, user: SignedIn = Depends(api_user), db=Depends(get_db)) -> CaseOut:
    """One case with its victim, transfers, contacts and timeline."""
    with db.session() as session:
        return CaseOut.of(_case(session, case_id))


@router.post("/{case_id}/status", response_model=CaseOut,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut, "description": "the move is not allowed from the current status"}})
def move_case(case_id: int, body: StatusChangeIn, user: SignedIn = Depends(api_user), db=Depends(get_db)) -> CaseOut:
    """Move a case one step: reported → filed → investigating → solved → closed (reported may close)."""
    try:
        with db.session() as session:
            change_status(session, _case(session, case_id), body.status, actor=user.username, note=body.note)
    except InputRejected as exc:
        raise ApiError(409, "status change refused; choose one of the next statuses named in problems",
                       exc.problems) from None
    with db.session() as session:
        return CaseOut.of(_case(session, case_id))


@router.post("/{case_id}/fraud-type", response_model=CaseOut, responses={404: {"model": ErrorOut}})
def classify(case_id: int, body: ClassifyIn, user: SignedIn = Depends(api_user), db=Depends(get_db)) -> CaseOut:
    """Set or change the case's fraud type; a change is recorded on the timeline."""
    with db.session() as session:
        classify_case(session, _case(session, case_id), body.fraud_type, actor=user.username)
    with db.session() as session:
        return CaseOut.of(_case(session, case_id))
