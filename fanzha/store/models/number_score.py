"""A number the model scored as likely fraud (涉诈号码研判), waiting for an officer's review.

One row per number: the latest score and its reasons (top features); an officer orders it
(a re-verification order goes to the operator) or dismisses it with a note. A reviewed number
keeps its decision when later runs score it again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class NumberScore(Base):
    __tablename__ = "number_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # [{feature, value, contribution}]
    window_days: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # pending / ordered / dismissed
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    review_note: Mapped[str | None] = mapped_column(Text)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("number_orders.id"))
