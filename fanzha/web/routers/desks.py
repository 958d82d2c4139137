"""Placeholder pages for the desks later releases build: each says what it will hold, no more."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from fanzha.web.auth import page_user
from fanzha.web.i18n import CATALOG
from fanzha.web.nav import COMING_DESKS
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_user)])

# Catalog keys of what each desk will hold (i18n.py, after DESIGN.md's desk table and rules).
PLANS: dict[str, tuple[str, ...]] = {
    code: tuple(sorted(k for k in CATALOG if k.startswith(f"desk.{code}.plan."))) for code in COMING_DESKS
}


@router.get("/desks/{code}")
def desk(request: Request, code: str):
    if code not in COMING_DESKS:
        raise HTTPException(404)
    return render(request, "desks/desk.html", {"area": code, "code": code, "plan": PLANS[code]})
