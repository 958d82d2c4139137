"""Series pages (串并案): candidate series, their cases and the analysts' decisions."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from fanzha.domain.actor import Actor
from fanzha.domain.entity_graph import EntityKind, SeriesState
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.series_decide import (
    SeriesNotFound,
    confirm,
    merge,
    reject,
    rename,
    split,
)
from fanzha.services.analysis.series_read import list_series, series_detail
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.form_action import form_action
from fanzha.web.i18n import request_lang
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


def _type_labels(lang: str) -> dict[str, str]:
    return {f.value: (f.label_zh if lang == "zh" else f.label_en) for f in FraudType} | {
        "unknown": "未定性" if lang == "zh" else "not classified"}


def _kind_labels(lang: str) -> dict[str, str]:
    return {k.value: (k.label_zh if lang == "zh" else k.label_en) for k in EntityKind}


@router.get("/analysis/series")
def series_list_page(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
                     db=Depends(get_db)):
    state = request.query_params.get("state") or None
    state = state if state in {s.value for s in SeriesState} else None
    try:
        page = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        page = 1
    with db.session() as session:
        listing = list_series(session, actor, state, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    lang = request_lang(request)
    top = listing["series"][:20]
    chart = {"series": [{"id": s["id"], "no": s["series_no"], "cases": s["cases"], "victims": s["victims"],
                         "loss_fen": s["loss_fen"]} for s in top],
             "labels": {"cases": "案件数" if lang == "zh" else "cases",
                        "loss": "损失（元）" if lang == "zh" else "loss (yuan)"}}
    return render(request, "analysis/series_list.html", {
        "area": "analysis", "listing": listing, "state": state, "states": [s.value for s in SeriesState],
        "page": page, "pages": max(1, -(-listing["total"] // PER_PAGE)), "chart": chart,
        "types": _type_labels(lang), "kinds": _kind_labels(lang)})


@router.get("/analysis/series/{series_id}")
def series_page(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
                db=Depends(get_db)):
    with db.session() as session:
        try:
            detail = series_detail(session, actor, series_id)
        except SeriesNotFound:
            raise HTTPException(404) from None
    lang = request_lang(request)
    others = []
    may_work = actor.may(Permission.ANALYSIS_WORK)
    if may_work and detail["state"] not in (SeriesState.MERGED, SeriesState.SPLIT):
        with db.session() as session:
            others = [s for s in list_series(session, actor, None, limit=200)["series"] if s["id"] != series_id]
    return render(request, "analysis/series_detail.html", {
        "area": "analysis", "s": detail, "may_work": may_work, "others": others,
        "open": detail["state"] not in (SeriesState.MERGED, SeriesState.SPLIT),
        "types": _type_labels(lang), "kinds": _kind_labels(lang)})


def _back(series_id: int) -> str:
    return f"/analysis/series/{series_id}"


@router.post("/analysis/series/{series_id}/confirm")
async def confirm_action(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                         db=Depends(get_db)):
    form = await request.form()

    def work() -> None:
        with db.session() as session:
            confirm(session, actor, series_id, str(form.get("note") or ""))

    return await form_action(request, work, "analysis.series.flash.confirmed", _back(series_id))


@router.post("/analysis/series/{series_id}/reject")
async def reject_action(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                        db=Depends(get_db)):
    form = await request.form()

    def work() -> None:
        with db.session() as session:
            reject(session, actor, series_id, str(form.get("note") or ""))

    return await form_action(request, work, "analysis.series.flash.rejected", _back(series_id))


@router.post("/analysis/series/{series_id}/rename")
async def rename_action(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                        db=Depends(get_db)):
    form = await request.form()

    def work() -> None:
        with db.session() as session:
            rename(session, actor, series_id, str(form.get("name") or ""), str(form.get("note") or ""))

    return await form_action(request, work, "analysis.series.flash.renamed", _back(series_id))


def _ids(values: list, place: str) -> list[int]:
    try:
        return [int(v) for v in values if str(v).strip()]
    except ValueError:
        raise InputRejected([Problem(place, "choose from the list")], "bad choice") from None


@router.post("/analysis/series/{series_id}/merge")
async def merge_action(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                       db=Depends(get_db)):
    form = await request.form()
    result: dict = {}

    def work() -> None:
        others = _ids(form.getlist("other"), "other")
        if not others:
            raise InputRejected([Problem("other", "choose at least one other series to merge with")], "nothing to merge")
        with db.session() as session:
            result["id"] = merge(session, actor, [series_id, *others], str(form.get("name") or ""),
                                 str(form.get("note") or "")).id

    response = await form_action(request, work, "analysis.series.flash.merged", _back(series_id))
    if "id" in result:
        response.headers["location"] = _back(result["id"])
    return response


@router.post("/analysis/series/{series_id}/split")
async def split_action(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                       db=Depends(get_db)):
    form = await request.form()
    result: dict = {}

    def work() -> None:
        cases = _ids(form.getlist("case"), "case")
        with db.session() as session:
            result["id"] = split(session, actor, series_id, cases, str(form.get("note") or ""))[0].id

    response = await form_action(request, work, "analysis.series.flash.split", _back(series_id))
    if "id" in result:
        response.headers["location"] = _back(result["id"])
    return response
