"""Year-over-year statistics against answers worked out by hand (tests/command_truth.py), on SQLite
and PostgreSQL: May 2024 against May 2023, by county, station and fraud type."""
from __future__ import annotations

from datetime import date

import pytest

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.services.command.period import Period
from fanzha.services.command.statistics import command_figures
from fanzha.store.db import Database
from tests import command_truth

LEADER = Actor(username="leader", role=Role.LEADERSHIP, org_code="city", org_kind=OrgKind.CITY_CENTER)
COUNTY_LEADER = Actor(username="cx-leader", role=Role.LEADERSHIP, org_code="county-chengxiang",
                      org_kind=OrgKind.COUNTY_CENTER, region="城厢区")
MAY = Period.parse("2024-05")


@pytest.fixture
def city(db: Database) -> Database:
    with db.session() as s:
        command_truth.build(s)
    return db


def _pairs(figures) -> dict[str, tuple[int, int]]:
    return {k: (f.this, f.last) for k, f in figures.items()}


def test_the_whole_city_may_2024_against_may_2023(city: Database) -> None:
    with city.session() as s:
        got = command_figures(s, LEADER, MAY)
    assert got.last_period == Period(date(2023, 5, 1), date(2023, 5, 31), "month")
    assert _pairs(got.figures) == {
        "cases": (3, 4),  # A1 (00:30 local on May 1st), A2, A3 (23:59 on May 31st) | B1..B4
        "loss_fen": (620_000, 395_000),
        "solved": (2, 1),  # B1 (reported 2023, solved May 2024) and A2 | B2; A3 solved June 1st
        "people_dealt_with": (2, 1),  # S1 (two measures, one person) and S2 | S3
        "stopped_fen": (350_000, 50_000),
        "frozen_fen": (260_000, 0),
        "returned_fen": (200_000, 0),
        "warnings": (2, 2),  # L1, L2 | L4, L5 (L3 raised in April)
        "dissuasions": (2, 1),  # L1, L3 (closed May 1st) | L4
        "loss_avoided_fen": (3_100_000, 50_000),
        "numbers_intercepted": (1, 1),  # HM-1 | HM-6; HM-4 waits, HM-5 was refused
        "numbers_shut_down": (1, 0),  # HM-2 and HM-3: one number
        "cards_queried": (2, 1),  # ICBC ...0001 twice is one card, CCB ...0009
        "cards_frozen": (1, 0),
    }
    f = got.figures
    assert f["cases"].change == -25.0
    assert f["loss_fen"].change == 57.0  # 225,000 / 395,000 = 56.96 %
    assert f["solved"].change == 100.0 and f["warnings"].change == 0.0
    assert f["frozen_fen"].change is None and f["numbers_shut_down"].change is None  # last year 0: undefined
    assert f["loss_avoided_fen"].change == 6100.0
    verdict = got.verdict
    assert [(x.key, x.met) for x in verdict.figures] == [
        ("cases", True), ("loss_fen", False), ("solved", True), ("people_dealt_with", True)]
    assert verdict.met == 3 and not verdict.achieved
    assert verdict.summary("zh") == "两降两升：达成 3 项，共 4 项"
    assert verdict.lines("zh")[0] == "发案数下降 25.0%，目标下降：达成"
    assert verdict.lines("zh")[1] == "损失金额上升 57.0%，目标下降：未达成"
    assert verdict.lines("en")[2] == "Solved cases up 100.0%; target up: met"


def test_the_district_table_and_breakdowns(city: Database) -> None:
    with city.session() as s:
        got = command_figures(s, LEADER, MAY)
    rows = {d.area.region: _pairs(d.figures) for d in got.districts}
    assert list(rows) == ["城厢区", "荔城区", "涵江区", "秀屿区", "仙游县"]
    cx, lc = rows["城厢区"], rows["荔城区"]
    assert (cx["cases"], cx["loss_fen"], cx["solved"], cx["people_dealt_with"]) == ((2, 2), (600_000, 380_000),
                                                                                  (2, 1), (1, 1))
    assert (lc["cases"], lc["loss_fen"], lc["solved"], lc["people_dealt_with"]) == ((1, 2), (20_000, 15_000),
                                                                                  (0, 0), (1, 0))
    assert cx["numbers_shut_down"] == (0, 0) and cx["numbers_intercepted"] == (1, 1)  # HM-2/3 tie to no case
    assert cx["warnings"] == (1, 2) and lc["warnings"] == (1, 0)
    assert rows["仙游县"]["cases"] == (0, 0)
    types = [(b.key, b.cases.this, b.cases.last, b.loss_fen.this, b.loss_fen.last) for b in got.by_fraud_type]
    assert types == [("order_brushing", 2, 2, 120_000, 305_000), ("fake_investment", 1, 0, 500_000, 0),
                     ("fake_loan", 0, 1, 0, 10_000), ("romance", 0, 1, 0, 80_000)]
    ages = {b.key: (b.cases.this, b.cases.last) for b in got.by_age}
    assert ages == {"0-17": (0, 0), "18-29": (1, 0), "30-39": (0, 1), "40-49": (0, 0), "50-59": (0, 0),
                    "60+": (1, 1), "unknown": (1, 2)}
    days = {d: (c.this, c.last, loss.this, loss.last) for d, c, loss in got.by_day}
    assert len(days) == 31
    assert days[date(2024, 5, 1)] == (1, 0, 100_000, 0)
    assert days[date(2024, 5, 31)] == (1, 1, 20_000, 5_000)  # B4 on 2023-05-31
    assert days[date(2024, 5, 10)] == (0, 1, 0, 300_000)
    assert sum(c for c, _, _, _ in days.values()) == 3


