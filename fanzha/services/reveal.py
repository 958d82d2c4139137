"""Revealing personal data (查看完整信息): one masked value shown whole, for a stated reason.

Needs ``case.reveal_pii`` and the case in the actor's area. Every reveal is audited with the
field and the reason before the value is handed back, in the same transaction.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import REVEAL_REASON_MIN, Permission
from fanzha.domain.privacy import MASKED_CONTACT_KINDS
from fanzha.services import audit
from fanzha.services.case_search import case_detail
from fanzha.store.models import Case

REASON_MAX = 200


def checked_reason(reason: str | None) -> str:
    """The reason, trimmed; refused when too short to tell an auditor anything."""
    text = " ".join((reason or "").split())
    if len(text) < REVEAL_REASON_MIN:
        raise InputRejected([Problem("reason", f"say why you need the full value (at least {REVEAL_REASON_MIN} "
                                               "characters, e.g. 回访受害人核实转账); it is kept in the audit log")],
                            "reveal refused")
    return text[:REASON_MAX]


def revealable_fields(case: Case) -> dict[str, str | None]:
    """Every field of the case that shows masked, with its whole value."""
    fields: dict[str, str | None] = {
        "victim.name": case.victim.name, "victim.id_number": case.victim.id_number, "victim.phone": case.victim.phone,
    }
    for t in case.transfers:
        fields[f"transfer.{t.id}.from_account"] = t.from_account
        fields[f"transfer.{t.id}.to_account"] = t.to_account
        fields[f"transfer.{t.id}.to_name"] = t.to_name
    for c in case.contacts:
        if c.kind in MASKED_CONTACT_KINDS:
            fields[f"contact.{c.id}.value"] = c.value
    return fields


def reveal_field(session: Session, actor: Actor, case_id: int, field: str, reason: str | None) -> str | None:
    """The whole value of one field of a case (see domain/privacy.py for the field names)."""
    check(actor, Permission.CASE_REVEAL_PII, object_type="case", object_id=case_id)
    reason = checked_reason(reason)
    case = _case(session, actor, case_id)
    fields = revealable_fields(case)
    if field not in fields:
        raise InputRejected([Problem("field", f"case #{case_id} has no masked field {field!r}")], "reveal refused")
    audit.record(session, actor, "reveal", object_type="case", object_id=case_id,
                 detail={"field": field, "reason": reason, "report_id": case.report_id})
    return fields[field]


def reveal_case(session: Session, actor: Actor, case_id: int, reason: str | None) -> Case:
    """Every masked field of a case at once (the API's ``?reveal=reason``), audited as one reveal."""
    check(actor, Permission.CASE_REVEAL_PII, object_type="case", object_id=case_id)
    reason = checked_reason(reason)
    case = _case(session, actor, case_id)
    audit.record(session, actor, "reveal", object_type="case", object_id=case_id,
                 detail={"field": "*", "reason": reason, "report_id": case.report_id})
    return case


def _case(session: Session, actor: Actor, case_id: int) -> Case:
    case = case_detail(session, actor, case_id)
    if case is None:
        raise InputRejected([Problem("case_id", f"no case #{case_id}")], "no such case")
    return case
