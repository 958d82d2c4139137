"""The text classifier (文本分类器): fraud SMS, and a case's fraud type from the victim's story.

``TextClassifier`` learns labels from texts in the scikit-learn shape (``fit``, ``predict``,
``predict_proba``) and works on any labels in any language: fraud/normal for SMS, the ten
fraud types and 其他 for report narratives (简要案情), or whatever a center keeps.

How it works, chosen for speed and for texts it has not seen:

- Features (``text_features``): normalised text (placeholders for links, numbers, amounts;
  full-width, spacing, emoji and traditional characters undone) cut into character 1-3 grams,
  rjieba words and cue groups of fraud moves, hashed into 2**20 columns.
- Columns seen in fewer than ``min_df`` training texts are dropped (typos, one-off ids), so the
  model keeps a weight only for the columns it can learn.
- Two multinomial logistic regressions (scikit-learn, L2, classes weighted to balance): one on
  all features, one on the cue groups alone. The second cannot memorise wordings, so it carries
  what a script *does* over to wordings never seen in training. Their scores are mixed
  (``cue_mix``, default 0.5: the geometric mean of the two models' probabilities), which is
  again a linear model. On the simulator's texts, cue groups and the cue model lift macro-F1
  on templates held out of training from about 0.3 to 0.83 for SMS by fraud type and from 0.17
  to 0.52 for narratives; within seen templates both are about 0.999 (``bench/bench_text.py``).
- ``predict_proba`` gives probabilities for every label; ``suggest`` returns the best label,
  its probability as the confidence, and the runners-up.

Model files (``save``/``load``) are ``.npz`` archives of plain arrays with a JSON header
(``text_model_file``): format version, the label set, the feature settings and what the model
was trained on. They never hold pickles, but still take them only from a trusted source: the
model decides which texts are flagged.
"""
from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from fanzha.engines.text_features import TextFeatures, describe
from fanzha.engines.text_labelled import usable_rows
from fanzha.engines.text_model_file import TextModelError, read_model_file, write_model_file

__all__ = ["Suggestion", "TextClassifier", "TextModelError", "TrainingDataError"]


class TrainingDataError(ValueError):
    """Training data the classifier cannot learn from; the message says what to fix."""


class Suggestion(NamedTuple):
    """The best label for a text, its probability, and the next best labels with theirs."""

    label: str
    confidence: float
    alternatives: list[tuple[str, float]]


