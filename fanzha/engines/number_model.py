"""Fraud-number model (涉诈号码识别模型): scores how likely each phone number is used for fraud.

The model reads a table of per-number features (an operator's own, or ``number_features``) and,
when it has one, the contact graph in the table's row order. It follows scikit-learn's
fit/predict shape and is transductive in the way graph models are: the table given to ``fit``
may hold numbers whose labels are unknown (label -1); they take part through the graph (their
contacts, degrees and so on) and are the ones worth scoring.

What the model sees for each number:

- the table's features, missing values left to LightGBM;
- with a graph, its structure around the number (``number_graph.STRUCTURE_FEATURES``), no labels;
- with a graph, how close the number is to numbers known to be fraud or clean
  (``number_graph_labels.LABEL_FEATURES``). For the training rows these are computed out of fold:
  the labelled rows are split into ``inner_folds`` parts (fewer if a class has fewer rows) and each
  part's features read only the other parts' labels, so no training row's features depend on its own label. For scoring, they
  read every label given to ``fit`` (or the ``known`` labels passed in).

The decision threshold is the one that maximises F1 over out-of-fold scores of the training rows
(same inner folds), unless a fixed ``threshold`` is given. Only labels passed to ``fit`` are ever
read, so when an evaluation hides the test rows' labels (sets them to -1) they are used for
nothing but scoring.
"""
from __future__ import annotations

import numpy as np
import polars as pl
import scipy.sparse as sp
from lightgbm import LGBMClassifier
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold

from fanzha.engines.number_graph import STRUCTURE_FEATURES, contact_graph, structure_features
from fanzha.engines.number_graph_labels import LABEL_FEATURES, known_label_features

UNKNOWN = -1


def as_matrix(x) -> tuple[np.ndarray, list[str] | None]:
    """A float64 matrix (missing values NaN, infinities NaN) and the column names if it has any.

    Accepts a polars or pandas DataFrame or anything numpy can make a 2-D array of.
    """
    names = None
    if hasattr(x, "columns") and hasattr(x, "to_numpy"):
        names = [str(c) for c in x.columns]
        if isinstance(x, pl.DataFrame):  # nulls become NaN once the columns are floats
            bad = [c for c, t in x.schema.items() if not (t.is_numeric() or t == pl.Boolean or t == pl.Null)]
            if bad:
                raise ValueError(f"non-numeric feature columns: {', '.join(bad)}")
            matrix = x.select(pl.all().cast(pl.Float64)).to_numpy()
        else:
            matrix = x.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        matrix = np.asarray(x, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"features must be a 2-D table, got {matrix.ndim} dimensions")
    matrix = np.where(np.isfinite(matrix), matrix, np.nan)
    return np.ascontiguousarray(matrix), names


def labels_of(y, n: int) -> np.ndarray:
    """Labels as int8: 1 fraud, 0 clean, -1 unknown. Raises ValueError on anything else."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"labels must have one entry per row ({n}), got shape {y.shape}")
    if y.dtype.kind == "f":
        y = np.where(np.isnan(y), UNKNOWN, y)
    bad = ~np.isin(y, (0, 1, UNKNOWN))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ValueError(f"labels must be 0, 1 or -1 (unknown); rows {rows[:10].tolist()} hold "
                         f"{sorted({str(v) for v in y[rows[:10]]})}")
    return y.astype(np.int8)


def best_f1_threshold(y: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold (predict fraud when score >= it) with the highest F1 on these rows."""
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order].astype(np.float64)
    true_pos = np.cumsum(t)
    flagged = np.arange(1, len(s) + 1)
    f1 = 2 * true_pos / (flagged + t.sum())
    group_end = np.append(s[1:] < s[:-1], True)  # only cut between different scores
    f1 = np.where(group_end, f1, -1.0)
    best = int(np.argmax(f1))
    if best + 1 < len(s):
        return float((s[best] + s[best + 1]) / 2)
    return float(s[best])


