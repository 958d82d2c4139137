"""Who is signed in: pages send strangers to /login, the JSON API answers them 401.

Pages use the session cookie (Starlette's signed SessionMiddleware cookie, HttpOnly,
SameSite=Lax). The API accepts the same cookie (so /docs works once signed in) or HTTP Basic
with a username and password, for scripts. Both are groundwork: tokens, lockout, CSRF tokens
and an audit trail come in a later release.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from fanzha.domain.role import Role
from fanzha.services.accounts import authenticate, get_user
from fanzha.web.errors import ApiError

SESSION_KEY = "uid"


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as pages and routes need it; detached from any database session."""

    id: int
    username: str
    display_name: str
    role: Role
    org_code: str
    org_name: str

    @classmethod
    def of(cls, user) -> SignedIn:
        return cls(user.id, user.username, user.display_name, Role(user.role),
                   user.organisation.code, user.organisation.name)


class LoginRequired(Exception):
    """Raised by page routes without a signed-in user; answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def sign_in(request: Request, user) -> None:
    request.session.clear()  # a fresh session at sign-in: nothing carried over from before
    request.session[SESSION_KEY] = user.id


def sign_out(request: Request) -> None:
    request.session.clear()


def _session_user(request: Request) -> SignedIn | None:
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    uid = request.session.get(SESSION_KEY)
    if not isinstance(uid, int):
        return None
    with request.app.state.db.session() as session:
        user = get_user(session, uid)
        signed = SignedIn.of(user) if user else None
    if signed is None:
        request.session.clear()
    request.state.user = signed
    return signed


def current_user(request: Request) -> SignedIn | None:
    """The signed-in user or None, for pages that show differently when signed out (/login)."""
    return _session_user(request) if "session" in request.scope else None


def page_user(request: Request) -> SignedIn:
    """Dependency of every page: the signed-in user, or off to /login and back here after."""
    user = current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


_basic = HTTPBasic(auto_error=False, realm="fanzha",
                   description="a Fanzha username and password; or sign in at /login and use the session cookie")


def api_user(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)] = None
) -> SignedIn:
    """Dependency of the JSON API: the session cookie's user, or HTTP Basic credentials."""
    user = current_user(request)
    if user is not None:
        return user
    challenge = {"WWW-Authenticate": 'Basic realm="fanzha"'}
    if credentials is None:
        raise ApiError(401, "not signed in; sign in at /login (the session cookie is accepted) "
                            "or send HTTP Basic credentials", headers=challenge)
    with request.app.state.db.session() as session:
        found = authenticate(session, credentials.username, credentials.password)
        signed = SignedIn.of(found) if found else None
    if signed is None:
        raise ApiError(401, "username or password is wrong; check them, or sign in at /login", headers=challenge)
    request.state.user = signed
    return signed


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
