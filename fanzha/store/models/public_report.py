"""A citizen's fraud report (群众举报) from the public window, and where it went: a warning lead,
a loss report for the intake desk to confirm, or a tip about a number, account or site."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class PublicReport(Base):
    __tablename__ = "public_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_no: Mapped[str] = mapped_column(String(32), unique=True)  # JB-YYYYMMDD-NNNNNN
    client_key: Mapped[str] = mapped_column(String(64), unique=True)  # the form's own key: sent twice, kept once
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    route: Mapped[str] = mapped_column(String(16), index=True)  # lead / intake / tip
    state: Mapped[str] = mapped_column(String(16), index=True)  # new / handled / dismissed
    what_happened: Mapped[str] = mapped_column(Text)
    subject_kind: Mapped[str | None] = mapped_column(String(16))  # phone / account / url / qq / wechat / app
    subject_value: Mapped[str | None] = mapped_column(String(256))
    reporter_phone: Mapped[str | None] = mapped_column(String(20))
    victim_phone: Mapped[str | None] = mapped_column(String(20))  # the person at risk, when not the reporter
    happening_now: Mapped[bool] = mapped_column(default=False)
    lost_money: Mapped[bool] = mapped_column(default=False)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    fraud_type: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("warning_leads.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    source_ip: Mapped[str | None] = mapped_column(String(64))  # for abuse checks only
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_note: Mapped[str | None] = mapped_column(Text)
