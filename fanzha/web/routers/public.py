"""Public endpoints (公众服务): open to anyone, rate-limited per client address.

- ``GET /api/public/lookup?kind=&value=``: the risk look-up; the answer is risky or not known,
  never whose it is or why (services/public/risk_lookup.py);
- ``POST /api/public/reports``: a citizen's fraud report (举报); it lands as a warning lead or
  waits for the intake desk (services/public/citizen_reports.py states the rule). Reports have a
  stricter limit of their own on top of the public one.
"""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from fanzha.domain import clock
from fanzha.domain.clock import local
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.risk_subject import RiskKind
from fanzha.services.public.citizen_reports import CitizenReportIn, take_citizen_report
from fanzha.services.public.risk_lookup import RiskIndex
from fanzha.web.auth import AccessRule, public
from fanzha.web.errors import ApiError
from fanzha.web.rate_limit import client_address, public_rate_limit, public_report_rate_limit
from fanzha.web.schemas import PingOut, api_responses

router = APIRouter(prefix="/api/public", tags=["public"])

RISKY_ZH = "有风险：该{what}已被反诈中心列为涉诈风险。请勿接听、转账、提供验证码或下载对方给的应用；如已转账，请立即拨打 110 或 96110。"
RISKY_EN = ("Risky: the center lists this {what} as linked to fraud. Do not answer, pay, give codes or install "
            "their app; if you have paid, call 110 or 96110 now.")
UNKNOWN_ZH = "未发现风险：反诈中心的名单中暂无此{what}。这不代表一定安全：凡是要求转账、提供验证码的，都是诈骗。"
UNKNOWN_EN = ("Not known: the center's lists do not hold this {what}. That does not make it safe: anyone asking "
              "you to transfer money or give a code is a fraudster.")
WHAT = {RiskKind.PHONE: ("电话号码", "phone number"), RiskKind.ACCOUNT: ("银行账户", "bank account"),
        RiskKind.URL: ("网址", "web address"), RiskKind.QQ: ("QQ 号", "QQ number"),
        RiskKind.WECHAT: ("微信号", "WeChat id")}


class LookupOut(BaseModel):
    kind: RiskKind
    result: Literal["risky", "not_known"] = Field(description="risky, or not known to the center's lists")
    message_zh: str
    message_en: str


class ReportOut(BaseModel):
    report_no: str = Field(description="quote it if you call the center about this report")
    received: bool = True
    repeat: bool = Field(description="this form was sent before; nothing new was recorded")
    message_zh: str
    message_en: str


def anyone_rate_limited():
    """Dependency: the rule ``public(rate_limited=True)`` states (anyone, limited per address), for
    the look-up, which never needs to know who asks: it skips resolving a session (a thread hop
    per request) so the look-up stays a few hundred microseconds of work."""

    async def dependency(request: Request) -> None:
        public_rate_limit(request)

    dependency.access_rule = AccessRule("public")  # type: ignore[attr-defined]
    return dependency


def risk_index(request: Request) -> RiskIndex:
    """The app's in-memory look-up lists, made on first use."""
    state = request.app.state
    index = getattr(state, "risk_index", None)
    if index is None:
        index = state.risk_index = RiskIndex.for_database(state.db)
    return index


def answer(kind: RiskKind, risky: bool) -> LookupOut:
    zh, en = WHAT[kind]
    return LookupOut(kind=kind, result="risky" if risky else "not_known",
                     message_zh=(RISKY_ZH if risky else UNKNOWN_ZH).format(what=zh),
                     message_en=(RISKY_EN if risky else UNKNOWN_EN).format(what=en))


@router.get("/ping", response_model=PingOut, responses=api_responses(429))
def ping(_=Depends(public(rate_limited=True))) -> PingOut:
    """Whether the public API answers; at most 60 requests a minute from one address (429 with
    Retry-After beyond that)."""
    return PingOut(ok=True, service="fanzha", time=local(clock.now()))


@router.get("/lookup", response_model=LookupOut, responses=api_responses(429))
async def lookup(request: Request, kind: RiskKind = Query(description="phone, account, url, qq or wechat"),
                 value: str = Query(min_length=1, max_length=2000, description="what to look up, as written"),
                 _=Depends(anyone_rate_limited())) -> LookupOut:
    """Risk look-up (风险查询): whether the phone number, bank account, URL, QQ or WeChat id is on the
    center's lists. The answer is only risky or not known. Rate-limited per address (429)."""
    index = risk_index(request)
    try:  # a set look-up in memory: no thread needed, except to read the lists the first time
        found = index.check(kind, value) if index.loaded else await run_in_threadpool(index.check, kind, value)
    except ValueError as exc:
        raise ApiError(422, f"the value is not a valid {kind.value}: {exc}", [Problem("value", str(exc))]) from None
    return answer(kind, found.risky)


@router.post("/reports", response_model=ReportOut, status_code=201,
             responses=api_responses(429, more={200: {"model": ReportOut, "description": "sent before: the first report"}}))
def report(request: Request, body: CitizenReportIn, _=Depends(public(rate_limited=True)),
           _strict=Depends(public_report_rate_limit)):
    """A citizen's fraud report (举报). Someone being defrauded now, or a resident named, becomes a
    warning lead at once; a completed loss waits for the intake desk to confirm; the rest are tips.
    Send a ``client_key`` of your own so a retry is recorded once. At most a few reports an hour
    from one address (429 with Retry-After)."""
    db = request.app.state.db
    try:
        with db.session() as session:
            taken = take_citizen_report(session, body.model_dump(mode="json"), client_address(request))
            no = taken.report.report_no
    except InputRejected as exc:
        raise ApiError(422, "the report has errors; fix each place listed in problems and send it again",
                       exc.problems) from None
    out = ReportOut(report_no=no, repeat=not taken.created,
                    message_zh=f"举报已收到，编号 {no}。如有人正在被骗，请同时拨打 110 或 96110。",
                    message_en=f"Report received, number {no}. If someone is being defrauded now, also call 110 or 96110.")
    return JSONResponse(out.model_dump(), status_code=201 if taken.created else 200)
