"""Records arriving on the stream (实时话单): stored once by their content key, dead letters kept.

A call or SMS record's key is the same content hash the file importer uses, so the same call
arriving twice (a redelivery, a duplicate publish, or the operator's file imported as well) is
stored once. Inserts skip keys already stored (``ON CONFLICT DO NOTHING``) and return the keys
that are new, which is what the stream counts.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.store.models import CallRecord, SmsRecord, StreamDeadLetter

CALLS: Table = CallRecord.__table__  # type: ignore[assignment]
SMS: Table = SmsRecord.__table__  # type: ignore[assignment]
PAYLOAD_MAX = 20_000  # characters of a dead letter's payload kept


def insert_new(session: Session, table: Table, rows: Sequence[dict]) -> set[str]:
    """Insert rows whose ``record_key`` is not stored yet; the keys actually inserted."""
    if not rows:
        return set()
    unique = list({row["record_key"]: row for row in rows}.values())
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = make(table).on_conflict_do_nothing(index_elements=["record_key"]).returning(table.c.record_key)
    return set(session.scalars(stmt, unique).all())


def store_calls(session: Session, rows: Sequence[dict]) -> set[str]:
    return insert_new(session, CALLS, rows)


def store_sms(session: Session, rows: Sequence[dict]) -> set[str]:
    return insert_new(session, SMS, rows)


def store_dead_letters(session: Session, letters: Sequence[tuple[str, str | None, str, str]]) -> int:
    """Keep malformed events: (subject, event id if readable, payload text, reason)."""
    now = clock.now()
    for subject, event_id, payload, reason in letters:
        session.add(StreamDeadLetter(subject=subject[:128], event_id=(event_id or None) and event_id[:64],
                                     payload=payload[:PAYLOAD_MAX], reason=reason, received_at=now))
    return len(letters)
