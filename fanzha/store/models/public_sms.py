"""Public SMS broadcast (公益短信/宣传短信): a warning text sent to many residents at once,
targeted by district, age group and the fraud types rising there; the counts the operators sent."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class PublicSmsBroadcast(Base):
    __tablename__ = "public_sms_broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    region: Mapped[str | None] = mapped_column(String(64), index=True)  # None: the whole city
    age_group: Mapped[str] = mapped_column(String(16))  # domain AgeGroup
    fraud_types: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    sent: Mapped[int] = mapped_column(default=0)  # messages sent
    delivered: Mapped[int | None]  # as the operators reported, when known
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
