"""Organisations (单位): seed the city's hierarchy, the six banks and the three operators."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain.actor import Actor
from fanzha.domain.organisation import BANKS, OPERATORS, OrgKind
from fanzha.domain.permissions import Scope
from fanzha.domain.region import DEFAULT_CITY, CityLayout
from fanzha.store.models import Organisation


def seed_organisations(session: Session, layout: CityLayout = DEFAULT_CITY) -> dict[str, Organisation]:
    """Create what is missing of city → counties → stations, banks and operators; idempotent."""
    existing = {o.code: o for o in session.scalars(select(Organisation))}

    def ensure(code: str, name: str, kind: OrgKind, parent: Organisation | None, region: str | None):
        org = existing.get(code)
        if org is None:
            org = Organisation(code=code, name=name, kind=kind.value, parent=parent, region=region)
            session.add(org)
            existing[code] = org
        return org

    city = ensure("city", f"{layout.name}反诈中心", OrgKind.CITY_CENTER, None, None)
    for county in layout.counties:
        center = ensure(f"county-{county.code}", f"{county.name}反诈中心", OrgKind.COUNTY_CENTER, city, county.name)
        for index, station in enumerate(county.stations, start=1):
            ensure(f"station-{county.code}-{index}", f"{county.name}{station}", OrgKind.POLICE_STATION, center, county.name)
    for bank in BANKS:
        ensure(f"bank-{bank.code}", bank.name_zh, OrgKind.BANK, None, None)
    for op in OPERATORS:
        ensure(f"operator-{op.code}", op.name_zh, OrgKind.OPERATOR, None, None)
    session.flush()
    return existing


def county_center_for(session: Session, region: str) -> Organisation | None:
    """The county center that owns cases reported in a region."""
    return session.scalar(
        select(Organisation).where(
            Organisation.kind == OrgKind.COUNTY_CENTER.value, Organisation.region == region
        )
    )


def known_regions(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Organisation.region)
            .where(Organisation.kind == OrgKind.COUNTY_CENTER.value)
            .order_by(Organisation.id)
        )
    )


def regions_for(session: Session, actor: Actor) -> list[str]:
    """The counties ``actor`` may file and search cases in: all for the city, else its own."""
    regions = known_regions(session)
    if actor.scope is Scope.ALL:
        return regions
    return [r for r in regions if r == actor.region]


def stations(session: Session) -> dict[str, list[tuple[int, str]]]:
    """Each county's police stations: region → [(organisation id, station name 龙桥派出所)];
    read once per session (a bulk import asks for every report)."""
    cached = session.info.get("fanzha.stations")
    if cached:
        return cached
    found: dict[str, list[tuple[int, str]]] = {}
    for org_id, name, region in session.execute(
        select(Organisation.id, Organisation.name, Organisation.region)
        .where(Organisation.kind == OrgKind.POLICE_STATION.value).order_by(Organisation.id)
    ):
        found.setdefault(region, []).append((org_id, station_name(name, region)))
    session.info["fanzha.stations"] = found
    return found


def station_name(org_name: str, region: str | None) -> str:
    """城厢区龙桥派出所 → 龙桥派出所 (stations are seeded as county + station)."""
    return org_name.removeprefix(region or "")


def station_org_id(session: Session, region: str, name: str | None) -> int | None:
    """The organisation id of station ``name`` (龙桥派出所, or 城厢区龙桥派出所) in ``region``."""
    if not name:
        return None
    name = station_name(name.strip(), region)
    for org_id, station in stations(session).get(region, []):
        if station == name:
            return org_id
    return None
