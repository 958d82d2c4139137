"""The entity graph (关系图谱): one node per case, person, phone, account, device, address or
online identity, and one edge per (source, target, relation) with its evidence.

Edges are kept once per pair and kind: ``count``, ``amount_fen`` and the first and last times sum
up every piece of evidence; ``evidence`` keeps the first few references ("case:12", "posting:88",
"call:4051", "order:7") so an analyst can open what linked them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class GraphEntity(Base):
    __tablename__ = "graph_entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain EntityKind
    key: Mapped[str] = mapped_column(String(256))  # the normalised value: number, URL, case id ...
    label: Mapped[str | None] = mapped_column(String(128))  # what a chart shows (masked for persons)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)  # kind case
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)  # kind person
    first_seen: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("kind", "key", name="uq_graph_entities_kind_key"),)


class GraphRelation(Base):
    __tablename__ = "graph_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    src_id: Mapped[int] = mapped_column(ForeignKey("graph_entities.id"))
    dst_id: Mapped[int] = mapped_column(ForeignKey("graph_entities.id"))
    kind: Mapped[str] = mapped_column(String(16))  # domain RelationKind
    count: Mapped[int] = mapped_column(default=1)
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # paid: money moved, in fen
    first_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # ["case:12", "posting:88", ...]

    __table_args__ = (UniqueConstraint("src_id", "dst_id", "kind", name="uq_graph_relations_edge"),
                      Index("ix_graph_relations_dst", "dst_id", "kind"))
