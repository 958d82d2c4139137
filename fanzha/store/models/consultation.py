"""Consultation (咨询): a citizen asked the center something (is this a fraud? what do I do?)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # domain ConsultChannel: hotline / walk_in / online / wechat
    topic: Mapped[str] = mapped_column(String(32))  # a fraud type's code, or "other"
    question: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str | None] = mapped_column(String(64))
    answered: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
