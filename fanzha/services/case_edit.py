"""Editing a case after intake: set or change its fraud type (定性), recorded on the timeline."""
from __future__ import annotations

from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check_case
from fanzha.domain.actor import Actor
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.permissions import Permission
from fanzha.services import audit
from fanzha.store.models import Case, CaseEvent


def classify_case(session: Session, actor: Actor, case: Case, fraud_type: FraudType | str) -> bool:
    """Give the case its fraud type; returns False (and records nothing) when it already has it.

    Every change is an event with the old and the new type, because statistics by fraud type
    are reported upwards and a reclassification must be explainable.
    """
    check_case(actor, Permission.CASE_CLASSIFY, case.id, case.region, case.station_id)
    target = FraudType.parse(fraud_type) if isinstance(fraud_type, str) else fraud_type
    if target is None:
        raise ValueError("choose a fraud type; a case cannot be made unclassified again")
    if case.fraud_type == target.value:
        return False
    at = clock.now()
    previous = case.fraud_type
    case.fraud_type = target.value
    case.updated_at = at
    session.add(CaseEvent(case_id=case.id, at=at, kind="fraud_type_set", actor=actor.username,
                          detail={"from": previous, "to": target.value}))
    audit.record(session, actor, "case.classify", object_type="case", object_id=case.id,
                 detail={"from": previous, "to": target.value})
    return True
