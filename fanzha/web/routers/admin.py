"""The admin pages (系统管理): users and API tokens, for the center admin (users.manage).

An initial password or a new token is shown once, on the page that answers the form, and
never put in a cookie or a redirect.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import ROLE_ORG_KINDS, TOKEN_FORBIDDEN_ROLES, Permission
from fanzha.domain.role import Role
from fanzha.services.accounts import (
    create_user,
    list_users,
    manageable_organisations,
    reset_password,
    set_active,
)
from fanzha.services.api_tokens import create_token, list_tokens, revoke_token
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.flash import flash
from fanzha.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
MANAGE = requires(Permission.USERS_MANAGE)
Username = Annotated[str, Path(max_length=64)]


def _errors(exc: InputRejected) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.place or "general", []).append(problem.reason)
    return errors


def _users_page(request: Request, db, actor: Actor, status_code: int = 200, **context):
    with db.session() as session:
        users = list_users(session, actor)
        orgs = manageable_organisations(session, actor)
        rows = [{"username": u.username, "display_name": u.display_name, "role": Role(u.role),
                 "org_name": u.organisation.name, "org_code": u.organisation.code, "is_active": u.is_active,
                 "locked_until": u.locked_until, "must_change": u.must_change_password,
                 "last_sign_in_at": u.last_sign_in_at, "is_self": u.id == actor.user_id} for u in users]
        org_options = [(o.code, o.name, o.kind) for o in orgs]
    return render(request, "admin/users.html", {
        "area": "admin", "users": rows, "orgs": org_options, "roles": list(Role),
        "role_kinds": {r.value: [k.value for k in kinds] for r, kinds in ROLE_ORG_KINDS.items()},
        "errors": {}, "values": {}, **context,
    }, status_code=status_code)


@router.get("/users")
def users_page(request: Request, actor: Actor = Depends(MANAGE), db=Depends(get_db)):
    return _users_page(request, db, actor)


@router.post("/users")
def add_user(
    request: Request,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    org_code: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    actor: Actor = Depends(MANAGE),
    db=Depends(get_db),
):
    values = {"username": username, "display_name": display_name, "role": role, "org_code": org_code}
    try:
        with db.session() as session:
            created = create_user(session, actor, username, role, org_code, display_name, password or None)
            handed = {"username": created.user.username, "password": created.password}
    except InputRejected as exc:
        return _users_page(request, db, actor, 422, errors=_errors(exc), values=values)
    return _users_page(request, db, actor, handed_over=handed)


@router.post("/users/{username}/disable")
def disable_user(username: Username, request: Request, actor: Actor = Depends(MANAGE), db=Depends(get_db)):
    return _set_active(request, db, actor, username, False)


@router.post("/users/{username}/enable")
def enable_user(username: Username, request: Request, actor: Actor = Depends(MANAGE), db=Depends(get_db)):
    return _set_active(request, db, actor, username, True)


def _set_active(request: Request, db, actor: Actor, username: str, active: bool):
    try:
        with db.session() as session:
            set_active(session, actor, username, active)
    except InputRejected as exc:
        return _users_page(request, db, actor, 422, errors=_errors(exc))
    flash(request, "admin.enabled" if active else "admin.disabled", username=username)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/reset-password")
def reset_user_password(username: Username, request: Request, actor: Actor = Depends(MANAGE), db=Depends(get_db)):
    try:
        with db.session() as session:
            password = reset_password(session, actor, username)
    except InputRejected as exc:
        return _users_page(request, db, actor, 422, errors=_errors(exc))
    return _users_page(request, db, actor, handed_over={"username": username, "password": password, "reset": True})


def _tokens_page(request: Request, db, actor: Actor, status_code: int = 200, **context):
    with db.session() as session:
        tokens = [{"id": t.id, "name": t.name, "prefix": t.prefix, "role": Role(t.role), "org_name": t.organisation.name,
                   "created_at": t.created_at, "created_by": t.created_by, "last_used_at": t.last_used_at,
                   "revoked_at": t.revoked_at} for t in list_tokens(session, actor)]
        orgs = [(o.code, o.name, o.kind) for o in manageable_organisations(session, actor)]
    return render(request, "admin/tokens.html", {
        "area": "admin", "tokens": tokens, "orgs": orgs,
        "roles": [r for r in Role if r not in TOKEN_FORBIDDEN_ROLES], "errors": {}, "values": {}, **context,
    }, status_code=status_code)


@router.get("/tokens")
def tokens_page(request: Request, actor: Actor = Depends(MANAGE), db=Depends(get_db)):
    return _tokens_page(request, db, actor)


@router.post("/tokens")
def add_token(
    request: Request,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    org_code: Annotated[str, Form()] = "",
    actor: Actor = Depends(MANAGE),
    db=Depends(get_db),
):
    values = {"name": name, "role": role, "org_code": org_code}
    try:
        with db.session() as session:
            created = create_token(session, actor, org_code, role, name)
            shown = {"id": created.token.id, "name": created.token.name, "secret": created.secret}
    except InputRejected as exc:
        return _tokens_page(request, db, actor, 422, errors=_errors(exc), values=values)
    return _tokens_page(request, db, actor, new_token=shown)


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: Annotated[int, Path(ge=1, le=2_147_483_647)], request: Request,
           actor: Actor = Depends(MANAGE), db=Depends(get_db)):
    try:
        with db.session() as session:
            revoke_token(session, actor, token_id)
    except InputRejected as exc:
        return _tokens_page(request, db, actor, 422, errors=_errors(exc))
    flash(request, "admin.token_revoked", id=token_id)
    return RedirectResponse("/admin/tokens", status_code=303)
