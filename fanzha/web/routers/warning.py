"""The warning desk's pages (预警劝阻): the board of open leads and one lead's page, made for a
station officer's phone: sign for it, record each step, hand payments to the funds desk, close."""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.dissuasion import LocateMethod, Result, Step
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.money import yuan_to_fen
from fanzha.domain.permissions import Permission
from fanzha.domain.warning_lead import Grade, LeadSource
from fanzha.services.importing import import_bytes
from fanzha.services.warning.desk_figures import desk_figures
from fanzha.services.warning.handoff import hand_to_funds
from fanzha.services.warning.mass_warning import list_broadcasts, send_mass_warning
from fanzha.services.warning.work import (
    LeadNotFound,
    board,
    close,
    load,
    record_step,
    schedule_callback,
    sign,
)
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.form_action import form_action
from fanzha.web.i18n import request_lang
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)
WORK_STEPS = (Step.LOCATE, Step.DISSUADE, Step.EDUCATE)


@router.get("/warning/leads")
def board_page(request: Request, actor: Actor = Depends(requires(Permission.LEADS_READ)), db=Depends(get_db)):
    grade = request.query_params.get("grade") or None
    grade = grade if grade in {g.value for g in Grade} else None
    state = request.query_params.get("state") or None
    state = state if state in ("open", "signed", "closed") else None
    with db.session() as session:
        rows = board(session, actor, state=state, grade=grade)
        by_grade = {g.value: sum(1 for r in rows if r.lead.grade == g.value) for g in Grade}
        overdue = sum(1 for r in rows if r.sign_overdue or r.finish_overdue)
        return render(request, "warning/board.html", {
            "area": "warning", "rows": rows, "grade": grade, "state": state, "grades": [g.value for g in Grade],
            "by_grade": by_grade, "overdue": overdue})


@router.get("/warning/figures")
def figures_page(request: Request, actor: Actor = Depends(requires(Permission.LEADS_READ)), db=Depends(get_db)):
    """The desk's picture: open leads by grade and age, stations' times, dissuasion by day (charts)."""
    days = 14
    with db.session() as session:
        figures = desk_figures(session, actor, days=days)
    lang = request_lang(request)
    labels = {
        "grade": {g.value: (g.label_zh if lang == "zh" else g.value) for g in Grade},
        "sources": {s.value: (s.label_zh if lang == "zh" else s.value.replace("_", " ")) for s in LeadSource},
        "types": {f.value: (f.label_zh if lang == "zh" else f.label_en) for f in FraudType} | {
            "unknown": "未定性" if lang == "zh" else "not classified"},
        "raised": "线索" if lang == "zh" else "leads", "dissuaded": "劝阻成功" if lang == "zh" else "dissuaded",
        "avoided": "避免损失（元）" if lang == "zh" else "loss avoided (yuan)",
    }
    return render(request, "warning/figures.html", {"area": "warning", "figures": figures, "days": days,
                                                    "chart": {"figures": figures, "labels": labels}})


@router.get("/warning/leads/{lead_id}")
def lead_page(request: Request, lead_id: int, actor: Actor = Depends(requires(Permission.LEADS_READ)),
              db=Depends(get_db)):
    with db.session() as session:
        try:
            lead = load(session, actor, lead_id)
        except LeadNotFound:
            raise HTTPException(404) from None
        now = clock.now()
        return render(request, "warning/lead.html", {
            "area": "warning", "lead": lead, "signals": list(lead.signals), "steps": list(lead.steps),
            "sources": {s.value: s for s in LeadSource}, "now": now,
            "sign_overdue": lead.state == "open" and now > lead.sign_by,
            "work_steps": [s.value for s in WORK_STEPS], "methods": [m.value for m in LocateMethod],
            "results": [r.value for r in Result], "may_work": actor.may(Permission.LEADS_WORK)})


@router.post("/warning/leads/{lead_id}/sign")
async def sign_lead(request: Request, lead_id: int, actor: Actor = Depends(requires(Permission.LEADS_WORK)),
                    db=Depends(get_db)):
    def work() -> None:
        with db.session() as session:
            sign(session, actor, lead_id)

    return await form_action(request, work, "flash.lead_signed", f"/warning/leads/{lead_id}")


@router.post("/warning/leads/{lead_id}/steps")
async def add_lead_step(request: Request, lead_id: int, actor: Actor = Depends(requires(Permission.LEADS_WORK)),
                        db=Depends(get_db)):
    form = await request.form()
    step, method = str(form.get("step") or ""), str(form.get("method") or "")
    outcome, note = str(form.get("outcome") or ""), str(form.get("note") or "")

    def work() -> None:
        if step not in {s.value for s in WORK_STEPS}:
            raise InputRejected([Problem("step", "choose a step from the list")], "bad step")
        with db.session() as session:
            record_step(session, actor, lead_id, Step(step), outcome,
                        method=LocateMethod(method) if method in {m.value for m in LocateMethod} else None, note=note)

    return await form_action(request, work, "flash.lead_step", f"/warning/leads/{lead_id}")


