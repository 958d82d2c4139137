"""The funds desk's pages (止付冻结).

The bank liaison's queue (止付指令队列): the orders to the liaison's bank, with the stop and reject
forms; funds and duty officers see the orders in their area, without the forms. The desk's home:
the stops and freezes that end soon and the orders by state. A case's money: the flow from the
victim through every level (a Sankey) and every account with its order and the actions on it
(freeze, stop again, release). The freezes with renew and release, and the returns to victims
with the 30-day notice.
"""
from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.domain.stop_payment import OrderState
from fanzha.services.funds.bank_answers import answer_order, list_bank_queue
from fanzha.services.funds.freezes import (
    FREEZE_NEAR_EXPIRY,
    FREEZE_STATES,
    convert_to_freeze,
    expiring,
    freeze_id_of_order,
    list_freezes,
    order_counts,
    release_freeze,
    release_order,
    renew_freeze,
    restop,
)
from fanzha.services.funds.money_picture import money_picture
from fanzha.services.funds.restitution import publish_notice, return_money, return_plan
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.i18n import translate
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/funds/queue")
def queue(request: Request, actor: Actor = Depends(requires(Permission.ORDERS_READ)), db=Depends(get_db)):
    state = request.query_params.get("state") or None
    if state not in {s.value for s in OrderState}:
        state = None
    with db.session() as session:
        rows = list_bank_queue(session, actor, state)
    return render(request, "funds/queue.html", {"area": "funds", "rows": rows, "state": state,
                                                "states": [s.value for s in OrderState],
                                                "may_answer": actor.may(Permission.ORDERS_ANSWER)})


def _yuan_to_fen(text: str) -> int | None:
    try:
        whole, _, frac = text.strip().replace(",", "").partition(".")
        if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
            return None
        return int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    except ValueError:
        return None


@router.post("/funds/queue/{order_id}/answer")
async def answer(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ANSWER)),
                 db=Depends(get_db)):
    form = await request.form()
    outcome = str(form.get("outcome") or "")
    stopped_fen = _yuan_to_fen(str(form.get("stopped_yuan") or "")) if outcome == "stopped" else None
    reason = str(form.get("reason") or "")[:256] or None

    def run() -> None:
        with db.session() as session:
            answer_order(session, actor, order_id, outcome, stopped_fen, reason)  # type: ignore[arg-type]

    try:
        await run_in_threadpool(run)
    except InputRejected as exc:
        flash(request, "flash.order_refused", "error", reasons="; ".join(p.reason for p in exc.problems))
    else:
        flash(request, "flash.order_answered")
    return RedirectResponse("/funds/queue", status_code=303)


# --- the desk: what ends soon, freezes, returns, a case's money ---------------------------------

STOP_HORIZON = timedelta(hours=48)  # a stop lasts 48 hours: every running stop is on the desk's home


def _left(lang: str):
    """Time left as words: hours and minutes under two days, days beyond."""
    def left(seconds: int | None) -> str:
        if seconds is None:
            return "—"
        if seconds <= 0:
            return translate("funds.left.over", lang)
        if seconds < 2 * 86400:
            return translate("funds.left.hm", lang, h=seconds // 3600, m=seconds % 3600 // 60)
        return translate("funds.left.days", lang, d=seconds // 86400)
    return left


def _lang(request: Request) -> str:
    return getattr(request.state, "lang", "zh")


@router.get("/funds")
def desk_home(request: Request, actor: Actor = Depends(requires(Permission.ORDERS_READ)), db=Depends(get_db)):
    with db.session() as session:
        stops = [i for i in expiring(session, actor, STOP_HORIZON) if i.kind == "stop"]
        freezes_soon = [i for i in expiring(session, actor, FREEZE_NEAR_EXPIRY) if i.kind == "freeze"]
        counts = order_counts(session, actor)
    return render(request, "funds/home.html", {
        "area": "funds", "stops": stops, "freezes": freezes_soon, "counts": counts, "left": _left(_lang(request))})


def _chart(picture, lang: str) -> dict:
    """The Sankey's data: node names are ids, labels and sums in yuan are given beside them."""
    def label(node) -> str:
        if node.kind == "victim":
            return f"{translate('funds.node.victim', lang)} {node.label}"
        if node.kind == "account":
            return f"{node.level} · {node.bank or '?'} {node.label[-4:]}"
        return translate(f"funds.node.{node.kind}", lang)

    return {
        "nodes": [{"name": n.id, "label": label(n), "kind": n.kind, "depth": n.level,
                   "account": n.label if n.kind == "account" else None,
                   "state": n.order.state if n.order else None} for n in picture.nodes],
        "links": [{"source": link.source, "target": link.target, "value": link.fen / 100, "fen": link.fen}
                  for link in picture.links],
        "labels": {"yuan": translate("dash.chart.yuan", lang)},
    }


@router.get("/funds/cases/{case_id}")
def case_money(request: Request, case_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
               db=Depends(get_db)):
    if not 0 < case_id < 2**31:
        raise HTTPException(404)
    try:
        with db.session() as session:
            picture = money_picture(session, actor, case_id)
    except InputRejected:
        raise HTTPException(404) from None
    lang = _lang(request)
    return render(request, "funds/case_money.html", {
        "area": "funds", "picture": picture, "chart": _chart(picture, lang), "left": _left(lang),
        "may_issue": actor.may(Permission.ORDERS_ISSUE), "here": f"/funds/cases/{case_id}"})


@router.get("/funds/freezes")
def freezes_page(request: Request, actor: Actor = Depends(requires(Permission.ORDERS_READ)), db=Depends(get_db)):
    state = request.query_params.get("state") or None
    if state not in FREEZE_STATES:
        state = None
    with db.session() as session:
        rows = list_freezes(session, actor, state)
    return render(request, "funds/freezes.html", {
        "area": "funds", "rows": rows, "state": state, "states": FREEZE_STATES, "left": _left(_lang(request)),
        "may_issue": actor.may(Permission.ORDERS_ISSUE), "now": clock.now()})


@router.get("/funds/returns")
def returns_page(request: Request, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)), db=Depends(get_db)):
    with db.session() as session:
        freezes = [f for f in list_freezes(session, actor) if f.state in ("active", "returned")]
        plans = [(f, return_plan(session, actor, f.id)) for f in freezes]
    return render(request, "funds/returns.html", {"area": "funds", "plans": plans})


