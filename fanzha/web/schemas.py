"""What the JSON API answers, as pydantic models so /openapi.json describes it exactly.

Money is integer fen with the same amount as a yuan string beside it; times are ISO 8601 in the
center's zone (+08:00). Names, identity numbers, phone and account numbers are masked everywhere
(domain/privacy.py) unless the client's role may reveal them and asked with a reason.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fanzha.domain.case_status import CaseStatus
from fanzha.domain.clock import local
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.money import fen_to_yuan
from fanzha.domain.privacy import MASKED, PrivacyView, mask_name, mask_phone


def _fraud(code: str | None) -> tuple[str | None, str | None]:
    return (code, FraudType(code).label_zh) if code else (None, None)


class ProblemOut(BaseModel):
    place: str = Field(description="where: a field such as transfers.0.amount, or line 12, column amount")
    reason: str = Field(description="why, and how to fix it")


class ErrorOut(BaseModel):
    message: str = Field(description="what went wrong and what to do next")
    problems: list[ProblemOut] = Field(default_factory=list)


_STANDARD = {
    401: "not signed in, or the API token is unknown or revoked",
    403: "refused: the role lacks the permission (named in problems), the record is outside the client's "
         "area, or a cookie-authenticated request lacks its CSRF token",
    422: "the request has errors; each place is listed in problems",
    429: "too many requests; wait for the seconds in Retry-After",
}


def api_responses(*extra: int, more: dict | None = None) -> dict:
    """The error answers every API route may give (401, 403, 422 in ErrorOut's shape, replacing
    FastAPI's own 422 schema), the ``extra`` standard ones (429), and ``more`` of the route's."""
    codes = dict.fromkeys((401, 403, 422, *extra))
    out: dict = {code: {"model": ErrorOut, "description": _STANDARD[code]} for code in codes}
    out.update(more or {})
    return out


class VictimOut(BaseModel):
    name: str = Field(description="masked (陈*明) unless revealed")
    id_number: str | None = Field(description="masked (3503**********1234) unless revealed")
    phone: str | None = Field(description="masked (138****5678) unless revealed")
    age: int | None


class TransferOut(BaseModel):
    time: datetime
    amount_fen: int
    amount_yuan: str
    from_account: str | None = Field(description="masked unless revealed")
    from_bank: str | None
    to_account: str = Field(description="masked unless revealed")
    to_name: str | None = Field(description="masked unless revealed")
    to_bank: str | None
    channel: str | None


class ContactOut(BaseModel):
    kind: str
    value: str = Field(description="phone and account numbers masked unless revealed")


class EventOut(BaseModel):
    at: datetime
    kind: str = Field(description="reported, status_changed, fraud_type_set, ...")
    actor: str | None
    detail: dict[str, Any]


class CaseOut(BaseModel):
    id: int
    report_id: str
    reported_at: datetime
    region: str
    fraud_type: str | None = Field(description="a FraudType code; null while unclassified")
    fraud_type_zh: str | None
    status: CaseStatus
    status_zh: str
    loss_fen: int
    loss_yuan: str
    narrative: str
    victim: VictimOut
    transfers: list[TransferOut]
    contacts: list[ContactOut]
    events: list[EventOut]
    revealed: bool = Field(False, description="true when personal data is shown whole (an audited reveal)")

    @classmethod
    def of(cls, case, view: PrivacyView = MASKED) -> CaseOut:
        fraud, fraud_zh = _fraud(case.fraud_type)
        v = case.victim

        def opt(field: str, value: str | None) -> str | None:
            return None if value is None else view.show(field, value)

        return cls(
            id=case.id, report_id=case.report_id, reported_at=local(case.reported_at), region=case.region,
            fraud_type=fraud, fraud_type_zh=fraud_zh, status=CaseStatus(case.status),
            status_zh=CaseStatus(case.status).label_zh, loss_fen=case.loss_fen,
            loss_yuan=fen_to_yuan(case.loss_fen), narrative=case.narrative or "",
            victim=VictimOut(name=view.show("victim.name", v.name), id_number=opt("victim.id_number", v.id_number),
                             phone=opt("victim.phone", v.phone), age=v.age),
            transfers=[TransferOut(
                time=local(t.time), amount_fen=t.amount_fen, amount_yuan=fen_to_yuan(t.amount_fen),
                from_account=opt(f"transfer.{t.id}.from_account", t.from_account), from_bank=t.from_bank,
                to_account=view.show(f"transfer.{t.id}.to_account", t.to_account),
                to_name=opt(f"transfer.{t.id}.to_name", t.to_name), to_bank=t.to_bank, channel=t.channel)
                for t in case.transfers],
            contacts=[ContactOut(kind=c.kind, value=view.contact(f"contact.{c.id}.value", c.kind, c.value))
                      for c in case.contacts],
            events=[EventOut(at=local(e.at), kind=e.kind, actor=e.actor, detail=e.detail or {})
                    for e in case.events],
            revealed=view.everything,
        )


class CaseRowOut(BaseModel):
    id: int
    report_id: str
    reported_at: datetime
    region: str
    fraud_type: str | None
    fraud_type_zh: str | None
    status: CaseStatus
    loss_fen: int
    loss_yuan: str
    victim_name_masked: str
    victim_phone_masked: str
    transfers: int

    @classmethod
    def of(cls, row) -> CaseRowOut:
        fraud, fraud_zh = _fraud(row.fraud_type)
        return cls(
            id=row.id, report_id=row.report_id, reported_at=local(row.reported_at), region=row.region,
            fraud_type=fraud, fraud_type_zh=fraud_zh, status=CaseStatus(row.status), loss_fen=row.loss_fen,
            loss_yuan=fen_to_yuan(row.loss_fen), victim_name_masked=mask_name(row.victim_name),
            victim_phone_masked=mask_phone(row.victim_phone), transfers=row.transfers,
        )


class CaseListOut(BaseModel):
    rows: list[CaseRowOut]
    total: int
    total_capped: bool = Field(False, description="true when total counts only up to a limit")
    page: int
    per_page: int
    took_ms: float


class CaseFiledOut(BaseModel):
    created: bool = Field(description="false when the same report had been filed before")
    case: CaseOut


class StatusChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: CaseStatus
    note: str = Field("", max_length=500)


class ClassifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fraud_type: FraudType


class ImportResultOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: str
    file: str
    rows_read: int
    rows_imported: int
    rows_duplicate: int
    rows_bad: int
    rejected: bool = Field(description="true when nothing was written: fix the problems and upload again")
    extra_columns: list[str]
    encoding: str | None = None
    transfers_matched: int = 0
    seconds: float = 0.0
    problems_total: int = 0
    problems: list[ProblemOut]
    summary: str


class FraudTypeFigure(BaseModel):
    fraud_type: str | None = Field(description="null: not yet classified")
    label_zh: str
    cases: int
    loss_fen: int


class DayFigure(BaseModel):
    day: date
    cases: int
    loss_fen: int


class RegionFigure(BaseModel):
    region: str
    cases: int
    loss_fen: int


class StatusFigure(BaseModel):
    status: str
    cases: int


class IntakeFiguresOut(BaseModel):
    period_start: date
    period_end: date
    cases: int
    loss_fen: int
    loss_yuan: str
    unclassified: int
    by_fraud_type: list[FraudTypeFigure]
    by_day: list[DayFigure]
    by_region: list[RegionFigure]
    by_status: list[StatusFigure]

    @classmethod
    def of(cls, f) -> IntakeFiguresOut:
        return cls(
            period_start=f.period_start, period_end=f.period_end, cases=f.cases, loss_fen=f.loss_fen,
            loss_yuan=fen_to_yuan(f.loss_fen), unclassified=f.unclassified,
            by_fraud_type=[FraudTypeFigure(fraud_type=code, label_zh=_fraud(code)[1] or "未分类", cases=n, loss_fen=loss)
                           for code, n, loss in f.by_fraud_type],
            by_day=[DayFigure(day=d, cases=n, loss_fen=loss) for d, n, loss in f.by_day],
            by_region=[RegionFigure(region=r, cases=n, loss_fen=loss) for r, n, loss in f.by_region],
            by_status=[StatusFigure(status=s, cases=n) for s, n in f.by_status],
        )


class OrganisationOut(BaseModel):
    code: str
    name: str
    kind: str


class MeOut(BaseModel):
    username: str = Field(description="the user's login, or token:<id> for an API token")
    display_name: str
    role: str
    role_zh: str
    organisation: OrganisationOut
    scope: str = Field(description="whose records the client sees: all, county, station, own_bank, own_operator")
    permissions: list[str] = Field(description="the permissions the role holds (domain/permissions.py)")
    via: str = Field(description="session or token")


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    actor_role: str | None
    organisation: str | None
    action: str
    object_type: str | None
    object_id: str | None
    outcome: str = Field(description="allowed or denied")
    detail: dict[str, Any]
    ip: str | None
    hash: str

    @classmethod
    def of(cls, e) -> AuditEntryOut:
        return cls(seq=e.seq, at=local(e.at), actor=e.actor, actor_role=e.actor_role, organisation=e.organisation,
                   action=e.action, object_type=e.object_type, object_id=e.object_id, outcome=e.outcome,
                   detail=e.detail or {}, ip=e.ip, hash=e.hash)


class AuditPageOut(BaseModel):
    rows: list[AuditEntryOut]
    total: int
    total_capped: bool
    page: int
    per_page: int


class ChainOut(BaseModel):
    intact: bool
    entries: int = Field(description="entries checked")
    broken_seq: int | None = Field(description="the first broken entry, when not intact")
    problem: str | None
    summary: str


class PingOut(BaseModel):
    ok: bool
    service: str
    time: datetime
