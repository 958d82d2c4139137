"""Stop-payment order (紧急止付令) to a bank, and the timeline of its states."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class StopPaymentOrder(Base):
    __tablename__ = "stop_payment_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)  # ZF-YYYYMMDD-NNNNNN
    # One order per case, account and level: raising it again (a retry, a restart) finds this one.
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    level: Mapped[int]  # 1 = the account the victim paid
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stop_payment_orders.id"))
    bank: Mapped[str] = mapped_column(String(16), index=True)  # bank code; the liaison's queue
    # The four fields the bank checks (止付四要素)
    account_number: Mapped[str] = mapped_column(String(32), index=True)
    account_name: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    transfer_time: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16), index=True)  # domain OrderState
    source: Mapped[str] = mapped_column(String(16))  # report / trace / manual
    stopped_fen: Mapped[int | None] = mapped_column(BigInteger)  # what the bank actually stopped
    reject_reason: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    created_by: Mapped[str] = mapped_column(String(64))

    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_stop_payment_orders_bank_state", "bank", "state"),)


class OrderEvent(Base):
    """Every change of an order, timestamped, with who made it."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("stop_payment_orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    order: Mapped[StopPaymentOrder] = relationship(back_populates="events")
