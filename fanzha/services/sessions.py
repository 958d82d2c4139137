"""Signed-in sessions (登录会话), kept on the server: sign-out, a password change or a disabled
account ends them at once, whatever a browser still holds.

A session lasts at most 12 hours and ends after 2 hours without a request. The browser holds a
random key; the store holds its SHA-256.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.services.accounts import actor_of
from fanzha.store.models import User, UserSession

LIFETIME = timedelta(hours=12)
IDLE = timedelta(hours=2)
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(session: Session, user: User, ip: str | None, user_agent: str | None) -> str:
    """A new session for a user who just signed in; returns the key for the cookie."""
    now = clock.now()
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now))
    key = secrets.token_urlsafe(32)
    session.add(UserSession(key_hash=_digest(key), user_id=user.id, created_at=now, last_seen_at=now,
                            expires_at=now + LIFETIME, must_change_password=user.must_change_password,
                            ip=ip, user_agent=(user_agent or "")[:256] or None))
    session.flush()
    return key


@dataclass(frozen=True)
class SignedInSession:
    actor: Actor
    session_id: int
    must_change_password: bool


def resume_session(session: Session, key: str, ip: str | None) -> SignedInSession | None:
    """The session behind a cookie's key, if it is still valid and its user still active."""
    row = session.scalar(select(UserSession).where(UserSession.key_hash == _digest(key)))
    if row is None:
        return None
    now = clock.now()
    if row.expires_at <= now or row.last_seen_at + IDLE <= now:
        session.delete(row)
        return None
    user = session.get(User, row.user_id, options=[joinedload(User.organisation)])
    if user is None or not user.is_active:
        session.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    return SignedInSession(actor_of(user, ip), row.id, row.must_change_password)


def end_session(session: Session, key: str) -> None:
    session.execute(delete(UserSession).where(UserSession.key_hash == _digest(key)))
