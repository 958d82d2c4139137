"""Case (警情/案件): a victim's report and what follows, with its transfers, contacts and timeline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.store.models.base import Base
from fanzha.store.models.organisation import Organisation
from fanzha.store.models.person import Person
from fanzha.store.types import UtcDateTime


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64), unique=True)  # 警情编号
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    region: Mapped[str] = mapped_column(String(64), index=True)  # county
    fraud_type: Mapped[str | None] = mapped_column(String(32), index=True)  # domain FraudType
    narrative: Mapped[str] = mapped_column(Text, default="")  # 简要案情
    status: Mapped[str] = mapped_column(String(16), index=True)  # domain CaseStatus
    loss_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # 损失, sum of the transfers
    victim_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The police station covering the victim (派出所), whose officers work the case; None when
    # not known (then only the county and the city see it).
    station_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    victim: Mapped[Person] = relationship()
    station: Mapped[Organisation | None] = relationship(foreign_keys=[station_id])
    transfers: Mapped[list[CaseTransfer]] = relationship(
        back_populates="case", order_by="CaseTransfer.time", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[CaseContact]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.at", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_cases_region_reported", "region", "reported_at"),)


class CaseTransfer(Base):
    """A payment the victim made to the fraudsters (被骗转账)."""

    __tablename__ = "case_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    time: Mapped[datetime] = mapped_column(UtcDateTime())
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    from_account: Mapped[str | None] = mapped_column(String(32), index=True)
    from_bank: Mapped[str | None] = mapped_column(String(64))
    to_account: Mapped[str] = mapped_column(String(32), index=True)
    to_name: Mapped[str | None] = mapped_column(String(64))
    to_bank: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))

    case: Mapped[Case] = relationship(back_populates="transfers")


class CaseContact(Base):
    """A phone, account, URL, app or social account the fraudster used (涉案联系方式)."""

    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain ContactKind
    value: Mapped[str] = mapped_column(String(256), index=True)

    case: Mapped[Case] = relationship(back_populates="contacts")


class CaseEvent(Base):
    """One line of a case's timeline: reported, status changed, order sent, ..."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))  # username, or "system"
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
