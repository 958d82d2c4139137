"""Crackdown records (打击处理): suspects with their status and evidence, the measures that count
them as dealt with, and what was seized. ``Arrest.at`` is the date the statistics count on."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class Suspect(Base):
    __tablename__ = "suspects"

    id: Mapped[int] = mapped_column(primary_key=True)
    suspect_no: Mapped[str] = mapped_column(String(32), unique=True)  # XY-YYYYMMDD-NNNN
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16))  # domain SuspectRole
    status: Mapped[str] = mapped_column(String(16), index=True)  # domain SuspectStatus
    province: Mapped[str | None] = mapped_column(String(32))  # where the suspect is (省)
    city: Mapped[str | None] = mapped_column(String(32))  # (市)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # ["account:6222...", "graph:123", text]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))


class SuspectEvent(Base):
    __tablename__ = "suspect_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    suspect_id: Mapped[int] = mapped_column(ForeignKey("suspects.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    status_from: Mapped[str | None] = mapped_column(String(16))
    status_to: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class Arrest(Base):
    """One measure (打处) against one suspect; the same measure twice is one record."""

    __tablename__ = "arrests"

    id: Mapped[int] = mapped_column(primary_key=True)
    suspect_id: Mapped[int] = mapped_column(ForeignKey("suspects.id"), index=True)
    measure: Mapped[str] = mapped_column(String(16))  # domain Measure
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    region: Mapped[str | None] = mapped_column(String(64), index=True)  # county that dealt with it
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"))
    recorded_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("suspect_id", "measure", name="uq_arrests_suspect_measure"),)


class Seizure(Base):
    """Things seized (缴获): cards, phones, SIM boxes, tools; ``count`` is pieces (fen for cash)."""

    __tablename__ = "seizures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain SeizureKind
    count: Mapped[int] = mapped_column(BigInteger)
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"))
    suspect_id: Mapped[int | None] = mapped_column(ForeignKey("suspects.id"))
    recorded_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
