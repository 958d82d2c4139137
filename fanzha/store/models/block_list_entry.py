"""Block-list entry (拦截名单): a number the center screens calls against, with its provenance.

Every entry says why (``reason``), where it came from (``provenance``: a case, the number model,
a person at the desk, an operator's own list; ``provenance_ref`` names which), how to appeal
(``appeal_channel``, 申诉渠道), when it stops applying (``expires_at``) and, when an appeal
succeeds, when and why it was lifted. Lifted and expired entries stay for the record; the screen
uses only the live ones.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class BlockListEntry(Base):
    __tablename__ = "block_list_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    list_kind: Mapped[str] = mapped_column(String(16))  # known / suspected / associated
    reason: Mapped[str] = mapped_column(Text)
    provenance: Mapped[str] = mapped_column(String(16))  # case / model / manual / operator
    provenance_ref: Mapped[str | None] = mapped_column(String(128))  # case no., model and score, operator
    appeal_channel: Mapped[str] = mapped_column(String(256))
    score: Mapped[float | None]  # the model's score, for provenance "model"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lift_reason: Mapped[str | None] = mapped_column(Text)  # the appeal's outcome

    __table_args__ = (Index("ix_block_list_entries_lifted_expires", "lifted_at", "expires_at"),)
