"""The home page after sign-in: this period's intake in figures and charts; and the same as JSON.

Figures only (counts and sums over the actor's area), so leadership reads them too. A role
without the dashboard lands on its own first page instead.
"""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.services.dashboard import intake_figures
from fanzha.web.auth import requires, signed_in
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.flash import flash
from fanzha.web.i18n import translate
from fanzha.web.nav import home_for
from fanzha.web.schemas import IntakeFiguresOut, api_responses
from fanzha.web.templating import render

router = APIRouter()


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, start: str | None = None, end: str | None = None,
                   actor: Actor = Depends(signed_in()), db=Depends(get_db)):
    if not actor.may(Permission.DASHBOARD_READ):
        return RedirectResponse(home_for(actor), status_code=303)
    with db.session() as session:
        try:
            figures = intake_figures(session, actor, _date(start), _date(end))
        except InputRejected:  # the first day after the last: show the default period instead
            flash(request, "dash.bad_period", kind="error")
            figures = intake_figures(session, actor)
    lang = request.state.lang
    return render(request, "dashboard.html", {"area": "home", "figures": figures, "chart": _chart(figures, lang)})


def _chart(figures, lang: str) -> dict:
    """What dashboard.js draws: labels in the page's language, losses in fen (JS shows yuan)."""
    def type_name(code: str | None) -> str:
        if code is None:
            return translate("fraud.unset", lang)
        member = FraudType(code)
        return member.label_zh if lang == "zh" else member.label_en

    return {
        "labels": {key: translate(f"dash.chart.{key}", lang) for key in ("cases", "loss", "yuan")},
        "days": [d.isoformat()[5:] for d, _, _ in figures.by_day],
        "day_cases": [n for _, n, _ in figures.by_day],
        "day_loss_fen": [loss for _, _, loss in figures.by_day],
        "types": [{"name": type_name(code), "cases": n, "loss_fen": loss} for code, n, loss in figures.by_fraud_type],
        "regions": [{"name": r, "cases": n, "loss_fen": loss} for r, n, loss in figures.by_region],
        "statuses": [{"name": CaseStatus(s).label_zh if lang == "zh" else CaseStatus(s).label_en, "cases": n}
                     for s, n in figures.by_status],
    }


@router.get("/api/dashboard/intake", response_model=IntakeFiguresOut, tags=["dashboard"],
            responses=api_responses(422))
def intake_figures_api(start: date | None = None, end: date | None = None,
                       actor: Actor = Depends(requires(Permission.DASHBOARD_READ)),
                       db=Depends(get_db)) -> IntakeFiguresOut:
    """Intake figures for a period (default: the service's current period): cases, losses,
    unclassified cases, and breakdowns by day (zero-filled), fraud type, region and status."""
    try:
        with db.session() as session:
            return IntakeFiguresOut.of(intake_figures(session, actor, start, end))
    except InputRejected as exc:
        raise ApiError(422, "the period was refused; give start <= end as YYYY-MM-DD", exc.problems) from None
