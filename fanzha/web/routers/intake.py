"""The intake desk's pages (接警): the report form, the case list with live search, a case's page
with its masked personal data (revealed one value at a time, with a reason)."""
from __future__ import annotations

import math
from types import SimpleNamespace

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.organisation import BANKS
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.privacy import PrivacyView
from fanzha.domain.report import VictimReport
from fanzha.services.case_edit import classify_case
from fanzha.services.case_search import case_detail, search_cases
from fanzha.services.funds.orders import orders_of_case
from fanzha.services.intake import DuplicateReport, change_status, file_report
from fanzha.services.organisations import regions_for, stations
from fanzha.services.report_ids import new_report_id
from fanzha.services.reveal import reveal_field
from fanzha.web.auth import requires
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
def intake_home(actor: Actor = Depends(requires(Permission.CASE_READ))):
    return RedirectResponse("/intake/cases", status_code=303)


def _form_page(request: Request, db, actor: Actor, values: dict, errors=None, general=None, status_code: int = 200):
    with db.session() as session:
        regions = regions_for(session, actor)
        by_region = stations(session)
    if len(regions) == 1 and not values.get("region"):
        values = {**values, "region": regions[0]}
    context = {
        "area": "intake", "values": values, "errors": errors or {}, "general_errors": general or [],
        "regions": regions, "banks": [b.name_zh for b in BANKS], "channels": CHANNELS,
        "stations": {r: [name for _, name in by_region.get(r, [])] for r in regions},
        "own_station": actor.org_name if actor.scope is Scope.STATION else None,
    }
    return render(request, "intake/new.html", context, status_code=status_code)


@router.get("/intake/new")
def new_report_page(request: Request, actor: Actor = Depends(requires(Permission.CASE_CREATE)), db=Depends(get_db)):
    return _form_page(request, db, actor, blank_form(clock.now()))


@router.post("/intake/new")
async def submit_report(request: Request, actor: Actor = Depends(requires(Permission.CASE_CREATE)),
                        db=Depends(get_db)):
    form = await request.form()
    return await run_in_threadpool(_submit, request, db, actor, read_form(form))


def _submit(request: Request, db, actor: Actor, values: dict):
    """Validate and file; on any problem show the form again as typed, errors beside fields."""
    try:
        case_id, created, report_id = _file(db, actor, values)
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
    return _form_page(request, db, actor, values, errors, general, status_code=status)


def _file(db, actor: Actor, values: dict) -> tuple[int, bool, str]:
    """File the report; a generated id that another officer took meanwhile is drawn again."""
    for attempt in range(ID_ATTEMPTS):
        try:
            with db.session() as session:
                report_id = values["report_id"] or new_report_id(session, reported_time(values))
                report = VictimReport.model_validate(report_payload(values, report_id))
                filed = file_report(session, actor, report)
                return filed.case.id, filed.created, report_id
        except (DuplicateReport, IntegrityError) as exc:
            if values["report_id"] or attempt + 1 == ID_ATTEMPTS:
                if isinstance(exc, DuplicateReport):
                    raise
                raise DuplicateReport([Problem("report_id", "this report id was taken a moment ago; save again")],
                                      "duplicate report id") from exc
    raise AssertionError("unreachable")


@router.get("/intake/cases")
def case_list(request: Request, actor: Actor = Depends(requires(Permission.CASE_READ)), db=Depends(get_db)):
    query = query_from_params(request.query_params)
    refused = None
    with db.session() as session:
        try:
            result = search_cases(session, actor, query)
        except InputRejected as exc:  # e.g. the first day after the last: say so, list nothing
            refused = [p.reason for p in exc.problems]
            result = SimpleNamespace(rows=[], total=0, page=1, per_page=query.per_page, took_ms=0.0)
        regions = regions_for(session, actor)
    pages = max(1, math.ceil(result.total / result.per_page))
    context = {"area": "intake", "q": query, "result": result, "regions": regions, "refused": refused,
               "pages": pages, "page_window": page_window(result.page, pages)}
    fragment = request.headers.get("hx-request") and not request.headers.get("hx-history-restore-request")
    # The same URL answers a page or a fragment: caches must keep them apart.
    headers = {"Vary": "HX-Request"}
    if fragment:
        return render(request, "intake/_case_table.html", {**context, "fragment": True}, headers=headers)
    return render(request, "intake/cases.html", context, headers=headers)


