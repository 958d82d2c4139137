"""Detecting series on the store and keeping them (串并案研判), idempotently.

Running detection again never undoes an analyst: series that were confirmed, rejected, merged or
split, and candidates an analyst renamed, are kept with their cases and decisions. Undecided
candidates are brought up to date: a detected group that overlaps an undecided candidate by at
least half (Jaccard) updates it in place (same id and number); candidates no group matches are
removed; a group that only repeats what analysts already decided (its cases all inside a kept
series, or exactly a rejected one) is not proposed again.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.entity_graph import SeriesState
from fanzha.domain.permissions import Permission
from fanzha.engines.series_detection import SeriesDetection, SeriesRules, detect_series, summarise
from fanzha.services import audit
from fanzha.services.analysis.series_incidence import StoreIncidence, store_incidence
from fanzha.store.models import Series, SeriesCase, SeriesDecision


@dataclass
class SeriesRun:
    cases: int = 0
    series_found: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0
    skipped: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    rule: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"cases": self.cases, "series_found": self.series_found, "created": self.created,
                "updated": self.updated, "removed": self.removed, "kept": self.kept, "skipped": self.skipped,
                "methods": self.methods, "rule": self.rule, "seconds": round(self.seconds, 2)}


@dataclass
class Group:
    """One detected series, ready to store."""

    case_ids: list[int]
    method: str
    victims: int
    loss_fen: int
    fraud_types: dict[str, int]
    key_entities: list[dict]
    reasons: dict[int, list[dict]]
    first_at: object
    last_at: object


def groups_from(si: StoreIncidence, det: SeriesDetection) -> list[Group]:
    out = []
    victim = si.incidence.victim

    def ent(e: int) -> dict:
        return {"entity_id": int(si.entity_ids[e]), "kind": si.entity_kind[e], "key": si.entity_key[e]}

    for k in range(det.n_series):
        rows = det.cases_of(k)
        keys = [ent(e) | {"cases": c, "victims": v} for e, c, v in det.key_entities(k)]
        reasons = {int(si.case_ids[r]): [ent(e) for e in es] for r, es in det.reasons(k).items()}
        times = [si.reported_at[r] for r in rows]
        out.append(Group(
            case_ids=sorted(int(si.case_ids[r]) for r in rows), method=det.method[k],
            victims=len(set(victim[rows].tolist())), loss_fen=int(si.loss_fen[rows].sum()),
            fraud_types=dict(Counter(si.fraud_type[r] or "unknown" for r in rows).most_common()),
            key_entities=keys, reasons=reasons, first_at=min(times), last_at=max(times)))
    return out


def detect_and_store(session: Session, actor: Actor, rules: SeriesRules | None = None) -> SeriesRun:
    """Detect series on the graph and store them as candidates. Needs analysis.work; audited."""
    check(actor, Permission.ANALYSIS_WORK, object_type="series")
    started = time.perf_counter()
    si = store_incidence(session.connection())
    det = detect_series(si.incidence, rules)
    groups = groups_from(si, det)
    run = SeriesRun(cases=len(si.case_ids), series_found=len(groups), rule=det.rules.describe(),
                    methods=dict(Counter(det.method)))
    store_groups(session, groups, run)
    run.seconds = time.perf_counter() - started
    audit.record(session, actor, "series.detect", object_type="series", detail=run.as_dict())
    return run


def summarise_cases(session: Session, case_ids: list[int], method: str = "analyst") -> Group:
    """A series' figures, key entities and reasons for a set of cases an analyst chose."""
    si = store_incidence(session.connection(), case_ids)
    label = np.zeros(len(si.case_ids), dtype=np.int64)
    det = summarise(si.incidence, label, [method])
    if len(si.case_ids):
        return groups_from(si, det)[0]
    return Group(case_ids=sorted(case_ids), method=method, victims=0, loss_fen=0, fraud_types={}, key_entities=[],
                 reasons={}, first_at=None, last_at=None)


