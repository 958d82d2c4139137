"""Series (串并案): cases the detector linked into one candidate gang, why, and what analysts
decided (confirm, reject, merge, split); decisions are kept, never overwritten."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class Series(Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_no: Mapped[str] = mapped_column(String(32), unique=True)  # CB-YYYYMMDD-NNNN
    state: Mapped[str] = mapped_column(String(16), index=True)  # domain SeriesState
    method: Mapped[str] = mapped_column(String(32))  # how it was found: components / leiden / analyst
    name: Mapped[str | None] = mapped_column(String(128))
    cases: Mapped[int] = mapped_column(default=0)
    victims: Mapped[int] = mapped_column(default=0)
    loss_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    fraud_types: Mapped[dict] = mapped_column(JSON, default=dict)  # {fraud type: cases}
    # Ranked by how much they connect: [{"entity_id", "kind", "key", "cases", "victims"}, ...]
    key_entities: Mapped[list] = mapped_column(JSON, default=list)
    first_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # earliest report
    last_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"))  # merged into / split from
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


class SeriesCase(Base):
    __tablename__ = "series_cases"

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)
    reason: Mapped[list] = mapped_column(JSON, default=list)  # shared entities: [{"kind", "key"}, ...]


class SeriesDecision(Base):
    __tablename__ = "series_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # confirm / reject / merge / split / rename
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. {"into": 12} or {"parts": [13, 14]}
    note: Mapped[str] = mapped_column(Text, default="")
