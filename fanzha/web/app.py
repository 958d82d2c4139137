"""The web application: pages for people (Jinja2 + htmx) and the JSON API, on one store.

Everything the browser loads comes from this server (/static), including Swagger UI for /docs:
the center's network is isolated and has no CDN.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from fanzha.config import Settings
from fanzha.store.db import Database
from fanzha.web import errors
from fanzha.web.auth import LoginRequired, login_redirect
from fanzha.web.i18n import LANG_COOKIE, request_lang
from fanzha.web.routers import api_cases, auth, dashboard, desks, imports, intake

STATIC = Path(__file__).with_name("static")
VENDOR_FILES = ("htmx.min.js", "echarts.min.js", "swagger-ui-bundle.js", "swagger-ui.css")
SESSION_DAYS = 1
log = logging.getLogger(__name__)


def create_app(database_url: str | None = None, secret_key: str | None = None) -> FastAPI:
    """Open the store (migrating it), and serve pages, the API and the vendored front-end files."""
    settings = Settings.from_env() if database_url is None or secret_key is None else None
    db = Database(database_url or settings.database_url)
    missing = [name for name in VENDOR_FILES if not (STATIC / "vendor" / name).exists()]
    if missing:
        log.warning("front-end files missing from %s: %s; run `make assets`", STATIC / "vendor", ", ".join(missing))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        db.dispose()

    app = FastAPI(
        title="Fanzha 反诈 API",
        version="0.1.0",
        description="The anti-telecom-network-fraud center's API. Sign in at /login (the session "
                    "cookie works here) or send HTTP Basic credentials. Errors are JSON: "
                    '{"message": what to do next, "problems": [{"place", "reason"}]}.',
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None, lifespan=lifespan,
    )
    app.state.db = db
    app.add_exception_handler(LoginRequired, login_redirect)
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

    app.add_middleware(
        SessionMiddleware, secret_key=secret_key or settings.secret_key, session_cookie="fanzha_session",
        max_age=SESSION_DAYS * 86400, same_site="lax", https_only=False,  # localhost demo; TLS in production
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, dashboard, intake, imports, desks, api_cases):
        app.include_router(module.router)

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Fanzha 反诈 API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            # no badge from validator.swagger.io: nothing may be fetched from outside
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": False},
        )

    return app
