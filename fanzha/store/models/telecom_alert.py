"""Telecom alert (涉诈通话预警): a flagged number is talking to a resident.

Raised by the call screen at the top grade (高), once per call (``dedup_key``: resident number,
flagged number and the call's start, so both operators' records of the same call raise one
alert). ``action`` says what was done: the call ``blocked`` (阻断) where the resident's operator
supports it and the call was still going, otherwise a ``callback`` task (回访) for the warning desk.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class TelecomAlert(Base):
    __tablename__ = "telecom_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(40), unique=True)
    grade: Mapped[str] = mapped_column(String(8))  # high (高): a call in progress is top priority
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    resident_number: Mapped[str] = mapped_column(String(20), index=True)
    flagged_number: Mapped[str] = mapped_column(String(20), index=True)
    block_entry_id: Mapped[int | None] = mapped_column(ForeignKey("block_list_entries.id"))
    call_record_key: Mapped[str] = mapped_column(String(40))
    call_start: Mapped[datetime] = mapped_column(UtcDateTime())
    operator: Mapped[str | None] = mapped_column(String(16))  # the resident's operator
    reason: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))  # blocked / callback
    state: Mapped[str] = mapped_column(String(16))  # open / handed_over / closed
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)

    __table_args__ = (Index("ix_telecom_alerts_state_raised", "state", "raised_at"),)
