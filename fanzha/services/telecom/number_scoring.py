"""Scoring every number from the records in hand (涉诈号码研判), for officers to review.

The features come from the stored call and SMS records of a window (DuckDB, engines.number_features),
with the contact graph. What the center already knows labels the table: numbers victims reported
(case contacts) and numbers on the block list from cases are fraud (1); residents' registered
phones not flagged are clean (0) — a stated assumption: real-name numbers of the city's own
residents are overwhelmingly ordinary; everything else is unknown (-1) and is what gets scored.
The model (engines.number_model, LightGBM) learns from the labelled rows and scores the unknown
ones; those at or above the threshold become candidates with their top reasons. An officer
orders a re-verification (24 hours, source "model") or dismisses the candidate with a note; a
reviewed number keeps its decision when later runs score it again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.contact import ContactKind
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.engines.number_features import FEATURES, number_features
from fanzha.engines.number_model import UNKNOWN, NumberModel
from fanzha.services import audit
from fanzha.services.telecom.number_orders import raise_from_model
from fanzha.store.db import Database
from fanzha.store.models import (
    BlockListEntry,
    CallRecord,
    Case,
    CaseContact,
    NumberScore,
    Person,
    Phone,
    SmsRecord,
)

DEFAULT_DAYS = 30
PENDING, ORDERED, DISMISSED = "pending", "ordered", "dismissed"
MIN_LABELLED = 5  # fewer known fraud numbers than this: nothing to learn from yet


@dataclass
class ScoringRun:
    numbers: int = 0
    fraud_known: int = 0
    clean_known: int = 0
    scored: int = 0
    threshold: float | None = None
    candidates: int = 0  # at or above the threshold
    new_candidates: int = 0
    seconds: float = 0.0
    skipped_reason: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _local(series: pl.Series) -> pl.Series:
    """Stored UTC times as the center's wall-clock time, which the feature engine reads."""
    return series.dt.replace_time_zone("UTC").dt.convert_time_zone(str(clock.CENTER_TZ)).dt.replace_time_zone(None)


