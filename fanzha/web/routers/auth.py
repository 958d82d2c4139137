"""Signing in and out, and changing one's own password (also the forced change of an initial one)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.password import LOCKOUT_FAILURES, MIN_LENGTH
from fanzha.services import audit
from fanzha.services.accounts import SignIn, authenticate, change_password
from fanzha.services.sessions import end_session, start_session
from fanzha.web.auth import (
    PASSWORD_PAGE,
    SESSION_KEY,
    CsrfRefused,
    begin_session,
    current_actor,
    public,
    safe_next,
    signed_in,
    verify_csrf,
)
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.format import local_time
from fanzha.web.rate_limit import RateLimited, client_address, take
from fanzha.web.session import LOCAL_HOSTS, is_secure_for
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


def _login_page(request: Request, next_url: str, status_code: int = 200, headers: dict | None = None, **context):
    insecure = (is_secure_for(request.scope, request.app.state.cookie_secure)
                and request.url.scheme != "https" and (request.url.hostname or "") not in LOCAL_HOSTS)
    return render(request, "login.html", {"next_url": safe_next(next_url), "cookie_needs_https": insecure, **context},
                  status_code=status_code, headers=headers)


@router.get("/login")
def login_page(request: Request, next: str = "/", actor: Actor | None = Depends(public())):
    if actor is not None and actor.via == "session":
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    _: Actor | None = Depends(public()),
    db=Depends(get_db),
):
    try:
        await verify_csrf(request, None)
    except CsrfRefused:
        return _login_page(request, next, 403, error="auth.stale", username=username)
    ip = client_address(request)
    try:
        take(request, "login_address", f"login:ip:{ip}", "sign-in attempts from this address")
        take(request, "login_account", f"login:account:{username.strip().lower()}", "sign-in attempts for this account")
    except RateLimited as exc:
        return _login_page(request, next, 429, error="auth.too_many", retry_after=exc.retry_after,
                           username=username, headers={"Retry-After": str(exc.retry_after)})

    def check():
        with db.session() as session:
            result = authenticate(session, username, password, ip)
            key = start_session(session, result.user, ip, request.headers.get("user-agent")) if result.ok else None
            return result, key

    result, key = await run_in_threadpool(check)
    if result.outcome is SignIn.LOCKED:
        return _login_page(request, next, 403, error="auth.locked", username=username,
                           until=local_time(result.locked_until), failures=LOCKOUT_FAILURES)
    if result.outcome is SignIn.DISABLED:
        return _login_page(request, next, 403, error="auth.disabled", username=username)
    if not result.ok:
        return _login_page(request, next, 401, error="auth.failed", username=username)
    begin_session(request, key)
    if result.user.must_change_password:
        flash(request, "auth.must_change", kind="error")
        return RedirectResponse(PASSWORD_PAGE + "?next=" + safe_next(next), status_code=303)
    flash(request, "auth.welcome", name=result.user.display_name)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
async def logout(request: Request, _: Actor | None = Depends(public()), db=Depends(get_db)):
    key = request.session.get(SESSION_KEY)
    if isinstance(key, str):
        await verify_csrf(request, current_actor(request))

        def end():
            with db.session() as session:
                actor = request.state.actor
                end_session(session, key)
                if actor is not None:
                    audit.record(session, actor, "sign_out", object_type="user", object_id=actor.username)

        await run_in_threadpool(end)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get(PASSWORD_PAGE)
def password_page(request: Request, next: str = "/", actor: Actor = Depends(signed_in())):
    return render(request, "account/password.html", {
        "next_url": safe_next(next), "errors": {}, "forced": request.state.must_change_password, "min_length": MIN_LENGTH,
    })


@router.post(PASSWORD_PAGE)
def password_change(
    request: Request,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    actor: Actor = Depends(signed_in()),
    db=Depends(get_db),
):
    errors: dict[str, list[str]] = {}
    if new_password != confirm_password:
        errors["confirm_password"] = ["the two new passwords differ; type the same one twice"]
    else:
        try:
            with db.session() as session:
                change_password(session, actor, current_password, new_password,
                                keep_session_id=request.state.session_id)
        except InputRejected as exc:
            for problem in exc.problems:
                errors.setdefault(problem.place, []).append(problem.reason)
    if errors:
        return render(request, "account/password.html", {
            "next_url": safe_next(next), "errors": errors, "forced": request.state.must_change_password,
            "min_length": MIN_LENGTH,
        }, status_code=422)
    flash(request, "auth.password_changed")
    return RedirectResponse(safe_next(next), status_code=303)
