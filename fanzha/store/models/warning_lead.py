"""Warning lead (预警线索): one person at risk now, every signal about them, and the work on it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime

_OPEN = text("state <> 'closed'")


class WarningLead(Base):
    __tablename__ = "warning_leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_no: Mapped[str] = mapped_column(String(32), unique=True)  # YJ-YYYYMMDD-NNNNNN
    # The person (or, until resolved, the phone or account) the lead is about: one open lead each.
    subject_key: Mapped[str] = mapped_column(String(64), index=True)
    open_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # subject_key while open, else None
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    account: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64), index=True)  # county, for routing
    station_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))  # where it sits: station / county / city
    grade: Mapped[str] = mapped_column(String(8), index=True)  # high / medium / low
    points: Mapped[int]
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # [[points, why], ...]
    fraud_type: Mapped[str | None] = mapped_column(String(32))
    amount_at_stake_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    stage: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)  # open / signed / closed
    escalations: Mapped[int] = mapped_column(default=0)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    sign_by: Mapped[datetime] = mapped_column(UtcDateTime())
    finish_by: Mapped[datetime] = mapped_column(UtcDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    result: Mapped[str | None] = mapped_column(String(16))
    loss_avoided_fen: Mapped[int | None] = mapped_column(BigInteger)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))  # when already defrauded

    signals: Mapped[list[LeadSignal]] = relationship(back_populates="lead", order_by="LeadSignal.id")
    steps: Mapped[list[LeadStep]] = relationship(back_populates="lead", order_by="LeadStep.id")

    # The boards read open leads grade by grade, oldest first: partial indexes over the open ones
    # keep that a short index walk however many closed leads the years pile up.
    __table_args__ = (Index("ix_warning_leads_station_state", "station_id", "state"),
                      Index("ix_warning_leads_region_state", "region", "state"),
                      Index("ix_warning_leads_open_station", "station_id", "grade", "raised_at",
                            sqlite_where=_OPEN, postgresql_where=_OPEN),
                      Index("ix_warning_leads_open_region", "region", "grade", "raised_at",
                            sqlite_where=_OPEN, postgresql_where=_OPEN),
                      Index("ix_warning_leads_open_city", "grade", "raised_at",
                            sqlite_where=_OPEN, postgresql_where=_OPEN),
                      # The command desk's counts by period, area and type read these alone (0016).
                      Index("ix_warning_leads_raised_figures", "raised_at", "region", "station_id", "fraud_type"),
                      Index("ix_warning_leads_closed_figures", "result", "closed_at", "region", "station_id",
                            "fraud_type", "loss_avoided_fen"))


class LeadSignal(Base):
    """One warning sign about the lead's person, with its evidence; a signal is taken once."""

    __tablename__ = "lead_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("warning_leads.id"), index=True)
    dedup_key: Mapped[str] = mapped_column(String(128), unique=True)  # source + its own reference
    source: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # number, account, url, alert, amount ...
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())

    lead: Mapped[WarningLead] = relationship(back_populates="signals")


class LeadStep(Base):
    """A step of the work (locate, dissuade, stop-payment, educate, callback, sign, escalate, close)."""

    __tablename__ = "lead_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("warning_leads.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(16))  # call / sms / visit
    outcome: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # a scheduled callback

    lead: Mapped[WarningLead] = relationship(back_populates="steps")
