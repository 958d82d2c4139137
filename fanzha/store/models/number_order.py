"""Order to an operator on a number (号码处置指令), its timeline, and appeals against it (申诉)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class NumberOrder(Base):
    __tablename__ = "number_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)  # HM-YYYYMMDD-NNNNNN
    # One open order per number and kind: raising it again (from another case, a retry) finds it.
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    operator: Mapped[str] = mapped_column(String(8), index=True)  # the operator's queue
    kind: Mapped[str] = mapped_column(String(16))  # domain NumberOrderKind
    basis: Mapped[str] = mapped_column(String(16))  # reported (1 h) / associated (24 h)
    source: Mapped[str] = mapped_column(String(16))  # case / model / manual
    source_ref: Mapped[str | None] = mapped_column(String(128))  # report id, model score, ...
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    appeal_channel: Mapped[str] = mapped_column(String(256))
    state: Mapped[str] = mapped_column(String(16), index=True)  # domain NumberOrderState
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reject_reason: Mapped[str | None] = mapped_column(String(256))
    block_entry_id: Mapped[int | None] = mapped_column(ForeignKey("block_list_entries.id"))
    created_by: Mapped[str] = mapped_column(String(64))

    events: Mapped[list[NumberOrderEvent]] = relationship(
        back_populates="order", order_by="NumberOrderEvent.id", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_number_orders_operator_state", "operator", "state"),)


class NumberOrderEvent(Base):
    """Every change of a number order, timestamped, with who made it."""

    __tablename__ = "number_order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("number_orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    order: Mapped[NumberOrder] = relationship(back_populates="events")


class NumberAppeal(Base):
    """An appeal (申诉) by the number's holder against a restriction; an officer decides it."""

    __tablename__ = "number_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("number_orders.id"), index=True)
    appellant: Mapped[str] = mapped_column(String(64))  # the holder's name as given
    grounds: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    filed_by: Mapped[str] = mapped_column(String(64))  # the operator's liaison or the officer who took it
    state: Mapped[str] = mapped_column(String(16), index=True)  # domain AppealState
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_reason: Mapped[str | None] = mapped_column(Text)
