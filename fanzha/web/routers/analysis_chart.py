"""The analyst's pictures (关系图、时间线、分布): link chart, series timeline, where suspects and cards are.

The link chart page is a frame for Cytoscape.js (static/js/link_chart.js): it names what to open
first (an entity, an account or phone number, a case or a series) and the page fetches the chart
from the graph API (/api/analysis/graph/...), expanding, filtering and finding paths from there.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from fanzha.domain.actor import Actor
from fanzha.domain.entity_graph import EntityKind, RelationKind
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.chart_neighbourhood import find_entity
from fanzha.services.analysis.chart_timeline import KINDS, series_timeline
from fanzha.services.analysis.chart_views import ChartSubjectNotFound
from fanzha.services.analysis.chart_where import by_province, where
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.i18n import request_lang, translate
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)
FIND_KINDS = tuple(EntityKind(k) for k in ("account", "phone", "url", "imei", "ip", "wechat", "qq", "app", "mac"))


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) <= 2_147_483_647 else None


def _labels(lang: str) -> dict:
    zh = lang == "zh"
    return {"entity": {k.value: (k.label_zh if zh else k.label_en) for k in EntityKind},
            "relation": {k.value: (k.label_zh if zh else k.label_en) for k in RelationKind}}


@router.get("/analysis/chart")
def chart_page(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)):
    """Open a chart: ?entity=ID, ?case=ID, ?series=ID, ?account=NUMBER, ?phone=NUMBER, or ?kind=..&key=.."""
    q = request.query_params
    source = subject = None
    error = None
    kind, key = q.get("kind") or "", q.get("key") or ""
    for name in ("account", "phone"):
        if q.get(name):
            kind, key = name, q.get(name) or ""
    if (entity_id := _int(q.get("entity"))) is not None:
        subject, source = f"entity:{entity_id}", f"/api/analysis/graph/entities/{entity_id}/neighbours"
    elif (case_id := _int(q.get("case"))) is not None:
        subject, source = f"case:{case_id}", f"/api/analysis/graph/cases/{case_id}"
    elif (series_id := _int(q.get("series"))) is not None:
        subject, source = f"series:{series_id}", f"/api/analysis/graph/series/{series_id}"
    elif key:
        try:
            with db.session() as session:
                node = find_entity(session, actor, kind, key)
            subject, source = f"entity:{node.id}", f"/api/analysis/graph/entities/{node.id}/neighbours"
        except InputRejected as exc:
            error = "; ".join(p.reason for p in exc.problems)
    lang = request_lang(request)
    config = {"source": source, "subject": subject, "labels": _labels(lang), "lang": lang}
    return render(request, "analysis/chart.html", {
        "area": "analysis", "config": config, "subject": subject, "error": error, "kind": kind,
        "key": "" if kind in ("account", "phone") and not error else key, "find_kinds": FIND_KINDS,
        "entity_kinds": list(EntityKind), "relation_kinds": list(RelationKind)}, status_code=404 if error else 200)


@router.get("/analysis/series/{series_id}/timeline")
def timeline_page(request: Request, series_id: int, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
                  db=Depends(get_db)):
    """What happened in a series, day by day: reports, transfers, calls, orders, measures."""
    with db.session() as session:
        try:
            timeline = series_timeline(session, actor, series_id)
        except ChartSubjectNotFound:
            raise HTTPException(404) from None
        per_day = [{"day": d.isoformat(), **{k: sum(1 for e in evs if e.kind == k) for k in KINDS}}
                   for d, evs in timeline.days]
        lang = request_lang(request)
        return render(request, "analysis/timeline.html", {
            "area": "analysis", "timeline": timeline, "series": timeline.series, "kinds": KINDS,
            "chart": {"days": per_day, "kinds": KINDS,
                      "labels": {k: _kind_word(k, lang) for k in KINDS}}})


def _kind_word(kind: str, lang: str) -> str:
    return translate(f"analysis.timeline.kind.{kind}", lang)


@router.get("/analysis/where")
def where_page(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)):
    """Where suspects and cards are, by province and city: a table and bars per province."""
    with db.session() as session:
        places = where(session, actor)
    provinces = by_province(places)
    lang = request_lang(request)
    return render(request, "analysis/where.html", {
        "area": "analysis", "places": places, "provinces": provinces,
        "chart": {"provinces": provinces, "labels": {k: _where_word(k, lang) for k in ("suspects", "caught", "cards")}}})


def _where_word(key: str, lang: str) -> str:
    return translate(f"analysis.where.{key}", lang)
