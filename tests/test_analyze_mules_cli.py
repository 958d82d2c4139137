"""``fanzha analyze mules --world``: the mule model measured on a small simulated city's truth."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.engines.mule_model_file import load_mule_model
from fanzha.sim.city import simulate

runner = CliRunner()
TYPOLOGIES = ("fan_in", "fan_out", "chain", "cycle", "scatter_gather")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mule-city")
    simulate(residents=3_000, days=30, seed=3, out=out, progress=False)
    return out


@pytest.fixture(scope="module")
def measured(world: Path) -> dict:
    result = runner.invoke(app, ["analyze", "mules", "--world", str(world), "--json", "--folds", "3"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _statement_accounts(world: Path) -> set[str]:
    accounts: set[str] = set()
    for path in (world / "banks").glob("*/statements.csv"):
        accounts |= set(pl.read_csv(path, columns=["交易卡号"], schema_overrides={"交易卡号": pl.String})["交易卡号"].to_list())
    return accounts


def test_per_typology_figures_are_counted_against_the_truth(world: Path, measured: dict) -> None:
    truth = pl.read_csv(world / "truth" / "fraud_accounts.csv", schema_overrides={"account": pl.String})
    seen = truth.filter(pl.col("account").is_in(list(_statement_accounts(world))))
    model = measured["model"]
    assert measured["mule_accounts"] == seen.height
    assert measured["mule_accounts_without_postings"] == truth.height - seen.height
    assert measured["gangs"] == seen["gang_id"].n_unique()  # gangs whose cards moved money
    assert "group" in measured["method"] and "gang" in measured["method"]
    for t in TYPOLOGIES:
        figures = model["typologies"][t]
        assert figures["mule_accounts"] == seen.filter(pl.col("typology") == t).height, t
        assert figures["flagged"] <= figures["mule_accounts"]
        if figures["mule_accounts"]:
            assert figures["recall"] == round(figures["flagged"] / figures["mule_accounts"], 4)
    overall = model["overall"]
    assert overall["mule_accounts"] == sum(model["typologies"][t]["mule_accounts"] for t in TYPOLOGIES)
    assert sum(model["typologies"][t]["guessed"] for t in TYPOLOGIES) == overall["flagged"]
    assert overall["precision"] >= 0.8 and overall["recall"] >= 0.8
    assert measured["behaviour_only"]["overall"]["recall"] >= 0.8
    assert "traced_victims" not in measured["behaviour_only"]["features"]


def test_flagged_helpers_are_real_helpers(world: Path, measured: dict) -> None:
    from fanzha.services.analysis.mule_world import evaluate_world  # noqa: F401  (the same code path)

    helpers = measured["helpers"]
    persons = pl.read_csv(world / "truth" / "fraud_persons.csv")
    assert helpers["fraud_persons"] == persons.height
    assert helpers["flagged"] >= 1 and helpers["right"] <= helpers["flagged"]
    assert helpers["precision"] == round(helpers["right"] / helpers["flagged"], 4) >= 0.9
    assert sum(helpers["criteria"].values()) >= helpers["flagged"]
    assert 0 < helpers["recall"] <= helpers["recall_serious"] <= 1


def test_phone_cards_are_measured(measured: dict) -> None:
    cards = measured["phone_cards"]
    assert cards["fraud_numbers"] > 0 and cards["numbers"] > cards["fraud_numbers"]
    assert 0 <= cards["precision"] <= 1 and 0 <= cards["recall"] <= 1


def test_save_model_trains_on_the_whole_city(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "mules.json.gz"
    result = runner.invoke(app, ["analyze", "mules", "--world", str(world), "--save-model", str(out), "--json"])
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    model = load_mule_model(out)
    assert "account_age_days" not in model.model_features_  # the store holds no opening dates
    assert model.trained_on_["world_seed"] == 3 and saved["mule_accounts"] == model.trained_on_["mule_accounts"]


def test_a_folder_that_is_not_a_world_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", "mules", "--world", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert "no such file" in result.output or "simulated world" in result.output


def test_train_on_one_city_and_measure_on_another(world: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-city"
    simulate(residents=3_000, days=30, seed=4, out=other, progress=False)
    result = runner.invoke(app, ["analyze", "mules", "--world", str(world), "--train-world", str(other),
                                 "--no-cards", "--no-behaviour-only", "--json"])
    assert result.exit_code == 0, result.output
    measured = json.loads(result.stdout)
    assert measured["method"].startswith(f"trained on {other}") and "behaviour_only" not in measured
    assert len(measured["model"]["thresholds"]) == 1
    assert measured["model"]["overall"]["recall"] >= 0.8 and measured["model"]["overall"]["precision"] >= 0.8
