"""A series' timeline (时间线): what happened, in order — reports, the victims' transfers, calls with
the numbers the cases named, stop-payment orders, and the measures taken against suspects.

Each kind is read with a bound (``PER_KIND``) so a large series still answers quickly; the
timeline says when one was cut.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import Problem
from fanzha.domain.permissions import Permission
from fanzha.domain.privacy import mask_account, mask_phone
from fanzha.services.analysis.chart_views import ChartSubjectNotFound
from fanzha.store.models import (
    Arrest,
    CallRecord,
    Case,
    CaseContact,
    CaseTransfer,
    Series,
    SeriesCase,
    StopPaymentOrder,
    Suspect,
)

PER_KIND = 500
KINDS = ("report", "transfer", "call", "order", "arrest")


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # report / transfer / call / order / arrest
    title: str  # what happened, masked where it names a number
    amount_fen: int | None = None
    case_id: int | None = None
    ref: str = ""  # the record behind it: "case:12", "order:7"
    code: str = ""  # what the page translates: the measure of an arrest, the state of an order

    def as_dict(self) -> dict:
        return {"at": self.at.isoformat(), "kind": self.kind, "title": self.title, "amount_fen": self.amount_fen,
                "case_id": self.case_id, "ref": self.ref, "code": self.code}


@dataclass
class Timeline:
    series: Series
    days: list[tuple[date, list[TimelineEvent]]]
    counts: dict[str, int]
    cut: list[str]  # kinds cut at PER_KIND


def series_timeline(session: Session, actor: Actor, series_id: int) -> Timeline:
    check(actor, Permission.ANALYSIS_READ, object_type="series", object_id=series_id)
    series = session.get(Series, series_id)
    if series is None:
        raise ChartSubjectNotFound([Problem("series_id", f"no series #{series_id}")], "unknown series")
    case_ids = list(session.scalars(select(SeriesCase.case_id).where(SeriesCase.series_id == series_id)))
    events: list[TimelineEvent] = []
    cut: list[str] = []

    def take(kind: str, rows: list) -> list:
        if len(rows) > PER_KIND:
            cut.append(kind)
        return rows[:PER_KIND]

    if case_ids:
        for case in take("report", list(session.scalars(select(Case).where(Case.id.in_(case_ids))
                                                        .order_by(Case.reported_at).limit(PER_KIND + 1)))):
            events.append(TimelineEvent(case.reported_at, "report", case.report_id, case.loss_fen, case.id,
                                        f"case:{case.id}"))
        for tr in take("transfer", list(session.scalars(select(CaseTransfer).where(CaseTransfer.case_id.in_(case_ids))
                                                        .order_by(CaseTransfer.time).limit(PER_KIND + 1)))):
            events.append(TimelineEvent(tr.time, "transfer", f"→ {mask_account(tr.to_account)} {tr.to_bank or ''}".strip(),
                                        tr.amount_fen, tr.case_id, f"case:{tr.case_id}"))
        for order in take("order", list(session.scalars(
                select(StopPaymentOrder).where(StopPaymentOrder.case_id.in_(case_ids))
                .order_by(StopPaymentOrder.created_at).limit(PER_KIND + 1)))):
            events.append(TimelineEvent(order.created_at, "order",
                                        f"{order.order_no} L{order.level} {mask_account(order.account_number)}",
                                        order.amount_fen, order.case_id, f"order:{order.id}", order.state))
        phones = list(session.scalars(select(CaseContact.value).where(CaseContact.case_id.in_(case_ids),
                                                                      CaseContact.kind == "phone").distinct().limit(200)))
        if phones:
            calls = take("call", list(session.scalars(
                select(CallRecord).where(or_(CallRecord.other.in_(phones), CallRecord.msisdn.in_(phones)))
                .order_by(CallRecord.start_time).limit(PER_KIND + 1))))
            for call in calls:
                events.append(TimelineEvent(call.start_time, "call",
                                            f"{mask_phone(call.msisdn)} ↔ {mask_phone(call.other)} {call.duration_s}s",
                                            None, None, f"call:{call.id}"))
    arrest_terms = [Arrest.series_id == series_id]
    if case_ids:
        arrest_terms.append(Arrest.case_id.in_(case_ids))
    arrests = take("arrest", list(session.execute(
        select(Arrest, Suspect.suspect_no).join(Suspect, Suspect.id == Arrest.suspect_id)
        .where(or_(*arrest_terms)).order_by(Arrest.at).limit(PER_KIND + 1))))
    for arrest, suspect_no in arrests:
        events.append(TimelineEvent(arrest.at, "arrest", f"{suspect_no} {arrest.region or ''}".strip(),
                                    None, arrest.case_id, f"suspect:{arrest.suspect_id}", arrest.measure))
    events.sort(key=lambda e: (e.at, KINDS.index(e.kind)))
    by_day: dict[date, list[TimelineEvent]] = defaultdict(list)
    for event in events:
        by_day[clock.local(event.at).date()].append(event)
    counts = {kind: sum(1 for e in events if e.kind == kind) for kind in KINDS}
    return Timeline(series, sorted(by_day.items()), counts, cut)
