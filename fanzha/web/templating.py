"""The Jinja2 environment every page renders with: the catalog, labels, formats and the layout's
context (signed-in user, language, flash messages)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from fanzha.domain.case_status import CaseStatus
from fanzha.domain.contact import ContactKind
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.domain.role import Role
from fanzha.services.center import center_name
from fanzha.web import format as fmt
from fanzha.web.auth import CSRF_FIELD, csrf_token
from fanzha.web.flash import pop_flashes
from fanzha.web.i18n import LANGS, translate
from fanzha.web.nav import ADMIN_TABS, INTAKE_TABS, NAV

TEMPLATES = Path(__file__).with_name("templates")


def _lang(ctx) -> str:
    return ctx.get("lang", "zh")


@pass_context
def t(ctx, key: str, **params: object) -> str:
    """The catalog text for ``key`` in the page's language (unknown keys fail loudly)."""
    return translate(key, _lang(ctx), **params)


@pass_context
def label(ctx, member) -> str:
    """An enum member's label in the page's language (label_zh / label_en)."""
    return member.label_zh if _lang(ctx) == "zh" else member.label_en


@pass_context
def fraud_label(ctx, code: str | None) -> str:
    if not code:
        return translate("fraud.unset", _lang(ctx))
    return label(ctx, FraudType(code))


@pass_context
def status_label(ctx, code: str) -> str:
    return label(ctx, CaseStatus(code))


@pass_context
def contact_label(ctx, kind: str) -> str:
    return translate(f"contact.{kind}", _lang(ctx))


@pass_context
def url_with(ctx, **changes: object) -> str:
    """The current page's URL with some query parameters changed (None removes one)."""
    request: Request = ctx["request"]
    params = dict(request.query_params)
    params.pop("lang", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


@pass_context
def can(ctx, permission: str) -> bool:
    """Whether the signed-in user's role holds ``permission`` (pages hide what it may not do;
    the routes and services refuse it anyway)."""
    actor = getattr(ctx["request"].state, "actor", None)
    return actor is not None and actor.may(Permission(permission))


@pass_context
def nav_items(ctx, items) -> list:
    actor = getattr(ctx["request"].state, "actor", None)
    return [item for item in items if item.open_to(actor)]


@pass_context
def csrf(ctx) -> str:
    return csrf_token(ctx["request"])


@pass_context
def csrf_field(ctx) -> Markup:
    """The hidden input every form carries (checked on every POST of a signed-in browser)."""
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(ctx["request"]))}">')


def _center_name(request: Request) -> str | None:
    """Read once the organisations exist, then kept: it does not change while the app runs."""
    state = request.app.state
    if getattr(state, "center_name", None) is None:
        with state.db.session() as session:
            state.center_name = center_name(session)
    return state.center_name


def _layout_context(request: Request) -> dict:
    return {
        "lang": getattr(request.state, "lang", "zh"),
        "user": getattr(request.state, "user", None),
        "center_name": _center_name(request),
    }


templates = Jinja2Templates(directory=TEMPLATES, context_processors=[_layout_context])
env = templates.env
env.globals.update(
    t=t, label=label, fraud_label=fraud_label, status_label=status_label, contact_label=contact_label,
    url_with=url_with, LANGS=LANGS, NAV=NAV, INTAKE_TABS=INTAKE_TABS, ADMIN_TABS=ADMIN_TABS, FraudType=FraudType,
    CaseStatus=CaseStatus, ContactKind=ContactKind, Role=Role, can=can, nav_items=nav_items, csrf=csrf,
    csrf_field=csrf_field,
)
env.filters.update(
    yuan=fmt.yuan, mask_name=fmt.mask_name, mask_phone=fmt.mask_phone, mask_id=fmt.mask_id,
    mask_account=fmt.mask_account, local_time=fmt.local_time, day=fmt.day,
)


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None):
    """A page, or a fragment when the template's name starts with ``_``.

    Only whole pages take the flash messages, so an htmx fragment in between cannot swallow them.
    """
    context = dict(context or {})
    fragment = name.rsplit("/", 1)[-1].startswith("_")
    context.setdefault("flashes", [] if fragment else pop_flashes(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)
