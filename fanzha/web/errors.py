"""Errors as the API and pages answer them: a message that says what to do next, and, for bad
input, every place that needs fixing ({place, reason}, places like ``transfers.0.amount``)."""
from __future__ import annotations

import re

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanzha.domain.errors import Problem

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


async def http_error_handler(request: Request, exc: StarletteHTTPException) -> Response:
    """JSON for the API; a page in the layout for people."""
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404:
            detail = "not found; check the id or the address (see /docs for the API)"
        return JSONResponse(error_body(detail), status_code=exc.status_code, headers=getattr(exc, "headers", None))
    from fanzha.web.auth import current_user  # late: auth raises ApiError from this module
    from fanzha.web.templating import render

    current_user(request)  # so the layout shows the navigation to a signed-in user
    return render(request, "error.html", {"status": exc.status_code}, status_code=exc.status_code)
