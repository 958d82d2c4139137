"""The `fanzha` command end to end: simulate a small city, and the demo's prepare step twice."""
from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.config import Settings
from fanzha.store.db import Database
from fanzha.store.models import Case, StatementPosting, User

runner = CliRunner()


def test_simulate_writes_a_world(tmp_path) -> None:
    out = tmp_path / "world"
    result = runner.invoke(app, ["simulate", "--residents", "1000", "--days", "5", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    world = json.loads((out / "world.json").read_text())
    assert (world["residents"], world["days"], world["seed"]) == (1000, 5, 3)
    assert (out / "reports" / "reports.json").exists()
    assert sorted(p.parent.name for p in (out / "banks").glob("*/statements.csv")) == [
        "ABC", "BOC", "BOCOM", "CCB", "ICBC", "PSBC"]


def test_demo_prepares_once_and_reuses_the_city(tmp_path) -> None:
    args = ["demo", "--residents", "1000", "--days", "10", "--seed", "5", "--no-serve"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Loading the simulated city" in first.output and "fanzha-demo" in first.output
    db = Database(Settings.from_env().database_url)
    with db.session() as s:
        counts = (s.scalar(select(func.count()).select_from(Case)),
                  s.scalar(select(func.count()).select_from(StatementPosting)),
                  s.scalar(select(func.count()).select_from(User)))
    assert counts[0] > 0 and counts[1] > 0 and counts[2] >= 10

    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "Simulating" not in second.output and "Loading" not in second.output
    with db.session() as s:
        assert (s.scalar(select(func.count()).select_from(Case)),
                s.scalar(select(func.count()).select_from(StatementPosting)),
                s.scalar(select(func.count()).select_from(User))) == counts
    db.dispose()


def test_import_of_a_missing_file_says_so(tmp_path) -> None:
    result = runner.invoke(app, ["import", "statements", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr
