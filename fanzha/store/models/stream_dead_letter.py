"""Dead letter (死信): an event the stream could not take, kept whole with the reason.

Malformed events are never dropped silently: the consumer stores them here, in the same
transaction as the rest of their batch, and only then acknowledges them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class StreamDeadLetter(Base):
    __tablename__ = "stream_dead_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(128), index=True)
    event_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # as received (bytes that are not UTF-8: replaced)
    reason: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
