"""Reading series (串并案) for the pages and the API: the list and one series in full.

Needs analysis.read. A city analyst sees every series; a county analyst the series with a case in
their county. Phone and card numbers and victims' names are masked here, once, for pages and API
alike; the entity's id links to the link chart where an analyst goes on.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.entity_graph import SeriesState
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.privacy import mask_account, mask_name, mask_phone
from fanzha.services.analysis.series_decide import load_series
from fanzha.store.models import Case, Person, Series, SeriesCase, SeriesDecision

MAX_PER_PAGE = 200


def shown(kind: str, key: str) -> str:
    if kind == "phone":
        return mask_phone(key)
    if kind == "account":
        return mask_account(key)
    return key


def _entity(e: dict) -> dict:
    return {"entity_id": e.get("entity_id"), "kind": e.get("kind"), "label": shown(e.get("kind", ""), e.get("key", "")),
            **({"cases": e["cases"], "victims": e["victims"]} if "cases" in e else {})}


def _scope_filter(actor: Actor):
    if actor.scope is Scope.ALL:
        return None
    inside = select(SeriesCase.series_id).join(Case, Case.id == SeriesCase.case_id)
    if actor.scope is Scope.COUNTY:
        inside = inside.where(Case.region == actor.region)
    elif actor.scope is Scope.STATION:
        inside = inside.where(Case.station_id == actor.org_id)
    else:
        inside = inside.where(False)
    return Series.id.in_(inside)


def _iso(value) -> str | None:
    """Times as the API answers them: ISO 8601 in the center's zone (+08:00)."""
    return clock.local(value).isoformat() if value is not None else None


def summary(s: Series) -> dict:
    return {"id": s.id, "series_no": s.series_no, "name": s.name, "state": s.state, "method": s.method,
            "cases": s.cases, "victims": s.victims, "loss_fen": s.loss_fen, "fraud_types": s.fraud_types or {},
            "first_at": _iso(s.first_at),
            "last_at": _iso(s.last_at),
            "detected_at": _iso(s.detected_at),
            "parent_id": s.parent_id, "decided_by": s.decided_by,
            "decided_at": _iso(s.decided_at),
            "key_entities": [_entity(e) for e in (s.key_entities or [])[:5]]}


def list_series(session: Session, actor: Actor, state: str | None = None, *, limit: int = 50,
                offset: int = 0) -> dict:
    """Series by loss, largest first; ``state`` one of SeriesState (None: all but merged and split)."""
    check(actor, Permission.ANALYSIS_READ, object_type="series")
    if state and state not in {s.value for s in SeriesState}:
        known = ", ".join(s.value for s in SeriesState)
        raise InputRejected([Problem("state", f"unknown state {state!r}; use one of {known}")], "bad state")
    if not 1 <= limit <= MAX_PER_PAGE or offset < 0:
        raise InputRejected([Problem("limit", f"limit must be 1-{MAX_PER_PAGE} and offset 0 or more")], "bad page")
    terms = [Series.state == state] if state else [Series.state.not_in((SeriesState.MERGED, SeriesState.SPLIT))]
    scope = _scope_filter(actor)
    if scope is not None:
        terms.append(scope)
    total = int(session.scalar(select(func.count()).select_from(Series).where(*terms)) or 0)
    rows = session.scalars(select(Series).where(*terms).order_by(Series.loss_fen.desc(), Series.id)
                           .limit(limit).offset(offset)).all()
    scope_terms = [scope] if scope is not None else []
    counts = dict(session.execute(select(Series.state, func.count()).where(*scope_terms)
                                  .group_by(Series.state)).all())
    return {"total": total, "limit": limit, "offset": offset, "state": state,
            "by_state": {s.value: int(counts.get(s.value, 0)) for s in SeriesState},
            "series": [summary(s) for s in rows]}


def series_detail(session: Session, actor: Actor, series_id: int) -> dict:
    """One series: its figures, cases with the reason each is in, key entities and decisions."""
    s = load_series(session, actor, series_id, Permission.ANALYSIS_READ)
    rows = session.execute(select(Case.id, Case.report_id, Case.reported_at, Case.region, Case.fraud_type,
                                  Case.loss_fen, Case.status, Person.name, SeriesCase.reason)
                           .join(SeriesCase, SeriesCase.case_id == Case.id).join(Person, Person.id == Case.victim_id)
                           .where(SeriesCase.series_id == series_id).order_by(Case.reported_at)).all()
    decisions = session.scalars(select(SeriesDecision).where(SeriesDecision.series_id == series_id)
                                .order_by(SeriesDecision.at, SeriesDecision.id)).all()
    children = session.execute(select(Series.id, Series.series_no, Series.state).where(Series.parent_id == series_id)
                               .order_by(Series.id)).all()
    parent = session.get(Series, s.parent_id) if s.parent_id else None
    out = summary(s)
    out["key_entities"] = [_entity(e) for e in s.key_entities or []]
    out["cases_list"] = [{"case_id": r.id, "report_id": r.report_id, "reported_at": _iso(r.reported_at),
                          "region": r.region, "fraud_type": r.fraud_type, "loss_fen": r.loss_fen, "status": r.status,
                          "victim": mask_name(r.name), "reason": [_entity(e) for e in r.reason or []]}
                         for r in rows]
    out["decisions"] = [{"id": d.id, "at": _iso(d.at), "actor": d.actor, "action": d.action,
                         "detail": d.detail or {}, "note": d.note} for d in decisions]
    out["children"] = [{"id": c.id, "series_no": c.series_no, "state": c.state} for c in children]
    out["parent"] = {"id": parent.id, "series_no": parent.series_no, "state": parent.state} if parent else None
    out["note"] = s.note
    return out


__all__ = ["list_series", "series_detail", "summary", "shown"]
