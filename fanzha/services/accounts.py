"""Accounts (用户): create users, check passwords, and seed one demo user per role.

Passwords are hashed with Argon2 (argon2-cffi). This is the groundwork sign-in; lockout after
failed attempts, forced password change and the audit trail come in a later release (the
``failed_logins`` / ``locked_until`` / ``must_change_password`` columns are already there).
"""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from fanzha.domain import clock
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.role import Role
from fanzha.store.models import Organisation, User

DEMO_PASSWORD = "fanzha-demo"  # printed by `fanzha demo`; a demo city has nothing to protect

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name costs as long as a wrong
    password (made on first use: hashing is deliberately slow)."""
    return _hasher.hash("not-a-real-password")

# (username, role, organisation code, display name): one user per role at a fitting organisation.
DEMO_USERS: tuple[tuple[str, Role, str, str], ...] = (
    ("admin", Role.CENTER_ADMIN, "city", "系统管理员"),
    ("duty", Role.DUTY_OFFICER, "city", "值班民警 王警官"),
    ("funds", Role.FUNDS_OFFICER, "city", "止付民警 林警官"),
    ("analyst", Role.ANALYST, "city", "研判员 郑警官"),
    ("warning", Role.WARNING_OFFICER, "city", "劝阻民警 黄警官"),
    ("station", Role.STATION_OFFICER, "station-chengxiang-1", "龙桥派出所 陈警官"),
    ("bank_icbc", Role.BANK_LIAISON, "bank-ICBC", "工商银行驻场 吴经理"),
    ("operator_cmcc", Role.OPERATOR_LIAISON, "operator-CMCC", "中国移动驻场 许工"),
    ("leader", Role.LEADERSHIP, "city", "中心主任 张主任"),
    ("auditor", Role.AUDITOR, "city", "审计员 周审计"),
)


def create_user(
    session: Session, username: str, password: str, role: Role | str, org_code: str, display_name: str
) -> User:
    """Add a user at an organisation; refuses a taken username or an unknown organisation."""
    role = Role(role)
    username = username.strip()
    problems = []
    if not username:
        problems.append(Problem("username", "username is empty; choose a short login name"))
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        problems.append(Problem("username", f"username {username!r} is taken; choose another"))
    if len(password) < 8:
        problems.append(Problem("password", "password must have at least 8 characters"))
    org = session.scalar(select(Organisation).where(Organisation.code == org_code))
    if org is None:
        problems.append(Problem("org_code", f"no organisation {org_code!r}; seed the organisations first"))
    if problems:
        raise InputRejected(problems, "user not created")
    user = User(
        username=username, display_name=display_name or username, password_hash=_hasher.hash(password),
        role=role.value, organisation=org, created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (never says which was wrong)."""
    user = session.scalar(
        select(User).where(User.username == username.strip()).options(joinedload(User.organisation))
    )
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def get_user(session: Session, user_id: int) -> User | None:
    """The active user behind a session, with the organisation loaded for display."""
    user = session.get(User, user_id, options=[joinedload(User.organisation)])
    return user if user is not None and user.is_active else None


def seed_demo_users(session: Session, password: str = DEMO_PASSWORD) -> list[dict]:
    """Create the demo users that are missing (needs the organisations); return every demo login."""
    existing = set(session.scalars(select(User.username)))
    orgs = {o.code: o for o in session.scalars(select(Organisation))}
    logins = []
    for username, role, org_code, display_name in DEMO_USERS:
        if org_code not in orgs:
            continue  # a custom layout without this organisation: no such demo user
        if username not in existing:
            create_user(session, username, password, role, org_code, display_name)
        logins.append({
            "username": username, "password": password, "role": role.value,
            "role_zh": role.label_zh, "organisation": orgs[org_code].name, "display_name": display_name,
        })
    return logins
