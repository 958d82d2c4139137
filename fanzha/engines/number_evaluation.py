"""Cross-validated evaluation of the fraud-number model (模型评估) on a labelled table.

Stratified K-fold with a fixed shuffle seed. For each fold the model is fitted on the whole table
with the test rows' labels hidden (set to unknown): the test rows still take part in the contact
graph, as they would on the platform, but their labels are read only afterwards, for scoring.
The threshold, the out-of-fold label features and everything else the model learns come from
the training rows' labels alone.

Reported: the mean over folds of F1 at the model's own threshold (chosen inside each training
fold), precision, recall, ROC AUC, macro F1 (the mean of both classes' F1, which some papers
report as "F1"), weighted F1 (each class's F1 weighted by its rows), accuracy and F1 at a fixed
0.5 threshold; and every fold's figures. "f1", "precision" and "recall" are always the fraud
class's.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fanzha.engines.number_model import UNKNOWN, NumberModel, as_matrix, labels_of


def score_fold(table, y: np.ndarray, graph, test: np.ndarray, params: dict) -> tuple[np.ndarray, NumberModel]:
    """Fit on every row with the ``test`` rows' labels hidden, and score the ``test`` rows.

    The test labels are replaced by UNKNOWN before anything else sees ``y``, so they cannot reach
    a feature, the threshold or the trees (tests/test_number_graph_features.py checks it).
    """
    hidden = y.copy()
    hidden[test] = UNKNOWN
    model = NumberModel(**params).fit(table, hidden, graph)
    return model.predict_proba(table, graph, known=hidden)[test, 1], model


def evaluate_number_model(features, labels, graph=None, *, folds: int = 5, seed: int = 0,
                          params: dict | None = None,
                          progress: Callable[[dict], None] | None = None) -> dict:
    """Evaluate ``NumberModel(**params)`` by stratified ``folds``-fold cross-validation.

    ``features`` is a table (polars/pandas DataFrame or 2-D array), ``labels`` 0/1 per row,
    ``graph`` an optional square contact matrix in the rows' order. ``progress`` is called with
    each fold's figures as it finishes. Returns a JSON-ready dict.
    """
    began = time.perf_counter()
    x, names = as_matrix(features)
    y = labels_of(labels, len(x))
    if (y == UNKNOWN).any():
        raise ValueError("every row needs a label of 0 or 1 to be evaluated")
    positives = int(y.sum())
    smallest = min(positives, len(y) - positives)
    if folds < 2:
        raise ValueError("folds must be at least 2")
    if smallest < folds:
        raise ValueError(f"{folds} folds need at least {folds} rows of each class; "
                         f"there are {positives} fraud and {len(y) - positives} clean")
    params = {"random_state": seed, **(params or {})}
    table = x if names is None else features
    results = []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(splitter.split(x, y), start=1):
        fold_began = time.perf_counter()
        scores, model = score_fold(table, y, graph, test, params)
        truth = y[test]
        flagged = (scores >= model.threshold_).astype(np.int8)
        result = {
            "fold": k,
            "n": int(len(test)),
            "positives": int(truth.sum()),
            "f1": float(f1_score(truth, flagged, zero_division=0)),
            "precision": float(precision_score(truth, flagged, zero_division=0)),
            "recall": float(recall_score(truth, flagged, zero_division=0)),
            "auc": float(roc_auc_score(truth, scores)),
            "f1_macro": float(f1_score(truth, flagged, average="macro", zero_division=0)),
            "f1_weighted": float(f1_score(truth, flagged, average="weighted", zero_division=0)),
            "accuracy": float(accuracy_score(truth, flagged)),
            "f1_at_half": float(f1_score(truth, scores >= 0.5, zero_division=0)),
            "threshold": model.threshold_,
            "seconds": round(time.perf_counter() - fold_began, 2),
        }
        results.append(result)
        if progress is not None:
            progress(result)
    summary = {key: float(np.mean([r[key] for r in results]))
               for key in ("f1", "auc", "precision", "recall", "f1_macro", "f1_weighted", "accuracy", "f1_at_half",
                           "threshold")}
    return {
        **summary,
        "f1_std": float(np.std([r["f1"] for r in results])),
        "auc_std": float(np.std([r["auc"] for r in results])),
        "n": int(len(y)),
        "positives": positives,
        "features": int(x.shape[1]),
        "graph": graph is not None,
        "folds": results,
        "seed": seed,
        "params": {k: v for k, v in NumberModel(**params).get_params().items()},
        "seconds": round(time.perf_counter() - began, 2),
    }
