"""Audit log (审计日志): an append-only, hash-chained record of who did what, and who was refused.

Each entry's ``hash`` covers its content and the previous entry's hash (domain/audit_chain.py),
so a row changed, deleted or inserted afterwards is found by ``fanzha audit verify``. The single
``AuditChainHead`` row holds the newest seq and hash: appends lock it, so two appends at once
never fork the chain (PostgreSQL: the row lock; SQLite: the database's write lock).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(128))  # username, token:<id>, cli; or the name tried
    actor_user_id: Mapped[int | None]
    actor_role: Mapped[str | None] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(String(64))  # organisation code
    action: Mapped[str] = mapped_column(String(64), index=True)  # sign_in, case.create, reveal, ...
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))  # allowed / denied
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_entries_actor_seq", "actor", "seq"),
        Index("ix_audit_entries_object", "object_type", "object_id"),
    )


class AuditChainHead(Base):
    """The one row (id 1) that says where the chain ends; every append updates it."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
