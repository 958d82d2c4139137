"""Sign-in and sign-out pages."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from fanzha.services.accounts import authenticate
from fanzha.web.auth import current_user, safe_next, sign_in, sign_out
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next_url": safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    db=Depends(get_db),
):
    with db.session() as session:
        user = authenticate(session, username, password)
        if user is not None:
            sign_in(request, user)
    if user is None:
        context = {"next_url": safe_next(next), "failed": True, "username": username}
        return render(request, "login.html", context, status_code=401)
    flash(request, "auth.welcome", name=user.display_name)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request):
    sign_out(request)
    return RedirectResponse("/login", status_code=303)
