"""The web application: pages for people (Jinja2 + htmx) and the JSON API, on one store.

Everything the browser loads comes from this server (/static), including Swagger UI for /docs:
the center's network is isolated and has no CDN. Every route declares its access rule
(web/auth.py); refusals are 403 pages or JSON and go to the audit log.
"""
from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanzha.config import Settings
from fanzha.domain.access import AccessDenied
from fanzha.store.db import Database
from fanzha.web import errors
from fanzha.web.auth import (
    CsrfRefused,
    LoginRequired,
    PasswordChangeRequired,
    login_redirect,
    password_change_redirect,
    public,
)
from fanzha.web.headers import NO_STORE, SECURITY_HEADERS
from fanzha.web.i18n import LANG_COOKIE, request_lang
from fanzha.web.lookup_fast_path import LookupFastPath
from fanzha.web.rate_limit import RateLimited, RateLimits
from fanzha.web.routers import (
    admin,
    analysis_chart,
    analysis_mules,
    analysis_series,
    analysis_suspects,
    api_cases,
    api_freezes,
    api_graph,
    api_leads,
    api_me,
    api_number_orders,
    api_orders,
    api_series,
    api_stats,
    api_suspects,
    audit,
    auth,
    command,
    dashboard,
    desks,
    funds,
    funds_statements,
    imports,
    intake,
    public_pages,
    publicity,
    telecom,
    warning,
)
from fanzha.web.routers import public as public_api
from fanzha.web.session import SessionCookieMiddleware, cookie_secure_setting

STATIC = Path(__file__).with_name("static")
VENDOR_FILES = ("htmx.min.js", "echarts.min.js", "swagger-ui-bundle.js", "swagger-ui.css")
log = logging.getLogger(__name__)

API_DESCRIPTION = """The anti-telecom-network-fraud center's API.

**Authentication.** Machine clients (a bank's or an operator's own system) send
`Authorization: Bearer <token>`; the center admin makes tokens (`fanzha users token create`, or
the admin page). A token belongs to an organisation and carries a role, and sees what a user of
that role and organisation sees. A browser signed in at /login may use its session cookie; its
POST requests must then send the session's CSRF token as `X-CSRF-Token`.

**Permissions.** Each route needs a permission of the role (GET /api/me lists the client's); a
refusal is 403 and is written to the audit log.

**Privacy.** Names, identity numbers, phone and account numbers are masked. A role that may
reveal them (`case.reveal_pii`) adds `reveal=<reason>` to GET /api/cases/{id} or
/api/cases/export; the reveal is audited.

**Errors** are JSON: `{"message": what to do next, "problems": [{"place", "reason"}]}`."""


def create_app(database_url: str | None = None, secret_key: str | None = None, *,
               cookie_secure: bool | None | str = "env", rate_limits: RateLimits | None = None) -> FastAPI:
    """Open the store (migrating it), and serve pages, the API and the vendored front-end files.

    ``cookie_secure``: True, False, None (auto: Secure except for the local demo), or "env" to
    read ``FANZHA_COOKIE_SECURE``.
    """
    settings = Settings.from_env() if database_url is None or secret_key is None else None
    db = Database(database_url or settings.database_url)
    if cookie_secure == "env":
        cookie_secure = cookie_secure_setting(os.environ.get("FANZHA_COOKIE_SECURE"))
    missing = [name for name in VENDOR_FILES if not (STATIC / "vendor" / name).exists()]
    if missing:
        log.warning("front-end files missing from %s: %s; run `make assets`", STATIC / "vendor", ", ".join(missing))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        db.dispose()

    app = FastAPI(
        title="Fanzha 反诈 API", version="0.2.0", description=API_DESCRIPTION,
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None, lifespan=lifespan,
    )
    app.state.db = db
    app.state.cookie_secure = cookie_secure
    app.state.limiters = (rate_limits or RateLimits()).limiters()
    app.add_exception_handler(LoginRequired, login_redirect)
    app.add_exception_handler(PasswordChangeRequired, password_change_redirect)
    app.add_exception_handler(AccessDenied, errors.access_denied_handler)
    app.add_exception_handler(CsrfRefused, errors.csrf_handler)
    app.add_exception_handler(RateLimited, errors.rate_limited_handler)
    app.add_exception_handler(errors.ApiError, errors.api_error_handler)
    app.add_exception_handler(RequestValidationError, errors.validation_handler)
    app.add_exception_handler(StarletteHTTPException, errors.http_error_handler)

    @app.middleware("http")
    async def language(request: Request, call_next):
        """Chinese unless the user chose English: ``?lang=en`` sets the ``lang`` cookie."""
        request.state.lang = request_lang(request)
        response = await call_next(request)
        chosen = request.query_params.get("lang")
        if chosen == request.state.lang:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax", httponly=True)
        return response

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault(*NO_STORE)
        return response

    app.add_middleware(SessionCookieMiddleware, secret_key=secret_key or settings.secret_key, secure=cookie_secure)
    app.add_middleware(LookupFastPath)  # outermost: the public look-up skips sessions and routing
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, dashboard, intake, imports, desks, funds, funds_statements, telecom, warning, admin, audit,
                   analysis_series, analysis_mules, analysis_chart, analysis_suspects, command, publicity,
                   public_pages, api_cases, api_orders, api_freezes, api_leads, api_number_orders, api_series,
                   api_graph, api_suspects, api_stats, api_me, public_api):
        app.include_router(module.router)

    @app.get("/docs", include_in_schema=False)
    def docs(_=Depends(public())):
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Fanzha 反诈 API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            # no badge from validator.swagger.io: nothing may be fetched from outside
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": False},
        )

    return app
