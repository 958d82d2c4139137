"""The simulated city: deterministic, laid out as the importers expect, and consistent money.

Two cities are built once per module: a 2,500-resident one for most checks and a 20,000-resident
one (the demo's size) where enough victims exist for the statistics.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from fanzha.domain.fraud_type import FraudType
from fanzha.domain.money import yuan_to_fen
from fanzha.domain.organisation import BANKS, OPERATORS
from fanzha.sim import simulate
from fanzha.sim.identity import COUNTY_CODES, is_valid_id_number
from fanzha.sim.mule_network import TYPOLOGIES

STATEMENT_HEADER = ["交易卡号", "交易户名", "开户行", "交易时间", "收付标志", "交易金额", "交易余额", "对手账号",
                    "对手户名", "对手开户行", "交易渠道", "摘要", "交易流水号", "IP地址", "MAC地址"]
CALL_HEADER = ["本机号码", "对方号码", "呼叫类型", "开始时间", "通话时长", "基站", "IMEI", "运营商"]
SMS_HEADER = ["本机号码", "对方号码", "收发标志", "时间", "短信内容"]
START = date(2024, 5, 1)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    simulate(2_500, 30, seed=11, out=out, start=START, progress=False)
    return out


@pytest.fixture(scope="module")
def big_city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("big-city")
    simulate(20_000, 30, seed=5, out=out, start=START, progress=False)
    return out


def read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def statements(world: Path) -> pl.DataFrame:
    frames = [read(world / "banks" / b.code / "statements.csv").with_row_index("row") for b in BANKS]
    return pl.concat(frames).with_columns(
        amount=pl.col("交易金额").map_elements(yuan_to_fen, return_dtype=pl.Int64),
        balance=pl.col("交易余额").map_elements(yuan_to_fen, return_dtype=pl.Int64),
        time=pl.col("交易时间").str.to_datetime("%Y-%m-%d %H:%M:%S"),
    )


def files_of(world: Path) -> dict[str, bytes]:
    return {str(p.relative_to(world)): p.read_bytes() for p in sorted(world.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_city(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        simulate(1_000, 10, seed=seed, out=tmp_path / name, progress=False)
    a, b, c = (files_of(tmp_path / n) for n in "abc")
    assert a == b
    assert a.keys() == c.keys()
    assert a["registry/residents.csv"] != c["registry/residents.csv"]
    assert a["banks/ICBC/statements.csv"] != c["banks/ICBC/statements.csv"]


def test_layout(city):
    world = json.loads((city / "world.json").read_text())
    assert {"seed", "residents", "days", "start", "city", "counts", "files"} <= world.keys()
    expected = ["registry/residents.csv", "registry/phones.csv", "registry/accounts.csv", "reports/reports.json",
                *(f"banks/{b.code}/statements.csv" for b in BANKS),
                *(f"operators/{o.code}/{k}.csv" for o in OPERATORS for k in ("calls", "sms")),
                *(f"truth/{t}.csv" for t in ("victims", "gangs", "fraud_numbers", "fraud_accounts", "fraud_persons",
                                              "stolen_transfers", "fraud_sms"))]
    for name in expected:
        assert (city / name).is_file(), name
        assert name in world["files"]


def test_headers_match_formats(city):
    for b in BANKS:
        assert read(city / "banks" / b.code / "statements.csv").columns == STATEMENT_HEADER
    for o in OPERATORS:
        calls = read(city / "operators" / o.code / "calls.csv")
        assert calls.columns == CALL_HEADER
        assert set(calls["运营商"].unique()) == {o.name_zh}
        assert set(calls["呼叫类型"].unique()) <= {"主叫", "被叫"}
        assert read(city / "operators" / o.code / "sms.csv").columns == SMS_HEADER
    assert read(city / "registry" / "residents.csv").columns == \
        ["person_id", "name", "id_number", "gender", "age", "district", "station", "phone", "account"]
    report = json.loads((city / "reports" / "reports.json").read_text())[0]
    assert report.keys() == {"report_id", "reported_at", "region", "victim", "fraud_type", "narrative", "transfers", "contacts"}
    assert report["victim"].keys() == {"name", "id_number", "phone", "age"}
    assert datetime.fromisoformat(report["reported_at"]).utcoffset() == timedelta(hours=8)


def test_every_fraud_type_has_a_gang(city):
    gangs = read(city / "truth" / "gangs.csv")
    assert set(gangs["fraud_type"]) == {t.value for t in FraudType}


def test_balances_follow_the_postings(city):
    rows = statements(city).sort(["交易卡号", "row"])
    signed = pl.when(pl.col("收付标志") == "进").then(pl.col("amount")).otherwise(-pl.col("amount"))
    check = rows.with_columns(
        previous=pl.col("balance").shift(1).over("交易卡号"),
        signed=signed,
        previous_time=pl.col("time").shift(1).over("交易卡号"),
    )
    assert check["balance"].min() >= 0
    assert check["amount"].min() > 0
    steps = check.filter(pl.col("previous").is_not_null())
    assert (steps["previous"] + steps["signed"] == steps["balance"]).all()
    assert (steps["time"] >= steps["previous_time"]).all()


def test_every_transfer_is_on_both_statements(city):
    rows = statements(city)
    out = rows.filter((pl.col("收付标志") == "出") & pl.col("对手账号").is_not_null())
    into = rows.filter(pl.col("收付标志") == "进")
    key = ["payer", "payee", "amount"]
    sent = out.select(payer="交易卡号", payee="对手账号", amount="amount").group_by(key).len()
    got = into.select(payer="对手账号", payee="交易卡号", amount="amount").group_by(key).len()
    joined = sent.join(got, on=key, how="full", coalesce=True)
    assert (joined["len"] == joined["len_right"]).all()
    # where the payee's bank kept the payer's serial, the credit comes 0 s to 2 min later
    pairs = out.join(into, on="交易流水号", suffix="_in")
    assert pairs.height > 0
    lag = (pairs["time_in"] - pairs["time"]).dt.total_seconds()
    assert lag.min() >= 0 and lag.max() <= 120
    assert (lag > 0).any()


def test_cash_and_purchases_exist(city):
    rows = statements(city)
    cash = rows.filter(pl.col("摘要") == "取现")
    assert cash.height and cash["对手账号"].is_null().all() and set(cash["交易渠道"]) <= {"ATM", "柜面"}
    assert rows.filter(pl.col("摘要") == "消费")["交易渠道"].is_in(["POS", "快捷支付"]).all()
    assert set(rows["交易渠道"]) == {"手机银行", "网银", "ATM", "柜面", "快捷支付", "POS"}


def test_id_numbers_are_valid_for_their_county_and_age(city):
    residents = read(city / "registry" / "residents.csv")
    assert residents["id_number"].n_unique() == residents.height
    for row in residents.iter_rows(named=True):
        number = row["id_number"]
        assert is_valid_id_number(number), number
        assert number[:6] == COUNTY_CODES[row["district"]]
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        age = START.year - born.year - ((START.month, START.day) < (born.month, born.day))
        assert age == int(row["age"])
        assert int(number[16]) % 2 == (1 if row["gender"] == "男" else 0)
        assert (row["phone"] is None) == (int(row["age"]) < 18)
    persons = read(city / "truth" / "fraud_persons.csv")
    assert all(is_valid_id_number(n) and not n.startswith("35") for n in persons["id_number"])


def test_losses_match_reports_and_statements(big_city):
    victims = read(big_city / "truth" / "victims.csv")
    reports = {r["report_id"]: r for r in json.loads((big_city / "reports" / "reports.json").read_text())}
    rows = statements(big_city).filter(pl.col("收付标志") == "出")
    reported = victims.filter(pl.col("reported") == "1")
    assert reported.height == len(reports)
    for v in reported.iter_rows(named=True):
        report = reports[v["report_id"]]
        assert sum(yuan_to_fen(t["amount"]) for t in report["transfers"]) == int(v["loss_fen"])
        assert len(report["transfers"]) == int(v["payments"])
        for t in report["transfers"]:
            when = datetime.fromisoformat(t["time"]).replace(tzinfo=None)
            match = rows.filter((pl.col("交易卡号") == t["from_account"]) & (pl.col("对手账号") == t["to_account"])
                                & (pl.col("amount") == yuan_to_fen(t["amount"])) & (pl.col("time") == when))
            assert match.height == 1


def test_reports_come_late_and_some_never(big_city):
    victims = read(big_city / "truth" / "victims.csv")
    assert 30 <= victims.height <= 60
    assert (victims["reported"] == "0").sum() >= 1
    reported = victims.filter(pl.col("reported") == "1")
    reported_at = reported["reported_at"].str.to_datetime("%Y-%m-%dT%H:%M:%S%z").dt.convert_time_zone("Asia/Shanghai")
    last = reported["last_payment_at"].str.to_datetime("%Y-%m-%d %H:%M:%S").dt.replace_time_zone("Asia/Shanghai")
    assert ((reported_at - last).dt.total_seconds() > 0).all()
    reports = json.loads((big_city / "reports" / "reports.json").read_text())
    assert len({r["report_id"] for r in reports}) == len(reports)
    assert any(r["fraud_type"] is None for r in reports)
    assert all(r["fraud_type"] is None or FraudType.parse(r["fraud_type"]) for r in reports)


def test_chains_go_deep(big_city):
    stolen = read(big_city / "truth" / "stolen_transfers.csv")
    assert stolen["level"].cast(pl.Int64).max() >= 5
    cards = read(big_city / "truth" / "fraud_accounts.csv")
    assert {"fan_in", "fan_out", "chain"} <= set(cards["typology"]) <= set(TYPOLOGIES)


def test_stolen_money_ends_in_cash_purchases_or_held(big_city):
    stolen = read(big_city / "truth" / "stolen_transfers.csv").with_columns(pl.col("stolen_fen").cast(pl.Int64))
    held = read(big_city / "truth" / "stolen_held.csv").with_columns(pl.col("held_fen").cast(pl.Int64))
    victims = read(big_city / "truth" / "victims.csv").with_columns(pl.col("loss_fen").cast(pl.Int64))
    accounts = read(big_city / "registry" / "accounts.csv")
    merchants = set(accounts.filter(pl.col("kind") == "merchant")["number"])
    mules = set(accounts.filter(pl.col("kind") == "mule")["number"])
    paid = stolen.filter(pl.col("level") == "1").filter(~pl.col("from_account").is_in(list(mules)))
    spent = stolen.filter(pl.col("to_account").is_null() | pl.col("to_account").is_in(list(merchants)))
    per_victim = (
        victims.select("person_id", "loss_fen")
        .join(paid.group_by("victim_person_id").agg(paid=pl.col("stolen_fen").sum()), left_on="person_id",
              right_on="victim_person_id", how="left")
        .join(spent.group_by("victim_person_id").agg(spent=pl.col("stolen_fen").sum()), left_on="person_id",
              right_on="victim_person_id", how="left")
        .join(held.group_by("victim_person_id").agg(held=pl.col("held_fen").sum()), left_on="person_id",
              right_on="victim_person_id", how="left")
        .fill_null(0)
    )
    assert (per_victim["paid"] == per_victim["loss_fen"]).all()
    assert (per_victim["spent"] + per_victim["held"] == per_victim["loss_fen"]).all()
    assert per_victim["spent"].sum() > 0 and per_victim["held"].sum() > 0
    # what the truth says is held is in the card at the end of its statement
    rows = statements(big_city).sort(["交易卡号", "row"]).group_by("交易卡号").agg(pl.col("balance").last())
    final = held.group_by("account").agg(pl.col("held_fen").sum()).join(rows, left_on="account", right_on="交易卡号")
    assert (final["held_fen"] <= final["balance"]).all()


def test_fraud_numbers_and_sms_are_in_the_operator_files(city):
    numbers = read(city / "truth" / "fraud_numbers.csv")
    calls = pl.concat([read(city / "operators" / o.code / "calls.csv") for o in OPERATORS])
    callers = set(numbers.filter(pl.col("role") == "caller")["number"])
    fraud_calls = calls.filter(pl.col("本机号码").is_in(list(callers)) & (pl.col("呼叫类型") == "主叫"))
    assert fraud_calls.height > 0
    assert fraud_calls["基站"].n_unique() > 5
    assert (fraud_calls["通话时长"] == "0").mean() > 0.3
    sms = pl.concat([read(city / "operators" / o.code / "sms.csv") for o in OPERATORS])
    truth = read(city / "truth" / "fraud_sms.csv")
    sent = sms.filter(pl.col("收发标志") == "发").join(truth, left_on=["本机号码", "对方号码", "时间"],
                                                    right_on=["msisdn", "other", "time"])
    assert sent.height == truth.height
