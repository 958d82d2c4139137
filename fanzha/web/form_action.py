"""A page form's action (表单提交): do the work, say how it went, go back (post/redirect/get).

The work runs off the event loop; a refusal (InputRejected) becomes an error message listing each
problem with its place, success the page's own message. The work may return more parameters for
that message (a count, say).
"""
from __future__ import annotations

from collections.abc import Callable

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.requests import Request

from fanzha.domain.errors import InputRejected
from fanzha.web.flash import flash


def refusal_reasons(exc: InputRejected) -> str:
    return "; ".join(f"{p.place}: {p.reason}" if p.place else p.reason for p in exc.problems)


async def form_action(request: Request, work: Callable[[], dict | None], ok_key: str, back: str,
                      **ok_params) -> RedirectResponse:
    try:
        more = await run_in_threadpool(work)
    except InputRejected as exc:
        flash(request, "flash.refused", "error", reasons=refusal_reasons(exc))
    else:
        flash(request, ok_key, **ok_params, **(more or {}))
    return RedirectResponse(back, status_code=303)
