"""The import batch record (导入批次): which file, by whom, when, and what it added."""
from __future__ import annotations

import hashlib

from sqlalchemy import Connection, insert, update

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.services import audit
from fanzha.services.analysis.graph_build import graph_after_batch
from fanzha.services.importing.result import ImportResult
from fanzha.store.models import ImportBatch

_TABLE = ImportBatch.__table__


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_batch(conn: Connection, result: ImportResult, digest: str, actor: Actor) -> int:
    """Record the import (in the import's own transaction) and return its id for the rows."""
    row = conn.execute(insert(_TABLE).values(
        kind=result.kind, filename=result.file[:256], sha256=digest, rows_read=result.rows_read,
        rows_imported=0, rows_skipped=0, imported_by=actor.username[:64], imported_at=clock.now(),
    ))
    return int(row.inserted_primary_key[0])


def close_batch(conn: Connection, batch_id: int, result: ImportResult, actor: Actor) -> None:
    """Count what the import added and audit it, in the import's own transaction."""
    conn.execute(update(_TABLE).where(_TABLE.c.id == batch_id).values(
        rows_read=result.rows_read, rows_imported=result.rows_imported,
        rows_skipped=result.rows_read - result.rows_imported,
    ))
    graph_after_batch(conn, result.kind, batch_id)  # the entity graph (研判) stays current
    audit_import(conn, actor, result, batch_id)


def audit_import(conn, actor: Actor, result: ImportResult, batch_id: int | None = None) -> None:
    audit.record(conn, actor, "import", object_type="import_batch", object_id=batch_id, detail={
        "kind": result.kind, "file": result.file, "rows_read": result.rows_read,
        "rows_imported": result.rows_imported, "rows_bad": result.rows_bad, "rejected": result.rejected,
    })
    result.audited = True
