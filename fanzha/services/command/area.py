"""The area a statistic covers (统计范围): the whole city, one county, or one police station,
within what the actor's organisation sees (the same rule as the intake dashboard: the city center
sees all, a county center its county, a station its own area)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.services.organisations import known_regions, stations


@dataclass(frozen=True)
class Area:
    region: str | None = None  # county (区县); None: the whole city
    station_id: int | None = None  # police station's organisation id (派出所)
    station: str | None = None  # its name, 龙桥派出所

    @property
    def code(self) -> str:
        """What the URL and the command line write for it ('' for the city)."""
        return f"{self.region}{self.station}" if self.station else (self.region or "")

    def label(self, lang: str = "zh") -> str:
        if self.station:
            return f"{self.region}{self.station}"
        return self.region or ("全市" if lang == "zh" else "the whole city")


def resolve_area(session: Session, actor: Actor, text: str | None = None) -> Area:
    """The area named by ``text`` (a county 城厢区, a station 龙桥派出所 or 城厢区龙桥派出所; empty:
    the actor's whole area), refused when it lies outside what the actor sees."""
    scope = actor.scope
    if scope not in (Scope.ALL, Scope.COUNTY, Scope.STATION):
        raise AccessDenied(actor, Permission.STATS_READ, "scope")
    own = _own_area(session, actor)
    value = (text or "").strip()
    if not value or value in ("全市", "city"):
        return own
    area = _named(session, value)
    if area is None:
        counties = "、".join(known_regions(session))
        raise InputRejected([Problem("region", f"{value!r} is neither a county ({counties}) nor one of their "
                                               "police stations")], "area refused")
    if scope is Scope.COUNTY and area.region != actor.region or \
            scope is Scope.STATION and area.station_id != actor.org_id:
        raise AccessDenied(actor, Permission.STATS_READ, "scope", object_type="region", object_id=value)
    return area


def _own_area(session: Session, actor: Actor) -> Area:
    if actor.scope is Scope.ALL:
        return Area()
    if actor.scope is Scope.COUNTY:
        return Area(region=actor.region)
    name = next((n for i, n in stations(session).get(actor.region or "", []) if i == actor.org_id), None)
    return Area(region=actor.region, station_id=actor.org_id, station=name)


def _named(session: Session, value: str) -> Area | None:
    if value in known_regions(session):
        return Area(region=value)
    found = [Area(region, org_id, name) for region, items in stations(session).items()
             for org_id, name in items if value in (name, f"{region}{name}")]
    return found[0] if len(found) == 1 else None


def areas_in(session: Session, area: Area) -> list[Area]:
    """The parts the district table breaks ``area`` into: the city's counties, a county's stations."""
    if area.station_id is not None:
        return [area]
    if area.region is None:
        return [Area(region=r) for r in known_regions(session)]
    return [Area(area.region, org_id, name) for org_id, name in stations(session).get(area.region, [])]
