"""Placeholder pages for the desks later releases build: each says what it will hold, no more.

Each desk is its own route with the permission its work will need (nav.DESK_PERMISSIONS), so a
bank's liaison already opens the funds desk and not the analysis desk; the public desk is open
to everyone and rate-limited per address, like the public look-ups it will hold.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from fanzha.web.auth import public, requires
from fanzha.web.i18n import CATALOG
from fanzha.web.nav import DESK_PERMISSIONS
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)

# Catalog keys of what each desk will hold (i18n.py, after DESIGN.md's desk table and rules).
PLANS: dict[str, tuple[str, ...]] = {
    code: tuple(sorted(k for k in CATALOG if k.startswith(f"desk.{code}.plan."))) for code in DESK_PERMISSIONS
}


def _desk_route(code: str, permission) -> None:
    rule = requires(permission) if permission is not None else public(rate_limited=True)

    def desk(request: Request, _=Depends(rule)):
        return render(request, "desks/desk.html", {"area": code, "code": code, "plan": PLANS[code]})

    desk.__name__ = f"desk_{code}"
    router.add_api_route(f"/desks/{code}", desk, methods=["GET"], name=f"desk_{code}")


for _code, _permission in DESK_PERMISSIONS.items():
    _desk_route(_code, _permission)