@router.post("/warning/leads/{lead_id}/handoff")
async def hand_over(request: Request, lead_id: int, actor: Actor = Depends(requires(Permission.LEADS_WORK)),
                    db=Depends(get_db)):
    form = await request.form()
    when = str(form.get("time") or "")
    transfer = {"time": _zoned(when), "amount": str(form.get("amount") or ""),
                "to_account": str(form.get("to_account") or ""), "to_bank": str(form.get("to_bank") or "") or None,
                "to_name": str(form.get("to_name") or "") or None}

    def work() -> None:
        with db.session() as session:
            hand_to_funds(session, actor, lead_id, [transfer])

    return await form_action(request, work, "flash.lead_handed", f"/warning/leads/{lead_id}")


@router.post("/warning/leads/{lead_id}/close")
async def close_lead(request: Request, lead_id: int, actor: Actor = Depends(requires(Permission.LEADS_WORK)),
                     db=Depends(get_db)):
    form = await request.form()
    result, note = str(form.get("result") or ""), str(form.get("note") or "")
    avoided_text = str(form.get("loss_avoided") or "").strip()

    def work() -> None:
        if result not in {r.value for r in Result}:
            raise InputRejected([Problem("result", "choose how the lead ended")], "bad result")
        try:
            avoided = yuan_to_fen(avoided_text) if avoided_text else None
        except ValueError:
            raise InputRejected([Problem("loss_avoided", "write the sum in yuan, like 5000 or 5000.50")],
                                "bad sum") from None
        with db.session() as session:
            close(session, actor, lead_id, Result(result), avoided, note)

    return await form_action(request, work, "flash.lead_closed", f"/warning/leads/{lead_id}")


@router.post("/warning/leads/{lead_id}/callback")
async def callback(request: Request, lead_id: int, actor: Actor = Depends(requires(Permission.LEADS_WORK)),
                   db=Depends(get_db)):
    form = await request.form()
    due, note = _zoned(str(form.get("due") or "")), str(form.get("note") or "")

    def work() -> None:
        try:
            due_at = datetime.fromisoformat(due)
        except ValueError:
            raise InputRejected([Problem("due", "choose the day and time of the callback")], "bad time") from None
        with db.session() as session:
            schedule_callback(session, actor, lead_id, due_at, note)

    return await form_action(request, work, "flash.lead_callback", f"/warning/leads/{lead_id}")


def _zoned(local: str) -> str:
    """A datetime-local field (2024-05-30T15:02) as the center's local time with its zone."""
    try:
        parsed = datetime.fromisoformat(local)
    except ValueError:
        return local
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.CENTER_TZ)).isoformat()


@router.get("/warning/push")
def push_page(request: Request, actor: Actor = Depends(requires(Permission.LEADS_WORK))):
    return render(request, "warning/push.html", {"area": "warning"})


@router.post("/warning/push")
async def push_upload(request: Request, skip_bad: Annotated[bool, Form()] = False,
                      file: Annotated[UploadFile | None, File()] = None,
                      actor: Actor = Depends(requires(Permission.LEADS_WORK)), db=Depends(get_db)):
    """A file of leads pushed down from above; imported on the officer's behalf (the warning desk
    holds no general import right), every bad row named, all or nothing unless asked."""
    if file is None or not file.filename:
        outcome = {"kind": "leads", "error": "imports.no_file", "filename": "", "problems": [], "rejected": True,
                   "extra_columns": []}
        return render(request, "warning/push.html", {"area": "warning", "outcome": outcome}, status_code=422)
    data, name = await file.read(), PurePath(file.filename).name
    behalf = Actor.system(f"lead-push:{actor.username}"[:64])
    result = await run_in_threadpool(import_bytes, db, "leads", data, name, skip_bad=skip_bad, actor=behalf)
    outcome = {**result.as_dict(), "filename": name, "problems": result.problems, "error": None}
    return render(request, "warning/push.html", {"area": "warning", "outcome": outcome, "skip_bad": skip_bad},
                  status_code=422 if result.rejected else 200)


@router.get("/warning/broadcasts")
def broadcasts_page(request: Request, actor: Actor = Depends(requires(Permission.LEADS_READ)), db=Depends(get_db)):
    """Mass warning SMS (预警短信): who was warned about which number, sent and delivered."""
    with db.session() as session:
        rows = list_broadcasts(session, actor)
    return render(request, "warning/broadcasts.html", {
        "area": "warning", "rows": rows, "types": [f.value for f in FraudType]})


@router.post("/warning/broadcasts")
async def broadcast(request: Request, actor: Actor = Depends(requires(Permission.LEADS_WORK)), db=Depends(get_db)):
    form = await request.form()
    number, kind = str(form.get("number") or ""), str(form.get("fraud_type") or "")

    def work() -> dict:
        with db.session() as session:
            sent = send_mass_warning(session, actor, number, FraudType(kind) if kind in {f.value for f in FraudType}
                                     else None)
            return {"n": sent.recipients}

    return await form_action(request, work, "flash.broadcast_sent", "/warning/broadcasts")
