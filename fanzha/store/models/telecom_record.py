"""Call records (话单) and SMS records (短信记录) from the operators."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class CallRecord(Base):
    __tablename__ = "call_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_key: Mapped[str] = mapped_column(String(40), unique=True)  # content hash: re-imports add nothing
    msisdn: Mapped[str] = mapped_column(String(20))
    other: Mapped[str] = mapped_column(String(20), index=True)
    call_type: Mapped[str] = mapped_column(String(16))  # caller / called / forwarded
    start_time: Mapped[datetime] = mapped_column(UtcDateTime())
    duration_s: Mapped[int]
    cell_id: Mapped[str | None] = mapped_column(String(32))
    imei: Mapped[str | None] = mapped_column(String(20))
    operator: Mapped[str | None] = mapped_column(String(16))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (Index("ix_call_records_msisdn_time", "msisdn", "start_time"),)


class SmsRecord(Base):
    __tablename__ = "sms_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_key: Mapped[str] = mapped_column(String(40), unique=True)
    msisdn: Mapped[str] = mapped_column(String(20))
    other: Mapped[str] = mapped_column(String(20), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in / out
    time: Mapped[datetime] = mapped_column(UtcDateTime())
    content: Mapped[str | None] = mapped_column(Text)
    operator: Mapped[str | None] = mapped_column(String(16))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (Index("ix_sms_records_msisdn_time", "msisdn", "time"),)
