"""``fanzha analyze series --world``: series detection measured on a simulated city's truth, and
``fanzha analyze graph`` / ``series`` on the store."""
from __future__ import annotations

import csv
import json
import time
from collections import Counter, defaultdict

import pytest
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.config import Settings
from fanzha.services.importing import import_file
from fanzha.services.organisations import seed_organisations
from fanzha.sim.city import simulate
from fanzha.store.db import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("series-world")
    started = time.perf_counter()
    simulate(residents=8000, days=30, seed=3, out=out, progress=False)
    assert time.perf_counter() - started < 60  # a small city is quick to make
    return out


def expected_grouping(world) -> tuple[float, float, int, dict]:
    """Independently: link reports sharing a card paid or a reported identifier (not an app's
    name), union-find, then purity and completeness against truth/victims.csv."""
    reports = json.loads((world / "reports" / "reports.json").read_text(encoding="utf-8"))
    gang = {r["report_id"]: r["gang_id"] for r in csv.DictReader((world / "truth" / "victims.csv").open())
            if r["report_id"]}
    parent = {r["report_id"]: r["report_id"] for r in reports}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    seen: dict[tuple, str] = {}
    for r in reports:
        keys = [("account", t["to_account"]) for t in r["transfers"]]
        keys += [(c["kind"], c["value"]) for c in r["contacts"] if c["kind"] != "app"]
        for k in keys:
            if k in seen:
                parent[find(r["report_id"])] = find(seen[k])
            else:
                seen[k] = r["report_id"]
    groups = defaultdict(list)
    for r in reports:
        groups[find(r["report_id"])].append(gang[r["report_id"]])
    n = len(reports)
    purity = sum(max(Counter(g).values()) for g in groups.values()) / n
    per_gang = defaultdict(Counter)
    for key, g in groups.items():
        for x in g:
            per_gang[x][key] += 1
    completeness = sum(max(c.values()) for c in per_gang.values()) / n
    return purity, completeness, sum(1 for g in groups.values() if len(g) >= 2), {g: sum(c.values()) for g, c in per_gang.items()}


def test_world_series_are_measured_against_the_truth(world) -> None:
    started = time.perf_counter()
    result = runner.invoke(app, ["analyze", "series", "--world", str(world), "--json"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 60
    out = json.loads(result.stdout)
    purity, completeness, series, cases_per_gang = expected_grouping(world)
    assert out["reports"] == sum(cases_per_gang.values()) > 5
    assert out["purity"] >= 0.9 and out["completeness"] >= 0.9
    assert (out["purity"], out["completeness"], out["series"]) == (round(purity, 4), round(completeness, 4), series)
    assert {g: v["cases"] for g, v in out["per_gang"].items()} == cases_per_gang
    assert all(v["purity"] >= 0.9 for v in out["per_gang"].values())
    # without the statements the reports alone give the same grouping in this city
    bare = json.loads(runner.invoke(app, ["analyze", "series", "--world", str(world), "--json", "--no-statements"]).stdout)
    assert (bare["purity"], bare["completeness"]) == (out["purity"], out["completeness"])


def test_world_summary_in_words(world) -> None:
    result = runner.invoke(app, ["analyze", "series", "--world", str(world)])
    assert result.exit_code == 0, result.output
    assert "purity" in result.output and "completeness" in result.output and "G00" in result.output


def test_a_folder_without_reports_is_refused(tmp_path) -> None:
    result = runner.invoke(app, ["analyze", "series", "--world", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert "reports/reports.json" in result.output


def test_graph_and_series_on_the_store(world) -> None:
    db = Database(Settings.from_env().database_url)
    with db.session() as s:
        seed_organisations(s)
    import_file(db, "reports", world / "reports" / "reports.json")
    graph = runner.invoke(app, ["analyze", "graph", "--json"])
    assert graph.exit_code == 0, graph.output
    built = json.loads(graph.stdout)
    assert built["entities"] > 0 and built["relations"] > 0
    first = json.loads(runner.invoke(app, ["analyze", "series", "--json"]).stdout)
    _, _, series, _ = expected_grouping(world)
    assert first["run"]["series_found"] == series and first["run"]["created"] == series
    again = json.loads(runner.invoke(app, ["analyze", "series", "--json"]).stdout)
    assert (again["run"]["created"], again["run"]["updated"]) == (0, series)
    assert [s["series_no"] for s in again["top"]] == [s["series_no"] for s in first["top"]]
    words = runner.invoke(app, ["analyze", "series"])
    assert words.exit_code == 0 and "series" in words.output
    db.dispose()
