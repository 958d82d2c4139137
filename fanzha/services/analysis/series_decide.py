"""Analysts' decisions on series (串并案研判结论): confirm, reject, merge, split, rename.

Every decision is a SeriesDecision row and an audit entry in the same transaction, and needs
analysis.work on every case of the series (a county analyst decides their county's series).
Merging makes one new confirmed series of all the cases (the merged ones point at it); splitting
moves the chosen cases into a new series and the rest into another, both confirmed and pointing
at the original (parent_id). Merged and split series are history: they
take no further decision.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, case_in_scope, check
from fanzha.domain.actor import Actor
from fanzha.domain.entity_graph import SeriesState
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services import audit
from fanzha.services.analysis.series_detect import (
    Group,
    _fill,
    _series_cases,
    series_number,
    summarise_cases,
)
from fanzha.store.models import Case, Series, SeriesCase, SeriesDecision

FINAL = (SeriesState.MERGED.value, SeriesState.SPLIT.value)
NOTE_MAX = 2000
NAME_MAX = 128


class SeriesNotFound(InputRejected):
    """No series with this id."""


def load_series(session: Session, actor: Actor, series_id: int, permission: Permission) -> Series:
    check(actor, permission, object_type="series", object_id=series_id)
    series = session.get(Series, series_id)
    if series is None:
        raise SeriesNotFound([Problem("series_id", f"series #{series_id} does not exist; pick one from the list")],
                             "unknown series")
    if not actor.is_system and not all(case_in_scope(actor, r, s) for r, s in _case_areas(session, series_id)):
        raise AccessDenied(actor, permission, "scope", object_type="series", object_id=series_id)
    return series


def _case_areas(session: Session, series_id: int) -> list[tuple[str, int | None]]:
    return session.execute(select(Case.region, Case.station_id).join(SeriesCase, SeriesCase.case_id == Case.id)
                           .where(SeriesCase.series_id == series_id)).all()


def _open(series: Series) -> None:
    if series.state in FINAL:
        raise InputRejected([Problem("state", f"series {series.series_no} was {series.state} already; "
                                     "decide on the series that replaced it")], "series closed")


def _decide(session: Session, actor: Actor, series: Series, action: str, detail: dict, note: str) -> None:
    at = clock.now()
    session.add(SeriesDecision(series_id=series.id, at=at, actor=actor.username[:64], action=action, detail=detail,
                               note=note))
    if action != "rename":
        series.decided_at = at
        series.decided_by = actor.username[:64]
    audit.record(session, actor, f"series.{action}", object_type="series", object_id=series.id,
                 detail={"series_no": series.series_no, **detail, "note": note[:200]})


def _note(note: str | None) -> str:
    return (note or "").strip()[:NOTE_MAX]


def confirm(session: Session, actor: Actor, series_id: int, note: str = "") -> Series:
    """These cases are one gang (已串并)."""
    series = load_series(session, actor, series_id, Permission.ANALYSIS_WORK)
    _open(series)
    before = series.state
    series.state = SeriesState.CONFIRMED.value
    _decide(session, actor, series, "confirm", {"from": before}, _note(note))
    return series


def reject(session: Session, actor: Actor, series_id: int, note: str = "") -> Series:
    """These cases are not one gang (不串并); a reason is required."""
    series = load_series(session, actor, series_id, Permission.ANALYSIS_WORK)
    _open(series)
    note = _note(note)
    if len(note) < 2:
        raise InputRejected([Problem("note", "say why these cases are not one gang")], "reason missing")
    before = series.state
    series.state = SeriesState.REJECTED.value
    _decide(session, actor, series, "reject", {"from": before}, note)
    return series


def rename(session: Session, actor: Actor, series_id: int, name: str, note: str = "") -> Series:
    series = load_series(session, actor, series_id, Permission.ANALYSIS_WORK)
    name = (name or "").strip()
    if not name:
        raise InputRejected([Problem("name", "give the series a name, e.g. the gang's nickname")], "name missing")
    if len(name) > NAME_MAX:
        raise InputRejected([Problem("name", f"at most {NAME_MAX} characters")], "name too long")
    _decide(session, actor, series, "rename", {"old": series.name, "new": name}, _note(note))
    series.name = name
    return series


def _new_series(session: Session, g: Group, name: str | None, parent_id: int | None, method: str) -> Series:
    now = clock.now()
    series = Series(series_no=f"TMP-{id(g)}"[:32], state=SeriesState.CONFIRMED.value, method=method, name=name,
                    note="", parent_id=parent_id)
    _fill(series, g, now)
    session.add(series)
    session.flush()
    series.series_no = series_number(series.id, now)
    session.add_all(_series_cases(series.id, g))
    session.flush()
    return series


def merge(session: Session, actor: Actor, series_ids: list[int], name: str | None = None, note: str = "") -> Series:
    """Two or more series are one gang: one new confirmed series holds all their cases."""
    ids = list(dict.fromkeys(int(i) for i in series_ids))
    if len(ids) < 2:
        raise InputRejected([Problem("series_ids", "choose two or more series to merge")], "nothing to merge")
    parts = [load_series(session, actor, i, Permission.ANALYSIS_WORK) for i in ids]
    for s in parts:
        _open(s)
    cases = sorted(set(session.scalars(select(SeriesCase.case_id).where(SeriesCase.series_id.in_(ids)))))
    g = summarise_cases(session, cases, "analyst")
    merged = _new_series(session, g, (name or "").strip()[:NAME_MAX] or parts[0].name, None, "analyst")
    note = _note(note)
    for s in parts:
        s.state = SeriesState.MERGED.value
        s.parent_id = merged.id
        _decide(session, actor, s, "merge", {"into": merged.id}, note)
    _decide(session, actor, merged, "merge", {"from": ids}, note)
    return merged


def split(session: Session, actor: Actor, series_id: int, case_ids: list[int], note: str = "") -> tuple[Series, Series]:
    """The chosen cases are another gang: they become one series and the rest another."""
    series = load_series(session, actor, series_id, Permission.ANALYSIS_WORK)
    _open(series)
    have = set(session.scalars(select(SeriesCase.case_id).where(SeriesCase.series_id == series_id)))
    chosen = {int(c) for c in case_ids}
    problems = []
    if not chosen:
        problems.append(Problem("case_ids", "choose the cases that go into the new series"))
    if chosen - have:
        problems.append(Problem("case_ids", f"cases {sorted(chosen - have)} are not in series {series.series_no}"))
    if chosen and chosen >= have:
        problems.append(Problem("case_ids", "leave at least one case in the series; to undo it, reject it"))
    if problems:
        raise InputRejected(problems, "split refused")
    note = _note(note)
    first = _new_series(session, summarise_cases(session, sorted(chosen)), None, series.id, "analyst")
    rest = _new_series(session, summarise_cases(session, sorted(have - chosen)), series.name, series.id, "analyst")
    series.state = SeriesState.SPLIT.value
    _decide(session, actor, series, "split", {"parts": [first.id, rest.id], "cases": sorted(chosen)}, note)
    for part in (first, rest):
        _decide(session, actor, part, "split", {"from": series.id}, note)
    return first, rest


__all__ = ["confirm", "reject", "rename", "merge", "split", "load_series", "SeriesNotFound"]
