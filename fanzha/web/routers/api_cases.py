"""The cases JSON API: file a report, search, export, read a case, move its status, classify it.

Machine clients send ``Authorization: Bearer <API token>``; signed-in browsers use the session
cookie (and, for POSTs, the ``X-CSRF-Token`` header). Names, identity numbers, phone and account
numbers come masked; a client whose role may reveal them adds ``reveal=<reason>`` (at least four
characters) to a case or an export, and the reveal is written to the audit log. Every refusal is
JSON: ``{"message", "problems": [{place, reason}]}``.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response

from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.domain.privacy import MASKED, PrivacyView
from fanzha.domain.report import VictimReport
from fanzha.services.case_edit import classify_case
from fanzha.services.case_export import export_cases
from fanzha.services.case_search import SORTS, UNSET, CaseQuery, case_detail, search_cases
from fanzha.services.intake import DuplicateReport, change_status, file_report
from fanzha.services.reveal import reveal_case
from fanzha.web.auth import requires
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
    api_responses,
)

router = APIRouter(prefix="/api/cases", tags=["cases"])
Sort = Literal[SORTS]  # type: ignore[valid-type]
FraudFilter = Literal[(UNSET, *(f.value for f in FraudType))]  # type: ignore[valid-type]
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # no control characters (PostgreSQL refuses NUL)
CaseId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Reveal = Annotated[str | None, Query(
    max_length=200, pattern=PRINTABLE,
    description="a reason (at least 4 characters) to show personal data whole; needs case.reveal_pii "
                "and is written to the audit log")]


@router.post("", status_code=201, response_model=CaseFiledOut, responses=api_responses(more={
    200: {"model": CaseFiledOut, "description": "the same report was filed before; nothing written"},
    409: {"model": ErrorOut, "description": "a different report already has this report_id"},
    422: {"model": ErrorOut, "description": "the report has errors; each place is listed"}}))
def create_case(report: VictimReport, actor: Actor = Depends(requires(Permission.CASE_CREATE)), db=Depends(get_db)):
    """File a victim report (FORMATS.md). Re-sending the same report is safe: it answers 200 with
    the case filed the first time. The optional ``station`` names the police station covering the
    victim (龙桥派出所)."""
    try:
        with db.session() as session:
            filed = file_report(session, actor, report)
            body = CaseFiledOut(created=filed.created, case=CaseOut.of(case_detail(session, actor, filed.case.id)))
    except DuplicateReport as exc:
        raise ApiError(409, "a different report already has this report_id; give the report a new id, "
                            "or send the same content to retry", exc.problems) from None
    except InputRejected as exc:
        raise ApiError(422, "the report was refused; fix each place listed in problems and send it again",
                       exc.problems) from None
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if body.created else 200)


def _query(text, region, fraud_type, status, reported_from, reported_to, page, per_page, sort) -> CaseQuery:
    return CaseQuery(text=text or None, region=region or None, fraud_type=fraud_type,
                     status=status.value if status else None, reported_from=reported_from,
                     reported_to=reported_to, page=page, per_page=per_page, sort=sort)


Text = Annotated[str | None, Query(max_length=200, pattern=PRINTABLE, description="victim name, phone, account, report id or "
                                                               "words of the narrative")]
Region = Annotated[str | None, Query(max_length=64, pattern=PRINTABLE)]
Fraud = Annotated[FraudFilter | None, Query(description="a FraudType code, or unset for unclassified cases")]


@router.get("", response_model=CaseListOut, responses=api_responses(422))
def list_cases(
    text: Text = None,
    region: Region = None,
    fraud_type: Fraud = None,
    status: CaseStatus | None = None,
    reported_from: date | None = None,
    reported_to: date | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
    sort: Sort = "-reported_at",
    actor: Actor = Depends(requires(Permission.CASE_READ)),
    db=Depends(get_db),
) -> CaseListOut:
    """Search the cases in the client's area. Victims' names and phones are masked in the rows."""
    query = _query(text, region, fraud_type, status, reported_from, reported_to, page, per_page, sort)
    try:
        with db.session() as session:
            result = search_cases(session, actor, query)
    except InputRejected as exc:
        raise ApiError(422, "the search was refused; fix each place listed in problems", exc.problems) from None
    return CaseListOut(rows=[CaseRowOut.of(r) for r in result.rows], total=result.total,
                       total_capped=bool(getattr(result, "total_capped", False)),
                       page=result.page, per_page=result.per_page, took_ms=result.took_ms)


@router.get("/export", response_class=Response, responses=api_responses(422, more={
    200: {"description": "the cases as CSV (UTF-8 with BOM), masked unless revealed",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}))
def export(
    text: Text = None,
    region: Region = None,
    fraud_type: Fraud = None,
    status: CaseStatus | None = None,
    reported_from: date | None = None,
    reported_to: date | None = None,
    sort: Sort = "-reported_at",
    reveal: Reveal = None,
    actor: Actor = Depends(requires(Permission.CASE_EXPORT)),
    db=Depends(get_db),
) -> Response:
    """The cases the search finds (at most 5,000) as CSV. Masked like the pages unless ``reveal``
    gives a reason; every export is written to the audit log."""
    query = _query(text, region, fraud_type, status, reported_from, reported_to, 1, MAX_PER_PAGE, sort)
    try:
        with db.session() as session:
            body, _rows = export_cases(session, actor, query, reveal)
    except InputRejected as exc:
        raise ApiError(422, "the export was refused; fix each place listed in problems", exc.problems) from None
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="cases.csv"'})


def _case(session, actor: Actor, case_id: int):
    case = case_detail(session, actor, case_id)
    if case is None:
        raise ApiError(404, f"no case #{case_id}; find cases with GET /api/cases")
    return case


@router.get("/{case_id}", response_model=CaseOut, responses=api_responses(422, more={404: {"model": ErrorOut}}))
def get_case(case_id: CaseId, reveal: Reveal = None, actor: Actor = Depends(requires(Permission.CASE_READ)),
             db=Depends(get_db)) -> CaseOut:
    """One case with its victim, transfers, contacts and timeline; personal data masked unless
    ``reveal`` gives a reason (needs case.reveal_pii; audited)."""
    view: PrivacyView = MASKED
    try:
        with db.session() as session:
            case = _case(session, actor, case_id)
            if reveal is not None:
                reveal_case(session, actor, case_id, reveal)
                view = PrivacyView(everything=True)
            return CaseOut.of(case, view)
    except InputRejected as exc:
        raise ApiError(422, "the reveal was refused; give a reason of at least 4 characters", exc.problems) from None


@router.post("/{case_id}/status", response_model=CaseOut, responses=api_responses(422, more={
    404: {"model": ErrorOut}, 409: {"model": ErrorOut, "description": "the move is not allowed from the current status"}}))
def move_case(case_id: CaseId, body: StatusChangeIn, actor: Actor = Depends(requires(Permission.CASE_CHANGE_STATUS)),
              db=Depends(get_db)) -> CaseOut:
    """Move a case one step: reported → filed → investigating → solved → closed (reported may close)."""
    try:
        with db.session() as session:
            change_status(session, actor, _case(session, actor, case_id), body.status, note=body.note)
    except InputRejected as exc:
        raise ApiError(409, "status change refused; choose one of the next statuses named in problems",
                       exc.problems) from None
    with db.session() as session:
        return CaseOut.of(_case(session, actor, case_id))


@router.post("/{case_id}/fraud-type", response_model=CaseOut,
             responses=api_responses(422, more={404: {"model": ErrorOut}}))
def classify(case_id: CaseId, body: ClassifyIn, actor: Actor = Depends(requires(Permission.CASE_CLASSIFY)),
             db=Depends(get_db)) -> CaseOut:
    """Set or change the case's fraud type; a change is recorded on the timeline."""
    with db.session() as session:
        classify_case(session, actor, _case(session, actor, case_id), body.fraud_type)
    with db.session() as session:
        return CaseOut.of(_case(session, actor, case_id))
