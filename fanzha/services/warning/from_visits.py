"""Visits to fraud sites become warning signals (涉诈网址/APP访问预警 → 预警线索).

The center's list of fraud sites is every URL and app named in a filed case (case contacts of
kind url or app, as the public risk look-up reads them). A stored visit matches a site when its
site key (domain/fraud_site.py) equals the site's and it happened no earlier than ``LOOK_BACK``
before the first case naming the site was filed. Each match is a ``fraud_url`` signal at stage
``engaged`` on the visitor's open lead (signals.py merges one person's signals into one lead and
takes each visit once), with the naming case's fraud type and report id as evidence.

A victim of a case naming the site is not warned about it: they reported it themselves.

Both directions use the same rule: visits arriving (stream or file) are screened against the
list at once, and ``signals_for_new_sites`` screens the visits already stored when a newly filed
case names a site.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_site import LOOK_BACK, VisitKind, try_site_key
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.warning_lead import LeadSource, Stage
from fanzha.services.warning.signals import SignalIn, take_signal
from fanzha.store.models import Case, CaseContact, Person, Phone, SiteVisit

SITE_SCREEN = Actor.system("site-screen")
SITE_CONTACTS = ("url", "app")
_VICTIM_CHUNK = 1000


@dataclass(frozen=True)
class NamingCase:
    """One filed case naming one site."""

    case_id: int
    report_id: str
    fraud_type: FraudType | None
    filed_at: datetime  # the report's time: the site is listed from then (less LOOK_BACK)
    entered_at: datetime  # when the case entered the platform (for "newly filed" checks)
    victim_id: int


@dataclass(frozen=True)
class Visit:
    """What screening needs of a stored visit."""

    record_key: str
    msisdn: str
    visit_time: datetime
    visit_kind: str  # url / app
    target: str
    host: str  # the site key


def _fraud_type(value: str | None) -> FraudType | None:
    try:
        return FraudType(value) if value else None
    except ValueError:
        return None


class FraudSites:
    """The list of fraud sites: (kind, site key) → the cases naming it, earliest filed first."""

    def __init__(self, naming: dict[tuple[str, str], list[NamingCase]], version: tuple = ()) -> None:
        self.naming = naming
        self.version = version

    @classmethod
    def load(cls, session: Session) -> FraudSites:
        rows = session.execute(
            select(CaseContact.kind, CaseContact.value, Case.id, Case.report_id, Case.fraud_type, Case.reported_at,
                   Case.created_at, Case.victim_id)
            .join(Case, Case.id == CaseContact.case_id).where(CaseContact.kind.in_(SITE_CONTACTS)))
        naming: dict[tuple[str, str], dict[int, NamingCase]] = {}
        for kind, value, case_id, report_id, fraud_type, reported_at, created_at, victim_id in rows:
            case = NamingCase(case_id, report_id, _fraud_type(fraud_type), reported_at, created_at, victim_id)
            keys = [(kind, try_site_key(kind, value))]
            if kind == VisitKind.APP and "://" in value:  # an app given by its download address
                keys.append((VisitKind.URL.value, try_site_key(VisitKind.URL, value)))
            for site in keys:
                if site[1]:
                    naming.setdefault(site, {})[case_id] = case
        ordered = {site: sorted(cases.values(), key=lambda c: (c.filed_at, c.case_id))
                   for site, cases in naming.items()}
        return cls(ordered, sites_version(session))

    def __len__(self) -> int:
        return len(self.naming)

    def keys(self) -> set[str]:
        """Every listed site key (of either kind)."""
        return {key for _, key in self.naming}

    def cases(self, kind: str, key: str) -> list[NamingCase]:
        return self.naming.get((kind, key), [])

    def match(self, visit: Visit) -> list[NamingCase]:
        """The cases whose listing covers this visit (empty: not a listed site, or too early)."""
        return [c for c in self.cases(visit.visit_kind, visit.host) if visit.visit_time >= c.filed_at - LOOK_BACK]


def sites_version(session: Session) -> tuple:
    """Changes whenever a case's URL or app is added or removed: (count, largest id)."""
    return tuple(session.execute(select(func.count(CaseContact.id), func.max(CaseContact.id))
                                 .where(CaseContact.kind.in_(SITE_CONTACTS))).one())


def _victim_numbers(session: Session, victim_ids: set[int]) -> set[str]:
    numbers: set[str] = set()
    ids = sorted(victim_ids)
    for start in range(0, len(ids), _VICTIM_CHUNK):
        chunk = ids[start:start + _VICTIM_CHUNK]
        numbers.update(session.scalars(select(Phone.number).where(Phone.person_id.in_(chunk))))
        numbers.update(n for n in session.scalars(select(Person.phone).where(Person.id.in_(chunk))) if n)
    return numbers


def signals_for_visits(session: Session, visits: Iterable[Visit], sites: FraudSites) -> list[int]:
    """Take a signal for every visit to a listed site; the ids of the leads given a new signal."""
    hits = [(v, cases) for v in visits if (cases := sites.match(v))]
    if not hits:
        return []
    victims = _victim_numbers(session, {c.victim_id for _, cases in hits for c in cases})
    leads: list[int] = []
    for visit, cases in sorted(hits, key=lambda hit: (hit[0].visit_time, hit[0].record_key)):
        if visit.msisdn in victims:
            continue
        case = cases[0]
        fraud_type = next((c.fraud_type for c in cases if c.fraud_type is not None), None)
        try:
            taken = take_signal(session, SITE_SCREEN, SignalIn(
                source=LeadSource.FRAUD_URL, ref=f"visit:{visit.record_key}", at=visit.visit_time,
                phone=visit.msisdn, stage=Stage.ENGAGED, fraud_type=fraud_type,
                evidence={"target": visit.target, "host": visit.host, "visit_kind": visit.visit_kind,
                          "report_id": case.report_id, "case_id": case.case_id}))
        except InputRejected:  # a person the city cannot place: nobody to send the lead to
            continue
        if not taken.repeat:
            leads.append(taken.lead.id)
    return leads


def _visits(rows) -> list[Visit]:
    return [Visit(r.record_key, r.msisdn, r.visit_time, r.visit_kind, r.target, r.host) for r in rows]


def stored_visits(session: Session, sites: Sequence[tuple[str, str]], earliest: datetime) -> list[Visit]:
    """Stored visits to ``sites`` ((kind, key) pairs) from ``earliest`` on."""
    wanted = set(sites)
    keys = sorted({key for _, key in wanted})
    found: list[Visit] = []
    for start in range(0, len(keys), 500):  # through the (host, visit_time) index
        rows = session.scalars(select(SiteVisit).where(SiteVisit.host.in_(keys[start:start + 500]),
                                                       SiteVisit.visit_time >= earliest))
        found += [v for v in _visits(rows) if (v.visit_kind, v.host) in wanted]
    return found


def signals_for_new_sites(session: Session, since: datetime, sites: FraudSites | None = None) -> list[int]:
    """Cases that entered the platform from ``since`` on named these sites: the visits already
    stored to them (from ``LOOK_BACK`` before each case's report) become signals now.

    Safe to run again over the same period (each visit is taken once). Returns the leads touched.
    """
    if since.tzinfo is None:
        raise ValueError("since must carry a zone")
    sites = sites or FraudSites.load(session)
    fresh = {site: min(c.filed_at for c in cases if c.entered_at >= since)
             for site, cases in sites.naming.items() if any(c.entered_at >= since for c in cases)}
    if not fresh:
        return []
    earliest = min(fresh.values()) - LOOK_BACK
    return signals_for_visits(session, stored_visits(session, list(fresh), earliest), sites)
