"""A person whose cards helped a gang (帮信), measured against the 帮信 rule, with the evidence.

One row per person (identity number where the register gives it, else the holder's name), replaced
by each scoring run. ``criteria`` lists the rule's criteria met (parties, settled, earned); a row
with none is a holder of flagged cards whose help is not (yet) serious.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class HelperFlag(Base):
    __tablename__ = "helper_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(80), unique=True)  # identity number, or "name:<name>"
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    id_number: Mapped[str | None] = mapped_column(String(18))
    serious: Mapped[bool] = mapped_column(Boolean, index=True)
    criteria: Mapped[list] = mapped_column(JSON, default=list)  # ["parties", "settled", "earned"]
    parties: Mapped[int] = mapped_column(Integer)
    settled_fen: Mapped[int] = mapped_column(BigInteger)
    earned_fen: Mapped[int] = mapped_column(BigInteger)  # an estimate; evidence.earned_estimate says how
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # accounts, parties, how each figure was reached
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
