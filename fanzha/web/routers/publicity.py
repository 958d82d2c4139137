"""Publicity pages (宣传): campaigns, events, public SMS, media, consultations, and the picture of
publicity next to the case trends (where publicity went and what followed).

Figures and records of work, never a person: leadership reads this page too. Forms keep what was
typed and name each bad field; every form carries its own key so a double submit records once.
"""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.publicity import AgeGroup, ConsultChannel, EventKind, MediaKind
from fanzha.services.organisations import known_regions, stations
from fanzha.services.publicity.events_import import import_events
from fanzha.services.publicity.listing import campaign_choices, latest_records
from fanzha.services.publicity.picture import publicity_picture, sms_suggestions
from fanzha.services.publicity.records import (
    record_campaign,
    record_consultation,
    record_event,
    record_media,
    record_sms,
)
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.form_action import refusal_reasons
from fanzha.web.i18n import request_lang
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)
READ = requires(Permission.PUBLICITY_RECORD, Permission.STATS_READ)
RECORD = requires(Permission.PUBLICITY_RECORD)

# What each form records: the service, the fields (name, input kind, choices) and the success word.
FORMS = {
    "events": (record_event, [("kind", "choice", EventKind), ("title", "text", None), ("place", "text", None),
                              ("region", "region", None), ("station", "station", None), ("held_on", "date", None),
                              ("audience", "text", None), ("materials", "number", None),
                              ("people_reached", "number", None), ("fraud_types", "types", None),
                              ("campaign_id", "campaign", None), ("note", "textarea", None)]),
    "sms": (record_sms, [("sent_on", "date", None), ("region", "region_or_city", None),
                         ("age_group", "choice", AgeGroup), ("fraud_types", "types", None), ("text", "textarea", None),
                         ("sent", "number", None), ("delivered", "number", None)]),
    "media": (record_media, [("kind", "choice", MediaKind), ("outlet", "text", None), ("title", "text", None),
                             ("published_on", "date", None), ("region", "region_or_city", None),
                             ("reach", "number", None), ("fraud_types", "types", None), ("link", "text", None)]),
    "consultations": (record_consultation, [("at", "datetime", None), ("channel", "choice", ConsultChannel),
                                            ("topic", "topic", None), ("question", "textarea", None),
                                            ("region", "region_or_city", None), ("answered", "check", None)]),
    "campaigns": (record_campaign, [("name", "text", None), ("theme", "textarea", None), ("starts_on", "date", None),
                                    ("ends_on", "date", None)]),
}


def _chart(picture, lang: str) -> dict:
    zh = lang == "zh"
    return {
        "weeks": [{"week": w.start.isoformat(), "events": w.events, "people": w.people_reached, "sms": w.sms_sent,
                   "cases": w.cases} for w in picture.weeks],
        "districts": [{"region": d.region, "events": d.events, "people": d.people_reached, "cases": d.cases,
                       "flagged": d.flagged} for d in picture.districts],
        "labels": {"events": "宣传活动（场）" if zh else "events", "people": "覆盖人数" if zh else "people reached",
                   "cases": "发案数" if zh else "cases reported", "sms": "公益短信（条）" if zh else "public SMS"},
    }


@router.get("/command/publicity")
def publicity_page(request: Request, actor: Actor = Depends(READ), db=Depends(get_db)):
    end_text = request.query_params.get("end") or ""
    try:
        end = date.fromisoformat(end_text) if end_text else None
    except ValueError:
        end = None
    with db.session() as session:
        picture = publicity_picture(session, actor, end=end)
        records = latest_records(session, actor, limit=20)
        return render(request, "command/publicity.html", {
            "area": "command", "picture": picture, "records": records, "suggestions": sms_suggestions(picture),
            "chart": _chart(picture, request_lang(request)), "may_record": actor.may(Permission.PUBLICITY_RECORD),
            "forms": list(FORMS)})


