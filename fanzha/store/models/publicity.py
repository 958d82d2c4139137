"""Publicity (宣传): campaigns and the events held under them (五进: into schools, enterprises,
communities, villages and families, plus press and media events), with the people reached."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class PublicityCampaign(Base):
    """A named campaign (宣传活动), e.g. a summer drive against 刷单返利; events may belong to one."""

    __tablename__ = "publicity_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)  # recording it again finds this one
    name: Mapped[str] = mapped_column(String(128))
    theme: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))


class PublicityEvent(Base):
    """One event held somewhere on a day (宣传进校园、进企业……), and whom it reached."""

    __tablename__ = "publicity_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("publicity_campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain EventKind: school / enterprise / ... / media
    title: Mapped[str] = mapped_column(String(128))
    place: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(64))  # county
    station_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    held_on: Mapped[date] = mapped_column(Date)  # the local day it was held
    audience: Mapped[str] = mapped_column(String(64), default="")  # students, workers, the elderly ...
    materials: Mapped[int] = mapped_column(default=0)  # leaflets, posters, booklets handed out
    people_reached: Mapped[int] = mapped_column(default=0)
    fraud_types: Mapped[list] = mapped_column(JSON, default=list)  # the fraud types it warned about
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_publicity_events_region_held", "region", "held_on"),
                      Index("ix_publicity_events_held_on", "held_on"))
