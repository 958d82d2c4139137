"""Mule-account model (涉诈银行卡识别模型, 两卡): scores how likely each account is a gang's card.

The model reads per-account features (``mule_features.FEATURES``, or any subset) and follows the
fraud-number model's conventions (``number_model``): scikit-learn fit/predict shape, LightGBM
trees, missing values left to the trees, labels 1 (mule), 0 (ordinary) or -1 (unknown, ignored in
training), the decision threshold that maximised F1 on out-of-fold scores of the training rows
unless one is given, and ``explain`` for each score's top features (SHAP contributions). It is a
``NumberModel`` without the contact-graph parts: an account's neighbourhood enters through its
features (its payers' and payees' behaviour) and, after scoring, through ``mule_structure``, which
names the typology of each flagged card from the money flows between flagged cards.

``score_accounts`` puts the two together: score, flag, typology guess and reasons per account.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from fanzha.engines.mule_features import FEATURES, MuleFeatures
from fanzha.engines.mule_structure import structure
from fanzha.engines.number_model import NumberModel


class MuleModel(NumberModel):
    """LightGBM over account features; ``fit(X, y)``, ``predict_proba(X)``, ``predict(X)``, ``explain(X)``.

    ``features`` names the columns the model reads from a wider table (default: all of
    ``mule_features.FEATURES``); a table with exactly those columns works too.
    """

    def __init__(self, n_estimators: int = 200, learning_rate: float = 0.05, num_leaves: int = 15,
                 min_child_samples: int = 10, subsample: float = 0.8, colsample_bytree: float = 0.7,
                 reg_lambda: float = 1.0, inner_folds: int = 3, threshold: float | None = None,
                 random_state: int = 0, n_jobs: int = 1, features: tuple[str, ...] = FEATURES) -> None:
        super().__init__(n_estimators=n_estimators, learning_rate=learning_rate, num_leaves=num_leaves,
                         min_child_samples=min_child_samples, subsample=subsample,
                         colsample_bytree=colsample_bytree, reg_lambda=reg_lambda, graph_structure=False,
                         known_labels=False, inner_folds=inner_folds, threshold=threshold,
                         random_state=random_state, n_jobs=n_jobs)
        self.features = features

    def _pick(self, X):
        if isinstance(X, pl.DataFrame) and set(self.features) <= set(X.columns):
            return X.select(self.features)
        return X

    def fit(self, X, y, graph=None) -> MuleModel:
        super().fit(self._pick(X), y)
        return self

    def design(self, X, graph=None, known=None) -> np.ndarray:
        return super().design(self._pick(X))

    def predict_proba(self, X, graph=None, known=None) -> np.ndarray:
        return super().predict_proba(self._pick(X))

    def predict(self, X, graph=None, known=None) -> np.ndarray:
        return super().predict(self._pick(X))

    def explain(self, X, graph=None, known=None, rows=None, top: int = 5) -> list[dict]:
        return super().explain(self._pick(X), rows=rows, top=top)


def score_accounts(model: MuleModel, features: MuleFeatures, *, threshold: float | None = None,
                   top: int = 5) -> pl.DataFrame:
    """Per account: ``account``, ``holder``, ``bank``, ``score``, ``flagged``, ``typology`` (flagged
    ones only, from the flows among the flagged) and ``reasons`` (top features, flagged ones only)."""
    table = features.table
    scores = model.predict_proba(table)[:, 1]
    cut = model.threshold_ if threshold is None else float(threshold)
    flagged = np.flatnonzero(scores >= cut)
    reasons: list[list[dict] | None] = [None] * table.height
    if len(flagged):
        for e in model.explain(table, rows=flagged, top=top):
            reasons[e["row"]] = [{"feature": t["feature"], "value": t["value"],
                                  "contribution": round(t["contribution"], 4)} for t in e["top"]]
    scored = table.select("account", "holder", "bank").with_columns(
        score=pl.Series(scores, dtype=pl.Float64),
        flagged=pl.Series(scores >= cut),
        reasons=pl.Series(reasons, dtype=pl.List(pl.Struct({"feature": pl.String, "value": pl.Float64,
                                                            "contribution": pl.Float64}))),
    )
    shape = structure(features.flows, scored.filter("flagged")["account"])
    return scored.join(shape, on="account", how="left")
