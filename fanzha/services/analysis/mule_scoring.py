"""Scoring the store's accounts, phone cards and card holders (两卡研判、帮信), for the analysis desk.

Accounts: features from every stored statement posting (``engines.mule_features``), with the
cases' reported payments and the fund traces from them through the same postings; scored by the
shipped mule model (``fanzha/models/mule_accounts.json.gz``, trained on a simulated city; it does
not read the account's age, which the store does not hold) or a model given. Flagged cards get a
typology from the flows among them and their top reasons. Accounts scoring below ``FLOOR`` are
not kept.

People: the holders of flagged cards (identity number where the account is linked to a person in
the register, else the holder's name on the statements), measured against the 帮信 rule
(``engines.mule_helpers``, ``domain.helping_rule``).

Phone cards: per-number features from the stored call and SMS records (``engines.mule_cards``),
learnt like the number desk's scoring: numbers victims reported (or listed from cases) are fraud,
residents' registered phones clean, a stated assumption. The holder's number count is shown but
not learnt from, because "registered" is what the clean label means here.

Each run replaces the previous one's rows in one transaction and is audited.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl
from sqlalchemy import delete, select

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission
from fanzha.engines.fund_tracing import LedgerIndex, Source, trace
from fanzha.engines.mule_cards import CARD_FEATURES, card_features, card_model
from fanzha.engines.mule_features import CaseEvidence, mule_features
from fanzha.engines.mule_helpers import evaluate_helpers
from fanzha.engines.mule_model import MuleModel, score_accounts
from fanzha.engines.mule_model_file import default_mule_model
from fanzha.engines.number_model import UNKNOWN
from fanzha.services import audit
from fanzha.services.telecom.number_scoring import _records, known_numbers
from fanzha.store.db import Database
from fanzha.store.models import (
    Account,
    CallRecord,
    CardScore,
    Case,
    CaseTransfer,
    HelperFlag,
    MuleScore,
    Person,
    Phone,
    StatementPosting,
)

FLOOR = 0.01  # accounts and numbers scoring below this are not kept
FIGURES = ("in_fen", "out_fen", "in_parties", "out_parties", "pass_6h_share", "device_other_holders",
           "traced_victims", "traced_level")
CARD_FIGURES = ("handset_numbers", "holder_numbers", "callees", "callee_dispersion", "imeis", "calls_out")
LEARNT_CARD_FEATURES = tuple(f for f in CARD_FEATURES if f != "holder_numbers")
CARD_DAYS = 30
MIN_KNOWN = 5


@dataclass
class MuleScoringRun:
    accounts: int = 0
    flagged: int = 0
    kept: int = 0
    helpers: int = 0  # holders of flagged cards
    serious: int = 0  # of them, meeting a 帮信 criterion
    numbers: int = 0
    cards_flagged: int = 0
    cards_skipped: str | None = None
    threshold: float | None = None
    seconds: float = 0.0
    skipped_reason: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _postings(db: Database) -> pl.DataFrame:
    cols = (StatementPosting.account, StatementPosting.account_name, StatementPosting.bank, StatementPosting.time,
            StatementPosting.direction, StatementPosting.amount_fen, StatementPosting.balance_fen,
            StatementPosting.counterparty_account, StatementPosting.channel, StatementPosting.memo,
            StatementPosting.ip, StatementPosting.mac, StatementPosting.txn_id)
    with db.engine.connect() as conn:
        rows = conn.execute(select(*cols)).all()
    schema = {"account": pl.String, "account_name": pl.String, "bank": pl.String,
              "time": pl.Datetime("us", "UTC"), "direction": pl.String, "amount_fen": pl.Int64,
              "balance_fen": pl.Int64, "counterparty_account": pl.String, "channel": pl.String, "memo": pl.String,
              "ip": pl.String, "mac": pl.String, "txn_id": pl.String}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _cases(db: Database, postings: pl.DataFrame) -> CaseEvidence:
    with db.session() as session:
        transfers = session.execute(select(Case.report_id, CaseTransfer.to_account, CaseTransfer.amount_fen,
                                           CaseTransfer.time, CaseTransfer.from_account)
                                    .join(Case, Case.id == CaseTransfer.case_id)).all()
    payments = [(t.to_account, t.report_id) for t in transfers]
    sources = [Source(victim=t.report_id, account=t.to_account, amount_fen=int(t.amount_fen),
                      time=t.time, from_account=t.from_account)
               for t in transfers]
    if not sources or postings.height == 0:
        return CaseEvidence(payments)
    return CaseEvidence.from_trace(payments, trace(LedgerIndex.from_postings(postings), sources, "proportional"))


def score_mules(db: Database, actor: Actor, *, model: MuleModel | None = None, cards: bool = True) -> MuleScoringRun:
    """Score every account with postings, flag 帮信 holders, score phone cards; keep the results."""
    check(actor, Permission.ANALYSIS_WORK, object_type="mule_score")
    began = time.perf_counter()
    run = MuleScoringRun()
    postings = _postings(db)
    if postings.height == 0:
        run.skipped_reason = "no statement postings in the store; import bank statements first"
        return run
    features = mule_features(postings, cases=_cases(db, postings))
    model = model or default_mule_model()
    scored = score_accounts(model, features)
    run.accounts, run.threshold = scored.height, float(model.threshold_)
    run.flagged = int(scored["flagged"].sum())
    figures = features.table.select("account", *FIGURES)
    kept = scored.filter(pl.col("score") >= FLOOR).join(figures, on="account", how="left")
    run.kept = kept.height
    with db.session() as session:
        linked = session.execute(select(Account.number, Person.id_number, Person.id)
                                 .join(Person, Person.id == Account.person_id)
                                 .where(Person.id_number.is_not(None))).all()
    id_numbers = {a: i for a, i, _ in linked}
    person_ids = {i: p for _, i, p in linked}
    helpers = evaluate_helpers(scored, features.table, features.flows, id_numbers=id_numbers)
    run.helpers, run.serious = len(helpers), sum(1 for h in helpers if h.assessment.serious)
    at = clock.now()
    with db.session() as session:
        session.execute(delete(MuleScore))
        session.execute(delete(HelperFlag))
        session.add_all([MuleScore(
            account=r["account"], bank=r["bank"], holder_name=r["holder"], score=float(r["score"]),
            flagged=bool(r["flagged"]), typology=r["typology"], reasons=r["reasons"] or [],
            figures={f: _plain(r[f]) for f in FIGURES}, scored_at=at) for r in kept.iter_rows(named=True)])
        session.add_all([HelperFlag(
            person_key=h.person_key[:80], person_id=person_ids.get(h.id_number) if h.id_number else None,
            name=h.name, id_number=h.id_number, serious=h.assessment.serious,
            criteria=[c.value for c in h.assessment.criteria], parties=h.assessment.parties,
            settled_fen=h.assessment.settled_fen, earned_fen=h.assessment.earned_fen, evidence=h.evidence,
            flagged_at=at) for h in helpers])
        if cards:
            _score_cards(db, session, run, at)
        run.seconds = round(time.perf_counter() - began, 2)
        audit.record(session, actor, "analysis.mules.score", object_type="mule_score", detail=run.as_dict())
    return run


def _plain(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return float(value) if isinstance(value, float) else int(value)


def _score_cards(db: Database, session, run: MuleScoringRun, at) -> None:
    latest = session.scalar(select(CallRecord.start_time).order_by(CallRecord.start_time.desc()).limit(1))
    if latest is None:
        run.cards_skipped = "no call records in the store"
        return
    end = latest + timedelta(seconds=1)
    start = end - timedelta(days=CARD_DAYS)
    calls, sms = _records(db, start, end)
    fraud, clean, victims = known_numbers(session)
    holders = {n: str(p) for n, p in session.execute(select(Phone.number, Phone.person_id)
                                                      .where(Phone.person_id.is_not(None))).all()}
    table = card_features(calls, sms if sms.height else None, holders=holders, known_fraud=sorted(fraud),
                          known_victims=sorted(victims))
    numbers = table["msisdn"].to_list()
    run.numbers = len(numbers)
    y = np.array([1 if n in fraud else 0 if n in clean else UNKNOWN for n in numbers], dtype=np.int64)
    if (y == 1).sum() < MIN_KNOWN or (y == 0).sum() < MIN_KNOWN:
        run.cards_skipped = (f"too few known numbers to learn from ({int((y == 1).sum())} fraud, "
                             f"{int((y == 0).sum())} clean; at least {MIN_KNOWN} each)")
        return
    x = table.select(LEARNT_CARD_FEATURES)
    model = card_model().fit(x, y)
    scores = model.predict_proba(x)[:, 1]
    keep = np.flatnonzero((scores >= FLOOR) & (y != 0))
    run.cards_flagged = int(((scores >= model.threshold_) & (y == UNKNOWN)).sum())
    explained = {e["row"]: e for e in model.explain(x, rows=keep)} if len(keep) else {}
    session.execute(delete(CardScore))
    rows = table.select("msisdn", *CARD_FIGURES).rows()
    session.add_all([CardScore(
        number=numbers[i], score=float(scores[i]), flagged=bool(scores[i] >= model.threshold_),
        reasons=[{"feature": t["feature"], "value": t["value"], "contribution": round(t["contribution"], 4)}
                 for t in explained[int(i)]["top"]],
        figures={**{f: _plain(v) for f, v in zip(CARD_FIGURES, rows[i][1:], strict=True)},
                 "known_fraud": bool(y[i] == 1)},
        scored_at=at) for i in keep])
