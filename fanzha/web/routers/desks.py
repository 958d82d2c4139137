"""The desks' old addresses (/desks/<code>): each now opens its desk's own home page.

Every desk has its pages (nav.DESK_HOMES), so a bookmark or a link to /desks/<code> from an
earlier release is sent there with a permanent redirect. The desk's permission is still checked
first, so the answer to someone who may not open a desk is the same here as on the desk itself.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from fanzha.web.auth import public, requires
from fanzha.web.nav import DESK_HOMES, DESK_PERMISSIONS

router = APIRouter(include_in_schema=False)


def _desk_route(code: str, permission) -> None:
    rule = requires(permission) if permission is not None else public(rate_limited=True)
    home = DESK_HOMES[code]

    def desk(request: Request, _=Depends(rule)) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(home + query, status_code=308)

    desk.__name__ = f"desk_{code}"
    router.add_api_route(f"/desks/{code}", desk, methods=["GET"], name=f"desk_{code}")


for _code, _permission in DESK_PERMISSIONS.items():
    _desk_route(_code, _permission)
