"""API tokens (接口令牌) for machine clients: a bank's or an operator's own system.

A token belongs to an organisation and carries a role, so it is scoped exactly like a user of
that organisation (a bank's token sees only that bank's orders). The token is random, shown
once when made, and only its SHA-256 is stored; revoking it makes it fail at once. Clients send
``Authorization: Bearer <token>``; such requests need no CSRF token.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.organisation import OrgKind
from fanzha.domain.permissions import TOKEN_FORBIDDEN_ROLES, Permission
from fanzha.domain.role import Role
from fanzha.services import audit
from fanzha.services.accounts import manages, placement_problems
from fanzha.store.models import ApiToken, Organisation

PREFIX = "fz_"
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


def create_token(session: Session, actor: Actor, org_code: str, role: Role | str, name: str) -> CreatedToken:
    check(actor, Permission.USERS_MANAGE, object_type="token")
    org = session.scalar(select(Organisation).where(Organisation.code == org_code))
    problems = placement_problems(str(role), org, org_code)
    name = (name or "").strip()
    if not name:
        problems.append(Problem("name", "name the token after the system that uses it (工行止付接口)"))
    elif len(name) > 128:
        problems.append(Problem("name", "a token's name has at most 128 characters"))
    if not problems and Role(role) in TOKEN_FORBIDDEN_ROLES:
        problems.append(Problem("role", f"a token cannot carry the {Role(role).label_en} role; that work is "
                                        "done by a person who signs in"))
    if problems:
        raise InputRejected(problems, "token not created")
    if not manages(actor, org):
        raise AccessDenied(actor, Permission.USERS_MANAGE, "scope", object_type="token")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_digest(secret), prefix=secret[:10], role=Role(role).value,
                     organisation=org, created_at=clock.now(), created_by=actor.username)
    session.add(token)
    session.flush()
    audit.record(session, actor, "token.create", object_type="token", object_id=token.id,
                 detail={"name": name, "role": token.role, "organisation": org.code})
    return CreatedToken(token, secret)


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    check(actor, Permission.USERS_MANAGE, object_type="token", object_id=token_id)
    token = session.get(ApiToken, token_id, options=[joinedload(ApiToken.organisation)])
    if token is None:
        raise InputRejected([Problem("id", f"no token #{token_id}; see `fanzha users token list`")], "no such token")
    if not manages(actor, token.organisation):
        raise AccessDenied(actor, Permission.USERS_MANAGE, "scope", object_type="token", object_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.revoked_by = actor.username
        audit.record(session, actor, "token.revoke", object_type="token", object_id=token.id,
                     detail={"name": token.name})
    return token


def list_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    check(actor, Permission.USERS_MANAGE)
    tokens = session.scalars(select(ApiToken).options(joinedload(ApiToken.organisation)).order_by(ApiToken.id))
    return [t for t in tokens if manages(actor, t.organisation)]


@dataclass(frozen=True)
class TokenCheck:
    actor: Actor | None
    problem: str | None = None  # why the token was refused


def actor_for_token(session: Session, secret: str, ip: str | None) -> TokenCheck:
    """The actor a Bearer token acts as, or why it is refused (unknown, revoked)."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret.strip()))
                           .options(joinedload(ApiToken.organisation)))
    if token is None:
        return TokenCheck(None, "the API token is not known; check it, or ask your center admin for a new one")
    if token.revoked_at is not None:
        return TokenCheck(None, "the API token was revoked; ask your center admin for a new one")
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    org = token.organisation
    return TokenCheck(Actor(
        username=f"token:{token.id}", role=Role(token.role), org_id=org.id, org_code=org.code,
        org_name=org.name, org_kind=OrgKind(org.kind), region=org.region, token_id=token.id,
        display_name=token.name, ip=ip, via="token",
    ))
