"""Statement posting (交易流水): one row of a bank's statement for an account."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class StatementPosting(Base):
    __tablename__ = "statement_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_key: Mapped[str] = mapped_column(String(40), unique=True)  # content hash: re-imports add nothing
    account: Mapped[str] = mapped_column(String(32))
    account_name: Mapped[str | None] = mapped_column(String(64))
    bank: Mapped[str | None] = mapped_column(String(64))
    time: Mapped[datetime] = mapped_column(UtcDateTime())
    direction: Mapped[str] = mapped_column(String(3))  # in / out
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    balance_fen: Mapped[int | None] = mapped_column(BigInteger)
    counterparty_account: Mapped[str | None] = mapped_column(String(32), index=True)
    counterparty_name: Mapped[str | None] = mapped_column(String(64))
    counterparty_bank: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    memo: Mapped[str | None] = mapped_column(String(128))
    txn_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))
    # Both sides of one transfer (出 on the payer's statement, 进 on the payee's) share this key,
    # so the transfer is counted once.
    transfer_key: Mapped[str | None] = mapped_column(String(40), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (Index("ix_statement_postings_account_time", "account", "time"),)