def test_a_county_a_station_and_a_fraud_type(city: Database) -> None:
    with city.session() as s:
        county = command_figures(s, LEADER, MAY, "城厢区")
        station = command_figures(s, LEADER, MAY, "龙桥派出所")
        brushing = command_figures(s, LEADER, MAY, fraud_type="刷单返利")
    assert _pairs(county.figures)["people_dealt_with"] == (1, 1)
    assert [d.area.station for d in county.districts] == ["龙桥派出所", "凤凰山派出所", "霞林派出所"]
    by_station = {d.area.station: _pairs(d.figures)["cases"] for d in county.districts}
    assert by_station == {"龙桥派出所": (1, 2), "凤凰山派出所": (1, 0), "霞林派出所": (0, 0)}
    sp = _pairs(station.figures)
    assert (sp["cases"], sp["solved"], sp["people_dealt_with"]) == ((1, 2), (1, 1), (1, 0))  # S3 has no case
    assert station.area.label() == "城厢区龙桥派出所"
    bp = _pairs(brushing.figures)
    assert (bp["cases"], bp["loss_fen"], bp["solved"], bp["people_dealt_with"]) == (
        (2, 2), (120_000, 305_000), (1, 0), (1, 0))
    assert bp["dissuasions"] == (0, 0)  # L1 is fake_investment, L3 has no type


def test_periods_quarters_years_and_ranges(city: Database) -> None:
    with city.session() as s:
        year = command_figures(s, LEADER, Period.parse("2024"), detail=False)
        quarter = command_figures(s, LEADER, Period.parse("2024-Q2"), detail=False)
        days = command_figures(s, LEADER, Period.parse("2024-05-01..2024-05-01"))
    assert _pairs(year.figures)["cases"] == (5, 4)  # A4 (April) and A5 (June) join
    assert _pairs(quarter.figures)["cases"] == (5, 4)
    assert _pairs(quarter.figures)["people_dealt_with"] == (2, 1)  # S2 in April and May: once
    assert _pairs(days.figures)["cases"] == (1, 0) and len(days.by_day) == 1
    assert Period.parse("2024-02").year_earlier().end == date(2023, 2, 28)
    assert Period.parse("2024-02-29..2024-03-01").year_earlier() == Period(date(2023, 2, 28), date(2023, 3, 1), "days")
    for bad in ("2024-13", "May", "2023-01-01..2024-06-30", "2024-05-02..2024-05-01"):
        with pytest.raises(InputRejected):
            Period.parse(bad)


def test_scoping_by_the_actors_organisation(city: Database) -> None:
    with city.session() as s:
        own = command_figures(s, COUNTY_LEADER, MAY)
        assert own.area.region == "城厢区" and _pairs(own.figures)["cases"] == (2, 2)
        with pytest.raises(AccessDenied):
            command_figures(s, COUNTY_LEADER, MAY, "荔城区")
        with pytest.raises(AccessDenied):
            command_figures(s, COUNTY_LEADER, MAY, "镇海派出所")
        duty = Actor(username="duty", role=Role.DUTY_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER)
        with pytest.raises(AccessDenied):
            command_figures(s, duty, MAY)
        with pytest.raises(InputRejected):
            command_figures(s, LEADER, MAY, "火星区")


def test_the_docs_state_every_definition() -> None:
    from pathlib import Path

    from fanzha.services.command.definitions import DEFINITIONS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "statistics.md").read_text(encoding="utf-8")
    for d in DEFINITIONS:
        assert f"| {d.zh} {d.en} | `{d.key}` |" in docs, d.key
    assert "undefined" in docs and "破案" in docs


def test_a_period_under_way_is_compared_with_the_same_days(db: Database) -> None:
    from fanzha.domain import clock

    today = clock.local(clock.now()).date()
    with db.session() as s:
        command_truth.build(s)
        got = command_figures(s, LEADER, Period.year(today.year), detail=False)
    assert (got.period.start, got.period.end) == (date(today.year, 1, 1), today)
    assert got.last_period.end == (today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29)
                                   else date(today.year - 1, 2, 28))
    assert Period.parse("2024-05").until(date(2024, 5, 10)).end == date(2024, 5, 10)
    assert Period.parse("2024-05").until(date(2024, 7, 1)) == Period.parse("2024-05")
