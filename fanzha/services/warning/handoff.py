"""Money already left (及时止付): a lead's payments go straight to the funds desk as a case.

The station officer enters what the person paid (time, sum, receiving account and bank); the
platform files it as the person's report — which raises the level-1 stop-payment orders at once,
as every report does — links the case to the lead and records the step. The report is filed by
the platform on the officer's behalf when the officer may not file reports themselves.
"""
from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.dissuasion import Step
from fanzha.domain.errors import InputRejected, Problem, problems_from_validation
from fanzha.domain.permissions import Permission
from fanzha.domain.report import VictimReport
from fanzha.services import audit
from fanzha.services.intake import file_report
from fanzha.services.warning.signals import SIGNED
from fanzha.services.warning.work import add_step, holder_problem, load
from fanzha.store.models import Person


def hand_to_funds(session: Session, actor: Actor, lead_id: int, transfers: list[dict], narrative: str = "") -> int:
    """File the lead's payments as a case (level-1 orders go out with it); returns the case id."""
    lead = load(session, actor, lead_id, Permission.LEADS_WORK)
    why = holder_problem(actor, lead)
    problems = [Problem("lead", why)] if why else []
    if lead.state != SIGNED:
        problems.append(Problem("lead", "sign for the lead first (签收)"))
    if lead.case_id is not None:
        problems.append(Problem("lead", f"the lead's payments were handed over already (case #{lead.case_id})"))
    person = session.get(Person, lead.person_id) if lead.person_id else None
    if person is None:
        problems.append(Problem("lead", "locate the person first: a report needs the victim's name"))
    if not transfers:
        problems.append(Problem("transfers", "enter at least one payment: time, sum and receiving account"))
    if problems:
        raise InputRejected(problems, "hand-over refused")
    now = clock.now()
    try:
        report = VictimReport.model_validate({
            "report_id": f"JQ-{lead.lead_no}", "reported_at": now.isoformat(), "region": lead.region or "",
            "station": person.station, "victim": {"name": person.name, "id_number": person.id_number,
                                                  "phone": person.phone, "age": person.age},
            "fraud_type": lead.fraud_type, "narrative": narrative or f"预警线索 {lead.lead_no} 劝阻中发现已转账",
            "transfers": transfers,
            "contacts": [{"kind": "phone", "value": s.evidence["number"]} for s in lead.signals
                         if (s.evidence or {}).get("number")],
        })
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc), "payments refused") from None
    filer = actor if actor.may(Permission.CASE_CREATE) else Actor.system(f"lead:{actor.username}"[:64])
    case = file_report(session, filer, report).case
    lead.case_id = case.id
    add_step(session, lead, actor, Step.STOP_PAYMENT.value, now, outcome="handed_over",
          note=f"警情 {case.report_id}: {len(report.transfers)} payment(s), ¥{report.loss_fen / 100:,.2f}")
    audit.record(session, actor, "lead.hand_to_funds", object_type="warning_lead", object_id=lead.id,
                 detail={"lead_no": lead.lead_no, "case_id": case.id, "loss_fen": report.loss_fen})
    session.flush()
    return case.id
