"""``fanzha numbers`` end to end: evaluate on a small table, bad inputs, features of a simulated city."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from fanzha.cli import app

runner = CliRunner()
FAST = ["--folds", "3", "--trees", "30"]
SICHUAN = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "sichuan-telecom"


def write_table(tmp_path: Path, n: int = 240, seed: int = 0) -> tuple[Path, Path, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    table = pl.DataFrame({
        "phone": [f"1390000{i:04d}" for i in range(n)],
        "calls": rng.normal(size=n) + 2.5 * y,
        "imeis": rng.integers(1, 4, size=n).astype(float),
        "night_share": np.where(rng.random(n) < 0.1, np.nan, rng.random(n)),
        "label": y,
    })
    table = table.with_columns(pl.col("night_share").fill_nan(None))  # written as empty cells
    path = tmp_path / "features.csv"
    table.write_csv(path)
    rows = np.repeat(np.arange(n), 3)
    cols = rng.integers(0, n, size=3 * n)
    graph_path = tmp_path / "graph.npz"
    sp.save_npz(graph_path, sp.coo_matrix((np.ones(3 * n), (rows, cols)), shape=(n, n)).tocsr())
    return path, graph_path, table


def evaluate(*args: str):
    return runner.invoke(app, ["numbers", "evaluate", *args])


def test_evaluate_prints_json(tmp_path) -> None:
    path, graph, table = write_table(tmp_path)
    result = evaluate("--features", str(path), "--id-col", "phone", "--graph", str(graph), *FAST, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert {"f1", "auc", "folds", "precision", "recall", "threshold", "n", "positives", "seconds"} <= set(figures)
    assert figures["n"] == table.height and len(figures["folds"]) == 3 and figures["graph"] is True
    assert figures["auc"] > 0.75
    again = json.loads(evaluate("--features", str(path), "--id-col", "phone", "--graph", str(graph), *FAST,
                                "--json").stdout)
    assert [f["auc"] for f in again["folds"]] == [f["auc"] for f in figures["folds"]]
    plain = evaluate("--features", str(path), "--id-col", "phone", *FAST)
    assert plain.exit_code == 0, plain.output
    assert "F1" in plain.stdout and "AUC" in plain.stdout


def test_labels_that_are_not_0_or_1_are_named_with_their_lines(tmp_path) -> None:
    path, _, table = write_table(tmp_path)
    table.with_columns(label=pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("fraud"))
                       .when(pl.int_range(pl.len()) == 9).then(pl.lit("2"))
                       .otherwise(pl.col("label").cast(pl.String))).write_csv(path)
    result = evaluate("--features", str(path), "--id-col", "phone", *FAST)
    assert result.exit_code == 1
    assert "labels must be 0 or 1" in result.stderr and "'2', 'fraud'" in result.stderr
    assert "line(s) 6, 11" in result.stderr  # header is line 1, so rows 4 and 9 are lines 6 and 11


def test_a_missing_id_column_is_named(tmp_path) -> None:
    path, _, _ = write_table(tmp_path)
    result = evaluate("--features", str(path), "--id-col", "phone_no_m", *FAST)
    assert result.exit_code == 1
    assert "no column 'phone_no_m' (--id-col)" in result.stderr and "phone, calls" in result.stderr


def test_a_graph_of_another_size_is_refused(tmp_path) -> None:
    path, _, table = write_table(tmp_path)
    small = tmp_path / "small.npz"
    sp.save_npz(small, sp.eye(10, format="csr"))
    result = evaluate("--features", str(path), "--id-col", "phone", "--graph", str(small), *FAST)
    assert result.exit_code == 1
    assert f"the graph is 10 x 10 but the table has {table.height} rows" in result.stderr
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a matrix")
    result = evaluate("--features", str(path), "--id-col", "phone", "--graph", str(junk), *FAST)
    assert result.exit_code == 1 and "not a scipy sparse matrix" in result.stderr


def test_non_numeric_columns_are_refused_or_dropped(tmp_path) -> None:
    path, _, table = write_table(tmp_path)
    table.with_columns(city=pl.lit("成都"), brand=pl.lit("x")).write_csv(path)
    refused = evaluate("--features", str(path), "--id-col", "phone", *FAST)
    assert refused.exit_code == 1
    assert "non-numeric feature column(s): city, brand" in refused.stderr and "--drop-non-numeric" in refused.stderr
    dropped = evaluate("--features", str(path), "--id-col", "phone", "--drop-non-numeric", *FAST, "--json")
    assert dropped.exit_code == 0, dropped.output
    assert "dropped 2 non-numeric column(s): city, brand" in dropped.stderr
    assert json.loads(dropped.stdout)["features"] == 3


def test_usage_errors_exit_2(tmp_path) -> None:
    path, _, _ = write_table(tmp_path, n=60)
    too_many = evaluate("--features", str(path), "--id-col", "phone", "--folds", "50")
    assert too_many.exit_code == 2 and "50 folds need at least 50 rows of each label" in too_many.output
    missing = evaluate("--features", str(tmp_path / "nope.csv"), "--id-col", "phone")
    assert missing.exit_code == 2
    no_id = evaluate("--features", str(path))
    assert no_id.exit_code == 2 and "--id-col" in no_id.output


def test_features_of_a_simulated_city_feed_evaluate(tmp_path) -> None:
    world = tmp_path / "world"
    made = runner.invoke(app, ["simulate", "--residents", "2000", "--days", "7", "--seed", "3", "--out", str(world)])
    assert made.exit_code == 0, made.output
    out, graph = tmp_path / "features.csv", tmp_path / "graph.npz"
    result = runner.invoke(app, ["numbers", "features", "--world", str(world), "--out", str(out),
                                 "--graph-out", str(graph)])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out, schema_overrides={"msisdn": pl.String})
    truth = pl.read_csv(world / "truth" / "fraud_numbers.csv", schema_overrides={"number": pl.String})
    assert table["label"].sum() == truth["number"].is_in(table["msisdn"].implode()).sum() > 0
    assert sp.load_npz(graph).shape == (table.height, table.height)
    evaluated = evaluate("--features", str(out), "--id-col", "msisdn", "--graph", str(graph), *FAST, "--json")
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.stdout)["auc"] > 0.9


def test_features_need_a_source(tmp_path) -> None:
    result = runner.invoke(app, ["numbers", "features", "--out", str(tmp_path / "f.csv")])
    assert result.exit_code == 2 and "--world or --calls" in result.output


@pytest.mark.skipif(not (SICHUAN / "all_feat_with_label.csv").exists(), reason="Sichuan data not present")
def test_sichuan_quick(tmp_path) -> None:
    """The real data, quickly (2 folds, 60 trees); the full figure comes from bench/bench_numbers.py."""
    result = evaluate("--features", str(SICHUAN / "all_feat_with_label.csv"), "--label-col", "label",
                      "--id-col", "phone_no_m", "--graph", str(SICHUAN / "node_adj_sparse.npz"),
                      "--folds", "2", "--inner-folds", "2", "--trees", "60", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["n"] == 6106 and figures["positives"] == 1962 and figures["features"] == 55
    assert figures["auc"] > 0.94 and figures["f1"] > 0.85
