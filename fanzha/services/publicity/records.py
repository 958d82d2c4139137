"""Recording publicity work (登记宣传工作): campaigns, events, public SMS, media items, consultations.

Each record is validated whole (every bad field named), taken once per ``client_key`` (a form
sent twice, a file imported twice: the first record is returned), kept inside the recorder's area
(a county or a station records its own county's work) and audited in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem, problems_from_validation
from fanzha.domain.permissions import Permission, Scope
from fanzha.services import audit
from fanzha.services.organisations import known_regions, station_org_id
from fanzha.services.publicity.inputs import CampaignIn, ConsultationIn, EventIn, MediaIn, SmsIn
from fanzha.store.models import (
    Consultation,
    MediaItem,
    PublicityCampaign,
    PublicityEvent,
    PublicSmsBroadcast,
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Recorded:
    record: object
    created: bool  # False: this client key was recorded before (a retry); nothing was written


def parse(model: type[M], data: dict) -> M:
    """Validate ``data`` as ``model``; every bad field becomes a Problem naming it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc), "record refused") from None


def _region(session: Session, actor: Actor, region: str | None, place: str = "region", *,
            city_wide_ok: bool = True) -> str | None:
    """The record's county: known to the city and inside the actor's area."""
    if region is None:
        if city_wide_ok and actor.scope is Scope.ALL:
            return None
        if actor.scope is not Scope.ALL:
            return actor.region
        raise InputRejected([Problem(place, "choose the district")], "district missing")
    regions = known_regions(session)
    if regions and region not in regions:
        raise InputRejected([Problem(place, f"{region!r} is not a district of this city; use one of: "
                                            f"{', '.join(regions)}")], "unknown district")
    if actor.scope is not Scope.ALL and region != actor.region:
        raise AccessDenied(actor, Permission.PUBLICITY_RECORD, "scope", object_type="region", object_id=region)
    return region


def _existing(session: Session, model, key: str):
    return session.scalar(select(model).where(model.client_key == key))


def _finish(session: Session, actor: Actor, action: str, row, detail: dict) -> Recorded:
    session.add(row)
    session.flush()
    audit.record(session, actor, action, object_type=row.__tablename__, object_id=row.id, detail=detail)
    return Recorded(row, True)


def record_campaign(session: Session, actor: Actor, data: dict) -> Recorded:
    check(actor, Permission.PUBLICITY_RECORD, object_type="publicity")
    item = parse(CampaignIn, data)
    if item.ends_on is not None and item.ends_on < item.starts_on:
        raise InputRejected([Problem("ends_on", "the campaign cannot end before it starts")], "record refused")
    if (found := _existing(session, PublicityCampaign, item.client_key)) is not None:
        return Recorded(found, False)
    row = PublicityCampaign(client_key=item.client_key, name=item.name, theme=item.theme, starts_on=item.starts_on,
                            ends_on=item.ends_on, created_at=clock.now(), created_by=actor.username[:64])
    return _finish(session, actor, "publicity.campaign", row, {"name": item.name})


def record_event(session: Session, actor: Actor, data: dict) -> Recorded:
    """One 五进 or media event; a station officer's event is their station's."""
    check(actor, Permission.PUBLICITY_RECORD, object_type="publicity")
    item = parse(EventIn, data)
    if (found := _existing(session, PublicityEvent, item.client_key)) is not None:
        return Recorded(found, False)
    region = _region(session, actor, item.region, city_wide_ok=False)
    station_id = None
    if actor.scope is Scope.STATION:
        station_id = actor.org_id
    elif item.station:
        station_id = station_org_id(session, region, item.station)
        if station_id is None:
            raise InputRejected([Problem("station", f"{item.station!r} is not a police station of {region}")],
                                "unknown station")
    if item.campaign_id is not None and session.get(PublicityCampaign, item.campaign_id) is None:
        raise InputRejected([Problem("campaign_id", f"there is no campaign #{item.campaign_id}")], "unknown campaign")
    row = PublicityEvent(client_key=item.client_key, campaign_id=item.campaign_id, kind=item.kind.value,
                         title=item.title, place=item.place, region=region, station_id=station_id,
                         held_on=item.held_on, audience=item.audience, materials=item.materials,
                         people_reached=item.people_reached, fraud_types=item.fraud_types, note=item.note,
                         created_at=clock.now(), created_by=actor.username[:64])
    return _finish(session, actor, "publicity.event", row, {
        "kind": row.kind, "region": region, "held_on": row.held_on.isoformat(), "people_reached": row.people_reached})


def record_sms(session: Session, actor: Actor, data: dict) -> Recorded:
    check(actor, Permission.PUBLICITY_RECORD, object_type="publicity")
    item = parse(SmsIn, data)
    if item.delivered is not None and item.delivered > item.sent:
        raise InputRejected([Problem("delivered", "cannot exceed the messages sent")], "record refused")
    if (found := _existing(session, PublicSmsBroadcast, item.client_key)) is not None:
        return Recorded(found, False)
    region = _region(session, actor, item.region)
    row = PublicSmsBroadcast(client_key=item.client_key, sent_on=item.sent_on, region=region,
                             age_group=item.age_group.value, fraud_types=item.fraud_types, text=item.text,
                             sent=item.sent, delivered=item.delivered, created_at=clock.now(),
                             created_by=actor.username[:64])
    return _finish(session, actor, "publicity.sms", row, {"region": region, "sent": item.sent,
                                                          "age_group": row.age_group})


def record_media(session: Session, actor: Actor, data: dict) -> Recorded:
    check(actor, Permission.PUBLICITY_RECORD, object_type="publicity")
    item = parse(MediaIn, data)
    if (found := _existing(session, MediaItem, item.client_key)) is not None:
        return Recorded(found, False)
    region = _region(session, actor, item.region)
    row = MediaItem(client_key=item.client_key, kind=item.kind.value, outlet=item.outlet, title=item.title,
                    published_on=item.published_on, region=region, reach=item.reach, fraud_types=item.fraud_types,
                    link=item.link, created_at=clock.now(), created_by=actor.username[:64])
    return _finish(session, actor, "publicity.media", row, {"outlet": item.outlet, "reach": item.reach})


def record_consultation(session: Session, actor: Actor, data: dict) -> Recorded:
    check(actor, Permission.PUBLICITY_RECORD, object_type="publicity")
    item = parse(ConsultationIn, data)
    if (found := _existing(session, Consultation, item.client_key)) is not None:
        return Recorded(found, False)
    region = _region(session, actor, item.region)
    row = Consultation(client_key=item.client_key, at=item.at, channel=item.channel.value, topic=item.topic,
                       question=item.question, region=region, answered=item.answered, created_at=clock.now(),
                       created_by=actor.username[:64])
    return _finish(session, actor, "publicity.consultation", row, {"channel": row.channel, "topic": row.topic,
                                                                  "answered": row.answered})
