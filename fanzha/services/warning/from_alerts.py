"""The call in progress becomes a lead (涉诈来电预警 → 预警线索), in the same transaction as the alert.

Every new telecom alert (a flagged number talking to a resident) is handed to the warning desk as
a ``call_in_progress`` signal — always 高 — on the resident's open lead, routed to their station;
the alert is marked handed over. An alert is taken once (its id is the signal's reference), so a
redelivered call changes nothing. A call in progress also sends the resident the flash warning
SMS (闪信, flash_warning.py) at once, once per resident per number.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.warning_lead import LeadSource, Stage
from fanzha.services.warning.flash_warning import queue_flash_warnings
from fanzha.services.warning.signals import SignalIn, take_signal
from fanzha.store.models import TelecomAlert

SCREEN = Actor.system("call-screen")
HANDED_OVER = "handed_over"


def leads_from_alerts(session: Session, alert_ids: list[int], *, source: LeadSource = LeadSource.CALL_IN_PROGRESS,
                      evidence: Mapping[int, dict] | None = None) -> list[int]:
    """Take each alert as a signal; returns the ids of the leads touched. An SMS alert comes as
    ``fraud_contact`` (graded by the warning desk's rules, below a live call), with ``evidence``
    per alert id (the text model's confidence)."""
    if not alert_ids:
        return []
    leads, calls = [], []
    for alert in session.scalars(select(TelecomAlert).where(TelecomAlert.id.in_(alert_ids)).order_by(TelecomAlert.id)):
        try:
            taken = take_signal(session, SCREEN, SignalIn(
                source=source, ref=f"alert:{alert.id}", at=alert.call_start,
                phone=alert.resident_number, stage=Stage.CONTACTED,
                evidence={"number": alert.flagged_number, "alert_id": alert.id, "action": alert.action,
                          "reason": alert.reason, **((evidence or {}).get(alert.id) or {})}))
        except InputRejected:  # a resident the city cannot place: the alert stays open on the telecom desk
            continue
        alert.state = HANDED_OVER
        leads.append(taken.lead.id)
        if source is LeadSource.CALL_IN_PROGRESS and not taken.repeat:
            calls.append((alert, taken.lead))
    session.flush()
    queue_flash_warnings(session, calls)
    return leads
