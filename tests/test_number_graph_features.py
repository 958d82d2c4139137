"""The contact-graph features of the fraud-number model: what they read, and what they must not.

The leakage guards here run the evaluation's own fold step (``score_fold``) twice, once with the
true labels and once with the test fold's labels scrambled: nothing computed for the test rows
may change.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from fanzha.engines.number_evaluation import score_fold
from fanzha.engines.number_graph import contact_graph
from fanzha.engines.number_graph_labels import LABEL_FEATURES, known_label_features
from fanzha.engines.number_model import UNKNOWN, NumberModel
from tests.test_number_model import FAST, synthetic


def a_test_fold(y: np.ndarray, seed: int = 0) -> np.ndarray:
    _, test = next(StratifiedKFold(4, shuffle=True, random_state=seed).split(y, y))
    return test


@pytest.mark.parametrize("scramble", ["permute", "flip"])
def test_test_fold_labels_change_nothing_computed_for_the_test_rows(scramble: str) -> None:
    table, y, graph = synthetic(n=300, seed=4)
    test = a_test_fold(y)
    other = y.copy()
    rng = np.random.default_rng(1)
    other[test] = rng.permutation(y[test]) if scramble == "permute" else 1 - y[test]
    assert (other[test] != y[test]).any()

    scores, model = score_fold(table, y, graph, test, FAST)
    scores_other, model_other = score_fold(table, other, graph, test, FAST)
    assert np.array_equal(scores, scores_other)
    assert model.threshold_ == model_other.threshold_
    hidden = y.copy()
    hidden[test] = UNKNOWN
    design = model.design(table, graph, known=hidden)[test]
    assert np.array_equal(design, model_other.design(table, graph, known=hidden)[test], equal_nan=True)


def test_the_known_labels_a_fold_scores_with_hide_the_test_rows() -> None:
    """The label features the test rows are scored with read the training labels, and only them:
    giving the model the true test labels instead would change them (so the guard above is not
    vacuous on this graph)."""
    table, y, graph = synthetic(n=300, seed=4)
    test = a_test_fold(y)
    _, model = score_fold(table, y, graph, test, FAST)
    hidden = y.copy()
    hidden[test] = UNKNOWN
    columns = [model.model_features_.index(name) for name in LABEL_FEATURES]
    honest = model.design(table, graph, known=hidden)[:, columns]
    leaky = model.design(table, graph, known=y)[:, columns]
    assert not np.allclose(honest[test], leaky[test], equal_nan=True)
    # with the test labels hidden, a fraud test number's known fraud contacts are training rows only
    a = contact_graph(graph)
    fraud_contacts = honest[:, LABEL_FEATURES.index("known_fraud_contacts")]
    training_fraud = np.zeros(len(y))
    training_fraud[np.setdiff1d(np.flatnonzero(y == 1), test)] = 1
    assert np.array_equal(fraud_contacts[test], (a @ training_fraud)[test])


def test_graph_features_carry_the_contact_signal() -> None:
    """Behaviour: on a table whose columns are pure noise and whose fraud numbers contact each
    other, only the graph features can tell fraud apart, and they do."""
    table, y, graph = synthetic(n=400, seed=8, signal=True)
    noise = table.select([table.columns[j] for j in (2, 3, 4)])  # the three uninformative columns
    hidden = y.copy()
    test = a_test_fold(y)
    hidden[test] = UNKNOWN
    with_graph = NumberModel(**FAST).fit(noise, hidden, graph).predict_proba(noise, graph)[test, 1]
    without = NumberModel(**FAST).fit(noise, hidden).predict_proba(noise)[test, 1]
    assert roc_auc_score(y[test], with_graph) > 0.9
    assert roc_auc_score(y[test], without) < 0.7


def test_an_isolated_number_gets_missing_label_features_not_zero_shares() -> None:
    graph = sp.csr_matrix(([1.0], ([0], [1])), shape=(3, 3))
    f = known_label_features(contact_graph(graph), np.array([1, -1, -1], dtype=np.int8))
    assert f["known_fraud_contacts"].tolist() == [0, 1, 0]
    assert np.isnan(f["known_fraud_share"][2]) and np.isnan(f["known_fraud_per_contact"][2])