def _next(form, default: str = "/funds") -> str:
    target = str(form.get("next") or "")
    if target.startswith("/funds") and "//" not in target and "\\" not in target:
        return target
    return default


async def _act(request: Request, db, work, what: str, default: str = "/funds"):
    """Run a desk action from a form: flash what was done or why not, and go back."""
    form = await request.form()

    def run() -> None:
        with db.session() as session:
            work(session, form)

    try:
        await run_in_threadpool(run)
    except InputRejected as exc:
        flash(request, "flash.funds_refused", "error", reasons="; ".join(p.reason for p in exc.problems))
    else:
        flash(request, "flash.funds_done", what=translate(what, _lang(request)))
    return RedirectResponse(_next(form, default), status_code=303)


def _text(form, name: str, limit: int = 256) -> str:
    return str(form.get(name) or "")[:limit]


@router.post("/funds/orders/{order_id}/freeze")
async def order_freeze(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                       db=Depends(get_db)):
    def work(session, form) -> None:
        raw = _text(form, "amount_yuan", 32).strip()
        amount = _yuan_to_fen(raw) if raw else None
        if raw and amount is None:
            raise InputRejected([Problem("amount_yuan", f"{raw!r} is not a sum in yuan (e.g. 1234.50)")], "bad sum")
        convert_to_freeze(session, actor, order_id, _text(form, "legal_document_no", 64), amount)

    return await _act(request, db, work, "funds.freeze")


@router.post("/funds/orders/{order_id}/restop")
async def order_restop(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                       db=Depends(get_db)):
    return await _act(request, db, lambda session, form: restop(session, actor, order_id), "funds.restop")


@router.post("/funds/orders/{order_id}/release")
async def order_release(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                        db=Depends(get_db)):
    return await _act(request, db, lambda session, form: release_order(session, actor, order_id,
                                                                       _text(form, "reason")), "funds.release")


@router.post("/funds/orders/{order_id}/freeze/renew")
async def freeze_renew(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                       db=Depends(get_db)):
    def work(session, form) -> None:
        renew_freeze(session, actor, freeze_id_of_order(session, order_id), _text(form, "legal_document_no", 64))

    return await _act(request, db, work, "funds.renew", "/funds/freezes")


@router.post("/funds/orders/{order_id}/freeze/release")
async def freeze_release(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                         db=Depends(get_db)):
    def work(session, form) -> None:
        release_freeze(session, actor, freeze_id_of_order(session, order_id), _text(form, "reason"))

    return await _act(request, db, work, "funds.release", "/funds/freezes")


@router.post("/funds/orders/{order_id}/freeze/notice")
async def freeze_notice(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                        db=Depends(get_db)):
    def work(session, form) -> None:
        publish_notice(session, actor, freeze_id_of_order(session, order_id))

    return await _act(request, db, work, "funds.returns.publish", "/funds/returns")


@router.post("/funds/orders/{order_id}/freeze/return")
async def freeze_return(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.ORDERS_ISSUE)),
                        db=Depends(get_db)):
    def work(session, form) -> None:
        return_money(session, actor, freeze_id_of_order(session, order_id))

    return await _act(request, db, work, "funds.returns.return", "/funds/returns")
