"""A phone card scored for being sold or rented to a gang (两卡 电话卡, 卡农), with its reasons.

One row per number, replaced by each scoring run; numbers scored below the run's floor are not kept.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class CardScore(Base):
    __tablename__ = "card_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    score: Mapped[float] = mapped_column(Float, index=True)
    flagged: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # [{feature, value, contribution}]
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # {handset_numbers, holder_numbers, callees, ...}
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
