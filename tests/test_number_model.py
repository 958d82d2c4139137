"""The fraud-number model and its cross-validated evaluation, on small synthetic tables."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from fanzha.engines import number_evaluation
from fanzha.engines.number_evaluation import evaluate_number_model
from fanzha.engines.number_graph import contact_graph, structure_features
from fanzha.engines.number_graph_labels import LABEL_FEATURES, known_label_features
from fanzha.engines.number_model import NumberModel, best_f1_threshold

FAST = {"n_estimators": 40, "inner_folds": 3}


def synthetic(n: int = 360, seed: int = 0, signal: bool = True) -> tuple[pl.DataFrame, np.ndarray, sp.csr_matrix]:
    """Numbers with 5 features (2 informative) and a contact graph where fraud numbers mostly
    contact each other: both the table and the graph carry signal."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    x = rng.normal(size=(n, 5))
    if signal:
        x[:, 0] += 1.5 * y
        x[:, 1] -= 0.8 * y
    x[rng.random((n, 5)) < 0.05] = np.nan  # missing values are allowed
    rows, cols = [], []
    for i in range(n):
        same = np.flatnonzero(y == y[i]) if signal else np.arange(n)
        for j in rng.choice(same, size=4, replace=False):
            rows.append(i)
            cols.append(int(j))
        rows.append(i)
        cols.append(int(rng.integers(n)))  # and one contact anywhere
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    table = pl.DataFrame(x, schema=["calls", "callees", "imeis", "sms_out", "night_share"], orient="row")
    return table, y, graph


def test_evaluate_returns_the_figures_per_fold_and_overall() -> None:
    table, y, graph = synthetic()
    result = evaluate_number_model(table, y, graph, folds=3, seed=1, params=FAST)
    for key in ("f1", "auc", "precision", "recall", "threshold", "f1_macro", "f1_weighted", "f1_at_half", "n", "positives",
                "seconds", "folds"):
        assert key in result
    assert result["n"] == len(y) and result["positives"] == int(y.sum()) and result["graph"] is True
    assert [f["fold"] for f in result["folds"]] == [1, 2, 3]
    assert sum(f["n"] for f in result["folds"]) == len(y)
    assert result["auc"] > 0.9 and result["f1"] > 0.75  # the signal is strong
    assert result["f1"] == pytest.approx(np.mean([f["f1"] for f in result["folds"]]))
    for f in result["folds"]:  # "f1" is the fraud class's; macro and weighted F1 mix in the clean class's
        clean_f1 = 2 * f["f1_macro"] - f["f1"]
        weighted = (f["positives"] * f["f1"] + (f["n"] - f["positives"]) * clean_f1) / f["n"]
        assert f["f1_weighted"] == pytest.approx(weighted)
    assert result["f1_weighted"] == pytest.approx(np.mean([f["f1_weighted"] for f in result["folds"]]))


def test_evaluation_is_deterministic_for_a_seed() -> None:
    table, y, graph = synthetic()

    def figures(seed: int) -> list:
        result = evaluate_number_model(table, y, graph, folds=3, seed=seed, params=FAST)
        return [(f["f1"], f["auc"], f["threshold"]) for f in result["folds"]]

    assert figures(4) == figures(4)
    assert figures(4) != figures(5)  # another seed shuffles other folds


def test_shuffled_labels_score_like_chance() -> None:
    """Leakage guard: with labels that mean nothing, no fold may do better than chance."""
    table, y, graph = synthetic(n=600, seed=3)
    shuffled = np.random.default_rng(9).permutation(y)
    result = evaluate_number_model(table, shuffled, graph, folds=3, seed=0, params=FAST)
    assert abs(result["auc"] - 0.5) < 0.08


def test_a_twin_graph_does_not_hand_back_a_numbers_own_label() -> None:
    """Leakage guard: every number's only contact is its twin, labels at random. Two hops from a
    number lead back to itself: were test labels ever passed to scoring, or read there, the
    two-hop features would hand each number its own label and the AUC would be near 1."""
    rng = np.random.default_rng(2)
    n = 600
    y = (rng.random(n) < 0.4).astype(np.int8)
    twins = np.arange(n) ^ 1
    graph = sp.coo_matrix((np.ones(n), (np.arange(n), twins)), shape=(n, n)).tocsr()
    table = pl.DataFrame({"noise": rng.normal(size=n)})
    result = evaluate_number_model(table, y, graph, folds=3, seed=0, params=FAST)
    assert abs(result["auc"] - 0.5) < 0.08


def test_test_fold_labels_never_reach_the_model(monkeypatch) -> None:
    """Leakage guard: every fit, and the scoring after it, sees the test rows as unknown (-1)."""
    table, y, graph = synthetic(n=240)
    fitted, scored = [], []
    fit, predict_proba = NumberModel.fit, NumberModel.predict_proba

    def spy_fit(self, X, labels, graph=None):
        fitted.append(np.asarray(labels).copy())
        return fit(self, X, labels, graph)

    def spy_predict_proba(self, X, graph=None, known=None):
        scored.append(self.known_ if known is None else np.asarray(known).copy())
        return predict_proba(self, X, graph, known)

    monkeypatch.setattr(number_evaluation.NumberModel, "fit", spy_fit)
    monkeypatch.setattr(number_evaluation.NumberModel, "predict_proba", spy_predict_proba)
    evaluate_number_model(table, y, graph, folds=4, seed=0, params=FAST)
    assert len(fitted) == 4 and len(scored) == 4
    for labels in fitted + scored:
        known = labels >= 0
        assert (labels[known] == y[known]).all()
    for labels in (fitted, scored):
        hidden = np.sum([one == -1 for one in labels], axis=0)
        assert (hidden == 1).all()  # each row hidden in exactly one fold, known in the others