class NumberModel(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees (LightGBM) over number features, contact structure and known labels.

    ``fit(X, y, graph=None)``: ``y`` is 1 (fraud), 0 (clean) or -1 (unknown) per row of ``X``.
    ``predict_proba(X, graph=None, known=None)``: scores for the rows of ``X``; ``known`` labels
    default to those given to ``fit`` when ``X`` has as many rows as it had (the same table),
    otherwise to none. ``explain(X, ...)``: each score's top features and their contributions.
    """

    def __init__(self, n_estimators: int = 400, learning_rate: float = 0.03, num_leaves: int = 15,
                 min_child_samples: int = 20, subsample: float = 0.8, colsample_bytree: float = 0.7,
                 reg_lambda: float = 1.0, graph_structure: bool = True, known_labels: bool = True,
                 inner_folds: int = 5, threshold: float | None = None, random_state: int = 0,
                 n_jobs: int = 1) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.graph_structure = graph_structure
        self.known_labels = known_labels
        self.inner_folds = inner_folds
        self.threshold = threshold
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, X, y, graph=None) -> NumberModel:
        x, names = as_matrix(X)
        n = len(x)
        y = labels_of(y, n)
        labelled = np.flatnonzero(y >= 0)
        counts = np.bincount(y[labelled], minlength=2)
        if counts.min() == 0:
            raise ValueError("training needs labelled rows of both classes (0 and 1)")
        if counts.min() < 2:
            raise ValueError(f"training needs at least 2 labelled rows of each class; there are "
                             f"{counts[1]} fraud and {counts[0]} clean")
        inner_folds = min(self.inner_folds, int(counts.min()))  # fewer when a class is rare
        self.feature_names_in_ = np.array(names or [f"feature_{j}" for j in range(x.shape[1])], dtype=object)
        self.n_features_in_ = x.shape[1]
        self.classes_ = np.array([0, 1])
        a = contact_graph(graph, n) if graph is not None else None
        self.uses_graph_ = a is not None and (self.graph_structure or self.known_labels)

        base, base_names = self._base_design(x, a)
        splits = list(StratifiedKFold(inner_folds, shuffle=True, random_state=self.random_state)
                      .split(labelled, y[labelled]))
        if a is not None and self.known_labels:
            out_of_fold = np.full((n, len(LABEL_FEATURES)), np.nan)
            for fit_part, held_part in splits:
                known = np.full(n, UNKNOWN, dtype=np.int8)
                known[labelled[fit_part]] = y[labelled[fit_part]]
                rows = labelled[held_part]
                out_of_fold[rows] = _stack(known_label_features(a, known), LABEL_FEATURES)[rows]
            design = np.hstack([base, out_of_fold])
            design_names = base_names + list(LABEL_FEATURES)
        else:
            design, design_names = base, base_names
        self.model_features_ = design_names

        z, t = design[labelled], y[labelled]
        if self.threshold is None:
            scores = np.zeros(len(labelled))
            for fit_part, held_part in splits:
                inner = self._booster().fit(z[fit_part], t[fit_part])
                scores[held_part] = inner.predict_proba(z[held_part])[:, 1]
            self.threshold_ = best_f1_threshold(t, scores)
        else:
            self.threshold_ = float(self.threshold)
        self.booster_ = self._booster().fit(z, t)
        self.known_ = y
        return self

    def _booster(self) -> LGBMClassifier:
        return LGBMClassifier(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, subsample=self.subsample, subsample_freq=1,
            colsample_bytree=self.colsample_bytree, reg_lambda=self.reg_lambda,
            random_state=self.random_state, n_jobs=self.n_jobs, deterministic=True, force_col_wise=True,
            verbose=-1,
        )

    def _base_design(self, x: np.ndarray, a: sp.csr_matrix | None) -> tuple[np.ndarray, list[str]]:
        names = list(self.feature_names_in_)
        if a is None or not self.graph_structure:
            return x, names
        return np.hstack([x, _stack(structure_features(a), STRUCTURE_FEATURES)]), names + list(STRUCTURE_FEATURES)

    # -- scoring -------------------------------------------------------------------------------

    def design(self, X, graph=None, known=None) -> np.ndarray:
        """The matrix the trees read for the rows of ``X`` (columns ``model_features_``)."""
        if not hasattr(self, "booster_"):
            raise ValueError("this NumberModel is not fitted yet; call fit first")
        x = self._matrix(X)
        n = len(x)
        if self.uses_graph_ and graph is None:
            raise ValueError("this model was fitted with a contact graph; pass graph= in the table's row order")
        a = contact_graph(graph, n) if self.uses_graph_ else None
        base, _ = self._base_design(x, a)
        if a is None or not self.known_labels:
            return base
        if known is None:
            known = self.known_ if n == len(self.known_) else np.full(n, UNKNOWN, dtype=np.int8)
        known = labels_of(known, n)
        return np.hstack([base, _stack(known_label_features(a, known), LABEL_FEATURES)])

    def _matrix(self, X) -> np.ndarray:
        x, names = as_matrix(X)
        expected = list(self.feature_names_in_)
        if names is not None and names != expected:
            missing = [c for c in expected if c not in names]
            if missing:
                raise ValueError(f"the table lacks feature columns the model was fitted on: {', '.join(missing)}")
            x = x[:, [names.index(c) for c in expected]]
        if x.shape[1] != self.n_features_in_:
            raise ValueError(f"the model was fitted on {self.n_features_in_} features, got {x.shape[1]}")
        return x

    def predict_proba(self, X, graph=None, known=None) -> np.ndarray:
        p = self.booster_.predict_proba(self.design(X, graph, known))[:, 1]
        return np.column_stack([1.0 - p, p])

    def predict(self, X, graph=None, known=None) -> np.ndarray:
        return (self.predict_proba(X, graph, known)[:, 1] >= self.threshold_).astype(np.int8)

    def explain(self, X, graph=None, known=None, rows=None, top: int = 5) -> list[dict]:
        """For each row (all, or the indices in ``rows``): its score and the ``top`` features that
        moved it most, with their values and contributions in log-odds (SHAP values from
        LightGBM's ``pred_contrib``); ``base`` is the log-odds every score starts from."""
        z = self.design(X, graph, known)
        picked = np.arange(len(z)) if rows is None else np.asarray(rows, dtype=np.int64)
        contrib = self.booster_.booster_.predict(z[picked], pred_contrib=True)
        raw = contrib.sum(axis=1)
        out = []
        for i, row in enumerate(picked):
            parts = contrib[i, :-1]
            order = np.argsort(-np.abs(parts), kind="stable")[:top]
            out.append({
                "row": int(row),
                "score": float(1.0 / (1.0 + np.exp(-raw[i]))),
                "base": float(contrib[i, -1]),
                "top": [{"feature": self.model_features_[j],
                         "value": None if np.isnan(z[row, j]) else float(z[row, j]),
                         "contribution": float(parts[j])} for j in order],
            })
        return out

    @property
    def feature_importances_(self) -> dict[str, float]:
        """Total gain of each model feature, largest first."""
        gains = self.booster_.booster_.feature_importance(importance_type="gain")
        pairs = sorted(zip(self.model_features_, gains, strict=True), key=lambda p: -p[1])
        return {name: float(g) for name, g in pairs}


def _stack(features: dict[str, np.ndarray], order: tuple[str, ...]) -> np.ndarray:
    return np.column_stack([features[name] for name in order])
