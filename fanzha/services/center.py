"""The center itself (反诈中心): its name, for the top of every page."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain.organisation import OrgKind
from fanzha.store.models import Organisation


def center_name(session: Session) -> str | None:
    """The city center's name (莆田市反诈中心), or None before the organisations are seeded."""
    return session.scalar(
        select(Organisation.name).where(Organisation.kind == OrgKind.CITY_CENTER.value)
        .order_by(Organisation.id).limit(1)
    )
