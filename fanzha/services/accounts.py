"""Accounts (用户): create and manage users, sign them in, and seed the demo's users.

Passwords are hashed with Argon2 (argon2-cffi). Five wrong passwords in a row lock an account
for 15 minutes; a user given an initial password (by an admin, or ``fanzha users add``) must
change it at the first sign-in. Every sign-in, failed sign-in and account change is audited.

Managing accounts needs ``users.manage`` (the center admin). A county center's admin manages
the accounts of that county's center and police stations; the city's admin manages all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.organisation import OrgKind
from fanzha.domain.password import (
    LOCKOUT_FAILURES,
    LOCKOUT_FOR,
    generate_password,
    password_problems,
)
from fanzha.domain.permissions import ROLE_ORG_KINDS, Permission, Scope, fits
from fanzha.domain.role import Role
from fanzha.services import audit
from fanzha.store.models import Organisation, User, UserSession

DEMO_PASSWORD = "fanzha-demo"  # printed by `fanzha demo`; a demo city has nothing to protect
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,63}$")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name costs as long as a wrong
    password (made on first use: hashing is deliberately slow)."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# (username, role, organisation code, display name): one user per role and kind of organisation
# the table allows it at, with two stations, two banks and two operators to show the scoping.
DEMO_USERS: tuple[tuple[str, Role, str, str], ...] = (
    ("admin", Role.CENTER_ADMIN, "city", "系统管理员 何工"),
    ("duty", Role.DUTY_OFFICER, "city", "值班民警 王警官"),
    ("duty_chengxiang", Role.DUTY_OFFICER, "county-chengxiang", "城厢区值班民警 刘警官"),
    ("funds", Role.FUNDS_OFFICER, "city", "止付民警 林警官"),
    ("analyst", Role.ANALYST, "city", "研判员 郑警官"),
    ("warning", Role.WARNING_OFFICER, "city", "劝阻民警 黄警官"),
    ("station_longqiao", Role.STATION_OFFICER, "station-chengxiang-1", "龙桥派出所 陈警官"),
    ("station_fenghuang", Role.STATION_OFFICER, "station-chengxiang-2", "凤凰山派出所 方警官"),
    ("bank_icbc", Role.BANK_LIAISON, "bank-ICBC", "工商银行驻场 吴经理"),
    ("bank_ccb", Role.BANK_LIAISON, "bank-CCB", "建设银行驻场 蔡经理"),
    ("operator_cmcc", Role.OPERATOR_LIAISON, "operator-CMCC", "中国移动驻场 许工"),
    ("operator_cucc", Role.OPERATOR_LIAISON, "operator-CUCC", "中国联通驻场 杨工"),
    ("leader", Role.LEADERSHIP, "city", "中心主任 张主任"),
    ("auditor", Role.AUDITOR, "city", "审计员 周审计"),
)


def actor_of(user: User, ip: str | None = None, via: str = "session") -> Actor:
    """The Actor a signed-in user acts as (the organisation must be loaded)."""
    org = user.organisation
    return Actor(
        username=user.username, role=Role(user.role), org_id=org.id, org_code=org.code, org_name=org.name,
        org_kind=OrgKind(org.kind), region=org.region, user_id=user.id, display_name=user.display_name,
        ip=ip, via=via,
    )


# --- who an admin manages ------------------------------------------------------------------


def manages(actor: Actor, org: Organisation) -> bool:
    """Whether ``actor`` (holding users.manage) manages accounts at ``org``."""
    if actor.scope is Scope.ALL:
        return True
    return actor.scope is Scope.COUNTY and org.region is not None and org.region == actor.region and \
        org.kind in (OrgKind.COUNTY_CENTER.value, OrgKind.POLICE_STATION.value)


def manageable_organisations(session: Session, actor: Actor) -> list[Organisation]:
    """The organisations whose accounts and tokens ``actor`` manages, in the hierarchy's order."""
    check(actor, Permission.USERS_MANAGE)
    return [o for o in session.scalars(select(Organisation).order_by(Organisation.id)) if manages(actor, o)]


def _check_managed(actor: Actor, org: Organisation, object_type: str, object_id: object) -> None:
    check(actor, Permission.USERS_MANAGE, object_type=object_type, object_id=object_id)
    if not manages(actor, org):
        raise AccessDenied(actor, Permission.USERS_MANAGE, "scope", object_type=object_type, object_id=object_id)


