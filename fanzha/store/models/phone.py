"""Phone number (手机号): at one of the three operators, registered to a person."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base


class Phone(Base):
    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    operator: Mapped[str | None] = mapped_column(String(16))  # CMCC / CUCC / CTCC
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
