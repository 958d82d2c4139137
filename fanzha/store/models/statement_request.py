"""Statement request (调证): the account's statement asked of its bank, so tracing can go on."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class StatementRequest(Base):
    __tablename__ = "statement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)  # case + account: asked once
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    bank: Mapped[str] = mapped_column(String(16), index=True)
    account_number: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), index=True)  # requested / answered
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
