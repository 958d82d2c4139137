"""The simulated city's visits to web addresses and apps (上网访问记录, ``sim/web_visits.py``)."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from fanzha.domain.fraud_type import FraudType
from fanzha.domain.organisation import OPERATORS
from fanzha.sim.city import simulate
from fanzha.sim.fraud_scripts import SCRIPTS
from fanzha.sim.gangs import Gang
from fanzha.sim.laundering import Movement
from fanzha.sim.phones import PhoneBook
from fanzha.sim.telecom import Texts
from fanzha.sim.timeline import day_start, to_datetime
from fanzha.sim.victims import Victim
from fanzha.sim.web_visits import (
    BACKGROUND_PER_PHONE_DAY,
    PAY_PAGE_S,
    VISIT_HEADER,
    _Sites,
    host_of,
    write_visits,
)

START = date(2024, 5, 1)
FMT = "%Y-%m-%d %H:%M:%S"


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("visits") / "world"
    simulate(20_000, 30, seed=5, out=out, start=START, progress=False)
    return out


def _visits(world: Path) -> pl.DataFrame:
    frames = [pl.read_csv(world / "operators" / op.code / "visits.csv", infer_schema=False).with_columns(
        file=pl.lit(op.code)) for op in OPERATORS]
    return pl.concat(frames).with_columns(
        site=pl.when(pl.col("访问类型") == "网址").then(
            pl.col("访问目标").map_elements(host_of, return_dtype=pl.String)).otherwise(pl.col("访问目标")),
        t=pl.col("访问时间").str.to_datetime(FMT))


def _sites(world: Path) -> pl.DataFrame:
    return pl.read_csv(world / "truth" / "fraud_sites.csv", infer_schema=False).with_columns(
        pl.col("live_from").str.to_datetime(FMT), pl.col("live_until").str.to_datetime(FMT))


def test_the_files_follow_the_contract(city) -> None:
    world = json.loads((city / "world.json").read_text())
    phones = pl.read_csv(city / "registry" / "phones.csv", infer_schema=False)
    operator_of = dict(zip(phones["number"], phones["operator"], strict=True))
    total = 0
    for op in OPERATORS:
        name = f"operators/{op.code}/visits.csv"
        frame = pl.read_csv(city / name, infer_schema=False)
        assert frame.columns == VISIT_HEADER and world["files"][name] == frame.height > 0
        assert set(frame["运营商"].unique()) == {op.name_zh}
        assert set(frame["访问类型"].unique()) == {"网址", "应用"}
        assert {operator_of[n] for n in frame["本机号码"].unique()} == {op.code}  # each number in its operator's file
        times = frame["访问时间"].str.to_datetime(FMT)
        assert times.is_sorted() and times.min() >= datetime(2024, 5, 1) and times.max() < datetime(2024, 5, 31)
        assert frame["本机号码"].str.contains(r"^1\d{10}$").all()
        total += frame.height
    assert world["counts"]["visits"] == total


def test_victims_visit_the_sites_their_report_names(city) -> None:
    visits, sites = _visits(city), _sites(city)
    truth = pl.read_csv(city / "truth" / "victims.csv", infer_schema=False).filter(pl.col("report_id") != "")
    reports = {r["report_id"]: r for r in json.loads((city / "reports" / "reports.json").read_text())}
    checked = 0
    for row in truth.iter_rows(named=True):
        report = reports[row["report_id"]]
        script = SCRIPTS[FraudType(row["fraud_type"])]
        named = {host_of(c["value"]) if c["kind"] == "url" else c["value"]
                 for c in report["contacts"] if c["kind"] in ("url", "app")}
        gang_sites = set(sites.filter(pl.col("gang_id") == row["gang_id"])["host"])
        mine = visits.filter(pl.col("本机号码") == report["victim"]["phone"], pl.col("site").is_in(list(gang_sites)))
        if not {"url", "app"} & set(script.online):
            assert named == set() and mine.height == 0  # QQ / WeChat only: no site visits
            continue
        checked += 1
        assert named and set(mine["site"]) == named, row["report_id"]  # every site named was visited, no other
        first_contact, first_pay = (datetime.strptime(row[k], FMT) for k in ("first_contact_at", "first_payment_at"))
        assert first_contact < mine["t"].min() < first_pay  # the link or download page, before paying
        first_visit = mine["t"].min()
        for p in report["transfers"]:  # the pay page shortly before each payment (or the first visit, if later)
            paid = datetime.fromisoformat(p["time"]).replace(tzinfo=None)
            earliest = min(paid - timedelta(seconds=PAY_PAGE_S[1]), first_visit)
            assert mine.filter(pl.col("t") >= earliest, pl.col("t") <= paid).height >= 1, row["report_id"]
    assert checked >= 10


def test_each_domain_is_visited_only_while_it_is_live(city) -> None:
    visits, sites = _visits(city), _sites(city)
    per_gang = sites.group_by("gang_id", "kind").len()
    assert per_gang.filter(pl.col("kind") == "url")["len"].max() > 3  # domains move: more than the 1-3 a gang starts with
    assert per_gang.filter(pl.col("kind") == "app")["len"].max() > 2  # and apps are repackaged under new names
    hits = (visits.with_row_index("visit").join(sites.select("host", "live_from", "live_until"), left_on="site",
                                                right_on="host")
            .group_by("visit").agg(live=((pl.col("t") >= pl.col("live_from")) & (pl.col("t") < pl.col("live_until"))).any()))
    assert hits.height > 0 and hits["live"].all()
    listed = pl.read_csv(city / "truth" / "fraud_contacts.csv", infer_schema=False).filter(
        pl.col("kind").is_in(["url", "app"]))
    assert set(listed["value"]) == set(sites["value"])  # the truth's contacts list every domain and app name used


def test_residents_who_click_a_lure_got_the_gangs_sms_first(city) -> None:
    visits, sites = _visits(city), _sites(city)
    victims = pl.read_csv(city / "truth" / "victims.csv", infer_schema=False)
    residents = pl.read_csv(city / "registry" / "residents.csv", infer_schema=False)
    victim_phones = set(residents.filter(pl.col("person_id").is_in(victims["person_id"].implode()))["phone"])
    gang_of = dict(zip(sites["host"], sites["gang_id"], strict=False))
    clicks = visits.filter(pl.col("site").is_in(list(gang_of)), ~pl.col("本机号码").is_in(list(victim_phones)))
    assert clicks.height > 0
    lures = pl.read_csv(city / "truth" / "fraud_sms.csv", infer_schema=False).with_columns(
        pl.col("time").str.to_datetime(FMT))
    for number, site, t in clicks.select("本机号码", "site", "t").iter_rows():
        got = lures.filter(pl.col("other") == number, pl.col("gang_id") == gang_of[site], pl.col("time") < t)
        assert got.height >= 1, (number, site)
    assert clicks.group_by("本机号码", "site").len()["len"].max() == 1  # once


def test_most_visits_are_ordinary_browsing(city) -> None:
    visits, sites = _visits(city), _sites(city)
    fraud = visits.filter(pl.col("site").is_in(sites["host"].implode()))
    ordinary = visits.height - fraud.height
    phones = pl.read_csv(city / "registry" / "phones.csv", infer_schema=False).filter(pl.col("kind") == "resident")
    expected = BACKGROUND_PER_PHONE_DAY * phones.height * 30
    assert abs(ordinary - expected) < 0.05 * expected
    assert fraud.height < 0.02 * visits.height
    assert visits.filter(pl.col("访问类型") == "应用")["访问目标"].n_unique() > 5


def test_the_same_seed_gives_the_same_files(tmp_path) -> None:
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        simulate(1_000, 10, seed=seed, out=tmp_path / name, start=START, progress=False)
    files = {n: [(tmp_path / n / "operators" / op.code / "visits.csv").read_bytes() for op in OPERATORS]
             + [(tmp_path / n / "truth" / "fraud_sites.csv").read_bytes()] for n in "abc"}
    assert files["a"] == files["b"] and files["a"] != files["c"]


# --- a hand-made street: two victims, one gang ---------------------------------------------------

def _gang() -> Gang:
    none = np.zeros(0, np.int64)
    return Gang("G001", FraudType.FAKE_BOSS, none, none, none, {}, {
        "url": ["https://dl.abcdef.top/xy12"], "app": ["云办公"], "qq": ["123456789"], "wechat": ["wxid_abc"]},
        [], none, none)


def test_only_victims_sent_to_a_site_visit_it(tmp_path) -> None:
    t0 = day_start(START, 1) + 9 * 3600
    phones = PhoneBook()
    phones.add(number=np.array([13800000001, 13800000002, 13800000003]), operator=np.array([0, 1, 2]),
               owner=np.array([0, 1, 2]), kind=np.zeros(3), imei=np.zeros(3), home_cell=np.zeros(3),
               work_cell=np.zeros(3))

    def pays(*ts: int) -> list[Movement]:
        return [Movement(t, t, 0, 1, 100_000, 0, 0, 1, {}) for t in ts]

    linked = Victim(0, 0, FraudType.FAKE_INVESTMENT, 0, 0, t0, pays(t0 + 3 * 3600, t0 + 30 * 3600),
                    online=[("wechat", "wxid_abc"), ("app", "云办公"), ("url", "https://dl.abcdef.top/xy12")])
    chat_only = Victim(1, 0, FraudType.FAKE_BOSS, 1, 1, t0, pays(t0 + 3600), online=[("qq", "123456789")])
    gang = _gang()
    empty = Texts(*(np.zeros(0, np.int64) for _ in range(5)))
    write_visits(1, tmp_path, START, 5, phones, np.array([2]), [gang], [linked, chat_only], empty, np.zeros(0), [])
    rows = pl.concat([pl.read_csv(tmp_path / "operators" / op.code / "visits.csv", infer_schema=False)
                      for op in OPERATORS])
    assert set(rows["本机号码"]) == {"13800000001", "13800000003"}  # the QQ-only victim visits nothing
    mine = rows.filter(pl.col("本机号码") == "13800000001")
    named = {host_of(u) for k, u in linked.online if k == "url"}
    apps = {x for k, x in linked.online if k == "app"}
    assert {host_of(x) if k == "网址" else x for k, x in mine.select("访问类型", "访问目标").iter_rows()} == named | apps
    assert named <= {host_of(u) for u in gang.contacts["url"]} and apps <= set(gang.contacts["app"]) and apps
    assert len(gang.contacts["url"]) >= 2  # in five days the landing page moved at least once
    times = mine["访问时间"].str.to_datetime(FMT)
    assert to_datetime(t0) < times.min() < to_datetime(t0 + 3 * 3600)  # the first visit, before the first payment
    assert mine.height >= 1 + 1 + 2  # the link, the app, a pay page per payment
    ordinary = rows.filter(pl.col("本机号码") == "13800000003")  # the bystander's ordinary browsing only
    assert ordinary.height > 0 and not set(ordinary["访问目标"]) & (named | apps)


def test_two_gangs_drawing_the_same_app_name_run_apps_of_their_own() -> None:
    """The simulator's app names come from a short list; a name match must not let one gang's report flag another."""
    first, second = _gang(), _gang()
    second.gang_id = "G002"
    start = day_start(START, 1)
    sites = _Sites(np.random.default_rng(3), [first, second], start, start + 30 * 86_400).frame()
    apps = sites.filter(pl.col("kind") == "app")
    assert apps.group_by("host").agg(gangs=pl.col("gang_id").n_unique())["gangs"].max() == 1
    assert "云办公" in set(apps.filter(pl.col("gang_id") == "G001")["value"])  # the first keeps its name
