"""接警 intake: take a victim's report and make it a case, idempotently, in one transaction.

Filing needs ``case.create`` and a region in the actor's area (a county center files its own
county's reports); the case goes to the police station that covers the victim: the one named
in the report, else the victim's registered station, and a station officer's own station when a
station takes the report. Filing and every status change are written to the audit log in the
same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, case_in_scope, check, check_case
from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.contact import ContactKind
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.identity import id_check_ok
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.report import VictimReport
from fanzha.services import audit
from fanzha.services.analysis.graph_build import graph_after_report
from fanzha.services.funds.orders import raise_level1_orders
from fanzha.services.organisations import county_center_for, known_regions, station_org_id
from fanzha.services.telecom.number_orders import raise_from_case
from fanzha.services.warning.from_visits import SITE_CONTACTS, signals_for_new_sites
from fanzha.store.models import Case, CaseContact, CaseEvent, CaseTransfer, Person


class DuplicateReport(InputRejected):
    """A different report already carries this report id."""


@dataclass(frozen=True)
class FiledCase:
    case: Case
    created: bool  # False when the same report was filed before (a retry): nothing was written


def file_report(session: Session, actor: Actor, report: VictimReport, *, audited: bool = True) -> FiledCase:
    """Create the case with its victim, transfers, contacts and a first timeline event.

    Filing the same report twice returns the first case (retries are safe); a different report
    under an existing id is refused, because report ids are how banks and stations refer to it.
    ``audited=False`` leaves the audit entry to the caller (an import records one for the file).
    """
    check(actor, Permission.CASE_CREATE, object_type="case")
    if actor.scope is not Scope.ALL and report.region != actor.region:
        raise AccessDenied(actor, Permission.CASE_CREATE, "scope", object_type="case", object_id=report.report_id)
    existing = session.scalar(
        select(Case)
        .where(Case.report_id == report.report_id)
        .options(selectinload(Case.transfers), selectinload(Case.victim))
    )
    if existing is not None:
        if _same_report(existing, report):
            if not case_in_scope(actor, existing.region, existing.station_id):
                raise AccessDenied(actor, Permission.CASE_READ, "scope", object_type="case", object_id=existing.id)
            return FiledCase(existing, created=False)
        raise DuplicateReport(
            [Problem("report_id", f"report id {report.report_id} is already case #{existing.id} with different content; "
                     f"give this report a new id, or edit case #{existing.id}")],
            "duplicate report id",
        )
    regions = known_regions(session)
    if regions and report.region not in regions:
        raise InputRejected(
            [Problem("region", f"region {report.region!r} is not a county of this center; use one of: {', '.join(regions)}")],
            "unknown region",
        )

    if actor.scope is Scope.STATION:
        station_id = actor.org_id  # the station that takes the report works it
    else:
        station_id = station_org_id(session, report.region, report.station)
        if report.station and station_id is None:
            raise InputRejected(
                [Problem("station", f"{report.station!r} is not a police station of {report.region}; "
                                    "choose one of the county's stations, or leave it empty")],
                "unknown station",
            )
    victim = _resolve_victim(session, report)
    if station_id is None and victim.station and victim.district == report.region:
        station_id = station_org_id(session, report.region, victim.station)
    at = clock.now()
    owner = county_center_for(session, report.region)
    case = Case(
        report_id=report.report_id,
        reported_at=report.reported_at,
        region=report.region,
        fraud_type=report.fraud_type.value if report.fraud_type else None,
        narrative=report.narrative,
        status=CaseStatus.REPORTED.value,
        loss_fen=report.loss_fen,
        victim=victim,
        organisation_id=owner.id if owner else None,
        station_id=station_id,
        created_at=at,
        updated_at=at,
    )
    case.transfers = [
        CaseTransfer(
            time=t.time, amount_fen=t.amount, from_account=t.from_account, from_bank=t.from_bank,
            to_account=t.to_account, to_name=t.to_name, to_bank=t.to_bank, channel=t.channel,
        )
        for t in report.transfers
    ]
    case.contacts = [CaseContact(kind=c.kind.value, value=c.value) for c in report.contacts]
    notes = []
    if report.victim.id_number and not id_check_ok(report.victim.id_number):
        notes.append("id_number_check_digit")
    case.events = [
        CaseEvent(at=at, kind="reported", actor=actor.username, detail={
            "transfers": len(report.transfers), "loss_fen": report.loss_fen, "warnings": notes,
        })
    ]
    session.add(case)
    session.flush()
    if audited:
        audit.record(session, actor, "case.create", object_type="case", object_id=case.id,
                     detail={"report_id": case.report_id, "region": case.region, "loss_fen": case.loss_fen})
    if case.transfers:
        # The stop-payment starts with the report, in the same transaction (form, API and import alike).
        raise_level1_orders(session, case, actor)
    if any(c.kind == ContactKind.PHONE.value for c in case.contacts):
        # The numbers that reached the victim go to their operators at once (1 hour for reported numbers);
        # whoever files the report starts it, as with the stop-payment.
        raise_from_case(session, actor if actor.may(Permission.NUMBERS_ORDER) else
                        Actor.system(f"intake:{actor.username}"[:64]), case)
    graph_after_report(session, case.id, case.victim_id)  # the entity graph (研判) stays current
    if any(c.kind in SITE_CONTACTS for c in case.contacts):
        # Residents who already visited the sites this case names are warned now (涉诈网址访问预警).
        signals_for_new_sites(session, case.created_at)
    return FiledCase(case, created=True)


def _resolve_victim(session: Session, report: VictimReport) -> Person:
    """The same person across reports is one Person, found by identity number."""
    v = report.victim
    person = None
    if v.id_number:
        person = session.scalar(select(Person).where(Person.id_number == v.id_number))
    if person is None:
        person = Person(name=v.name, id_number=v.id_number, phone=v.phone, age=v.age, district=report.region)
        session.add(person)
    else:
        person.phone = v.phone or person.phone
        person.age = v.age if v.age is not None else person.age
    return person


def _same_report(case: Case, report: VictimReport) -> bool:
    ours = sorted((t.time, t.amount_fen, t.to_account) for t in case.transfers)
    theirs = sorted((t.time, t.amount, t.to_account) for t in report.transfers)
    return (
        case.reported_at == report.reported_at
        and case.victim.name == report.victim.name
        and case.loss_fen == report.loss_fen
        and ours == theirs
    )


def change_status(session: Session, actor: Actor, case: Case, target: CaseStatus, note: str = "") -> None:
    """Move a case along 接警→立案→侦查→破案→结案; refuses a skip with the allowed next steps."""
    check_case(actor, Permission.CASE_CHANGE_STATUS, case.id, case.region, case.station_id)
    current = CaseStatus(case.status)
    if not current.can_move_to(target):
        allowed = [s.label_zh for s in CaseStatus if current.can_move_to(s)]
        raise InputRejected(
            [Problem("status", f"a case in {current.label_zh} cannot move to {target.label_zh}; next may be: {', '.join(allowed) or 'none'}")],
            "status change refused",
        )
    at = clock.now()
    case.status = target.value
    case.updated_at = at
    session.add(CaseEvent(case_id=case.id, at=at, kind="status_changed", actor=actor.username,
                          detail={"from": current.value, "to": target.value, "note": note}))
    audit.record(session, actor, "case.change_status", object_type="case", object_id=case.id,
                 detail={"from": current.value, "to": target.value, "note": note})
