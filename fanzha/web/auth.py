"""Who is asking, and may they: every route declares its access rule here.

A route's rule is one of

- ``requires(Permission.X, ...)``: signed in, and the role holds one of the permissions
  (domain/permissions.py); the dependency hands the route the ``Actor``;
- ``signed_in()``: any signed-in user (the home page, changing one's own password);
- ``public()``: anyone, signed in or not (the sign-in page, the API docs, the public desk),
  optionally rate-limited per client address.

The rule is attached to the dependency (``access_rule``), so tests can list every route with its
rule and fail for a route that has none. Pages send strangers to /login; the JSON API answers
them 401. Refusals raise ``AccessDenied`` (403, written to the audit log by the error handler).

Two ways in: the session cookie of a signed-in browser (then every unsafe request must carry the
session's CSRF token, as the form field ``csrf_token`` or the header ``X-CSRF-Token``; htmx sends
the header for every request), or ``Authorization: Bearer <token>`` for machine clients (no CSRF
token needed: a browser never adds that header by itself). A session whose user was given an
initial password can only change it until it is changed.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission, allows
from fanzha.domain.role import Role
from fanzha.services.api_tokens import actor_for_token
from fanzha.services.sessions import resume_session
from fanzha.web.errors import ApiError, error_body
from fanzha.web.rate_limit import client_address, public_rate_limit

SESSION_KEY = "sid"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PASSWORD_PAGE = "/account/password"
ALLOWED_WHILE_CHANGING = frozenset({PASSWORD_PAGE, "/logout"})


# Declared on every signed-in route so the OpenAPI schema (and Swagger UI's Authorize button)
# says how machine clients authenticate; the token itself is read in current_actor.
bearer_scheme = HTTPBearer(auto_error=False, scheme_name="token",
                           description="an API token made by the center admin (fanzha users token create)")
Bearer = HTTPAuthorizationCredentials | None


# --- rules -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "public", "signed_in" or "permission"
    permissions: tuple[Permission, ...] = ()

    def allows(self, role: Role | None) -> bool:
        """Whether a user with ``role`` (None: not signed in) passes the rule."""
        if self.kind == "public":
            return True
        if role is None:
            return False
        return self.kind == "signed_in" or any(allows(role, p) for p in self.permissions)

    def __str__(self) -> str:
        return self.kind if self.kind != "permission" else " | ".join(p.value for p in self.permissions)


def requires(*permissions: Permission) -> Callable:
    """Dependency: a signed-in actor whose role holds one of ``permissions``."""
    if not permissions:
        raise ValueError("requires() needs at least one permission; use signed_in() or public()")
    rule = AccessRule("permission", tuple(permissions))

    async def dependency(request: Request, _token: Bearer = Depends(bearer_scheme)) -> Actor:
        actor = await _authenticated(request)
        if not any(actor.may(p) for p in permissions):
            object_type, object_id = _object_of(request)
            raise AccessDenied(actor, permissions[0], "role", object_type=object_type, object_id=object_id)
        return actor

    dependency.access_rule = rule  # type: ignore[attr-defined]
    return dependency


# Path parameters that name the record a refused request was after (for the audit log).
PATH_OBJECTS = {"case_id": "case", "username": "user", "token_id": "token", "order_id": "order"}


def _object_of(request: Request) -> tuple[str | None, str | None]:
    for param, object_type in PATH_OBJECTS.items():
        if param in request.path_params:
            return object_type, str(request.path_params[param])[:64]
    return None, None


def signed_in() -> Callable:
    """Dependency: any signed-in actor."""

    async def dependency(request: Request, _token: Bearer = Depends(bearer_scheme)) -> Actor:
        return await _authenticated(request)

    dependency.access_rule = AccessRule("signed_in")  # type: ignore[attr-defined]
    return dependency


def public(rate_limited: bool = False) -> Callable:
    """Dependency: anyone; the actor when signed in, else None. ``rate_limited``: per address."""

    async def dependency(request: Request) -> Actor | None:
        if rate_limited:
            public_rate_limit(request)
        return await run_in_threadpool(current_actor, request)

    dependency.access_rule = AccessRule("public")  # type: ignore[attr-defined]
    return dependency


def rule_of(dependency_call: object) -> AccessRule | None:
    return getattr(dependency_call, "access_rule", None)


# --- who is asking ------------------------------------------------------------------------------


class LoginRequired(Exception):
    """A page asked for without signing in; answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PasswordChangeRequired(Exception):
    """A session with an initial password asked for anything but changing it."""


class CsrfRefused(Exception):
    """An unsafe request of a signed-in browser without the session's CSRF token."""

    def __init__(self, actor: Actor | None) -> None:
        self.actor = actor
        super().__init__("the form's security token is missing or out of date")


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_actor(request: Request) -> Actor | None:
    """Who is asking (cached on the request), or None. A bad Bearer token is a 401 at once."""
    state = request.state
    if getattr(state, "resolved", False):
        return state.actor
    actor, session_id, must_change = None, None, False
    ip = client_address(request)
    token = _bearer(request)
    db = request.app.state.db
    if token is not None:
        with db.session() as session:
            found = actor_for_token(session, token, ip)
        if found.actor is None:
            raise ApiError(401, found.problem or "the API token is refused", headers={"WWW-Authenticate": "Bearer"})
        actor = found.actor
    elif "session" in request.scope and isinstance(request.session.get(SESSION_KEY), str):
        with db.session() as session:
            resumed = resume_session(session, request.session[SESSION_KEY], ip)
        if resumed is None:
            request.session.pop(SESSION_KEY, None)
        else:
            actor, session_id, must_change = resumed.actor, resumed.session_id, resumed.must_change_password
    state.actor, state.session_id, state.must_change_password, state.resolved = actor, session_id, must_change, True
    state.user = actor if actor is not None and actor.via == "session" else None  # for the layout
    return actor


async def _authenticated(request: Request) -> Actor:
    actor = await run_in_threadpool(current_actor, request)
    if actor is None:
        if is_api(request):
            raise ApiError(401, "not signed in; send Authorization: Bearer <API token> (ask your center admin "
                                "for one), or sign in at /login and use the session cookie",
                           headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    if actor.via == "session":
        if request.method not in SAFE_METHODS:
            await verify_csrf(request, actor)
        if request.state.must_change_password and request.url.path not in ALLOWED_WHILE_CHANGING:
            raise PasswordChangeRequired()
    return actor


# --- CSRF ---------------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (also before sign-in, for the login form)."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


async def verify_csrf(request: Request, actor: Actor | None) -> None:
    """Refuse an unsafe request that does not carry the session's token."""
    expected = request.session.get(CSRF_KEY) if "session" in request.scope else None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfRefused(actor)


# --- signing in and out -------------------------------------------------------------------------


def begin_session(request: Request, key: str) -> None:
    """After a good password: a fresh cookie session (new CSRF token) holding the server key."""
    request.session.clear()
    request.session[SESSION_KEY] = key
    csrf_token(request)


def safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in, so /login cannot bounce anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    """Exception handler for LoginRequired; htmx requests get HX-Redirect instead of a 303."""
    url = "/login?next=" + quote(exc.next_url, safe="/")
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def password_change_redirect(request: Request, exc: PasswordChangeRequired) -> Response:
    if is_api(request):
        return JSONResponse(error_body(f"change your initial password first at {PASSWORD_PAGE}"), status_code=403)
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": PASSWORD_PAGE})
    return RedirectResponse(PASSWORD_PAGE, status_code=303)
