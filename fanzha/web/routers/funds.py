"""The bank liaison's queue page (止付指令队列): the orders to the liaison's bank, with the
stop and reject forms. Funds and duty officers see the orders in their area, without the forms."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.domain.stop_payment import OrderState
from fanzha.services.funds.bank_answers import answer_order, list_bank_queue
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
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