def test_a_nodes_label_features_do_not_read_its_own_label() -> None:
    _, y, graph = synthetic(n=200, seed=5)
    a = contact_graph(graph)
    known = y.astype(np.int8).copy()
    for node in (0, 17, 123):
        flipped = known.copy()
        flipped[node] = 1 - flipped[node]
        hidden = known.copy()
        hidden[node] = -1
        base, other, unknown = (known_label_features(a, k) for k in (known, flipped, hidden))
        for name in LABEL_FEATURES:
            assert base[name][node] == pytest.approx(other[name][node], nan_ok=True)
            assert base[name][node] == pytest.approx(unknown[name][node], nan_ok=True)


def test_label_features_by_hand() -> None:
    # 0 - 1 - 2, and 1 - 3; 1 is fraud, 2 is clean, 0 and 3 unknown
    graph = sp.csr_matrix(np.array([[0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]]))
    f = known_label_features(contact_graph(graph), np.array([-1, 1, 0, -1]))
    assert f["known_fraud_contacts"].tolist() == [1, 0, 1, 1]
    assert f["known_clean_contacts"].tolist() == [0, 1, 0, 0]
    assert f["known_fraud_share"][0] == 1 and f["known_fraud_share"][1] == 0
    # node 0 reaches 2 (clean) and 3 (unknown) through 1: no known fraud two hops away
    assert f["two_hop_known_fraud"][0] == 0 and f["two_hop_known_fraud_share"][0] == 0
    # node 2 reaches 0 and 3 through 1, both unknown
    assert np.isnan(f["two_hop_known_fraud_share"][2])


def test_structure_features_by_hand() -> None:
    # a triangle 0-1-2 and a pendant 3 on 2; 4 alone; the matrix is one-directional
    graph = sp.csr_matrix(([1, 1, 1, 1], ([0, 1, 0, 2], [1, 2, 2, 3])), shape=(5, 5))
    f = structure_features(contact_graph(graph))
    assert f["graph_degree"].tolist() == [2, 2, 3, 1, 0]
    assert f["graph_triangles"].tolist() == [1, 1, 1, 0, 0]
    assert f["graph_clustering"][2] == pytest.approx(1 / 3)
    assert np.isnan(f["graph_clustering"][3])
    assert f["graph_pagerank"].mean() == pytest.approx(1.0)
    assert f["graph_pagerank"][2] == f["graph_pagerank"].max()


def test_explain_names_the_features_behind_each_score() -> None:
    table, y, graph = synthetic()
    model = NumberModel(**FAST).fit(table, y, graph)
    scores = model.predict_proba(table, graph)[:, 1]
    explained = model.explain(table, graph, rows=[0, 1, 2], top=3)
    assert [e["row"] for e in explained] == [0, 1, 2]
    for e in explained:
        assert len(e["top"]) == 3
        assert e["score"] == pytest.approx(scores[e["row"]], rel=1e-6)
        magnitudes = [abs(t["contribution"]) for t in e["top"]]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert all(t["feature"] in model.model_features_ for t in e["top"])
    # over all rows, the informative column is among the most used
    tops = [t["feature"] for e in model.explain(table, graph) for t in e["top"]]
    assert "calls" in tops
    assert set(model.feature_importances_) == set(model.model_features_)


def test_model_without_graph_and_transductive_scoring() -> None:
    table, y, graph = synthetic()
    plain = NumberModel(**FAST).fit(table, y)
    assert plain.model_features_ == table.columns
    assert plain.predict(table).shape == (len(y),)
    hidden = y.copy()
    hidden[:50] = -1  # unknown numbers still take part through the graph
    model = NumberModel(**FAST).fit(table, hidden, graph)
    assert set(model.predict(table, graph)) <= {0, 1}
    # columns are matched by name, whatever their order
    shuffled = table.select(list(reversed(table.columns)))
    assert np.allclose(model.predict_proba(shuffled, graph), model.predict_proba(table, graph))


def test_model_refuses_bad_input() -> None:
    table, y, graph = synthetic(n=120)
    with pytest.raises(ValueError, match="0, 1 or -1"):
        NumberModel(**FAST).fit(table, np.where(y == 1, 2, 0), graph)
    with pytest.raises(ValueError, match="119 rows|table has 119"):
        NumberModel(**FAST).fit(table.head(119), y[:119], graph)
    with pytest.raises(ValueError, match="both classes"):
        NumberModel(**FAST).fit(table, np.zeros(len(y)))
    model = NumberModel(**FAST).fit(table, y, graph)
    with pytest.raises(ValueError, match="graph"):
        model.predict_proba(table)
    with pytest.raises(ValueError, match="lacks feature columns the model was fitted on: calls"):
        model.predict_proba(table.drop("calls"), graph)
    with pytest.raises(ValueError, match="non-numeric"):
        NumberModel(**FAST).fit(table.with_columns(pl.lit("x").alias("city")), y)


def test_best_f1_threshold() -> None:
    y = np.array([1, 1, 0, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    threshold = best_f1_threshold(y, scores)
    assert 0.2 < threshold < 0.6  # flagging the top four gives F1 6/7, the best
    assert best_f1_threshold(np.array([1, 0]), np.array([0.5, 0.5])) <= 0.5  # ties are never split
