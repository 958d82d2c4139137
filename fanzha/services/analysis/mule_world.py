"""Mule cards and 帮信 flags measured on a simulated city's truth (两卡、帮信 评估), without a database.

What the model reads is what a center can hold: the banks' statements (every bank's file in the
world folder), the banks' account register for opening dates (``registry/accounts.csv``: number
and ``opened_at`` only; its ``kind`` column is the simulator's label and is never read), the
victims' reports, and the fund traces from those reports through the statements (proportional
rule). For phone cards: the operators' call and SMS records and the phone numbers victims reported.
The truth (``truth/fraud_accounts.csv``, ``fraud_persons.csv``, ``fraud_numbers.csv``) gives the
labels for training and is otherwise read only to measure.

Out of sample: stratified group K-fold with **the gang as the group**: every card of a gang is in
the same fold, so a gang's cards are scored by a model that never saw any of that gang's labels
(ordinary accounts are spread over the folds at random). The decision threshold is chosen inside
each training fold. The typology of a flagged card is read from the flows among all flagged cards
(``engines.mule_structure``), which uses no labels.

Per typology (the truth's ``typology`` of each mule card):

- recall: the share of that typology's cards the model flags;
- precision: of the accounts flagged and *guessed* as that typology, the share that are mule cards;
- ``typology_agreement``: of the flagged mule cards of that typology, the share guessed as it.
  The truth names the step by which the simulator built the card; a fan-out followed by a fan-in
  that regroups the same cards is a scatter-gather by its shape, so agreement is bounded below 1.

帮信: persons (the holder's name on the statements; the simulated register gives no identity
number for these cards) with at least one flagged card meeting a criterion of ``helping_rule``.
A flagged person is right when a person of that name in ``truth/fraud_persons.csv`` holds one of
the flagged cards. Recall is given against every fraud person and against those whose own cards,
measured on the statements the same way, meet a criterion ("serious per the statements").
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from fanzha.domain.report import VictimReport
from fanzha.engines.fund_tracing import LedgerIndex, Source, trace
from fanzha.engines.mule_cards import CARD_FEATURES, card_features, card_model
from fanzha.engines.mule_features import (
    BEHAVIOUR_FEATURES,
    FEATURES,
    CaseEvidence,
    MuleFeatures,
    mule_features,
)
from fanzha.engines.mule_helpers import evaluate_helpers
from fanzha.engines.mule_model import MuleModel
from fanzha.engines.mule_structure import TYPOLOGIES, structure
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.statements import read_statements

Progress = Callable[[str, float], None]  # (step, fraction done of the whole run)


@dataclass
class WorldData:
    postings: pl.DataFrame
    reports: list[VictimReport]
    features: MuleFeatures
    seconds: dict[str, float] = field(default_factory=dict)


class WorldError(ValueError):
    """The folder is not a simulated world with truth (the message says what is missing)."""


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        raise WorldError(f"{path}: no such file; {what}")
    return path


def read_world_statements(world: Path) -> pl.DataFrame:
    files = sorted((world / "banks").glob("*/statements.csv"))
    if not files:
        raise WorldError(f"{world / 'banks'}: no <bank>/statements.csv; is {world} a simulated world (fanzha simulate)?")
    frames = []
    for path in files:
        result = ImportResult(kind="statements", file=str(path))
        rows = read_statements(path.read_bytes(), result, keyed=False)
        if rows is None:
            raise WorldError(f"{path}: {'; '.join(str(p) for p in result.problems[:3])}")
        frames.append(rows)
    return pl.concat(frames, how="vertical_relaxed")


def read_world_reports(world: Path) -> list[VictimReport]:
    path = world / "reports" / "reports.json"
    if not path.exists():
        return []
    items = json.loads(path.read_text(encoding="utf-8"))
    return [VictimReport.model_validate(i) for i in (items if isinstance(items, list) else [items])]


def load_world(world: Path, progress: Progress | None = None) -> WorldData:
    """Statements, reports, traces and the features (see the module's docstring)."""
    tick = progress or (lambda step, done: None)
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    tick("reading statements", 0.02)
    postings = read_world_statements(world)
    reports = read_world_reports(world)
    seconds["read"] = time.perf_counter() - began
    tick("tracing the reported money", 0.2)
    clock = time.perf_counter()
    sources = [s for r in reports for s in Source.from_report(r)]
    traced = trace(LedgerIndex.from_postings(postings), sources, "proportional") if sources else None
    payments = [(t.to_account, r.report_id) for r in reports for t in r.transfers]
    cases = CaseEvidence.from_trace(payments, traced) if traced else CaseEvidence(payments)
    seconds["trace"] = time.perf_counter() - clock
    tick("computing account features", 0.3)
    clock = time.perf_counter()
    opened = {}
    register = world / "registry" / "accounts.csv"
    if register.exists():
        reg = pl.read_csv(register, columns=["number", "opened_at"], schema_overrides={"number": pl.String},
                          try_parse_dates=True)
        opened = dict(zip(reg["number"].to_list(), reg["opened_at"].to_list(), strict=True))
    features = mule_features(postings, opened=opened, cases=cases)
    seconds["features"] = time.perf_counter() - clock
    return WorldData(postings, reports, features, seconds)


def _truth_accounts(world: Path) -> pl.DataFrame:
    path = _need(world / "truth" / "fraud_accounts.csv", "the world has no ground truth")
    return pl.read_csv(path, schema_overrides={"account": pl.String}).select("account", "gang_id", "typology", "role")


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def cross_validate(table: pl.DataFrame, y: np.ndarray, groups: np.ndarray, features: tuple[str, ...], *,
                   folds: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Out-of-fold scores and flags (each fold's own threshold), grouped by gang."""
    scores = np.zeros(len(y))
    flags = np.zeros(len(y), bool)
    thresholds = []
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    x = table.select(features)
    for train, test in splitter.split(np.zeros(len(y)), y, groups):
        model = MuleModel(features=features, random_state=seed).fit(x[train], y[train])
        p = model.predict_proba(x[test])[:, 1]
        scores[test], flags[test] = p, p >= model.threshold_
        thresholds.append(round(float(model.threshold_), 4))
    return scores, flags, thresholds


def measure(scored: pl.DataFrame) -> dict:
    """Per-typology and overall figures; ``scored`` has flagged, guess (typology or null), typology (truth or null)."""
    mule = pl.col("typology").is_not_null()
    overall_tp = scored.filter(pl.col("flagged") & mule).height
    flagged = scored.filter("flagged").height
    out = {"overall": {"mule_accounts": scored.filter(mule).height, "flagged": flagged,
                       "precision": _ratio(overall_tp, flagged), "recall": _ratio(overall_tp, scored.filter(mule).height)}}
    agree = scored.filter(pl.col("flagged") & mule & (pl.col("guess") == pl.col("typology"))).height
    out["overall"]["typology_agreement"] = _ratio(agree, overall_tp)
    per = {}
    for t in TYPOLOGIES:
        truth_t = scored.filter(pl.col("typology") == t)
        guessed = scored.filter(pl.col("flagged") & (pl.col("guess") == t))
        hit = truth_t.filter("flagged")
        per[t] = {
            "mule_accounts": truth_t.height, "flagged": hit.height, "guessed": guessed.height,
            "precision": _ratio(guessed.filter(mule).height, guessed.height),
            "recall": _ratio(hit.height, truth_t.height),
            "typology_agreement": _ratio(hit.filter(pl.col("guess") == t).height, hit.height),
            "strict_precision": _ratio(guessed.filter(pl.col("typology") == t).height, guessed.height),
        }
    out["typologies"] = per
    return out


def evaluate_world(world: Path, *, folds: int = 5, seed: int = 0, behaviour_only: bool = True, cards: bool = True,
                   train_world: Path | None = None, progress: Progress | None = None) -> dict:
    """Train and measure the mule model, the 帮信 flags and (with ``cards``) the phone-card model.

    With ``train_world`` the mule model is fitted on that city (another seed) and measured on every
    account of ``world`` instead of cross-validating within it.
    """
    world = Path(world)
    tick = progress or (lambda step, done: None)
    began = time.perf_counter()
    truth = _truth_accounts(world)
    trainer = None
    if train_world is not None:
        train_truth = _truth_accounts(Path(train_world))
        tick("reading the training city", 0.01)
        train_table = load_world(Path(train_world)).features.table.join(train_truth, on="account", how="left")
        trainer = (train_table, train_table["typology"].is_not_null().cast(pl.Int8).to_numpy())
    data = load_world(world, tick)
    table = data.features.table.join(truth, on="account", how="left")
    y = table["typology"].is_not_null().cast(pl.Int8).to_numpy()
    if y.sum() < folds:
        raise WorldError(f"the world has {int(y.sum())} mule accounts with postings; {folds} folds need at least {folds}")
    rng = np.random.default_rng(seed)
    gang_codes = {g: i for i, g in enumerate(sorted(truth["gang_id"].unique().to_list()))}
    groups = np.array([gang_codes[g] if g is not None else len(gang_codes) + int(r)
                       for g, r in zip(table["gang_id"].to_list(), rng.integers(0, 10 * folds, table.height),
                                       strict=True)])
    n_gangs = len(set(table.filter(pl.col("gang_id").is_not_null())["gang_id"].to_list()))
    folds = max(2, min(folds, n_gangs))
    method = (f"trained on {train_world}, measured on every account of this city" if train_world is not None
              else f"stratified group {folds}-fold cross-validation by gang, seed {seed}")
    result: dict = {"world": str(world), "method": method,
                    "accounts": table.height, "mule_accounts": int(y.sum()),
                    "mule_accounts_without_postings": truth.height - int(y.sum()), "gangs": n_gangs,
                    "reports": len(data.reports), "seconds": {k: round(v, 2) for k, v in data.seconds.items()}}
    variants = [("all_features", FEATURES)] + ([("behaviour_only", BEHAVIOUR_FEATURES)] if behaviour_only else [])
    main_scored = None
    for k, (name, features) in enumerate(variants):
        tick(f"cross-validating ({name.replace('_', ' ')})", 0.4 + 0.2 * k)
        clock = time.perf_counter()
        if trainer is None:
            scores, flags, thresholds = cross_validate(table, y, groups, features, folds=folds, seed=seed)
        else:
            fitted = MuleModel(features=features, random_state=seed).fit(trainer[0], trainer[1])
            scores = fitted.predict_proba(table)[:, 1]
            flags, thresholds = scores >= fitted.threshold_, [round(float(fitted.threshold_), 4)]
        shape = structure(data.features.flows, table["account"].filter(pl.Series(flags)))
        scored = table.select("account", "holder", "bank", "typology", "gang_id").with_columns(
            score=pl.Series(scores), flagged=pl.Series(flags)).join(
            shape.select("account", pl.col("typology").alias("guess")), on="account", how="left")
        result[name] = {**measure(scored), "features": list(features), "thresholds": thresholds,
                        "seconds": round(time.perf_counter() - clock, 2)}
        if main_scored is None:
            main_scored = scored
    result["model"] = result["all_features"]  # the figures the targets are read on
    tick("帮信 flags", 0.8)
    result["helpers"] = _helpers(world, main_scored, data.features)
    if cards:
        tick("phone cards", 0.85)
        result["phone_cards"] = _cards(world, data.reports, folds, seed)
    result["seconds"]["total"] = round(time.perf_counter() - began, 2)
    tick("done", 1.0)
    return result


def _helpers(world: Path, scored: pl.DataFrame, features: MuleFeatures) -> dict:
    clock = time.perf_counter()
    persons = pl.read_csv(_need(world / "truth" / "fraud_persons.csv", "the world has no ground truth"),
                          schema_overrides={"accounts": pl.String, "id_number": pl.String})
    holds = {(r["name"], a) for r in persons.iter_rows(named=True) for a in (r["accounts"] or "").split(";") if a}
    as_scored = scored.drop("typology").rename({"guess": "typology"})
    found = evaluate_helpers(as_scored, features.table, features.flows)
    flagged = [h for h in found if h.assessment.serious]
    right = [h for h in flagged if any((h.name, a["account"]) in holds for a in h.accounts)]
    caught = {h.name for h in right}
    # the same figures for the truth's cards, to know who is serious per the statements
    truth_cards = set(a for _, a in holds)
    as_truth = as_scored.with_columns(flagged=pl.col("account").is_in(list(truth_cards)))
    serious_truth = {h.name for h in evaluate_helpers(as_truth, features.table, features.flows)
                     if h.assessment.serious and any((h.name, a["account"]) in holds for a in h.accounts)}
    names = set(persons["name"].to_list())
    holders_right = {h.name for h in found if any((h.name, a["account"]) in holds for a in h.accounts)}
    criteria: dict[str, int] = {}
    for h in flagged:
        for c in h.assessment.criteria:
            criteria[c.value] = criteria.get(c.value, 0) + 1
    return {
        "fraud_persons": persons.height, "serious_per_statements": len(serious_truth),
        "flagged": len(flagged), "right": len(right),
        "precision": _ratio(len(right), len(flagged)),
        "recall": _ratio(len(caught & names), len(names)),
        "recall_serious": _ratio(len(caught & serious_truth), len(serious_truth)),
        "criteria": criteria, "persons_with_flagged_cards": len(found),
        # every holder of a flagged card, serious or not: who sold or rented cards at all
        "holders_precision": _ratio(sum(1 for h in found if h.name in holders_right), len(found)),
        "holders_recall": _ratio(len(holders_right & names), len(names)),
        "person_key": "holder name on the statements", "seconds": round(time.perf_counter() - clock, 2),
    }


def _cards(world: Path, reports: list[VictimReport], folds: int, seed: int) -> dict:
    """Phone cards: stratified group K-fold by gang over the numbers' features (no register: the
    simulated register leaves the gangs' numbers unregistered, which would give them away)."""
    clock = time.perf_counter()
    calls = sorted((world / "operators").glob("*/calls.csv"))
    sms = sorted((world / "operators").glob("*/sms.csv"))
    truth_path = world / "truth" / "fraud_numbers.csv"
    if not calls or not truth_path.exists():
        return {"skipped": "no call records or no truth/fraud_numbers.csv"}
    known_fraud = sorted({c.value for r in reports for c in r.contacts if c.kind == "phone"})
    victims = sorted({r.victim.phone for r in reports if r.victim.phone})
    table = card_features(calls, sms or None, known_fraud=known_fraud, known_victims=victims)
    fraud = pl.read_csv(truth_path, schema_overrides={"number": pl.String}).select(
        pl.col("number").alias("msisdn"), "gang_id")
    table = table.join(fraud, on="msisdn", how="left")
    y = table["gang_id"].is_not_null().cast(pl.Int8).to_numpy()
    if y.sum() < folds:
        return {"skipped": f"only {int(y.sum())} fraud numbers in the records"}
    codes = {g: i for i, g in enumerate(sorted(fraud["gang_id"].unique().to_list()))}
    rng = np.random.default_rng(seed)
    groups = np.array([codes[g] if g is not None else len(codes) + int(r)
                       for g, r in zip(table["gang_id"].to_list(), rng.integers(0, 10 * folds, table.height),
                                       strict=True)])
    x = table.select(CARD_FEATURES)
    flags = np.zeros(len(y), bool)
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed) if len(codes) >= folds else \
        StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(y)), y, groups):
        model = card_model(random_state=seed).fit(x[train], y[train])
        flags[test] = model.predict_proba(x[test])[:, 1] >= model.threshold_
    tp = int((flags & (y == 1)).sum())
    return {"numbers": table.height, "fraud_numbers": int(y.sum()), "flagged": int(flags.sum()),
            "precision": _ratio(tp, int(flags.sum())), "recall": _ratio(tp, int(y.sum())),
            "method": "stratified group K-fold by gang; the register's holder is not used on a simulated city",
            "seconds": round(time.perf_counter() - clock, 2)}


def train_on_world(world: Path, out: Path, *, seed: int = 0, progress: Progress | None = None) -> dict:
    """Fit the mule model on every account of a simulated city (features the store can give:
    ``mule_model_file.DEFAULT_FEATURES``) and save it to ``out``; returns what was trained."""
    from fanzha.engines.mule_model_file import DEFAULT_FEATURES, save_mule_model

    world = Path(world)
    truth = _truth_accounts(world)
    data = load_world(world, progress)
    table = data.features.table.join(truth, on="account", how="left")
    y = table["typology"].is_not_null().cast(pl.Int8).to_numpy()
    model = MuleModel(features=DEFAULT_FEATURES, random_state=seed).fit(table, y)
    summary = json.loads((world / "world.json").read_text(encoding="utf-8")) if (world / "world.json").exists() else {}
    trained_on = {"world_seed": summary.get("seed"), "residents": summary.get("residents"), "days": summary.get("days"),
                  "accounts": table.height, "mule_accounts": int(y.sum()), "model_seed": seed}
    save_mule_model(model, out, trained_on)
    if progress is not None:
        progress("saved", 1.0)
    return {"saved": str(out), "threshold": float(model.threshold_), **trained_on}
