"""Records arriving on the stream (实时话单): stored once by their content key, dead letters kept.

A call or SMS record's key is the same content hash the file importer uses, so the same call
arriving twice (a redelivery, a duplicate publish, or the operator's file imported as well) is
stored once. A batch goes in as one driver-level ``executemany`` inside the caller's transaction
(``ON CONFLICT (record_key) DO NOTHING``: keys already stored add nothing); the count of rows
actually inserted is what the stream reports as stored, the rest as duplicates. The driver gets
the values as SQLAlchemy would bind them (times in UTC; on SQLite as SQLAlchemy's text).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.store.models import CallRecord, SmsRecord, StreamDeadLetter

CALLS: Table = CallRecord.__table__  # type: ignore[assignment]
SMS: Table = SmsRecord.__table__  # type: ignore[assignment]
# The columns a streamed row fills, in order; its time is in UTC without the zone.
CALL_COLUMNS = ("record_key", "msisdn", "other", "call_type", "start_time", "duration_s", "cell_id", "imei",
                "operator")
CALL_START = CALL_COLUMNS.index("start_time")
SMS_COLUMNS = ("record_key", "msisdn", "other", "direction", "time", "content", "operator")
SMS_TIME = SMS_COLUMNS.index("time")
PAYLOAD_MAX = 20_000  # characters of a dead letter's payload kept


def utc_param(dialect: Dialect):
    """How a UTC time without its zone is handed to the driver: SQLite keeps SQLAlchemy's text
    form (``2024-05-30 07:02:00.000000``), PostgreSQL a zone-aware time."""
    if dialect.name == "sqlite":
        return lambda utc: utc.isoformat(" ", "microseconds")
    return lambda utc: utc.replace(tzinfo=UTC)


def insert_new(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple],
               time_at: int) -> int:
    """Insert rows (``columns`` order, ``record_key`` first, a UTC time without zone at
    ``time_at``) whose key is not stored yet; how many were inserted."""
    if not rows:
        return 0
    unique = {row[0]: row for row in rows}.values()
    conn = session.connection()
    dialect = conn.dialect
    param = utc_param(dialect)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    values = [(*row[:time_at], param(row[time_at]), *row[time_at + 1:]) for row in unique]
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
           "ON CONFLICT (record_key) DO NOTHING")
    return conn.exec_driver_sql(sql, values).rowcount


def store_calls(session: Session, rows: Sequence[tuple]) -> int:
    """Store call rows (``CALL_COLUMNS``); how many were new."""
    return insert_new(session, CALLS, CALL_COLUMNS, rows, CALL_START)


def store_sms(session: Session, rows: Sequence[dict]) -> int:
    """Store SMS records (``record_row`` dicts); how many were new."""
    return insert_new(session, SMS, SMS_COLUMNS, [tuple(_utc(r[c]) if c == "time" else r[c] for c in SMS_COLUMNS)
                                                  for r in rows], SMS_TIME)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def store_dead_letters(session: Session, letters: Sequence[tuple[str, str | None, str, str]]) -> int:
    """Keep malformed events: (subject, event id if readable, payload text, reason)."""
    now = clock.now()
    for subject, event_id, payload, reason in letters:
        session.add(StreamDeadLetter(subject=subject[:128], event_id=(event_id or None) and event_id[:64],
                                     payload=payload[:PAYLOAD_MAX], reason=reason, received_at=now))
    return len(letters)
