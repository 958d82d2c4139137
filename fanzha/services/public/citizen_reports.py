"""Citizens' fraud reports (群众举报) from the public window, and where each one lands.

The rule, in order:

1. **Someone is being defrauded right now** → a warning lead now (source: citizen report), through
   the warning desk's own intake of signals (services/warning/signals.take_signal): the phone of
   the person at risk (or, when not given, the reporter's) names the lead's person, so the station
   can call them at once. Such a report must give a phone.
2. **The reporter lost money and it is over** (a victim's own completed loss) → a loss report for
   the intake desk to confirm: a duty officer calls back, checks who the victim is and files the
   case (接警登记), which is what starts the stop-payment orders. The public cannot open a case by
   itself: a case sends orders to banks, and those need an officer's check.
3. **The report names a resident's phone** (the person at risk is in the city's registry) → a
   warning lead, as in 1.
4. Otherwise it is a **tip** (a number, account or site someone met): kept for the desk to check
   before anything is put on a list.

Reports are taken once per ``client_key`` (the form's own key; the same key with other content is
refused), validated with every bad field named, and audited. The look-up lists are not changed
by a citizen's word.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic.functional_validators import BeforeValidator
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem, problems_from_validation
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.identity import normalise_phone
from fanzha.domain.money import yuan_to_fen
from fanzha.domain.permissions import Permission
from fanzha.domain.risk_subject import RiskKind, normalise
from fanzha.domain.warning_lead import LeadSource, Stage
from fanzha.services import audit
from fanzha.services.warning.signals import SignalIn, resolve_person, take_signal
from fanzha.store.models import PublicReport

LEAD, INTAKE, TIP = "lead", "intake", "tip"
NEW, HANDLED, DISMISSED = "new", "handled", "dismissed"
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _flag(value: object) -> object:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "是")
    return value


def _phone(value: object) -> object:
    if value is None:
        return None
    try:
        return normalise_phone(str(value))
    except ValueError:
        raise ValueError("write a phone number of 5 to 15 digits, like 13800000000") from None


Phone = Annotated[str | None, BeforeValidator(_phone), BeforeValidator(_blank_to_none)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class CitizenReportIn(BaseModel):
    """What the report form and POST /api/public/reports take."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    # Fields are checked in this order; the later ones' checks read the earlier ones (info.data).
    client_key: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    what_happened: Annotated[str, Field(min_length=10, max_length=2000)]
    happening_now: Flag = False
    lost_money: Flag = False
    subject_kind: Annotated[RiskKind | None, BeforeValidator(_blank_to_none)] = None
    subject_value: Annotated[Annotated[str, Field(max_length=256)] | None, BeforeValidator(_blank_to_none),
                             Field(validate_default=True)] = None
    reporter_phone: Phone = None
    victim_phone: Annotated[Phone, Field(validate_default=True)] = None
    amount: Annotated[str | None, BeforeValidator(_blank_to_none)] = None  # yuan, when money was lost
    fraud_type: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("client_key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        if value is not None and not _KEY.match(value):
            raise ValueError("the form's key must be 8 to 64 letters, digits or _.:-; reload the page")
        return value

    @field_validator("fraud_type")
    @classmethod
    def _type(cls, value: str | None) -> str | None:
        kind = FraudType.parse(value)
        return kind.value if kind else None

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                if yuan_to_fen(value) <= 0:
                    raise ValueError
            except ValueError:
                raise ValueError("write the sum in yuan, like 5000 or 5000.50") from None
        return value

    @field_validator("subject_value")
    @classmethod
    def _subject(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("subject_kind")
        if value is None:
            if kind is not None:
                raise ValueError(f"give the {kind.value} itself, or leave what it is empty")
            return None
        if kind is None:
            if "subject_kind" in info.data:
                raise ValueError("say what it is: phone, account, url, qq or wechat")
            return value  # the kind itself was refused; that is the problem to fix
        return normalise(kind, value)

    @field_validator("victim_phone")
    @classmethod
    def _someone_to_call(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("happening_now") and not value and not info.data.get("reporter_phone"):
            raise ValueError("someone is being defrauded now: give their phone (or yours) so the police can call "
                             "them at once; if you can, also call 110 or 96110 now")
        return value


@dataclass(frozen=True)
class ReportTaken:
    report: PublicReport
    created: bool  # False: this form was sent before; nothing new was written


def parse_report(data: dict) -> CitizenReportIn:
    try:
        return CitizenReportIn.model_validate(data)
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc), "report refused") from None


def _content_key(item: CitizenReportIn, address: str | None) -> str:
    content = item.model_dump(exclude={"client_key"})
    return hashlib.sha256(repr((sorted(content.items()), address)).encode()).hexdigest()[:48]


def take_citizen_report(session: Session, data: dict, address: str | None = None) -> ReportTaken:
    """Validate, route (lead / intake / tip) and keep one citizen's report; see the module's rule."""
    item = parse_report(data)
    digest = _content_key(item, address)
    key = item.client_key or f"content:{digest}"
    found = session.scalar(select(PublicReport).where(PublicReport.client_key == key))
    if found is not None:
        if found.what_happened != item.what_happened or found.subject_value != item.subject_value:
            raise InputRejected([Problem("client_key", "this form was already sent with other content; "
                                                       "reload the page to send a new report")], "report refused")
        return ReportTaken(found, False)
    now = clock.now()
    actor = Actor(username="public", role=None, display_name="公众举报", via="system", ip=address)
    amount_fen = yuan_to_fen(item.amount) if item.amount and item.lost_money else None
    at_risk = item.victim_phone or item.reporter_phone
    resident = (resolve_person(session, SignalIn(LeadSource.CITIZEN_REPORT, "probe", now, phone=item.victim_phone))
                if item.victim_phone else None)
    if item.happening_now or resident is not None:
        route = LEAD
    elif item.lost_money:
        route = INTAKE
    else:
        route = TIP
    row = PublicReport(
        report_no=f"TMP-{digest[:24]}", client_key=key, received_at=now, route=route, state=NEW,
        what_happened=item.what_happened, subject_kind=item.subject_kind.value if item.subject_kind else None,
        subject_value=item.subject_value, reporter_phone=item.reporter_phone, victim_phone=item.victim_phone,
        happening_now=item.happening_now, lost_money=item.lost_money, amount_fen=amount_fen,
        fraud_type=item.fraud_type, source_ip=(address or None) and address[:64])
    session.add(row)
    session.flush()
    row.report_no = f"JB-{clock.local(now):%Y%m%d}-{row.id:06d}"
    if route == LEAD:
        evidence = {"report_no": row.report_no, "what_happened": item.what_happened[:500],
                    "happening_now": item.happening_now}
        if item.subject_kind:
            evidence[item.subject_kind.value] = item.subject_value
        taken = take_signal(session, actor, SignalIn(
            LeadSource.CITIZEN_REPORT, row.report_no, now, phone=at_risk,
            account=item.subject_value if item.subject_kind is RiskKind.ACCOUNT and item.lost_money else None,
            amount_fen=amount_fen or 0, fraud_type=FraudType(item.fraud_type) if item.fraud_type else None,
            stage=Stage.PAYING if item.lost_money else Stage.ENGAGED, evidence=evidence))
        row.lead_id = taken.lead.id
        row.region = taken.lead.region
        row.state = HANDLED  # it is the warning desk's lead now
    session.flush()
    audit.record(session, actor, "public.report", object_type="public_report", object_id=row.id,
                 detail={"report_no": row.report_no, "route": route, "lead_id": row.lead_id}, ip=address)
    return ReportTaken(row, True)


def reports_to_check(session: Session, actor: Actor, route: str | None = None, state: str | None = NEW,
                     limit: int = 200) -> list[PublicReport]:
    """The citizens' loss reports and tips waiting for the intake desk (duty officers)."""
    check(actor, Permission.CASE_CREATE, object_type="public_report")
    query = select(PublicReport).where(PublicReport.route.in_((INTAKE, TIP)))
    if route in (INTAKE, TIP):
        query = query.where(PublicReport.route == route)
    if state:
        query = query.where(PublicReport.state == state)
    return list(session.scalars(query.order_by(PublicReport.received_at.desc()).limit(limit)))


def settle_report(session: Session, actor: Actor, report_no: str, outcome: str, note: str) -> PublicReport:
    """The desk's answer: handled (a case was filed or the tip passed on; say which) or dismissed."""
    check(actor, Permission.CASE_CREATE, object_type="public_report")
    row = session.scalar(select(PublicReport).where(PublicReport.report_no == report_no.strip()))
    problems = []
    if row is None:
        problems.append(Problem("report_no", f"there is no citizen report {report_no!r}"))
    if outcome not in (HANDLED, DISMISSED):
        problems.append(Problem("outcome", "choose handled or dismissed"))
    if len((note or "").strip()) < 4:
        problems.append(Problem("note", "say what was done (at least 4 characters), e.g. the case's report id"))
    if problems:
        raise InputRejected(problems, "not settled")
    if row.state != NEW:
        raise InputRejected([Problem("report_no", f"{row.report_no} was already {row.state}")], "not settled")
    row.state, row.handled_at, row.handled_by, row.handled_note = outcome, clock.now(), actor.username[:64], note.strip()
    audit.record(session, actor, "public.report.settle", object_type="public_report", object_id=row.id,
                 detail={"report_no": row.report_no, "outcome": outcome})
    session.flush()
    return row
