"""The audit log for auditors (审计): search by user, object, action, outcome and time; verify the
chain. A page for people and the same as JSON."""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from fanzha.domain.actor import Actor
from fanzha.domain.clock import CENTER_TZ, day_problem
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.audit import AuditQuery, search_audit, verify_chain
from fanzha.web.auth import requires
from fanzha.web.case_query import page_window
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import AuditEntryOut, AuditPageOut, ChainOut, api_responses
from fanzha.web.templating import render

router = APIRouter()
AUDIT = requires(Permission.AUDIT_READ)
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Filter = Annotated[str | None, Query(max_length=128, pattern=PRINTABLE)]


def _day(text: str | None) -> date | None:
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day_problem(day, "day") is None else None


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """Local days, both included, as times (the end is the midnight after ``until``)."""
    low = datetime.combine(since, time(0), tzinfo=CENTER_TZ) if since else None
    high = datetime.combine(until + timedelta(days=1), time(0), tzinfo=CENTER_TZ) if until else None
    return low, high


def _int(text: str | None) -> int:
    try:
        return min(max(int(text or 1), 1), 100_000)
    except ValueError:
        return 1


@router.get("/audit", include_in_schema=False)
def audit_page(request: Request, actor: Actor = Depends(AUDIT), db=Depends(get_db)):
    p = request.query_params
    since, until = _day(p.get("since")), _day(p.get("until"))
    low, high = _bounds(since, until)
    outcome = p.get("outcome") if p.get("outcome") in ("allowed", "denied") else None
    query = AuditQuery(actor=p.get("actor") or None, object_type=p.get("object_type") or None,
                       object_id=p.get("object_id") or None, action=p.get("action") or None, outcome=outcome,
                       since=low, until=high, page=_int(p.get("page")))
    refused = None
    with db.session() as session:
        try:
            result = search_audit(session, actor, query)
        except InputRejected as exc:
            refused = [pr.reason for pr in exc.problems]
            result = search_audit(session, actor, AuditQuery())
    pages = max(1, math.ceil(result.total / result.per_page))
    return render(request, "audit/index.html", {
        "area": "audit", "q": query, "since": since, "until": until, "result": result, "refused": refused,
        "pages": pages, "page_window": page_window(result.page, pages),
    })


@router.get("/audit/verify", include_in_schema=False)
def audit_verify_page(request: Request, actor: Actor = Depends(AUDIT), db=Depends(get_db)):
    with db.session() as session:
        report = verify_chain(session, actor)
    return render(request, "audit/verify.html", {"area": "audit", "report": report})


@router.get("/api/audit", response_model=AuditPageOut, tags=["audit"], responses=api_responses())
def audit_api(
    actor_name: Annotated[str | None, Query(alias="actor", max_length=128, pattern=PRINTABLE,
                                            description="username, token:<id> or cli")] = None,
    object_type: Filter = None,
    object_id: Filter = None,
    action: Annotated[str | None, Query(max_length=64, pattern=PRINTABLE,
                                        description="exact, or a prefix ending in a dot (case.)")] = None,
    outcome: Literal["allowed", "denied"] | None = None,
    since: date | None = None,
    until: date | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    actor: Actor = Depends(AUDIT),
    db=Depends(get_db),
) -> AuditPageOut:
    """Audit entries, newest first. ``since`` and ``until`` are local days, both included."""
    problems = [Problem(place, reason) for place, day in (("since", since), ("until", until))
                if (reason := day_problem(day, place))]
    if problems:
        raise ApiError(422, "the search was refused; fix each place listed in problems", problems)
    low, high = _bounds(since, until)
    query = AuditQuery(actor=actor_name, object_type=object_type, object_id=object_id, action=action,
                       outcome=outcome, since=low, until=high, page=page, per_page=per_page)
    try:
        with db.session() as session:
            result = search_audit(session, actor, query)
            rows = [AuditEntryOut.of(e) for e in result.rows]
    except InputRejected as exc:
        raise ApiError(422, "the search was refused; fix each place listed in problems", exc.problems) from None
    return AuditPageOut(rows=rows, total=result.total, total_capped=result.total_capped, page=result.page,
                        per_page=result.per_page)


@router.get("/api/audit/verify", response_model=ChainOut, tags=["audit"], responses=api_responses())
def audit_verify_api(actor: Actor = Depends(AUDIT), db=Depends(get_db)) -> ChainOut:
    """Check every entry's hash and link; names the first broken entry (as `fanzha audit verify`)."""
    with db.session() as session:
        report = verify_chain(session, actor)
    return ChainOut(intact=report.intact, entries=report.entries, broken_seq=report.broken_seq,
                    problem=report.problem, summary=str(report))
