"""Suspects, arrests and seizures pages (嫌疑人、打击处理、缴获).

The list with a status filter; a suspect's page with the evidence, the status moves open from
where they stand (each with a note), the measures taken (打击处理: day and county) and what was
seized; a form to add a suspect to a case or series (linked from the case and series pages as
/analysis/suspects/new?case_id=.. or ?series_id=..). Every form carries a client key, so a form
sent twice (a double click, a retry) records once.
"""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from fanzha.domain.actor import Actor
from fanzha.domain.crackdown import Measure, SeizureKind, SuspectRole, SuspectStatus
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.arrests import measures_of, record_measure
from fanzha.services.analysis.request_keys import Replayed
from fanzha.services.analysis.seizures import SeizureIn, record_seizure, seizures_of
from fanzha.services.analysis.suspects import (
    START_STATUSES,
    SuspectIn,
    SuspectNotFound,
    add_evidence,
    allowed_moves,
    create_suspect,
    events,
    list_suspects,
    load,
    move_status,
)
from fanzha.services.organisations import regions_for
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.form_action import form_action
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= 2_147_483_647 else None


def _day(value: object, place: str) -> date:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InputRejected([Problem(place, "choose the day, like 2024-05-30")], "bad day") from None


@router.get("/analysis/suspects")
def suspects_page(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)):
    status = request.query_params.get("status") or None
    status = status if status in {s.value for s in SuspectStatus} else None
    case_id, series_id = _int(request.query_params.get("case_id")), _int(request.query_params.get("series_id"))
    with db.session() as session:
        rows = list_suspects(session, actor, status=status, case_id=case_id, series_id=series_id)
        return render(request, "analysis/suspects.html", {
            "area": "analysis", "rows": rows, "status": status, "statuses": list(SuspectStatus),
            "roles": {r.value: r for r in SuspectRole}, "case_id": case_id, "series_id": series_id})


def _form_context(session, actor: Actor, values: dict, errors: dict | None = None) -> dict:
    return {"area": "analysis", "values": values, "errors": errors or {}, "roles": list(SuspectRole),
            "start_statuses": list(START_STATUSES), "client_key": values.get("client_key") or uuid.uuid4().hex}


@router.get("/analysis/suspects/new")
def new_suspect_page(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)):
    values = {"case_id": _int(request.query_params.get("case_id")) or "",
              "series_id": _int(request.query_params.get("series_id")) or "", "status": "identified", "role": "other"}
    with db.session() as session:
        return render(request, "analysis/suspect_new.html", _form_context(session, actor, values))


@router.post("/analysis/suspects")
async def create_suspect_form(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                              db=Depends(get_db)):
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ("name", "id_number", "phone", "role", "status", "province", "city",
                                                   "case_id", "series_id", "evidence", "note", "client_key")}
    data = SuspectIn(name=values["name"], role=values["role"], status=values["status"],
                     id_number=values["id_number"] or None, phone=values["phone"] or None,
                     province=values["province"] or None, city=values["city"] or None,
                     case_id=_int(values["case_id"]), series_id=_int(values["series_id"]),
                     evidence=[line for line in values["evidence"].splitlines() if line.strip()], note=values["note"])

    def work() -> tuple[int, bool]:
        try:
            with db.session() as session:
                suspect, created = create_suspect(session, actor, data, values["client_key"] or None)
                return suspect.id, created
        except Replayed as again:
            return again.object_id, False

    try:
        suspect_id, created = await run_in_threadpool(work)
    except InputRejected as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            errors.setdefault(p.place, []).append(p.reason)
        with db.session() as session:
            return render(request, "analysis/suspect_new.html", _form_context(session, actor, values, errors),
                          status_code=422)
    flash(request, "analysis.suspects.flash.created" if created else "analysis.suspects.flash.known")
    return RedirectResponse(f"/analysis/suspects/{suspect_id}", status_code=303)


@router.get("/analysis/suspects/{suspect_id}")
def suspect_page(request: Request, suspect_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
                 db=Depends(get_db)):
    with db.session() as session:
        try:
            suspect = load(session, actor, suspect_id)
        except SuspectNotFound:
            raise HTTPException(404) from None
        return render(request, "analysis/suspect.html", {
            "area": "analysis", "s": suspect, "events": events(session, suspect.id),
            "measures": measures_of(session, suspect.id), "seizures": seizures_of(session, actor, suspect_id=suspect.id),
            "moves": allowed_moves(suspect.status), "all_measures": list(Measure), "seizure_kinds": list(SeizureKind),
            "regions": regions_for(session, actor), "today": date.today().isoformat(),
            "role": SuspectRole(suspect.role), "status": SuspectStatus(suspect.status),
            "client_key": uuid.uuid4().hex, "may_work": actor.may(Permission.ANALYSIS_WORK)})


@router.post("/analysis/suspects/{suspect_id}/status")
async def move_suspect(request: Request, suspect_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                       db=Depends(get_db)):
    form = await request.form()
    target, note, key = str(form.get("status") or ""), str(form.get("note") or ""), str(form.get("client_key") or "")

    def work() -> None:
        try:
            with db.session() as session:
                move_status(session, actor, suspect_id, target, note, key or None)
        except Replayed:
            return None

    return await form_action(request, work, "analysis.suspects.flash.moved", f"/analysis/suspects/{suspect_id}")


@router.post("/analysis/suspects/{suspect_id}/measures")
async def add_measure(request: Request, suspect_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                      db=Depends(get_db)):
    form = await request.form()
    measure, region = str(form.get("measure") or ""), str(form.get("region") or "")
    note, key, day_text = str(form.get("note") or ""), str(form.get("client_key") or ""), form.get("at")

    def work() -> None:
        with db.session() as session:
            record_measure(session, actor, suspect_id, measure, _day(day_text, "at"), region or None, note, key or None)

    return await form_action(request, work, "analysis.suspects.flash.measure", f"/analysis/suspects/{suspect_id}")


@router.post("/analysis/suspects/{suspect_id}/seizures")
async def add_seizure(request: Request, suspect_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                      db=Depends(get_db)):
    form = await request.form()
    kind, region, note = str(form.get("kind") or ""), str(form.get("region") or ""), str(form.get("note") or "")
    count_text, key, day_text = str(form.get("count") or "").strip(), str(form.get("client_key") or ""), form.get("at")

    def work() -> None:
        if not count_text.isdigit():
            raise InputRejected([Problem("count", "how many pieces, a whole number")], "bad count")
        try:
            with db.session() as session:
                record_seizure(session, actor, SeizureIn(kind=kind, count=int(count_text), at=_day(day_text, "at"),
                                                         region=region or None, suspect_id=suspect_id, note=note),
                               key or None)
        except Replayed:
            return None

    return await form_action(request, work, "analysis.suspects.flash.seizure", f"/analysis/suspects/{suspect_id}")


@router.post("/analysis/suspects/{suspect_id}/evidence")
async def add_suspect_evidence(request: Request, suspect_id: int,
                               actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)):
    form = await request.form()
    item = str(form.get("evidence") or "")

    def work() -> None:
        with db.session() as session:
            add_evidence(session, actor, suspect_id, item)

    return await form_action(request, work, "analysis.suspects.flash.evidence", f"/analysis/suspects/{suspect_id}")