def _case_sets(session: Session, ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {i: set() for i in ids}
    for i in range(0, len(ids), 500):
        for sid, cid in session.execute(select(SeriesCase.series_id, SeriesCase.case_id)
                                        .where(SeriesCase.series_id.in_(ids[i:i + 500]))):
            out[sid].add(cid)
    return out


def store_groups(session: Session, groups: list[Group], run: SeriesRun) -> None:
    decided = set(session.scalars(select(SeriesDecision.series_id).distinct()))
    rows = session.execute(select(Series.id, Series.state)).all()
    candidates = [sid for sid, state in rows if state == SeriesState.CANDIDATE and sid not in decided]
    kept = [sid for sid, state in rows if sid not in candidates]
    rejected = {sid for sid, state in rows if state == SeriesState.REJECTED}
    kept_sets = _case_sets(session, kept)
    cand_sets = _case_sets(session, candidates)
    rejected_sets = {frozenset(kept_sets[sid]) for sid in rejected}
    holding_of: dict[int, set[int]] = {}  # case → kept (not rejected) series holding it
    for sid, cases in kept_sets.items():
        if sid not in rejected:
            for c in cases:
                holding_of.setdefault(c, set()).add(sid)
    candidate_of: dict[int, set[int]] = {}
    for sid, cases in cand_sets.items():
        for c in cases:
            candidate_of.setdefault(c, set()).add(sid)
    run.kept = len(kept)
    now = clock.now()
    used: set[int] = set()
    # Largest groups first claim their best-matching candidate.
    for g in sorted(groups, key=lambda g: -len(g.case_ids)):
        cases = set(g.case_ids)
        inside = set.intersection(*(holding_of.get(c, set()) for c in cases)) if cases else set()
        if inside or frozenset(cases) in rejected_sets:
            run.skipped += 1
            continue
        overlap = Counter(sid for c in cases for sid in candidate_of.get(c, ()) if sid not in used)
        best, best_j = None, 0.0
        for sid, both in overlap.items():
            j = both / len(cases | cand_sets[sid])
            if j > best_j:
                best, best_j = sid, j
        if best is not None and best_j >= 0.5:
            used.add(best)
            series = session.get(Series, best)
            _fill(series, g, now)
            if cand_sets[best] != cases:
                session.execute(delete(SeriesCase).where(SeriesCase.series_id == best))
                session.flush()
                session.add_all(_series_cases(best, g))
            else:
                for sc in session.scalars(select(SeriesCase).where(SeriesCase.series_id == best)):
                    sc.reason = g.reasons.get(sc.case_id, [])
            run.updated += 1
        else:
            series = Series(series_no=f"TMP-{len(used)}-{id(g)}"[:32], state=SeriesState.CANDIDATE.value,
                            method=g.method, note="")
            _fill(series, g, now)
            session.add(series)
            session.flush()
            series.series_no = series_number(series.id, now)
            session.add_all(_series_cases(series.id, g))
            run.created += 1
    stale = [sid for sid in candidates if sid not in used]
    for i in range(0, len(stale), 500):
        part = stale[i:i + 500]
        session.execute(delete(SeriesCase).where(SeriesCase.series_id.in_(part)))
        session.execute(delete(Series).where(Series.id.in_(part)))
    run.removed = len(stale)
    session.flush()


def series_number(series_id: int, at) -> str:
    return f"CB-{at.astimezone(clock.CENTER_TZ):%Y%m%d}-{series_id:04d}"


def _fill(series: Series, g: Group, now) -> None:
    series.method = g.method
    series.cases = len(g.case_ids)
    series.victims = g.victims
    series.loss_fen = g.loss_fen
    series.fraud_types = g.fraud_types
    series.key_entities = g.key_entities
    series.first_at = g.first_at
    series.last_at = g.last_at
    series.detected_at = now


def _series_cases(series_id: int, g: Group) -> list[SeriesCase]:
    return [SeriesCase(series_id=series_id, case_id=c, reason=g.reasons.get(c, [])) for c in g.case_ids]


def series_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Series)) or 0)


__all__ = ["detect_and_store", "SeriesRun", "Group", "groups_from", "store_groups", "series_number", "summarise_cases"]