def _records(db: Database, start: datetime, end: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    with db.engine.connect() as conn:
        calls = conn.execute(select(CallRecord.msisdn, CallRecord.other, CallRecord.call_type, CallRecord.start_time,
                                    CallRecord.duration_s, CallRecord.cell_id, CallRecord.imei)
                             .where(CallRecord.start_time >= start, CallRecord.start_time < end)).all()
        sms = conn.execute(select(SmsRecord.msisdn, SmsRecord.other, SmsRecord.direction, SmsRecord.time)
                           .where(SmsRecord.time >= start, SmsRecord.time < end)).all()
    call_frame = pl.DataFrame(calls, schema={"msisdn": pl.String, "other": pl.String, "call_type": pl.String,
                                             "start_time": pl.Datetime("us"), "duration_s": pl.Int64,
                                             "cell_id": pl.String, "imei": pl.String}, orient="row")
    sms_frame = pl.DataFrame(sms, schema={"msisdn": pl.String, "other": pl.String, "direction": pl.String,
                                          "time": pl.Datetime("us")}, orient="row")
    return (call_frame.with_columns(_local(call_frame["start_time"])),
            sms_frame.with_columns(_local(sms_frame["time"])))


def known_numbers(session: Session) -> tuple[set[str], set[str], set[str]]:
    """(fraud, clean, victims): what the center knows before scoring."""
    reported = set(session.scalars(select(CaseContact.value).where(CaseContact.kind == ContactKind.PHONE.value)))
    listed = set(session.scalars(select(BlockListEntry.number).where(BlockListEntry.provenance == "case",
                                                                     BlockListEntry.lifted_at.is_(None))))
    fraud = {n.strip() for n in reported | listed if n}
    residents = set(session.scalars(select(Phone.number).where(Phone.person_id.is_not(None))))
    victims = set(session.scalars(select(Person.phone).join(Case, Case.victim_id == Person.id)
                                  .where(Person.phone.is_not(None))))
    return fraud, residents - fraud, victims


def score_numbers(db: Database, actor: Actor, *, end: datetime | None = None, days: int = DEFAULT_DAYS,
                  threshold: float | None = None) -> ScoringRun:
    """Score every number seen in the window and keep the candidates for review.

    ``threshold``: by default the model's own, the one that maximised F1 on the known numbers out
    of fold (with few known fraud numbers, scores run low while the ranking stays good).
    """
    check(actor, Permission.NUMBERS_ORDER, object_type="number_score")
    started = clock.now()
    with db.session() as session:
        latest = session.scalar(select(CallRecord.start_time).order_by(CallRecord.start_time.desc()).limit(1))
        fraud, clean, victims = known_numbers(session)
    end = end or (latest + timedelta(seconds=1) if latest else started)
    start = end - timedelta(days=days)
    run = ScoringRun(fraud_known=len(fraud))
    calls, sms = _records(db, start, end)
    if calls.height == 0 and sms.height == 0:
        run.skipped_reason = "no call or SMS records in the window; import them first"
        return run
    features = number_features(calls, sms, start=start, end=end, known_fraud=sorted(fraud),
                               known_victims=sorted(victims))
    numbers = features.numbers
    run.numbers = len(numbers)
    y = np.array([1 if n in fraud else 0 if n in clean else UNKNOWN for n in numbers], dtype=np.int64)
    run.clean_known = int((y == 0).sum())
    if (y == 1).sum() < MIN_LABELLED or (y == 0).sum() < MIN_LABELLED:
        run.skipped_reason = (f"too few known numbers to learn from ({int((y == 1).sum())} fraud, "
                              f"{int((y == 0).sum())} clean; at least {MIN_LABELLED} each)")
        return run
    x = features.table.select(FEATURES)
    model = NumberModel(n_estimators=200).fit(x, y, features.graph)
    scores = model.predict_proba(x, features.graph)[:, 1]
    run.threshold = float(model.threshold_ if threshold is None else threshold)
    unknown = np.flatnonzero(y == UNKNOWN)
    run.scored = len(unknown)
    flagged = unknown[scores[unknown] >= run.threshold]
    run.candidates = len(flagged)
    explained = {e["row"]: e for e in model.explain(x, features.graph, rows=flagged)} if len(flagged) else {}
    at = clock.now()
    with db.session() as session:
        existing = {s.number: s for s in session.scalars(select(NumberScore).where(
            NumberScore.number.in_([numbers[i] for i in flagged])))} if len(flagged) else {}
        for i in flagged:
            number = numbers[i]
            reasons = [{"feature": t["feature"], "value": t["value"], "contribution": round(t["contribution"], 4)}
                       for t in explained[int(i)]["top"]]
            row = existing.get(number)
            if row is None:
                session.add(NumberScore(number=number, score=float(scores[i]), reasons=reasons,
                                        window_days=float(days), scored_at=at, state=PENDING))
                run.new_candidates += 1
            else:
                row.score, row.reasons, row.scored_at, row.window_days = float(scores[i]), reasons, at, float(days)
        audit.record(session, actor, "numbers.score", object_type="number_score", detail=run.as_dict())
    run.seconds = (clock.now() - started).total_seconds()
    return run


def list_candidates(session: Session, actor: Actor, state: str | None = PENDING, limit: int = 200) -> list[NumberScore]:
    check(actor, Permission.NUMBERS_ORDER, object_type="number_score")
    query = select(NumberScore)
    if state:
        query = query.where(NumberScore.state == state)
    return list(session.scalars(query.order_by(NumberScore.score.desc(), NumberScore.id).limit(limit)))


def review_candidate(session: Session, actor: Actor, candidate_id: int, order: bool, note: str = "") -> NumberScore:
    """The officer's review: order a re-verification, or dismiss with a note (needed)."""
    check(actor, Permission.NUMBERS_ORDER, object_type="number_score", object_id=candidate_id)
    row = session.get(NumberScore, candidate_id, with_for_update=True)
    if row is None:
        raise InputRejected([Problem("candidate_id", f"no scored number #{candidate_id}")], "unknown candidate")
    if row.state != PENDING:
        raise InputRejected([Problem("candidate", f"{row.number} was already reviewed ({row.state})")], "reviewed")
    note = (note or "").strip()
    if not order and not note:
        raise InputRejected([Problem("note", "say why the number is dismissed")], "note missing")
    if order:
        raised = raise_from_model(session, actor, row.number, row.score, [r["feature"] for r in row.reasons])
        row.order_id = raised.order.id
    row.state = ORDERED if order else DISMISSED
    row.reviewed_at, row.reviewed_by, row.review_note = clock.now(), actor.username[:64], note or None
    audit.record(session, actor, "numbers.review", object_type="number_score", object_id=row.id,
                 detail={"number": row.number, "score": row.score, "decision": row.state, "note": row.review_note})
    session.flush()
    return row
