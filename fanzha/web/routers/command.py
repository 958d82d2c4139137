"""The command desk's pages (指挥): the dashboard with year-over-year figures and the 两降两升
verdict, and the reports (Excel, PDF) to download. Figures only: counts and sums, never a person.

The filters live in the URL (period, region, fraud_type, grain), so a view can be bookmarked.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.services import audit
from fanzha.services.command.area import Area, areas_in, resolve_area
from fanzha.services.command.definitions import DEFINITIONS, GENERAL_EN, GENERAL_ZH
from fanzha.services.command.desk_state import desk_state
from fanzha.services.command.period import FORMATS_HELP, Period
from fanzha.services.command.report_files import FORMATS, report_file
from fanzha.services.command.statistics import command_figures
from fanzha.services.command.trends import GRAINS, default_grain, default_period, trend
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.i18n import request_lang, translate
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


def _filters(request: Request, session, actor: Actor) -> tuple[Period, Area, FraudType | None, list[str]]:
    """The period, area and fraud type the URL asks for; what was refused falls back to the
    default and is named in ``refused`` (catalog keys) for the page to say."""
    refused: list[str] = []
    try:
        area = resolve_area(session, actor, request.query_params.get("region"))
    except InputRejected:
        refused.append("stats.bad_region")
        area = resolve_area(session, actor, None)
    text = request.query_params.get("period")
    period = None
    if text:
        try:
            period = Period.parse(text)
        except InputRejected:
            refused.append("stats.bad_period")
    period = period or default_period(session, area)
    try:
        fraud_type = FraudType.parse(request.query_params.get("fraud_type"))
    except ValueError:
        refused.append("stats.bad_type")
        fraud_type = None
    return period, area, fraud_type, refused


def _choices(session, actor: Actor) -> list[Area]:
    """The areas the actor may pick: their own, its counties, and their stations."""
    own = resolve_area(session, actor, None)
    out = [own]
    for part in areas_in(session, own):
        if part != own:
            out.append(part)
            out.extend(s for s in areas_in(session, part) if s != part)
    return out


@router.get("/command")
def dashboard_page(request: Request, actor: Actor = Depends(requires(Permission.STATS_READ)), db=Depends(get_db)):
    lang = request_lang(request)
    with db.session() as session:
        period, area, fraud_type, refused = _filters(request, session, actor)
        figures = command_figures(session, actor, period, area, fraud_type)
        state = desk_state(session, actor, area)
        choices = _choices(session, actor)
    for key in refused:
        flash(request, key, kind="error")
    grain = request.query_params.get("grain")
    grain = grain if grain in GRAINS else default_grain(period)
    return render(request, "command/dashboard.html", {
        "area": "command", "figures": figures, "state": state, "period": period, "place": area,
        "fraud_type": fraud_type, "grain": grain, "grains": GRAINS, "choices": choices,
        "types": list(FraudType), "definitions": DEFINITIONS, "general": GENERAL_ZH if lang == "zh" else GENERAL_EN,
        "formats_help": FORMATS_HELP, "quick": _quick_periods(period),
        "chart": _chart(figures, grain, lang)})


def _quick_periods(period: Period) -> list[tuple[str, str]]:
    """(catalog key, period code): the month, quarter and year holding the period's last day."""
    end = period.end
    return [("stats.quick.month", Period.month(end.year, end.month).code),
            ("stats.quick.quarter", Period.quarter(end.year, (end.month - 1) // 3 + 1).code),
            ("stats.quick.year", Period.year(end.year).code)]


def _chart(figures, grain: str, lang: str) -> dict:
    """What command.js draws: labels in the page's language; money in fen (JS shows 万元)."""
    def type_name(code: str | None) -> str:
        if code is None:
            return translate("fraud.unset", lang)
        member = FraudType(code)
        return member.label_zh if lang == "zh" else member.label_en

    points = trend(figures.by_day, grain)
    words = ("this", "last", "cases", "loss", "wan")
    return {
        "labels": {k: translate(f"stats.chart.{k}", lang, this=figures.period.label(lang),
                                last=figures.last_period.label(lang)) for k in words},
        "trend": {"x": [label if grain != "day" else label[5:] for label, _, _ in points],
                  "cases_this": [c.this for _, c, _ in points], "cases_last": [c.last for _, c, _ in points],
                  "loss_this": [loss.this for _, _, loss in points], "loss_last": [loss.last for _, _, loss in points]},
        "types": [{"name": type_name(b.key), "this": b.cases.this, "last": b.cases.last} for b in figures.by_fraud_type],
        "ages": [{"name": translate("stats.age.unknown", lang) if b.key == "unknown" else b.key,
                  "this": b.cases.this, "last": b.cases.last} for b in figures.by_age],
        "regions": [{"name": d.area.station or d.area.region, "this": d.figures["cases"].this,
                     "last": d.figures["cases"].last} for d in figures.districts],
    }


@router.get("/command/reports")
def reports_page(request: Request, actor: Actor = Depends(requires(Permission.STATS_READ)), db=Depends(get_db)):
    with db.session() as session:
        period, area, fraud_type, refused = _filters(request, session, actor)
        choices = _choices(session, actor)
    for key in refused:
        flash(request, key, kind="error")
    end = period.end
    months = [Period.month(end.year - (end.month - i <= 0), (end.month - i - 1) % 12 + 1) for i in range(12)]
    years = [Period.year(end.year - i) for i in range(3)]
    return render(request, "command/reports.html", {
        "area": "command", "period": period, "place": area, "choices": choices, "formats": FORMATS,
        "months": months, "years": years, "formats_help": FORMATS_HELP})


@router.get("/command/reports/download")
async def download_report(request: Request, actor: Actor = Depends(requires(Permission.STATS_READ)),
                          db=Depends(get_db)):
    """One report file: ?period=2024-05&region=城厢区&format=xlsx|pdf (defaults: the dashboard's
    period, the actor's area, Excel). Audited as an export."""
    fmt = request.query_params.get("format") or "xlsx"
    with db.session() as session:
        period, area, _type, refused = _filters(request, session, actor)
    if refused or fmt not in FORMATS:
        for key in refused or ["stats.bad_format"]:
            flash(request, key, kind="error")
        return RedirectResponse("/command/reports", status_code=303)

    def make():
        with db.session() as session:
            made = report_file(session, actor, period, area, fmt)
            audit.record(session, actor, "stats.report", object_type="report", object_id=made.filename,
                         detail={"period": period.code, "region": area.code, "format": fmt})
            return made

    made = await run_in_threadpool(make)
    return Response(made.content, media_type=made.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{made.quoted_filename}"})
