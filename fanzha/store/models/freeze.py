"""Freeze (冻结): six months, renewable, backed by a legal document; frozen money goes back to victims."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class Freeze(Base):
    __tablename__ = "freezes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("stop_payment_orders.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    bank: Mapped[str] = mapped_column(String(16), index=True)
    account_number: Mapped[str] = mapped_column(String(32), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    legal_document_no: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    renewals: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), index=True)  # active / released / returned / expired
    created_by: Mapped[str] = mapped_column(String(64))
    renewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the last renewal (续冻)
    renewal_document_no: Mapped[str | None] = mapped_column(String(64))  # its legal document
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # 解冻
    release_reason: Mapped[str | None] = mapped_column(String(256))
    # The 30-day public notice (公告) that proportional returns wait for; None until published.
    notice_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Restitution(Base):
    """Money returned from a freeze to one victim (返还), directly or in proportion after notice."""

    __tablename__ = "restitutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    freeze_id: Mapped[int] = mapped_column(ForeignKey("freezes.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(16))  # direct / proportional
    notice_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    returned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))

    # A victim's money is returned from a freeze once.
    __table_args__ = (UniqueConstraint("freeze_id", "case_id"),)
