"""Person (人员): a resident, victim or suspect, identified by name and identity number."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)  # 身份证号
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # main contact number
    age: Mapped[int | None]
    district: Mapped[str | None] = mapped_column(String(64), index=True)  # county of residence
    station: Mapped[str | None] = mapped_column(String(64))  # police station of residence: 龙桥派出所
