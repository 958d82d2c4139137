"""Where suspects and cards are (落地分布): suspects by the province and city they were traced to,
and the bank and phone cards seized there (cards seized without a suspect count under the county
that seized them). Counted in SQL; a table and bars, no map data needed."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.crackdown import SeizureKind, SuspectStatus
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.suspects import suspect_scope
from fanzha.store.models import Seizure, Suspect

UNKNOWN = "—"
LOCAL = "本地"


@dataclass
class Place:
    province: str
    city: str
    suspects: int = 0
    caught: int = 0  # caught or handed over
    bank_cards: int = 0
    phone_cards: int = 0


def where(session: Session, actor: Actor) -> list[Place]:
    """One row per province and city, the most suspects first."""
    check(actor, Permission.ANALYSIS_READ, object_type="suspect")
    terms = suspect_scope(session, actor)
    places: dict[tuple[str, str], Place] = {}

    def place(province: str | None, city: str | None) -> Place:
        key = (province or UNKNOWN, city or UNKNOWN)
        return places.setdefault(key, Place(*key))

    caught = (SuspectStatus.CAUGHT.value, SuspectStatus.HANDED_OVER.value)
    rows = session.execute(select(Suspect.province, Suspect.city, func.count(),
                                  func.sum(when((Suspect.status.in_(caught), 1), else_=0)))
                           .where(*terms).group_by(Suspect.province, Suspect.city))
    for province, city, n, n_caught in rows:
        p = place(province, city)
        p.suspects += n
        p.caught += int(n_caught or 0)
    cards = (SeizureKind.BANK_CARD.value, SeizureKind.PHONE_CARD.value)
    with_suspect = session.execute(
        select(Suspect.province, Suspect.city, Seizure.kind, func.sum(Seizure.count))
        .join(Suspect, Suspect.id == Seizure.suspect_id).where(Seizure.kind.in_(cards), *terms)
        .group_by(Suspect.province, Suspect.city, Seizure.kind))
    seized_terms = [] if not terms else [Seizure.region == actor.region]
    without = session.execute(select(Seizure.region, Seizure.kind, func.sum(Seizure.count))
                              .where(Seizure.suspect_id.is_(None), Seizure.kind.in_(cards), *seized_terms)
                              .group_by(Seizure.region, Seizure.kind))
    for province, city, kind, n in [*with_suspect, *((LOCAL, region, kind, n) for region, kind, n in without)]:
        p = place(province, city)
        if kind == SeizureKind.BANK_CARD:
            p.bank_cards += int(n or 0)
        else:
            p.phone_cards += int(n or 0)
    return sorted(places.values(), key=lambda p: (-p.suspects, -(p.bank_cards + p.phone_cards), p.province, p.city))


def by_province(places: list[Place]) -> list[dict]:
    """The rows summed per province, for the bars."""
    out: dict[str, dict] = {}
    for p in places:
        row = out.setdefault(p.province, {"province": p.province, "suspects": 0, "caught": 0, "cards": 0})
        row["suspects"] += p.suspects
        row["caught"] += p.caught
        row["cards"] += p.bank_cards + p.phone_cards
    return sorted(out.values(), key=lambda r: (-r["suspects"], -r["cards"], r["province"]))