def _load(session, actor: Actor, case_id: int):
    case = case_detail(session, actor, case_id) if 0 < case_id < 2**31 else None
    if case is None:
        raise HTTPException(404)
    return case


def _case_page(request: Request, db, actor: Actor, case_id: int, revealed: dict | None = None,
               reveal_error: tuple[str, Problem] | None = None, status_code: int = 200):
    with db.session() as session:
        case = _load(session, actor, case_id)
        current = CaseStatus(case.status)
        next_statuses = [s for s in CaseStatus if current.can_move_to(s)]
        # The case's stop-payment orders, for those who read orders (the funds desk, duty officers).
        orders = orders_of_case(session, case.id) if actor.may(Permission.ORDERS_READ) else []
        return render(request, "intake/case.html", {
            "area": "intake", "case": case, "next_statuses": next_statuses, "orders": orders,
            "pv": PrivacyView(revealed or {}), "revealed": revealed or {}, "reveal_error": reveal_error,
        }, status_code=status_code)


@router.get("/intake/cases/{case_id}")
def case_page(request: Request, case_id: int, actor: Actor = Depends(requires(Permission.CASE_READ)),
              db=Depends(get_db)):
    return _case_page(request, db, actor, case_id)


@router.post("/intake/cases/{case_id}/reveal")
async def case_reveal(request: Request, case_id: int, actor: Actor = Depends(requires(Permission.CASE_REVEAL_PII)),
                      db=Depends(get_db)):
    """Show one masked value whole, for the reason given (audited). With htmx only that value is
    swapped in; without, the case page comes back with it shown."""
    form = await request.form()
    field, reason = str(form.get("field", "")), str(form.get("reason", ""))

    def reveal():
        if not 0 < case_id < 2**31:
            raise HTTPException(404)
        try:
            with db.session() as session:
                return reveal_field(session, actor, case_id, field, reason), None
        except InputRejected as exc:
            if exc.problems[0].place == "case_id":
                raise HTTPException(404) from None
            return None, exc.problems[0]

    value, problem = await run_in_threadpool(reveal)
    if request.headers.get("hx-request"):
        return render(request, "intake/_revealed.html", {"field": field, "value": value, "problem": problem,
                                                         "case": SimpleNamespace(id=case_id)})
    if problem:
        return await run_in_threadpool(_case_page, request, db, actor, case_id, None, (field, problem), 422)
    return await run_in_threadpool(_case_page, request, db, actor, case_id, {field: value})


@router.post("/intake/cases/{case_id}/status")
async def case_status(request: Request, case_id: int, actor: Actor = Depends(requires(Permission.CASE_CHANGE_STATUS)),
                      db=Depends(get_db)):
    target = str((await request.form()).get("status", ""))

    def move():
        try:
            status = CaseStatus(target)
            with db.session() as session:
                change_status(session, actor, _load(session, actor, case_id), status)
            flash(request, "flash.status_changed")
        except (ValueError, InputRejected):
            flash(request, "flash.status_refused", kind="error")

    await run_in_threadpool(move)
    return RedirectResponse(f"/intake/cases/{case_id}", status_code=303)


@router.post("/intake/cases/{case_id}/fraud-type")
async def case_fraud_type(request: Request, case_id: int, actor: Actor = Depends(requires(Permission.CASE_CLASSIFY)),
                          db=Depends(get_db)):
    code = str((await request.form()).get("fraud_type", ""))

    def classify():
        try:
            with db.session() as session:
                changed = classify_case(session, actor, _load(session, actor, case_id), code)
            flash(request, "flash.classified" if changed else "flash.classified_same")
        except ValueError:
            flash(request, "flash.classify_refused", kind="error")

    await run_in_threadpool(classify)
    return RedirectResponse(f"/intake/cases/{case_id}", status_code=303)
