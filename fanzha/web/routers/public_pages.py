"""The public's window (公众): a risk look-up and a fraud report form, for anyone, on a phone.

No sign-in. Every request to the page counts against the public limit per address; a report also
against the stricter report limit. Over a limit the page itself says so (429, Retry-After) and
what to do meanwhile (call 110 or 96110). The intake desk's list of citizens' loss reports and
tips that wait for an officer is here too (/public/reports, duty officers).
"""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.domain.risk_subject import RiskKind
from fanzha.services.public.citizen_reports import (
    DISMISSED,
    HANDLED,
    reports_to_check,
    settle_report,
    take_citizen_report,
)
from fanzha.web.auth import CsrfRefused, public, requires, verify_csrf
from fanzha.web.deps import get_db
from fanzha.web.form_action import form_action
from fanzha.web.rate_limit import (
    RateLimited,
    client_address,
    public_rate_limit,
    public_report_rate_limit,
)
from fanzha.web.routers.public import risk_index
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)
KINDS = [k.value for k in RiskKind]


def _page(request: Request, status: int = 200, headers: dict | None = None, **context):
    base = {"area": "public", "kinds": KINDS, "types": [f.value for f in FraudType], "kind": "phone",
            "value": "", "result": None, "lookup_error": None, "form": {}, "errors": {}, "sent": None,
            "client_key": uuid.uuid4().hex, "limited": None}
    return render(request, "public/index.html", {**base, **context}, status_code=status, headers=headers)


def _limited(request: Request, exc: RateLimited, **context):
    return _page(request, 429, {"Retry-After": str(exc.retry_after)}, limited=exc.retry_after, **context)


@router.get("/public")
async def public_page(request: Request, _=Depends(public())):
    """The page; with ``kind`` and ``value`` it answers a look-up (a GET form: works without script)."""
    kind = request.query_params.get("kind") or "phone"
    value = (request.query_params.get("value") or "").strip()
    try:
        public_rate_limit(request)
    except RateLimited as exc:
        return _limited(request, exc, kind=kind, value=value)
    if not value:
        return _page(request, kind=kind if kind in KINDS else "phone")
    if kind not in KINDS:
        return _page(request, 422, lookup_error="kind", value=value)
    index = risk_index(request)
    try:
        found = await run_in_threadpool(index.check, kind, value)
    except ValueError as exc:
        return _page(request, 422, kind=kind, value=value, lookup_error=str(exc))
    return _page(request, kind=kind, value=value, result="risky" if found.risky else "not_known")


@router.post("/public/report")
async def public_report(request: Request, _=Depends(public())):
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        public_rate_limit(request)
        public_report_rate_limit(request)
    except RateLimited as exc:
        return _limited(request, exc, form=form)
    try:
        await verify_csrf(request, None)
    except CsrfRefused:  # the page was open too long, or the post did not come from it
        return _page(request, 400, form=form, errors={"csrf": ["stale"]})
    form.setdefault("happening_now", "")
    form.setdefault("lost_money", "")
    db = request.app.state.db

    def work():
        with db.session() as session:
            return take_citizen_report(session, form, client_address(request)).report.report_no

    try:
        report_no = await run_in_threadpool(work)
    except InputRejected as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            errors.setdefault(p.place or "what_happened", []).append(p.reason)
        return _page(request, 422, form=form, errors=errors, client_key=form.get("client_key") or uuid.uuid4().hex)
    return _page(request, sent=report_no)


@router.get("/public/reports")
def reports_page(request: Request, actor: Actor = Depends(requires(Permission.CASE_CREATE)), db=Depends(get_db)):
    """Citizens' loss reports and tips waiting for the intake desk (duty and station officers)."""
    route = request.query_params.get("route") or None
    state = request.query_params.get("state", "new") or None
    with db.session() as session:
        rows = reports_to_check(session, actor, route=route, state=state)
        return render(request, "public/reports.html", {"area": "intake", "rows": rows, "route": route,
                                                        "state": state})


@router.post("/public/reports/settle")
async def settle(request: Request, actor: Actor = Depends(requires(Permission.CASE_CREATE)), db=Depends(get_db)):
    form = await request.form()
    report_no, outcome, note = (str(form.get(k) or "") for k in ("report_no", "outcome", "note"))

    def work() -> None:
        with db.session() as session:
            settle_report(session, actor, report_no, outcome if outcome in (HANDLED, DISMISSED) else "", note)

    return await form_action(request, work, "public.reports.settled", "/public/reports")
