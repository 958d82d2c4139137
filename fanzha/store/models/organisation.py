"""Organisation (单位): city center, county centers, police stations, banks, operators."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.store.models.base import Base


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # e.g. city, county-chengxiang, bank-ICBC
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32), index=True)  # domain.organisation.OrgKind
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region: Mapped[str | None] = mapped_column(String(64), index=True)  # the county it covers

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])