class TextClassifier:
    """Labels for short Chinese texts (SMS, report narratives); see the module docstring.

    ``C`` is the inverse regularisation strength of the model on all features, ``C_cues`` that
    of the cue model; ``cue_mix`` the cue model's share of the score (0 = none); ``min_df`` the
    number of training texts a feature column must occur in to be kept.
    """

    def __init__(self, features: TextFeatures | None = None, *, C: float = 1.0, C_cues: float = 1.0,
                 cue_mix: float = 0.5, min_df: int = 2, max_iter: int = 300,
                 class_weight: str | None = "balanced", name: str = "", description: str = "") -> None:
        if not 0 <= cue_mix <= 1:
            raise ValueError("cue_mix must be between 0 and 1")
        self.features = features or TextFeatures()
        self.C = C
        self.C_cues = C_cues
        self.cue_mix = cue_mix if self.features.cues else 0.0
        self.min_df = min_df
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.name = name
        self.description = description
        self.classes_: np.ndarray | None = None
        self.parts_: dict[str, _LinearPart] = {}  # "full" and, when cue_mix > 0, "cues"
        self.training_: dict = {}

    # --- learning ---------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[object]) -> TextClassifier:
        """Learn from texts and their labels; rows whose text or label is blank are skipped.

        Raises TrainingDataError when the lengths differ, nothing is left, or fewer than two
        labels remain. ``training_`` records the counts, skipped rows and time taken.
        """
        began = time.perf_counter()
        texts, labels = list(texts), list(labels)
        if len(texts) != len(labels):
            raise TrainingDataError(f"{len(texts)} texts but {len(labels)} labels")
        keep_texts, keep_labels, empty_text, empty_label = usable_rows(texts, labels)
        if not keep_texts:
            raise TrainingDataError(f"no texts to learn from ({empty_text} with empty text, "
                                    f"{empty_label} with empty label)")
        counts = Counter(keep_labels)
        if len(counts) < 2:
            only = next(iter(counts))
            raise TrainingDataError(f"every text has the label {only!r}; a classifier needs at least two "
                                    "different labels")
        full, cues = self.features.transform(keep_texts)
        y = np.array(keep_labels)
        classes = np.array(sorted(counts))
        parts = {"full": _LinearPart.fit(full, y, classes, self.C, self.min_df, self.max_iter, self.class_weight)}
        if self.cue_mix > 0:
            parts["cues"] = _LinearPart.fit(cues, y, classes, self.C_cues, 1, self.max_iter, self.class_weight)
        self.classes_ = classes
        self.parts_ = parts
        self.training_ = {
            "texts": len(keep_texts),
            "per_label": {str(k): int(v) for k, v in sorted(counts.items())},
            "skipped_empty_text": empty_text,
            "skipped_empty_label": empty_label,
            "features_kept": int(len(parts["full"].columns)),
            "seconds": round(time.perf_counter() - began, 2),
        }
        return self

    # --- predicting -------------------------------------------------------------------------

    @property
    def labels(self) -> list[str]:
        self._check_fitted()
        return [str(c) for c in self.classes_]

    def decision_function(self, texts: Iterable[str]) -> np.ndarray:
        """Scores, one column per label in ``classes_`` order (softmax gives the probabilities)."""
        self._check_fitted()
        full, cues = self.features.transform(["" if t is None else str(t) for t in texts])
        scores = self.parts_["full"].scores(full)
        if "cues" in self.parts_:
            scores *= 1 - self.cue_mix
            scores += self.cue_mix * self.parts_["cues"].scores(cues)
        return scores

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities, one column per label in ``classes_`` order; rows sum to 1."""
        scores = self.decision_function(texts)
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        """The most probable label of each text."""
        return self.classes_[np.argmax(self.decision_function(texts), axis=1)]

    def suggest(self, text: str, top: int = 3) -> Suggestion:
        """The best label, its probability (0..1) and up to ``top - 1`` runners-up with theirs."""
        proba = self.predict_proba([text])[0]
        order = np.argsort(-proba, kind="stable")[: max(1, top)]
        best = int(order[0])
        return Suggestion(str(self.classes_[best]), float(proba[best]),
                          [(str(self.classes_[i]), float(proba[i])) for i in order[1:]])

    def explain(self, text: str, label: str | None = None, top: int = 8) -> list[tuple[str, float]]:
        """The features of ``text`` that pushed most toward ``label`` (default: the predicted one).

        Each item is (feature as a person reads it, how much it raised that label's score over
        the average label's), largest first; for showing why a text was flagged.
        """
        self._check_fitted()
        label = label if label is not None else self.suggest(text).label
        matches = np.flatnonzero(self.classes_ == label)
        if len(matches) == 0:
            raise ValueError(f"unknown label {label!r}; the model knows {', '.join(self.labels)}")
        k = int(matches[0])
        grams, cues = self.features.tokens(text)
        full, cue_rows = self.features.transform([text])
        shares = {"full": (1 - self.cue_mix) if "cues" in self.parts_ else 1.0, "cues": self.cue_mix}
        contribution: dict[str, float] = {}
        for part_name, x, tokens in (("full", full, grams + cues), ("cues", cue_rows, cues)):
            part = self.parts_.get(part_name)
            if part is None:
                continue
            value = dict(zip(x.indices.tolist(), x.data.tolist(), strict=True))
            for token, column in zip(tokens, self.features.columns(tokens).tolist(), strict=True):
                weight = part.weight(column, k)
                if weight:
                    key = describe(token)
                    contribution[key] = contribution.get(key, 0.0) + shares[part_name] * weight * value[column]
        out = sorted(((name, c) for name, c in contribution.items() if c > 0), key=lambda item: -item[1])
        return out[:top]

    # --- files ------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the model file (``text_model_file``); returns the path."""
        self._check_fitted()
        meta = {
            "kind": "text_classifier",
            "name": self.name,
            "description": self.description,
            "labels": self.labels,
            "features": self.features.to_dict(),
            "settings": {"C": self.C, "C_cues": self.C_cues, "cue_mix": self.cue_mix, "min_df": self.min_df,
                         "max_iter": self.max_iter, "class_weight": self.class_weight},
            "parts": sorted(self.parts_),
            # no timings: the same training gives the same file
            "training": {k: v for k, v in self.training_.items() if k != "seconds"},
        }
        arrays = {}
        for name, part in self.parts_.items():
            arrays[f"{name}_columns"] = part.columns.astype(np.int32)
            arrays[f"{name}_coef"] = part.coef
            arrays[f"{name}_intercept"] = part.intercept
        write_model_file(path, meta, arrays)
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        """Read a model file written by ``save``; raises TextModelError for anything else."""
        meta, arrays = read_model_file(path)
        if meta.get("kind") != "text_classifier":
            raise TextModelError(f"{path}: a Fanzha model of kind {meta.get('kind')!r}, not a text classifier")
        try:
            settings = meta.get("settings", {})
            features = TextFeatures.from_dict(meta["features"])
            model = cls(features, C=float(settings.get("C", 1.0)), C_cues=float(settings.get("C_cues", 1.0)),
                        cue_mix=float(settings.get("cue_mix", 0.0)), min_df=int(settings.get("min_df", 2)),
                        max_iter=int(settings.get("max_iter", 300)),
                        class_weight=settings.get("class_weight", "balanced"), name=str(meta.get("name", "")),
                        description=str(meta.get("description", "")))
            labels = [str(x) for x in meta["labels"]]
            parts = {}
            for name in meta["parts"]:
                parts[name] = _LinearPart(arrays[f"{name}_columns"].astype(np.int64),
                                          arrays[f"{name}_coef"].astype(np.float32),
                                          arrays[f"{name}_intercept"].astype(np.float32))
        except (KeyError, TypeError, ValueError) as exc:
            raise TextModelError(f"{path}: damaged text model ({exc.__class__.__name__}: {exc})") from None
        if "full" not in parts or len(labels) < 2:
            raise TextModelError(f"{path}: damaged text model (no main part, or fewer than two labels)")
        for name, part in parts.items():
            problem = part.check(len(labels), features.n_features)
            if problem:
                raise TextModelError(f"{path}: damaged text model ({name}: {problem})")
        model.classes_ = np.array(labels)
        model.parts_ = parts
        model.training_ = meta.get("training", {})
        return model

    def _check_fitted(self) -> None:
        if self.classes_ is None:
            raise ValueError("the classifier is not trained yet: call fit() or TextClassifier.load()")

    def __repr__(self) -> str:
        state = f"{len(self.classes_)} labels" if self.classes_ is not None else "not trained"
        return f"TextClassifier({self.name or 'unnamed'}, {state})"


class _LinearPart:
    """One linear model over the hashed columns it kept: scores = x[:, columns] @ coef.T + intercept."""

    def __init__(self, columns: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.columns = columns  # sorted hashed columns
        self.coef = coef  # (labels, columns) float32
        self.intercept = intercept  # (labels,) float32

    @classmethod
    def fit(cls, x: sp.csr_matrix, y: np.ndarray, classes: np.ndarray, C: float, min_df: int, max_iter: int,
            class_weight: str | None) -> _LinearPart:
        df = np.bincount(x.indices, minlength=x.shape[1])
        kept = np.flatnonzero(df >= max(1, min_df))
        if len(kept) == 0:
            kept = np.flatnonzero(df > 0)
        model = LogisticRegression(C=C, max_iter=max_iter, class_weight=class_weight, tol=1e-4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the last iterations change little
            model.fit(_select(x, kept), y)
        coef, intercept = model.coef_, model.intercept_
        if coef.shape[0] == 1:  # binary: softmax over (-z/2, z/2) is the sigmoid of z
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        order = np.searchsorted(model.classes_, classes)
        return cls(kept.astype(np.int64), coef[order].astype(np.float32), intercept[order].astype(np.float32))

    def scores(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(_select(x, self.columns) @ self.coef.T, dtype=np.float64) + self.intercept

    def weight(self, column: int, k: int) -> float:
        """How much the column favours label ``k`` over the average label (0 if not kept)."""
        pos = int(np.searchsorted(self.columns, column))
        if pos >= len(self.columns) or self.columns[pos] != column:
            return 0.0
        row = self.coef[:, pos]
        return float(row[k] - row.mean())

    def check(self, labels: int, n_features: int) -> str | None:
        m = len(self.columns)
        if self.coef.shape != (labels, m) or self.intercept.shape != (labels,):
            return f"array shapes do not match {labels} labels"
        if m and (np.any(np.diff(self.columns) <= 0) or self.columns[0] < 0 or self.columns[-1] >= n_features):
            return "feature columns out of order or range"
        return None


def _select(x: sp.csr_matrix, kept: np.ndarray) -> sp.csr_matrix:
    """The columns ``kept`` (sorted hashed columns) of ``x``, renumbered 0..len(kept)-1.

    ``x`` must have sorted indices in each row (``transform`` gives that); so has the result.
    """
    n = x.shape[0]
    if len(kept) == 0:
        return sp.csr_matrix((n, 0), dtype=x.dtype)
    if not x.has_sorted_indices:
        x.sort_indices()
    pos = np.searchsorted(kept, x.indices)
    pos[pos == len(kept)] = 0
    hit = kept[pos] == x.indices
    rows = np.repeat(np.arange(n), np.diff(x.indptr))[hit]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sp.csr_matrix((x.data[hit], pos[hit], indptr), shape=(n, len(kept)))
