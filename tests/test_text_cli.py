"""``fanzha text``: train, evaluate and predict on labelled CSVs, and refuse bad input clearly."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_text_classifier import labelled_rows
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.engines.text_classifier import TextClassifier

runner = CliRunner()


def write_csv(path: Path, rows: list[tuple[str, str]], header=("text", "label"), encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def trained_file(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("text-cli")
    data = write_csv(folder / "train.csv", labelled_rows(0, per_class=60))
    model = folder / "model.npz"
    result = runner.invoke(app, ["text", "train", "--data", str(data), "--out", str(model), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["texts"] == 240 and len(summary["per_label"]) == 4
    return model, folder


def test_train_then_evaluate_as_json(trained_file) -> None:
    model, folder = trained_file
    test = write_csv(folder / "test.csv", labelled_rows(1, per_class=25))
    result = runner.invoke(app, ["text", "evaluate", "--model", str(model), "--data", str(test), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["n"] == 100 and out["macro_f1"] >= 0.95 and 0.95 <= out["accuracy"] <= 1.0
    for row in out["per_class"].values():
        assert set(row) == {"precision", "recall", "f1", "support"}
    human = runner.invoke(app, ["text", "evaluate", "--model", str(model), "--data", str(test)])
    assert human.exit_code == 0 and "macro-F1" in human.stdout


def test_gb18030_csv_with_other_column_names_and_english_labels(tmp_path) -> None:
    english = {"刷单返利": "brushing", "冒充公检法": "police", "虚假网络贷款": "loan", "正常": "normal"}
    rows = [(t, english[lbl]) for t, lbl in labelled_rows(2, per_class=40)]
    data = write_csv(tmp_path / "gbk.csv", rows, header=("短信内容", "类别"), encoding="gb18030")
    model = tmp_path / "gb.npz"
    result = runner.invoke(app, ["text", "train", "--data", str(data), "--text-col", "短信内容",
                                 "--label-col", "类别", "--out", str(model)])
    assert result.exit_code == 0, result.output
    assert "GB18030" in result.stdout
    assert sorted(TextClassifier.load(model).labels) == ["brushing", "loan", "normal", "police"]
    result = runner.invoke(app, ["text", "evaluate", "--model", str(model), "--data", str(data),
                                 "--text-col", "短信内容", "--label-col", "类别", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["macro_f1"] >= 0.95


def test_empty_texts_are_skipped_and_counted(tmp_path) -> None:
    rows = labelled_rows(3, per_class=20) + [("", "正常"), ("   ", "正常"), ("有文字", "")]
    data = write_csv(tmp_path / "blanks.csv", rows)
    result = runner.invoke(app, ["text", "train", "--data", str(data), "--out", str(tmp_path / "m.npz"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["texts"] == 80
    assert summary["skipped_empty_text"] == 2 and summary["skipped_empty_label"] == 1


def test_predict_one_text_and_a_csv(trained_file, tmp_path) -> None:
    model, _ = trained_file
    result = runner.invoke(app, ["text", "predict", "--model", str(model), "--text", "你涉嫌洗钱，把钱转入安全账户",
                                 "--json", "--explain"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["label"] == "冒充公检法" and 0 <= out["confidence"] <= 1 and len(out["alternatives"]) == 2
    assert out["because"]
    plain = runner.invoke(app, ["text", "predict", "--model", str(model), "--text", "晚上回家吃饭吗"])
    assert plain.exit_code == 0 and plain.stdout.startswith("正常\t")

    texts = write_csv(tmp_path / "texts.csv", [("不看征信也能借款，当天放款", "x"), ("", "x"), ("明天开会", "x")])
    result = runner.invoke(app, ["text", "predict", "--model", str(model), "--data", str(texts)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["label"] for r in rows] == ["虚假网络贷款", "", "正常"]
    assert 0 < float(rows[0]["confidence"]) <= 1
    assert "1 rows with an empty text" in result.stderr


def test_predict_with_the_shipped_defaults() -> None:
    result = runner.invoke(app, ["text", "predict", "--model", "sms", "--json",
                                 "--text", "您的账户涉嫌洗钱，请立即将资金转入安全账户"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["label"] == "fraud"


def test_missing_column_names_the_available_ones(trained_file, tmp_path) -> None:
    model, _ = trained_file
    data = write_csv(tmp_path / "cols.csv", [("一条短信", "正常")], header=("content", "kind"))
    for args in (["text", "train", "--data", str(data), "--out", str(tmp_path / "m.npz")],
                 ["text", "evaluate", "--model", str(model), "--data", str(data)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "no column 'text', 'label'" in result.stderr and "'content', 'kind'" in result.stderr


def test_a_single_label_is_refused(tmp_path) -> None:
    data = write_csv(tmp_path / "one.csv", [(t, "fraud") for t, _ in labelled_rows(4, per_class=5)])
    result = runner.invoke(app, ["text", "train", "--data", str(data), "--out", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert "at least two different labels" in result.stderr
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a table"),
    (b"", "not a table"),
    (b'{"text": "x", "label": "y"}', "not a table"),
    (bytes(range(256)) * 4, "not a table"),
])
def test_files_that_are_not_tables(tmp_path, content: bytes, message: str) -> None:
    data = tmp_path / "bad.csv"
    data.write_bytes(content)
    result = runner.invoke(app, ["text", "train", "--data", str(data), "--out", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert message in result.stderr


def test_missing_and_foreign_files(trained_file, tmp_path) -> None:
    model, folder = trained_file
    data = folder / "train.csv"
    result = runner.invoke(app, ["text", "train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and "no such file" in result.stderr
    result = runner.invoke(app, ["text", "evaluate", "--model", str(tmp_path / "nope.npz"), "--data", str(data)])
    assert result.exit_code == 1 and "no such model file" in result.stderr
    result = runner.invoke(app, ["text", "predict", "--model", str(data), "--text", "一条短信"])
    assert result.exit_code == 1 and "not a Fanzha text model" in result.stderr
    result = runner.invoke(app, ["text", "predict", "--model", str(model)])
    assert result.exit_code == 1 and "either --text or --data" in result.stderr
    result = runner.invoke(app, ["text", "predict", "--model", str(model), "--text", "  "])
    assert result.exit_code == 1 and "empty" in result.stderr


def test_build_defaults_from_a_world(tmp_path) -> None:
    from fanzha.sim.city import simulate

    world = tmp_path / "world"
    simulate(residents=1000, days=5, seed=2, out=world, progress=False)
    out = tmp_path / "models"
    result = runner.invoke(app, ["text", "build-defaults", "--world", str(world), "--out", str(out),
                                 "--stories", "20"])
    assert result.exit_code == 0, result.output
    assert TextClassifier.load(out / "sms_fraud.npz").labels == ["fraud", "normal"]
    assert len(TextClassifier.load(out / "narrative_fraud_type.npz").labels) == 11
    result = runner.invoke(app, ["text", "build-defaults", "--world", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 1 and "not a simulated world" in result.stderr
