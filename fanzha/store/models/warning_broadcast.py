"""Mass warning SMS (预警短信群发): one broadcast per flagged number, one message per resident.

A message is of the mass broadcast (``mass``) or a flash warning (``flash``, 闪信) sent to a resident
while the number was on the line with them: once per resident, number and kind."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class WarningBroadcast(Base):
    __tablename__ = "warning_broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # the flagged number: warned about once
    fraud_type: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    window_days: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    created_by: Mapped[str] = mapped_column(String(64))

    messages: Mapped[list[WarningMessage]] = relationship(back_populates="broadcast", order_by="WarningMessage.id")


class WarningMessage(Base):
    __tablename__ = "warning_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("warning_broadcasts.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(20))
    operator: Mapped[str | None] = mapped_column(String(8), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # sent / delivered / failed
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failure: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8), default="mass", server_default="mass")  # mass / flash

    broadcast: Mapped[WarningBroadcast] = relationship(back_populates="messages")

    __table_args__ = (Index("uq_warning_messages_broadcast_recipient_kind", "broadcast_id", "recipient", "kind",
                            unique=True),)
