"""The publicity desk's lists: the latest records of each kind in the reader's area."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Scope
from fanzha.services.publicity.picture import may_read
from fanzha.store.models import (
    Consultation,
    MediaItem,
    PublicityCampaign,
    PublicityEvent,
    PublicSmsBroadcast,
)


@dataclass(frozen=True)
class Records:
    campaigns: list[PublicityCampaign]
    events: list[PublicityEvent]
    sms: list[PublicSmsBroadcast]
    media: list[MediaItem]
    consultations: list[Consultation]


def latest_records(session: Session, actor: Actor, limit: int = 50) -> Records:
    """Newest first; a county or station sees its own county's records and the city-wide ones."""
    may_read(actor)
    only = actor.region if actor.scope is not Scope.ALL and not actor.is_system else None

    def scoped(query, model, order):
        if only:
            query = query.where(or_(model.region == only, model.region.is_(None)))
        return list(session.scalars(query.order_by(order.desc(), model.id.desc()).limit(limit)))

    events = select(PublicityEvent)
    if only:
        events = events.where(PublicityEvent.region == only)
    return Records(
        campaigns=list(session.scalars(select(PublicityCampaign).order_by(PublicityCampaign.starts_on.desc())
                                       .limit(limit))),
        events=list(session.scalars(events.order_by(PublicityEvent.held_on.desc(), PublicityEvent.id.desc())
                                    .limit(limit))),
        sms=scoped(select(PublicSmsBroadcast), PublicSmsBroadcast, PublicSmsBroadcast.sent_on),
        media=scoped(select(MediaItem), MediaItem, MediaItem.published_on),
        consultations=scoped(select(Consultation), Consultation, Consultation.at),
    )


def campaign_choices(session: Session, limit: int = 50) -> list[tuple[int, str]]:
    """(id, name) of the latest campaigns, for the event form's choice."""
    return [(i, n) for i, n in session.execute(select(PublicityCampaign.id, PublicityCampaign.name)
                                                .order_by(PublicityCampaign.starts_on.desc()).limit(limit))]