def _form_context(session, actor: Actor, what: str) -> dict:
    regions = known_regions(session)
    if actor.scope is not Scope.ALL:
        regions = [r for r in regions if r == actor.region]
    campaigns = campaign_choices(session)
    return {"area": "command", "what": what, "fields": FORMS[what][1], "regions": regions,
            "stations": {r: [name for _, name in s] for r, s in stations(session).items() if r in regions},
            "types": [f.value for f in FraudType], "campaigns": campaigns,
            "city_wide": actor.scope is Scope.ALL}


@router.get("/command/publicity/new")
def new_record(request: Request, actor: Actor = Depends(RECORD), db=Depends(get_db)):
    what = request.query_params.get("what") or "events"
    what = what if what in FORMS else "events"
    # a suggestion's link fills the form in (district, fraud types rising there)
    names = {name for name, _, _ in FORMS[what][1]}
    form: dict[str, object] = {k: v for k, v in request.query_params.items() if k in names and k != "fraud_types"}
    if "fraud_types" in names:
        form["fraud_types"] = request.query_params.getlist("fraud_types")
    with db.session() as session:
        context = _form_context(session, actor, what)
    return render(request, "command/publicity_form.html", {**context, "form": form, "errors": {},
                                                            "client_key": uuid.uuid4().hex})


async def _save(request: Request, actor: Actor, db, what: str):
    raw = await request.form()
    form: dict[str, object] = {k: str(v) for k, v in raw.items() if k != "csrf_token"}
    if what in ("events", "sms", "media"):
        form["fraud_types"] = [str(v) for v in raw.getlist("fraud_types")]
    if what == "consultations":
        form["answered"] = bool(raw.get("answered"))
    service = FORMS[what][0]

    def work():
        with db.session() as session:
            return service(session, actor, form).created

    try:
        created = await run_in_threadpool(work)
    except InputRejected as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            errors.setdefault(p.place.split(".")[0] or "form", []).append(p.reason)
        with db.session() as session:
            context = _form_context(session, actor, what)
        return render(request, "command/publicity_form.html", {**context, "form": form, "errors": errors,
                                                                "client_key": form.get("client_key") or uuid.uuid4().hex},
                      status_code=422)
    except AccessDenied:
        raise
    flash(request, "publicity.saved" if created else "publicity.repeat")
    return RedirectResponse("/command/publicity", status_code=303)


@router.post("/command/publicity/events")
async def save_event(request: Request, actor: Actor = Depends(RECORD), db=Depends(get_db)):
    return await _save(request, actor, db, "events")


@router.post("/command/publicity/sms")
async def save_sms(request: Request, actor: Actor = Depends(RECORD), db=Depends(get_db)):
    return await _save(request, actor, db, "sms")


@router.post("/command/publicity/media")
async def save_media(request: Request, actor: Actor = Depends(RECORD), db=Depends(get_db)):
    return await _save(request, actor, db, "media")


@router.post("/command/publicity/consultations")
async def save_consultation(request: Request, actor: Actor = Depends(RECORD), db=Depends(get_db)):
    return await _save(request, actor, db, "consultations")


@router.post("/command/publicity/campaigns")
async def save_campaign(request: Request, actor: Actor = Depends(RECORD), db=Depends(get_db)):
    return await _save(request, actor, db, "campaigns")


@router.post("/command/publicity/import")
async def import_file(request: Request, file: UploadFile | None = File(None), actor: Actor = Depends(RECORD),
                      db=Depends(get_db)):
    """Events from a CSV or Excel file (宣传台账): all rows or none, each bad row named."""
    if file is None or not file.filename:
        flash(request, "publicity.import.none", "error")
        return RedirectResponse("/command/publicity/new?what=events", status_code=303)
    data, name = await file.read(), file.filename

    def work():
        with db.session() as session:
            return import_events(session, actor, data, name)

    try:
        result = await run_in_threadpool(work)
    except InputRejected as exc:
        flash(request, "flash.refused", "error", reasons=refusal_reasons(exc))
        return RedirectResponse("/command/publicity/new?what=events", status_code=303)
    flash(request, "publicity.imported", created=result.created, repeated=result.repeated)
    return RedirectResponse("/command/publicity", status_code=303)
