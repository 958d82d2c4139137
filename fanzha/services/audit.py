"""The audit log (审计日志): append entries, search them, verify the chain.

Every sign-in and failed sign-in, reveal, export, create, change and order is appended here,
in the same transaction as the change it records (so a change rolled back leaves no entry, and
an entry never claims a change that did not happen). Refusals are appended in a transaction of
their own (``record_denied``), because the refused request's own work is rolled back.

Appends are serialised through the one ``audit_chain_head`` row: the first statement of an
append is an UPDATE of that row, which takes PostgreSQL's row lock (a second append waits for
the first to commit) and SQLite's write lock. Reading the previous hash only after that lock is
what keeps the chain from forking.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.audit_chain import GENESIS, ChainCheck, ChainReport, entry_hash, plain_json
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.store.models import AuditChainHead, AuditEntry

ALLOWED = "allowed"
DENIED = "denied"
HEAD_ID = 1
MAX_PER_PAGE = 200
COUNT_CAP = 10_000

_entries = AuditEntry.__table__
_head = AuditChainHead.__table__


def record(session: Session | Connection, actor: Actor | None, action: str, *, object_type: str | None = None,
           object_id: object = None, outcome: str = ALLOWED, detail: dict | None = None,
           actor_name: str | None = None, ip: str | None = None) -> int:
    """Append one entry in the session's transaction; returns its seq.

    ``actor_name`` names who acted when there is no Actor (a failed sign-in: the name tried).
    """
    seq, prev_hash = _lock_head(session)
    fields = {
        "seq": seq,
        "at": clock.now(),
        "actor": (actor.username if actor else actor_name or "anonymous")[:128],
        "actor_user_id": actor.user_id if actor else None,
        "actor_role": actor.role.value if actor and actor.role else None,
        "organisation": actor.org_code if actor else None,
        "action": action[:64],
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id)[:64],
        "outcome": outcome,
        "detail": plain_json(detail or {}),
        "ip": (ip or (actor.ip if actor else None)),
    }
    digest = entry_hash(fields, prev_hash)
    session.execute(insert(_entries).values(**fields, prev_hash=prev_hash, hash=digest))
    session.execute(update(_head).where(_head.c.id == HEAD_ID).values(last_hash=digest))
    return seq


def _lock_head(session: Session | Connection) -> tuple[int, str]:
    """Take the chain's lock and the next seq with the hash it must chain to."""
    take = (update(_head).where(_head.c.id == HEAD_ID).values(last_seq=_head.c.last_seq + 1)
            .returning(_head.c.last_seq, _head.c.last_hash))
    row = session.execute(take).first()
    if row is None:
        # No head row (the migration seeds it; a store emptied by hand has none): make it again
        # from the last entry. Appends racing here insert at most one; the others then wait on it.
        last = session.execute(select(_entries.c.seq, _entries.c.hash)
                               .order_by(_entries.c.seq.desc()).limit(1)).first()
        seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        dialect = (session.dialect if isinstance(session, Connection) else session.get_bind().dialect).name
        upsert = postgresql.insert(_head) if dialect == "postgresql" else sqlite.insert(_head)
        session.execute(upsert.values(id=HEAD_ID, last_seq=seq, last_hash=prev).on_conflict_do_nothing())
        row = session.execute(take).first()
    return int(row[0]), str(row[1])


def record_denied(db, denied: AccessDenied, action: str | None = None, detail: dict | None = None) -> None:
    """Write a refusal in its own transaction (the refused work itself was rolled back)."""
    actor = denied.actor
    with db.session() as session:
        record(session, actor, action or denied.permission.value, object_type=denied.object_type,
               object_id=denied.object_id, outcome=DENIED,
               detail={"permission": denied.permission.value, "reason": denied.reason,
                       "message": denied.message_en, **(detail or {})})


# --- verifying -------------------------------------------------------------------------------


def verify_chain(session: Session, actor: Actor, batch: int = 5_000) -> ChainReport:
    """Walk every entry in order and check each hash and link; name the first broken entry."""
    check(actor, Permission.AUDIT_READ)
    head = session.execute(select(_head.c.last_seq, _head.c.last_hash).where(_head.c.id == HEAD_ID)).first()
    checker = ChainCheck()
    columns = [_entries.c[name] for name in (
        "seq", "at", "actor", "actor_user_id", "actor_role", "organisation", "action", "object_type",
        "object_id", "outcome", "detail", "ip", "prev_hash", "hash")]
    last = 0
    while True:  # keyset pages: constant memory on a log of millions
        rows = session.execute(select(*columns).where(_entries.c.seq > last)
                               .order_by(_entries.c.seq).limit(batch)).mappings().all()
        if not rows:
            break
        for row in rows:
            if not checker.add(row):
                return checker.finish(None, None)
        last = int(rows[-1]["seq"])
    if head is None:
        if checker.count:
            return ChainReport(checker.count, checker.prev_seq, "the chain head row is missing; it was deleted")
        return ChainReport(0)
    return checker.finish(int(head[0]), str(head[1]))


# --- searching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None  # username (exact), token:<id>, cli
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." (case. for every case action)
    outcome: str | None = None  # allowed / denied
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditEntry]
    total: int
    total_capped: bool
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_audit(session: Session, actor: Actor, query: AuditQuery) -> AuditPage:
    """Entries matching the query, newest first, a page at a time."""
    check(actor, Permission.AUDIT_READ)
    problems = []
    if query.outcome not in (None, "", ALLOWED, DENIED):
        problems.append(Problem("outcome", f"outcome is {ALLOWED} or {DENIED}"))
    if query.since and query.until and query.since >= query.until:
        problems.append(Problem("since", "the start of the period is not before its end"))
    if problems:
        raise InputRejected(problems, "audit search refused")
    where = []
    if query.actor:
        where.append(AuditEntry.actor == query.actor.strip())
    if query.object_type:
        where.append(AuditEntry.object_type == query.object_type.strip())
    if query.object_id:
        where.append(AuditEntry.object_id == query.object_id.strip())
    if query.action:
        action = query.action.strip()
        if action.endswith("."):
            where.append(AuditEntry.action >= action)
            where.append(AuditEntry.action < action + "\uffff")
        else:
            where.append(AuditEntry.action == action)
    if query.outcome:
        where.append(AuditEntry.outcome == query.outcome)
    if query.since:
        where.append(AuditEntry.at >= query.since)
    if query.until:
        where.append(AuditEntry.at < query.until)
    per_page = min(max(1, query.per_page), MAX_PER_PAGE)
    page = max(1, query.page)
    counted = select(AuditEntry.seq).where(*where).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(counted)) or 0
    rows = list(session.scalars(select(AuditEntry).where(*where).order_by(AuditEntry.seq.desc())
                                .limit(per_page).offset((page - 1) * per_page)))
    return AuditPage(rows, min(total, COUNT_CAP), total > COUNT_CAP, page, per_page)
