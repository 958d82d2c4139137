"""Block lists (拦截名单): flag a number with its reason, provenance and expiry; lift it on appeal.

Every entry states its reason and the appeal channel (申诉渠道); a successful appeal lifts it
(the entry stays, marked lifted, for the record). Entries have provenance (a case, the number
model, a person at the desk, an operator's own list, the hourly number rule) and an expiry. Adding and lifting need
``numbers.order`` and are audited; the export is ``numbers.read`` and audited too.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.engines.call_screening import NO_EXPIRY, Flag
from fanzha.services import audit
from fanzha.store.models import BlockListEntry

LIST_KINDS = {"known": "涉诈号码", "suspected": "疑似涉诈号码", "associated": "关联号码"}
PROVENANCES = {"case": "案件", "model": "模型", "manual": "人工", "operator": "运营商", "rule": "规则"}
DEFAULT_APPEAL_CHANNEL = "向号码归属运营商营业厅或反诈中心申诉 (appeal at the operator's service hall or the center)"
DEFAULT_DAYS = 180
REASON_MAX = 1000
EXPORT_COLUMNS = ("号码 number", "名单 list_kind", "理由 reason", "来源 provenance", "来源编号 provenance_ref",
                  "模型分 score", "申诉渠道 appeal_channel", "加入时间 created_at", "加入人 created_by",
                  "到期 expires_at", "解除时间 lifted_at", "解除人 lifted_by", "解除理由 lift_reason", "状态 state")


class EntryNotFound(InputRejected):
    """No such block-list entry."""


@dataclass(frozen=True)
class NewEntry:
    number: str
    reason: str
    provenance: str
    list_kind: str = "known"
    provenance_ref: str | None = None
    appeal_channel: str = DEFAULT_APPEAL_CHANNEL
    expires_at: datetime | None = None  # None: DEFAULT_DAYS from now
    score: float | None = None


def entry_state(entry: BlockListEntry, at: datetime | None = None) -> str:
    """live, expired or lifted."""
    at = at or clock.now()
    if entry.lifted_at is not None:
        return "lifted"
    if entry.expires_at is not None and entry.expires_at <= at:
        return "expired"
    return "live"


def _checked(new: NewEntry, now: datetime) -> list[Problem]:
    problems = []
    number = new.number.strip()
    if not (number.lstrip("+").isdigit() and 3 <= len(number) <= 20):
        problems.append(Problem("number", f"{new.number!r} is not a phone number; write digits only, like 17000000000"))
    if new.list_kind not in LIST_KINDS:
        problems.append(Problem("list_kind", f"{new.list_kind!r} is not one of {', '.join(LIST_KINDS)}"))
    if new.provenance not in PROVENANCES:
        problems.append(Problem("provenance", f"{new.provenance!r} is not one of {', '.join(PROVENANCES)}"))
    if not new.reason.strip():
        problems.append(Problem("reason", "is empty; every restriction states its reason"))
    elif len(new.reason) > REASON_MAX:
        problems.append(Problem("reason", f"is {len(new.reason)} characters long; at most {REASON_MAX} fit"))
    if not new.appeal_channel.strip():
        problems.append(Problem("appeal_channel", "is empty; every restriction names an appeal channel (申诉)"))
    if new.expires_at is not None:
        if new.expires_at.tzinfo is None:
            problems.append(Problem("expires_at", "has no zone; write it with one, like 2025-01-01T00:00:00+08:00"))
        elif new.expires_at <= now:
            problems.append(Problem("expires_at", "is already past; an entry must expire in the future"))
    if new.provenance in ("case", "operator") and not (new.provenance_ref or "").strip():
        problems.append(Problem("provenance_ref", f"is empty; a {new.provenance} entry names its {new.provenance}"))
    return problems


def add_entries(session: Session, actor: Actor, entries: list[NewEntry]) -> list[BlockListEntry]:
    """Put numbers on the block list (all or none: a bad entry refuses the lot)."""
    check(actor, Permission.NUMBERS_ORDER, object_type="block_list")
    now = clock.now()
    problems = [Problem(f"entries.{i}.{p.place}", p.reason) for i, e in enumerate(entries) for p in _checked(e, now)]
    if problems:
        raise InputRejected(problems, "block-list entries refused")
    rows = []
    for e in entries:
        row = BlockListEntry(
            number=e.number.strip(), list_kind=e.list_kind, reason=e.reason.strip(), provenance=e.provenance,
            provenance_ref=(e.provenance_ref or None), appeal_channel=e.appeal_channel.strip(), score=e.score,
            created_at=now, created_by=actor.username[:64],
            expires_at=e.expires_at or now + timedelta(days=DEFAULT_DAYS),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    audit.record(session, actor, "block_list.add", object_type="block_list",
                 object_id=rows[0].id if len(rows) == 1 else None,
                 detail={"entries": [{"id": r.id, "number": r.number, "kind": r.list_kind,
                                      "provenance": r.provenance} for r in rows[:200]], "count": len(rows)})
    return rows


def add_entry(session: Session, actor: Actor, entry: NewEntry) -> BlockListEntry:
    return add_entries(session, actor, [entry])[0]


def lift_entry(session: Session, actor: Actor, entry_id: int, appeal_outcome: str) -> BlockListEntry:
    """Lift an entry after a successful appeal (申诉成功): the screen stops using it."""
    check(actor, Permission.NUMBERS_ORDER, object_type="block_list", object_id=entry_id)
    if not appeal_outcome.strip():
        raise InputRejected([Problem("appeal_outcome", "is empty; say which appeal succeeded and why")],
                            "lift refused")
    entry = session.get(BlockListEntry, entry_id)
    if entry is None:
        raise EntryNotFound([Problem("entry", f"no block-list entry {entry_id}")], "lift refused")
    if entry.lifted_at is not None:
        raise InputRejected([Problem("entry", f"entry {entry_id} was already lifted at {entry.lifted_at.isoformat()}")],
                            "lift refused")
    entry.lifted_at = clock.now()
    entry.lifted_by = actor.username[:64]
    entry.lift_reason = appeal_outcome.strip()[:REASON_MAX]
    audit.record(session, actor, "block_list.lift", object_type="block_list", object_id=entry.id,
                 detail={"number": entry.number, "appeal": entry.lift_reason})
    return entry


def live_flags(session: Session, at: datetime | None = None) -> list[Flag]:
    """The entries the screen uses: not lifted and not yet expired (no permission check: the
    screen is the platform's own)."""
    at = at or clock.now()
    t = BlockListEntry
    rows = session.execute(
        select(t.id, t.number, t.list_kind, t.reason, t.expires_at, t.score)
        .where(t.lifted_at.is_(None), or_(t.expires_at.is_(None), t.expires_at > at))
    ).all()
    return [Flag(number=r.number, list_kind=r.list_kind, reason=r.reason, entry_id=r.id,
                 expires_epoch=r.expires_at.timestamp() if r.expires_at else NO_EXPIRY, score=r.score)
            for r in rows]


def export_csv(session: Session, actor: Actor, include_inactive: bool = True) -> tuple[str, int]:
    """The block list as CSV (UTF-8 with BOM) with provenance and expiry; for operators and peers."""
    check(actor, Permission.NUMBERS_READ, object_type="block_list")
    now = clock.now()
    query = select(BlockListEntry).order_by(BlockListEntry.id)
    if not include_inactive:
        query = query.where(BlockListEntry.lifted_at.is_(None),
                            or_(BlockListEntry.expires_at.is_(None), BlockListEntry.expires_at > now))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    rows = 0

    def when(t: datetime | None) -> str:
        return clock.local(t).isoformat() if t else ""

    for e in session.scalars(query):
        writer.writerow((e.number, e.list_kind, e.reason, e.provenance, e.provenance_ref or "",
                         "" if e.score is None else f"{e.score:.4f}", e.appeal_channel, when(e.created_at),
                         e.created_by, when(e.expires_at), when(e.lifted_at), e.lifted_by or "",
                         e.lift_reason or "", entry_state(e, now)))
        rows += 1
    audit.record(session, actor, "export", object_type="block_list", detail={"rows": rows})
    return out.getvalue(), rows
