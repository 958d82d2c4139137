"""A bank account the mule model scored (涉诈银行卡研判, 两卡): its score, typology guess and reasons.

One row per account, replaced by each scoring run (``fanzha analyze mules``); accounts scored
below the run's floor are not kept. ``figures`` holds the few measures an analyst reads first
(money in and out, counterparties, pass-through), ``reasons`` the model's top features.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class MuleScore(Base):
    __tablename__ = "mule_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(32), unique=True)
    bank: Mapped[str | None] = mapped_column(String(64))
    holder_name: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float, index=True)
    flagged: Mapped[bool] = mapped_column(Boolean, index=True)  # at or above the model's threshold
    typology: Mapped[str | None] = mapped_column(String(16))  # fan_in / fan_out / chain / cycle / scatter_gather
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # [{feature, value, contribution}]
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # {in_fen, out_fen, in_parties, ...}
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
