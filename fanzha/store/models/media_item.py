"""Press and media item (媒体宣传): an article, broadcast or post about fraud, and its reach."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class MediaItem(Base):
    __tablename__ = "media_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain MediaKind: press / tv / radio / online / video
    outlet: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(256))
    published_on: Mapped[date] = mapped_column(Date, index=True)
    region: Mapped[str | None] = mapped_column(String(64))  # None: the whole city
    reach: Mapped[int] = mapped_column(default=0)  # readers, viewers, plays, as the outlet counts
    fraud_types: Mapped[list] = mapped_column(JSON, default=list)
    link: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
