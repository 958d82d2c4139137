"""The telecom desk's pages (通信): orders to operators with their time limits, appeals, the
alerts of calls in progress, and the block list's export.

An operator's liaison works its own queue (execute / reject) and takes holders' appeals; duty
officers and analysts raise orders by hand and decide appeals. Forms post back here and the page
shows the outcome as a message, in the user's language.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.number_order import AppealState, Basis, NumberOrderKind, NumberOrderState
from fanzha.domain.permissions import Permission
from fanzha.services.telecom.alerts import list_alerts
from fanzha.services.telecom.block_list import export_csv
from fanzha.services.telecom.number_orders import (
    answer_order,
    decide_appeal,
    file_appeal,
    list_appeals,
    list_orders,
    raise_order,
)
from fanzha.services.telecom.number_scoring import list_candidates, review_candidate
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.form_action import form_action
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/telecom/orders")
def orders_page(request: Request, actor: Actor = Depends(requires(Permission.NUMBERS_READ)), db=Depends(get_db)):
    state = request.query_params.get("state") or None
    state = state if state in {s.value for s in NumberOrderState} else None
    overdue = request.query_params.get("overdue") == "1"
    with db.session() as session:
        rows = list_orders(session, actor, state, overdue_only=overdue)
    return render(request, "telecom/orders.html", {
        "area": "telecom", "rows": rows, "state": state, "overdue": overdue,
        "states": [s.value for s in NumberOrderState], "kinds": [k.value for k in NumberOrderKind],
        "bases": [b.value for b in Basis], "overdue_count": sum(1 for r in rows if r.overdue),
        "may_answer": actor.may(Permission.NUMBERS_ANSWER), "may_order": actor.may(Permission.NUMBERS_ORDER)})


@router.post("/telecom/orders")
async def raise_by_hand(request: Request, actor: Actor = Depends(requires(Permission.NUMBERS_ORDER)),
                        db=Depends(get_db)):
    form = await request.form()
    number, reason = str(form.get("number") or ""), str(form.get("reason") or "")
    kind, basis = str(form.get("kind") or ""), str(form.get("basis") or "")

    def work() -> None:
        if kind not in {k.value for k in NumberOrderKind} or basis not in {b.value for b in Basis}:
            raise InputRejected([Problem("kind", "choose the kind and the basis from the lists")], "bad form")
        with db.session() as session:
            raise_order(session, actor, number, NumberOrderKind(kind), Basis(basis), source="manual", reason=reason)

    return await form_action(request, work, "flash.number_order_raised", "/telecom/orders", number=number)


@router.post("/telecom/orders/{order_id}/answer")
async def answer(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.NUMBERS_ANSWER)),
                 db=Depends(get_db)):
    form = await request.form()
    outcome, reason = str(form.get("outcome") or ""), str(form.get("reason") or "")[:256] or None

    def work() -> None:
        with db.session() as session:
            answer_order(session, actor, order_id, outcome, reason)  # type: ignore[arg-type]

    return await form_action(request, work, "flash.number_order_answered", "/telecom/orders")


@router.post("/telecom/orders/{order_id}/appeals")
async def appeal(request: Request, order_id: int, actor: Actor = Depends(requires(Permission.NUMBERS_READ)),
                 db=Depends(get_db)):
    form = await request.form()
    appellant, grounds = str(form.get("appellant") or ""), str(form.get("grounds") or "")

    def work() -> None:
        with db.session() as session:
            file_appeal(session, actor, order_id, appellant, grounds)

    return await form_action(request, work, "flash.appeal_filed", "/telecom/appeals")


@router.get("/telecom/appeals")
def appeals_page(request: Request, actor: Actor = Depends(requires(Permission.NUMBERS_READ)), db=Depends(get_db)):
    state = request.query_params.get("state") or None
    state = state if state in {s.value for s in AppealState} else None
    with db.session() as session:
        rows = list_appeals(session, actor, state)
    return render(request, "telecom/appeals.html", {
        "area": "telecom", "rows": rows, "state": state, "states": [s.value for s in AppealState],
        "may_decide": actor.may(Permission.NUMBERS_ORDER)})


@router.post("/telecom/appeals/{appeal_id}/decision")
async def decide(request: Request, appeal_id: int, actor: Actor = Depends(requires(Permission.NUMBERS_ORDER)),
                 db=Depends(get_db)):
    form = await request.form()
    grant, reason = str(form.get("decision") or "") == "grant", str(form.get("reason") or "")

    def work() -> None:
        with db.session() as session:
            decide_appeal(session, actor, appeal_id, grant, reason)

    return await form_action(request, work, "flash.appeal_decided", "/telecom/appeals")


@router.get("/telecom/candidates")
def candidates_page(request: Request, actor: Actor = Depends(requires(Permission.NUMBERS_ORDER)), db=Depends(get_db)):
    """Numbers the model scored as likely fraud, highest first, with their reasons, for review."""
    with db.session() as session:
        rows = list_candidates(session, actor)
    return render(request, "telecom/candidates.html", {"area": "telecom", "rows": rows})


@router.post("/telecom/candidates/{candidate_id}/review")
async def review(request: Request, candidate_id: int, actor: Actor = Depends(requires(Permission.NUMBERS_ORDER)),
                 db=Depends(get_db)):
    form = await request.form()
    order, note = str(form.get("decision") or "") == "order", str(form.get("note") or "")

    def work() -> None:
        with db.session() as session:
            review_candidate(session, actor, candidate_id, order, note)

    return await form_action(request, work, "flash.candidate_reviewed", "/telecom/candidates")


@router.get("/telecom/alerts")
def alerts_page(request: Request, actor: Actor = Depends(requires(Permission.NUMBERS_READ)), db=Depends(get_db)):
    with db.session() as session:
        rows = list_alerts(session, actor, limit=200)
    return render(request, "telecom/alerts.html", {"area": "telecom", "rows": rows})


@router.get("/telecom/block-list.csv")
def block_list_csv(actor: Actor = Depends(requires(Permission.NUMBERS_READ)), db=Depends(get_db)) -> Response:
    with db.session() as session:
        text, _ = export_csv(session, actor)  # audited there
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="block-list.csv"'})
