"""The intake desk's pages (接警): the report form, the case list with live search, a case's page."""
from __future__ import annotations

import math
from types import SimpleNamespace

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from fanzha.domain import clock
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.organisation import BANKS
from fanzha.domain.report import VictimReport
from fanzha.services.case_edit import classify_case
from fanzha.services.case_search import case_detail, search_cases
from fanzha.services.intake import DuplicateReport, change_status, file_report
from fanzha.services.organisations import known_regions
from fanzha.services.report_ids import new_report_id
from fanzha.web.auth import SignedIn, page_user
from fanzha.web.case_query import page_window, query_from_params
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.report_form import (
    CHANNELS,
    blank_form,
    place_errors,
    read_form,
    report_payload,
    reported_time,
    validation_problems,
)
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)
ID_ATTEMPTS = 3  # a generated report id taken by a simultaneous save is drawn again


@router.get("/intake")
def intake_home(user: SignedIn = Depends(page_user)):
    return RedirectResponse("/intake/cases", status_code=303)


def _form_page(request: Request, db, values: dict, errors=None, general=None, status_code: int = 200):
    with db.session() as session:
        regions = known_regions(session)
    context = {
        "area": "intake", "values": values, "errors": errors or {}, "general_errors": general or [],
        "regions": regions, "banks": [b.name_zh for b in BANKS], "channels": CHANNELS,
    }
    return render(request, "intake/new.html", context, status_code=status_code)


@router.get("/intake/new")
def new_report_page(request: Request, user: SignedIn = Depends(page_user), db=Depends(get_db)):
    return _form_page(request, db, blank_form(clock.now()))


@router.post("/intake/new")
async def submit_report(request: Request, user: SignedIn = Depends(page_user), db=Depends(get_db)):
    form = await request.form()
    return await run_in_threadpool(_submit, request, db, user, read_form(form))


def _submit(request: Request, db, user: SignedIn, values: dict):
    """Validate and file; on any problem show the form again as typed, errors beside fields."""
    try:
        case_id, created, report_id = _file(db, user, values)
    except ValidationError as exc:
        problems, status = validation_problems(exc), 422
    except DuplicateReport as exc:
        problems, status = exc.problems, 409
    except InputRejected as exc:
        problems, status = exc.problems, 422
    else:
        flash(request, "flash.case_filed" if created else "flash.case_existed", report_id=report_id)
        return RedirectResponse(f"/intake/cases/{case_id}", status_code=303)
    errors, general = place_errors(problems, request.state.lang)
    return _form_page(request, db, values, errors, general, status_code=status)


def _file(db, user: SignedIn, values: dict) -> tuple[int, bool, str]:
    """File the report; a generated id that another officer took meanwhile is drawn again."""
    for attempt in range(ID_ATTEMPTS):
        try:
            with db.session() as session:
                report_id = values["report_id"] or new_report_id(session, reported_time(values))
                report = VictimReport.model_validate(report_payload(values, report_id))
                filed = file_report(session, report, actor=user.username)
                return filed.case.id, filed.created, report_id
        except (DuplicateReport, IntegrityError) as exc:
            if values["report_id"] or attempt + 1 == ID_ATTEMPTS:
                if isinstance(exc, DuplicateReport):
                    raise
                raise DuplicateReport([Problem("report_id", "this report id was taken a moment ago; save again")],
                                      "duplicate report id") from exc
    raise AssertionError("unreachable")


@router.get("/intake/cases")
def case_list(request: Request, user: SignedIn = Depends(page_user), db=Depends(get_db)):
    query = query_from_params(request.query_params)
    refused = None
    with db.session() as session:
        try:
            result = search_cases(session, query)
        except InputRejected as exc:  # e.g. the first day after the last: say so, list nothing
            refused = [p.reason for p in exc.problems]
            result = SimpleNamespace(rows=[], total=0, page=1, per_page=query.per_page, took_ms=0.0)
        regions = known_regions(session)
    pages = max(1, math.ceil(result.total / result.per_page))
    context = {"area": "intake", "q": query, "result": result, "regions": regions, "refused": refused,
               "pages": pages, "page_window": page_window(result.page, pages)}
    fragment = request.headers.get("hx-request") and not request.headers.get("hx-history-restore-request")
    # The same URL answers a page or a fragment: caches must keep them apart.
    headers = {"Vary": "HX-Request"}
    if fragment:
        return render(request, "intake/_case_table.html", {**context, "fragment": True}, headers=headers)
    return render(request, "intake/cases.html", context, headers=headers)


def _load(session, case_id: int):
    case = case_detail(session, case_id)
    if case is None:
        raise HTTPException(404)
    return case


@router.get("/intake/cases/{case_id}")
def case_page(request: Request, case_id: int, user: SignedIn = Depends(page_user), db=Depends(get_db)):
    with db.session() as session:
        case = _load(session, case_id)
        current = CaseStatus(case.status)
        next_statuses = [s for s in CaseStatus if current.can_move_to(s)]
        return render(request, "intake/case.html", {"area": "intake", "case": case, "next_statuses": next_statuses})


@router.post("/intake/cases/{case_id}/status")
async def case_status(request: Request, case_id: int, user: SignedIn = Depends(page_user), db=Depends(get_db)):
    target = str((await request.form()).get("status", ""))

    def move():
        try:
            status = CaseStatus(target)
            with db.session() as session:
                change_status(session, _load(session, case_id), status, actor=user.username)
            flash(request, "flash.status_changed")
        except (ValueError, InputRejected):
            flash(request, "flash.status_refused", kind="error")

    await run_in_threadpool(move)
    return RedirectResponse(f"/intake/cases/{case_id}", status_code=303)


@router.post("/intake/cases/{case_id}/fraud-type")
async def case_fraud_type(request: Request, case_id: int, user: SignedIn = Depends(page_user), db=Depends(get_db)):
    code = str((await request.form()).get("fraud_type", ""))

    def classify():
        try:
            with db.session() as session:
                changed = classify_case(session, _load(session, case_id), code, actor=user.username)
            flash(request, "flash.classified" if changed else "flash.classified_same")
        except ValueError:
            flash(request, "flash.classify_refused", kind="error")

    await run_in_threadpool(classify)
    return RedirectResponse(f"/intake/cases/{case_id}", status_code=303)
