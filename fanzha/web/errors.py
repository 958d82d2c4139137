"""Errors as the API and pages answer them: a message that says what to do next, and, for bad
input, every place that needs fixing ({place, reason}, places like ``transfers.0.amount``)."""
from __future__ import annotations

import re

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanzha.domain.access import AccessDenied
from fanzha.domain.errors import Problem
from fanzha.web.rate_limit import RateLimited

# A model-level check names its field at the start of its message ("transfers.1.time ... is after").
_LEADING_PLACE = re.compile(r"^((?:[a-z_]+|\d+)(?:\.(?:[a-z_]+|\d+))+) ")


class ApiError(Exception):
    """An API refusal: HTTP status, a message that says what to do, and optional problems."""

    def __init__(self, status: int, message: str, problems: list[Problem] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []
        self.headers = headers


def error_body(message: str, problems: list[Problem] | None = None) -> dict:
    return {"message": message, "problems": [{"place": p.place, "reason": p.reason} for p in problems or []]}


def problems_of(errors: list[dict], drop_first: bool = False) -> list[Problem]:
    """Problems from pydantic error dicts; ``drop_first`` removes FastAPI's body/query/path prefix."""
    problems = []
    for err in errors:
        loc = list(err.get("loc", ()))[1 if drop_first else 0:]
        place = ".".join(str(part) for part in loc)
        reason = str(err.get("msg", "")).removeprefix("Value error, ")
        if not place and (match := _LEADING_PLACE.match(reason)):
            place = match.group(1)
        problems.append(Problem(place, reason))
    return problems


async def api_error_handler(_request: Request, exc: ApiError) -> Response:
    return JSONResponse(error_body(exc.message, exc.problems), status_code=exc.status, headers=exc.headers)


async def validation_handler(_request: Request, exc: RequestValidationError) -> Response:
    problems = problems_of(list(exc.errors()), drop_first=True)
    return JSONResponse(
        error_body("the request has errors; fix each place listed in problems and send it again", problems),
        status_code=422,
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


async def _error_page(request: Request, status: int, context: dict | None = None,
                      headers: dict[str, str] | None = None) -> Response:
    from fanzha.web.auth import current_actor  # late: auth raises ApiError from this module
    from fanzha.web.templating import render

    try:
        await run_in_threadpool(current_actor, request)  # so the layout shows the navigation
    except ApiError:
        pass
    return render(request, "error.html", {"status": status, **(context or {})}, status_code=status,
                  headers=headers)


async def http_error_handler(request: Request, exc: StarletteHTTPException) -> Response:
    """JSON for the API; a page in the layout for people."""
    if _wants_json(request):
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404:
            detail = "not found; check the id or the address (see /docs for the API)"
        return JSONResponse(error_body(detail), status_code=exc.status_code, headers=getattr(exc, "headers", None))
    return await _error_page(request, exc.status_code)


async def access_denied_handler(request: Request, exc: AccessDenied) -> Response:
    """403, after writing the refusal to the audit log (in a transaction of its own)."""
    from fanzha.services.audit import record_denied

    detail = {"path": request.url.path, "method": request.method}
    await run_in_threadpool(record_denied, request.app.state.db, exc, None, detail)
    if _wants_json(request):
        return JSONResponse(error_body(exc.message_en, [Problem("permission", exc.permission.value)]),
                            status_code=403)
    lang = getattr(request.state, "lang", "zh")
    return await _error_page(request, 403, {"denied": exc.message(lang), "permission": exc.permission.value})


async def csrf_handler(request: Request, exc) -> Response:
    """403 for a form without the session's CSRF token; audited (it may be a forged request)."""
    from fanzha.services import audit

    def write() -> None:
        with request.app.state.db.session() as session:
            audit.record(session, exc.actor, "csrf", outcome=audit.DENIED, actor_name="anonymous",
                         ip=request.client.host if request.client else None,
                         detail={"path": request.url.path, "method": request.method})

    await run_in_threadpool(write)
    message = ("the request's CSRF token is missing or wrong; reload the page and try again (scripts: "
               "send the session's token as X-CSRF-Token, or use an API token)")
    if _wants_json(request):
        return JSONResponse(error_body(message), status_code=403)
    return await _error_page(request, 403, {"csrf_refused": True})


async def rate_limited_handler(request: Request, exc: RateLimited) -> Response:
    headers = {"Retry-After": str(exc.retry_after)}
    if _wants_json(request):
        return JSONResponse(error_body(f"too many {exc.what}; try again in {exc.retry_after} seconds"),
                            status_code=429, headers=headers)
    return await _error_page(request, 429, {"retry_after": exc.retry_after}, headers=headers)