def placement_problems(role: str, org: Organisation | None, org_code: str) -> list[Problem]:
    """Whether ``role`` may be placed at ``org`` (permissions.ROLE_ORG_KINDS)."""
    try:
        role = Role(role)
    except ValueError:
        return [Problem("role", f"unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}")]
    if org is None:
        return [Problem("org_code", f"no organisation {org_code!r}; see `fanzha users orgs` for the codes")]
    if not fits(role, org.kind):
        kinds = ", ".join(k.value for k in ROLE_ORG_KINDS[role])
        return [Problem("role", f"a {role.label_en} works at a {kinds}, not at {org.name} ({org.kind})")]
    return []


# --- creating and changing accounts --------------------------------------------------------


@dataclass(frozen=True)
class CreatedUser:
    user: User
    password: str  # the initial password, to hand over once (generated when none was given)
    generated: bool


def create_user(session: Session, actor: Actor, username: str, role: Role | str, org_code: str,
                display_name: str = "", password: str | None = None,
                must_change_password: bool = True) -> CreatedUser:
    """Add a user at an organisation. Without ``password`` one is generated. The user must change
    the initial password at the first sign-in unless ``must_change_password`` is False (the demo)."""
    check(actor, Permission.USERS_MANAGE, object_type="user", object_id=username)
    username = (username or "").strip()
    problems = []
    if not USERNAME.match(username):
        problems.append(Problem("username", "a username has 2 to 64 letters, digits, _ . or -, starting with a "
                                            "letter or digit"))
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        problems.append(Problem("username", f"username {username!r} is taken; choose another"))
    generated = password is None or password == ""
    password = generate_password() if generated else password
    problems += password_problems(password, username)
    org = session.scalar(select(Organisation).where(Organisation.code == org_code))
    problems += placement_problems(str(role), org, org_code)
    if problems:
        raise InputRejected(problems, "user not created")
    _check_managed(actor, org, "user", username)
    role = Role(role)
    user = User(
        username=username, display_name=(display_name or "").strip() or username,
        password_hash=hash_password(password), role=role.value, organisation=org, created_at=clock.now(),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", object_type="user", object_id=username,
                 detail={"role": role.value, "organisation": org.code, "must_change_password": must_change_password})
    return CreatedUser(user, password, generated)


def _find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip())
                          .options(joinedload(User.organisation)))
    if user is None:
        raise InputRejected([Problem("username", f"no user {username!r}; see `fanzha users list`")], "no such user")
    return user


def set_active(session: Session, actor: Actor, username: str, active: bool) -> User:
    """Disable (or enable again) a user; disabling ends the user's sessions at once."""
    user = _find_user(session, username)
    _check_managed(actor, user.organisation, "user", user.username)
    if not active and actor.user_id == user.id:
        raise InputRejected([Problem("username", "you cannot disable your own account")], "user not disabled")
    if user.is_active != active:
        user.is_active = active
        if not active:
            end_all_sessions(session, user.id)
        else:
            user.failed_logins, user.locked_until = 0, None
        audit.record(session, actor, "user.enable" if active else "user.disable", object_type="user",
                     object_id=user.username)
    return user


def reset_password(session: Session, actor: Actor, username: str, password: str | None = None) -> str:
    """Give the user a new initial password (generated unless given), to be changed at the next
    sign-in; unlocks the account and ends its sessions. Returns the password to hand over."""
    user = _find_user(session, username)
    _check_managed(actor, user.organisation, "user", user.username)
    password = password or generate_password()
    problems = password_problems(password, user.username)
    if problems:
        raise InputRejected(problems, "password not reset")
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    end_all_sessions(session, user.id)
    audit.record(session, actor, "user.reset_password", object_type="user", object_id=user.username)
    return password


