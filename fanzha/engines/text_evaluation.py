"""Evaluating a text classifier (模型评估): macro-F1, accuracy and per-label figures.

Macro-F1 (the mean of the labels' F1) is the headline: it weighs a rare fraud type as much as a
common one, so a model cannot score well by always saying 刷单返利. Labels that occur only in
the test texts (the model never learned them) count with recall 0; labels the model predicts
but the test texts never have count with precision 0.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from fanzha.engines.text_labelled import usable_rows


def evaluate_predictions(true: Sequence[str], predicted: Sequence[str]) -> dict:
    """Figures for predicted against true labels (both lists of strings, the same length).

    Returns ``{"n", "accuracy", "macro_f1", "per_class": {label: {"precision", "recall", "f1",
    "support"}}, "confusion": {"labels", "matrix"}}``; rows of the matrix are true labels.
    """
    true = [str(x) for x in true]
    predicted = [str(x) for x in predicted]
    if len(true) != len(predicted):
        raise ValueError(f"{len(true)} true labels but {len(predicted)} predictions")
    if not true:
        raise ValueError("nothing to evaluate: no labelled texts")
    labels = sorted(set(true) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        true, predicted, labels=labels, average=None, zero_division=0)
    matrix = confusion_matrix(true, predicted, labels=labels)
    return {
        "n": len(true),
        "accuracy": round(float(np.mean(np.array(true) == np.array(predicted))), 6),
        "macro_f1": round(float(np.mean(f1)), 6),
        "per_class": {
            labels[i]: {"precision": round(float(precision[i]), 6), "recall": round(float(recall[i]), 6),
                        "f1": round(float(f1[i]), 6), "support": int(support[i])}
            for i in range(len(labels))
        },
        "confusion": {"labels": labels, "matrix": matrix.tolist()},
    }


def evaluate(model, texts: Sequence[str], labels: Sequence[object]) -> dict:
    """Predict ``texts`` with ``model`` and compare with ``labels``.

    Rows whose text or label is blank are skipped and counted (``skipped_empty_text``,
    ``skipped_empty_label``). Labels in the data that the model does not know are listed under
    ``unknown_labels``; their texts count as errors.
    """
    keep_texts, keep_labels, empty_text, empty_label = usable_rows(texts, labels)
    if not keep_texts:
        raise ValueError(f"nothing to evaluate: no rows with both a text and a label ({empty_text} with empty "
                         f"text, {empty_label} with empty label)")
    result = evaluate_predictions(keep_labels, model.predict(keep_texts).tolist())
    result["skipped_empty_text"] = empty_text
    result["skipped_empty_label"] = empty_label
    result["unknown_labels"] = sorted(set(keep_labels) - set(model.labels))
    return result
