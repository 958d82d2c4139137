"""A client's request key (幂等键): a retried POST carrying the same key creates nothing new.

The key is kept in the audit entry that records the creation (``detail.client_key``), so no
table needs a column for it and the log shows which request made what. A sequential retry finds
the earlier entry before writing. Two copies racing each other both write, but an audit append
takes the chain's lock, so the later one sees the earlier entry right after its own append and
raises ``Replayed``: its transaction rolls back and the caller answers with the first record.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain.errors import InputRejected, Problem
from fanzha.store.models import AuditEntry

KEY_MAX = 64


class Replayed(Exception):
    """This request was made before (same client key): ``object_id`` is what it made then."""

    def __init__(self, action: str, object_id: int) -> None:
        super().__init__(f"{action} was done before for this client key: #{object_id}")
        self.action = action
        self.object_id = object_id


def clean_key(client_key: str | None) -> str | None:
    if client_key is None or not client_key.strip():
        return None
    key = client_key.strip()
    if len(key) > KEY_MAX:
        raise InputRejected([Problem("client_key", f"at most {KEY_MAX} characters")], "bad client key")
    return key


def earlier(session: Session, action: str, client_key: str | None, before_seq: int | None = None) -> int | None:
    """The id of what ``action`` made for this key before (None: never, or no key)."""
    if not client_key:
        return None
    query = select(AuditEntry.object_id).where(AuditEntry.action == action,
                                               AuditEntry.detail["client_key"].as_string() == client_key)
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    found = session.scalar(query.order_by(AuditEntry.seq).limit(1))
    return int(found) if found is not None else None


def check_race(session: Session, action: str, client_key: str | None, seq: int) -> None:
    """After this request's own audit entry (seq): raise Replayed if another came first."""
    first = earlier(session, action, client_key, before_seq=seq)
    if first is not None:
        raise Replayed(action, first)