def change_password(session: Session, actor: Actor, current: str, new: str, keep_session_id: int | None = None) -> None:
    """The signed-in user changes their own password (also how an initial password is replaced).
    Other sessions of the user end; ``keep_session_id`` stays."""
    user = session.get(User, actor.user_id, options=[joinedload(User.organisation)]) if actor.user_id else None
    if user is None or not user.is_active:
        raise InputRejected([Problem("current_password", "only a signed-in user changes a password")],
                            "password not changed")
    problems = []
    if not _verify(user.password_hash, current):
        problems.append(Problem("current_password", "the current password is wrong"))
    problems += password_problems(new, user.username, "new_password")
    if current and new == current:
        problems.append(Problem("new_password", "choose a password different from the current one"))
    if problems:
        raise InputRejected(problems, "password not changed")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                              UserSession.id != (keep_session_id or -1)))
    session.execute(UserSession.__table__.update().where(UserSession.id == (keep_session_id or -1))
                    .values(must_change_password=False))
    audit.record(session, actor, "user.change_password", object_type="user", object_id=user.username)


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


# --- signing in ----------------------------------------------------------------------------


class SignIn(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password: the page never says which
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    user: User | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is SignIn.OK


def authenticate(session: Session, username: str, password: str, ip: str | None = None) -> SignInResult:
    """Check a password, count failures, lock after five in a row; audit the attempt either way."""
    name = (username or "").strip()[:64]
    user = session.scalar(select(User).where(User.username == name).options(joinedload(User.organisation)))
    now = clock.now()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _dummy_verify(password)
        audit.record(session, None, "sign_in", outcome=audit.DENIED, actor_name=name, ip=ip,
                     object_type="user", object_id=name, detail={"reason": "locked"})
        return SignInResult(SignIn.LOCKED, user, user.locked_until)
    good = _verify(user.password_hash if user else _dummy_hash(), password)
    if user is None or not good:
        detail = {"reason": "unknown user" if user is None else "wrong password"}
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= LOCKOUT_FAILURES:
                user.locked_until = now + LOCKOUT_FOR
                user.failed_logins = 0
                detail["locked_until"] = user.locked_until.isoformat()
        audit.record(session, None, "sign_in", outcome=audit.DENIED, actor_name=name or "(empty)", ip=ip,
                     object_type="user", object_id=name or None, detail=detail)
        if user is not None and user.locked_until is not None and user.locked_until > now:
            return SignInResult(SignIn.LOCKED, user, user.locked_until)
        return SignInResult(SignIn.WRONG)
    if not user.is_active:
        audit.record(session, None, "sign_in", outcome=audit.DENIED, actor_name=name, ip=ip,
                     object_type="user", object_id=name, detail={"reason": "disabled"})
        return SignInResult(SignIn.DISABLED, user)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.last_sign_in_at = now
    audit.record(session, actor_of(user, ip), "sign_in", object_type="user", object_id=name,
                 detail={"must_change_password": user.must_change_password})
    return SignInResult(SignIn.OK, user)


def _dummy_verify(password: str) -> None:
    _verify(_dummy_hash(), password)  # a locked account answers as slowly as any other


# --- reading -------------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> User | None:
    """The active user behind a session, with the organisation loaded for display."""
    user = session.get(User, user_id, options=[joinedload(User.organisation)])
    return user if user is not None and user.is_active else None


def list_users(session: Session, actor: Actor) -> list[User]:
    """The users ``actor`` manages, by organisation then username."""
    check(actor, Permission.USERS_MANAGE)
    users = session.scalars(select(User).options(joinedload(User.organisation))
                            .join(Organisation, Organisation.id == User.organisation_id)
                            .order_by(Organisation.id, User.username))
    return [u for u in users if manages(actor, u.organisation)]


# --- the demo ------------------------------------------------------------------------------


def seed_demo_users(session: Session, password: str = DEMO_PASSWORD) -> list[dict]:
    """Create the demo users that are missing (needs the organisations); return every demo login.

    Demo users keep the demo password (no forced change), so the demo is usable at once."""
    existing = set(session.scalars(select(User.username)))
    orgs = {o.code: o for o in session.scalars(select(Organisation))}
    system = Actor.system("demo")
    logins = []
    for username, role, org_code, display_name in DEMO_USERS:
        if org_code not in orgs:
            continue  # a custom layout without this organisation: no such demo user
        if username not in existing:
            create_user(session, system, username, role, org_code, display_name, password,
                        must_change_password=False)
        logins.append({
            "username": username, "password": password, "role": role.value,
            "role_zh": role.label_zh, "organisation": orgs[org_code].name, "display_name": display_name,
        })
    return logins
