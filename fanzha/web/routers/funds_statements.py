"""The liaison's statement upload from the queue page (回传流水): the same answer as the API's
POST /api/orders/{id}/statement, with the outcome shown as a message on the queue."""
from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.services.funds.statement_answer import answer_with_statement
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash

router = APIRouter(include_in_schema=False)


@router.post("/funds/queue/{order_id}/statement")
async def upload_statement(request: Request, order_id: int,
                           file: Annotated[UploadFile | None, File()] = None,
                           actor: Actor = Depends(requires(Permission.ORDERS_ANSWER)), db=Depends(get_db)):
    if file is None or not file.filename:
        flash(request, "flash.statement_missing", "error")
        return RedirectResponse("/funds/queue", status_code=303)
    data, name = await file.read(), PurePath(file.filename).name
    try:
        answer = await run_in_threadpool(answer_with_statement, db, actor, order_id, data, name)
    except InputRejected as exc:
        flash(request, "flash.statement_refused", "error", reasons="; ".join(p.reason for p in exc.problems))
    except (ValueError, UnicodeError) as exc:
        flash(request, "flash.statement_refused", "error", reasons=str(exc))
    else:
        if answer.imported.rejected:
            reasons = "; ".join(f"{p.place}: {p.reason}" for p in answer.imported.problems[:5])
            flash(request, "flash.statement_refused", "error", reasons=reasons)
        else:
            flash(request, "flash.statement_answered", rows=answer.imported.rows_imported,
                  orders=len(answer.orders_raised), requests=len(answer.statement_requests))
    return RedirectResponse("/funds/queue", status_code=303)
