"""Importing the files banks, operators and centers exchange (文件导入), as FORMATS.md defines them.

One entry point for the command line and the web upload::

    result = import_file(db, "statements", Path("流水.csv"), skip_bad=False, actor=actor)

Importing needs ``import.run``; reports are filed as the actor (a county center's officer files
only its county's reports: others are bad rows). The command line and the demo loader import as
the system. Each import is audited, with the batch it wrote, in the same transaction. A file is refused whole (``result.rejected``, nothing written) when it is not a table, lacks a
required column, or has any bad row; with ``skip_bad`` the good rows go in and the bad ones are
reported. Re-importing a file adds nothing. Each kind lives in its own module.
"""
from __future__ import annotations

import time
from pathlib import Path

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import Problem
from fanzha.domain.permissions import Permission
from fanzha.services.funds.statements_arrived import statements_arrived
from fanzha.services.importing.batch import audit_import
from fanzha.services.importing.calls import import_calls
from fanzha.services.importing.progress import steps
from fanzha.services.importing.reports import import_reports
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.sms import import_sms
from fanzha.services.importing.statements import count_distinct_transfers, import_statements
from fanzha.services.importing.visits import import_visits
from fanzha.store.db import Database


def import_leads(*args, **kwargs):
    """Leads pushed down from a higher level, to the warning desk (imported late: it builds on this package)."""
    from fanzha.services.warning.push_import import import_leads as run

    return run(*args, **kwargs)


IMPORTERS = {
    "statements": import_statements,
    "reports": import_reports,
    "calls": import_calls,
    "sms": import_sms,
    "visits": import_visits,
    "leads": import_leads,
}
KINDS = tuple(IMPORTERS)

__all__ = ["KINDS", "ImportResult", "count_distinct_transfers", "import_bytes", "import_file"]


SYSTEM = Actor.system("import")


def import_file(db: Database, kind: str, path: Path, *, skip_bad: bool = False, actor: Actor = SYSTEM,
                progress: bool = False, display_name: str | None = None) -> ImportResult:
    """Import one file of ``kind`` (statements, reports, calls, sms, visits or leads) into the store.

    ``display_name`` names the file in messages (an upload is saved under a temporary name).
    """
    check(actor, Permission.IMPORT_RUN, object_type="import_batch")
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}; use one of: {', '.join(KINDS)}")
    path = Path(path)
    name = display_name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        result = ImportResult(kind=kind, file=name)
        return result.refuse([Problem(name, f"the file cannot be read ({exc.strerror or exc}); check the path")])
    return import_bytes(db, kind, data, name, skip_bad=skip_bad, actor=actor, progress=progress)


def import_bytes(db: Database, kind: str, data: bytes, name: str, *, skip_bad: bool = False,
                 actor: Actor = SYSTEM, progress: bool = False) -> ImportResult:
    """Import a file's content already in memory (``name`` is used in messages)."""
    check(actor, Permission.IMPORT_RUN, object_type="import_batch")
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}; use one of: {', '.join(KINDS)}")
    started = time.perf_counter()
    result = ImportResult(kind=kind, file=name)
    with steps(progress, name) as tracker:
        IMPORTERS[kind](db, data, result, skip_bad=skip_bad, actor=actor, steps=tracker)
    if result.rejected:
        result.rows_imported = 0
    if not result.audited:  # refused, or nothing new: no batch was written, the attempt is audited
        with db.engine.begin() as conn:
            audit_import(conn, actor, result)
    if kind == "statements" and result.batch_id is not None:
        # New statements may answer the funds desk's requests and show where a case's money went.
        arrival = statements_arrived(db, result.batch_id)
        result.funds = arrival.as_dict() if arrival else None
    result.seconds = time.perf_counter() - started
    return result
