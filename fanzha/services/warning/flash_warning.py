"""Flash warning (闪信): a warning SMS to the resident while a flagged number is on the line with them.

When the call screen's alert becomes a lead (from_alerts.py), the resident is sent the fraud
type's warning SMS (domain/warning_sms.py) at once, before any officer can call: the operators
show it on the phone's screen over the call. It is recorded like the mass warning (mass_warning.py):
a message of kind ``flash`` in the number's broadcast, so the simulated operators deliver it and
the warning desk counts it with the broadcast. Once per resident per number: a second call from
the same number adds nothing.

It runs inside the stream's transaction, so it costs a few statements per batch that has alerts
(the broadcasts of the batch's numbers, and one insert for all its messages), none per call.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.warning_sms import warning_text
from fanzha.services import audit
from fanzha.services.warning.mass_warning import FLASH, SENT
from fanzha.store.models import (
    BlockListEntry,
    Case,
    TelecomAlert,
    WarningBroadcast,
    WarningLead,
    WarningMessage,
)

SCREEN = Actor.system("call-screen")


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _fraud_types(session: Session, calls: Sequence[tuple[TelecomAlert, WarningLead]]) -> dict[str, FraudType]:
    """The fraud type each number is known for: the lead's, else the case its block-list entry came from."""
    known: dict[str, FraudType] = {}
    for alert, lead in calls:
        if lead.fraud_type and alert.flagged_number not in known:
            known[alert.flagged_number] = FraudType(lead.fraud_type)
    entries = {a.block_entry_id: a.flagged_number for a, _ in calls
               if a.block_entry_id is not None and a.flagged_number not in known}
    if entries:
        refs = dict(session.execute(select(BlockListEntry.provenance_ref, BlockListEntry.id).where(
            BlockListEntry.id.in_(entries), BlockListEntry.provenance == "case")).all())
        if refs:
            for report_id, kind in session.execute(select(Case.report_id, Case.fraud_type).where(
                    Case.report_id.in_(refs), Case.fraud_type.is_not(None))):
                known.setdefault(entries[refs[report_id]], FraudType(kind))
    return known


def _suspected(session: Session, alerts: Sequence[TelecomAlert]) -> set[str]:
    """Numbers flagged only on suspicion: their alert's entry is on the suspected list, or there is no
    entry (a model score above the threshold)."""
    entries = {a.block_entry_id for a in alerts if a.block_entry_id is not None}
    kinds = dict(session.execute(select(BlockListEntry.id, BlockListEntry.list_kind)
                                 .where(BlockListEntry.id.in_(entries))).all()) if entries else {}
    return {a.flagged_number for a in alerts
            if a.block_entry_id is None or kinds.get(a.block_entry_id) == "suspected"}


def _broadcasts(session: Session, numbers: set[str], calls: Sequence[tuple[TelecomAlert, WarningLead]]) -> dict[str, int]:
    """Each number's broadcast id, made (with the fraud type's text) where the number has none yet."""
    t = WarningBroadcast
    found = dict(session.execute(select(t.number, t.id).where(t.number.in_(numbers))).all())
    missing = numbers - set(found)
    if missing:
        kinds = _fraud_types(session, [(a, lead) for a, lead in calls if a.flagged_number in missing])
        suspected = _suspected(session, [a for a, _ in calls if a.flagged_number in missing])
        now = clock.now()
        rows = [{"number": n, "fraud_type": kinds[n].value if n in kinds else None,
                 "text": warning_text(kinds.get(n), n, suspected=n in suspected),
                 "window_days": 0, "created_at": now, "created_by": SCREEN.username} for n in sorted(missing)]
        stmt = _insert(session)(t.__table__).on_conflict_do_nothing(index_elements=["number"])
        session.execute(stmt, rows)
        found.update(session.execute(select(t.number, t.id).where(t.number.in_(missing))).all())
    return found


def queue_flash_warnings(session: Session, calls: Sequence[tuple[TelecomAlert, WarningLead]]) -> list[int]:
    """Queue one flash warning per resident and number among ``calls`` (alerts that became leads);
    the ids of the messages queued now (a resident already flashed about the number gets none)."""
    if not calls:
        return []
    broadcasts = _broadcasts(session, {a.flagged_number for a, _ in calls}, calls)
    now = clock.now()
    rows = {}
    for alert, _ in calls:
        rows.setdefault((alert.flagged_number, alert.resident_number), {
            "broadcast_id": broadcasts[alert.flagged_number], "recipient": alert.resident_number,
            "operator": (alert.operator or None) and alert.operator[:8], "state": SENT, "sent_at": now, "kind": FLASH})
    table = WarningMessage.__table__
    stmt = (_insert(session)(table).on_conflict_do_nothing(index_elements=["broadcast_id", "recipient", "kind"])
            .returning(table.c.id))
    queued = list(session.scalars(stmt, list(rows.values())))
    if queued:
        audit.record(session, SCREEN, "warning.flash", object_type="warning_message", detail={
            "messages": queued[:200], "count": len(queued), "alerts": [a.id for a, _ in calls][:200]})
    return queued
