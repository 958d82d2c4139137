"""Site visits arriving on the stream (实时访问记录): stored once by their content key.

A visit's key is the content hash the visits importer gives the same row, so a visit redelivered,
published twice, or also imported from the operator's file is stored once. The keys already
stored are read first (through the unique index) so the caller screens only visits new to the
store; ``ON CONFLICT DO NOTHING`` still guards against a concurrent writer.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fanzha.store.models import SiteVisit

VISITS: Table = SiteVisit.__table__  # type: ignore[assignment]
_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
KEY_CHUNK = 5_000


def store_visits(session: Session, rows: Sequence[dict]) -> list[dict]:
    """Store visit rows (``VisitEvent.record_row`` dicts); return those new to the store."""
    unique = {row["record_key"]: row for row in rows}
    keys = list(unique)
    known: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        known.update(session.scalars(select(SiteVisit.record_key).where(
            SiteVisit.record_key.in_(keys[start:start + KEY_CHUNK]))))
    new = [row for key, row in unique.items() if key not in known]
    if new:
        insert = _INSERT[session.get_bind().dialect.name]
        session.execute(insert(VISITS).on_conflict_do_nothing(index_elements=["record_key"]), new)
    return new
