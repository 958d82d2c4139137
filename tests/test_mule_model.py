"""Mule features on hand-built statements (hand-computed figures), the model's fit/predict, the
typology read from the flows, the model file, and the 帮信 rule at its edges."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl
import pytest

from fanzha.domain.helping_rule import (
    EARNED_MIN_FEN,
    SETTLED_MIN_FEN,
    HelpingCriterion,
    assess_helping,
)
from fanzha.engines.mule_features import FEATURES, CaseEvidence, mule_features
from fanzha.engines.mule_helpers import evaluate_helpers
from fanzha.engines.mule_model import MuleModel, score_accounts
from fanzha.engines.mule_model_file import load_mule_model, save_mule_model
from fanzha.engines.mule_structure import structure

COLUMNS = ["account", "account_name", "time", "direction", "amount_fen", "counterparty_account", "channel", "memo",
           "ip", "mac"]


def _rows(*rows) -> pl.DataFrame:
    frame = pl.DataFrame([list(r) for r in rows], schema=COLUMNS, orient="row")
    return frame.with_columns(pl.col("time").str.to_datetime("%Y-%m-%d %H:%M"))  # naive = local time


# A: a mule card. Two victims pay in (10,000 and 5,000 yuan), 14,000 goes on to B 15 minutes after
# the second payment, 1,000 comes out at an ATM at 23:30. B passes it on to C. A, D and E share one
# phone (IP 10.0.0.1); D has A's holder's name, E another name. F is an ordinary account.
POSTINGS = _rows(
    ("A", "张三", "2024-05-01 10:00", "in", 1_000_000, "V1", "手机银行", "转账", None, None),
    ("A", "张三", "2024-05-01 10:30", "in", 500_000, "V2", "手机银行", "转账", None, None),
    ("A", "张三", "2024-05-01 10:45", "out", 1_400_000, "B", "手机银行", "转账", "10.0.0.1", "AA"),
    ("A", "张三", "2024-05-01 23:30", "out", 100_000, None, "ATM", "取现", None, None),
    ("B", "李四", "2024-05-01 10:46", "in", 1_400_000, "A", "手机银行", "转账", None, None),
    ("B", "李四", "2024-05-01 11:00", "out", 1_400_000, "C", "手机银行", "转账", "10.0.0.9", "BB"),
    ("D", "张三", "2024-05-02 09:00", "out", 12_345, "SHOP", "快捷支付", "消费", "10.0.0.1", "DD"),
    ("E", "王五", "2024-05-03 09:00", "out", 50_000, "G", "手机银行", "转账", "10.0.0.1", "EE"),
    ("F", "赵六", "2024-05-10 09:00", "in", 600_000, "EMPLOYER", "网银", "工资", None, None),
    ("F", "赵六", "2024-05-12 12:00", "out", 8_800, "SHOP", "POS", "消费", None, None),
)


@pytest.fixture(scope="module")
def features():
    cases = CaseEvidence(payments=[("A", "r1"), ("A", "r2"), ("A", "r1")],
                         traced={"A": (1, {"r1": 1_000_000, "r2": 500_000}), "B": (2, {"r1": 930_000, "r2": 470_000})})
    return mule_features(POSTINGS, opened={"A": date(2024, 4, 20)}, cases=cases)


def _row(features, account: str) -> dict:
    return features.table.filter(pl.col("account") == account).row(0, named=True)


def test_fan_in_fan_out_and_pass_through_of_a_mule_card(features) -> None:
    a = _row(features, "A")
    assert (a["in_count"], a["out_count"], a["in_parties"], a["out_parties"]) == (2, 2, 2, 1)
    assert (a["in_fen"], a["out_fen"], a["max_in_fen"]) == (1_500_000, 1_500_000, 1_000_000)
    assert a["retained_share"] == 0.0 and a["out_in_ratio"] == 1.0
    # 14,000 left 15 min after an inflow, the 1,000 cash 13 h after: within 1 h and 6 h 14/15, within 24 h all
    assert a["pass_1h_share"] == pytest.approx(14 / 15)
    assert a["pass_6h_share"] == pytest.approx(14 / 15)
    assert a["pass_24h_share"] == pytest.approx(1.0)
    assert a["pass_median_min"] == pytest.approx((15 + 780) / 2)
    assert a["cash_out_share"] == pytest.approx(1 / 15)
    assert a["purchase_out_share"] == 0.0
    assert a["round_out_share"] == 1.0  # 14,000 and 1,000 yuan: whole hundreds
    assert a["night_share"] == pytest.approx(1 / 4)  # the 23:30 withdrawal
    assert a["active_days"] == 1
    assert a["account_age_days"] == 11  # opened 20 April, first posting 1 May


def test_shared_devices_count_other_accounts_and_other_names(features) -> None:
    a, d, e = _row(features, "A"), _row(features, "D"), _row(features, "E")
    assert (a["device_accounts"], a["device_other_holders"]) == (2, 1)  # D (same name) and E (another)
    assert (d["device_accounts"], d["device_other_holders"]) == (2, 1)
    assert (e["device_accounts"], e["device_other_holders"]) == (2, 2)
    assert _row(features, "F")["device_accounts"] == 0


def test_cases_traces_and_neighbours(features) -> None:
    a, b, f = _row(features, "A"), _row(features, "B"), _row(features, "F")
    assert (a["reported_payments"], a["reported_victims"], a["traced_victims"], a["traced_level"]) == (3, 2, 2, 1.0)
    assert a["traced_in_fen"] == 1_500_000
    assert (b["reported_payments"], b["traced_victims"], b["traced_level"]) == (0, 2, 2.0)
    assert np.isnan(f["traced_level"]) and f["traced_victims"] == 0
    # B's payer is A (pass-through 14/15); A's payee is B (passes everything on within 14 min)
    assert b["payers_pass_6h"] == pytest.approx(14 / 15)
    assert a["payees_pass_6h"] == pytest.approx(1.0)
    assert b["payers_max_device_holders"] == 1
    assert f["pass_6h_share"] == 0.0 and f["retained_share"] == pytest.approx(1 - 8_800 / 600_000)
    assert f["purchase_out_share"] == 1.0 and f["account_age_days"] is None


def test_flows_count_a_transfer_once_when_both_sides_are_in_hand(features) -> None:
    flows = {(r["src"], r["dst"]): (r["fen"], r["n"]) for r in features.flows.iter_rows(named=True)}
    assert flows[("A", "B")] == (1_400_000, 1)  # A's 出 and B's 进
    assert flows[("V1", "A")] == (1_000_000, 1) and flows[("B", "C")] == (1_400_000, 1)
    assert not any(dst is None for _, dst in flows)  # the ATM withdrawal is not a flow


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="amount_fen"):
        mule_features(POSTINGS.drop("amount_fen"))


def _flows(*edges: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"src": [s for s, _ in edges], "dst": [d for _, d in edges],
                         "fen": [100] * len(edges), "n": [1] * len(edges)})


def test_typology_from_the_flows_among_flagged_cards() -> None:
    flows = _flows(("v1", "S"), ("S", "M1"), ("S", "M2"), ("M1", "K"), ("M2", "K"),  # scatter-gather
                   ("v2", "P"), ("P", "Q"), ("Q", "R"),  # chain
                   ("v3", "X"), ("v4", "Y"), ("X", "Z"), ("Y", "Z"),  # fan-in
                   ("v5", "U"), ("U", "U1"), ("U", "U2"), ("U1", "W1"),  # fan-out (U2 cashes out)
                   ("v6", "C1"), ("C1", "C2"), ("C2", "C3"), ("C3", "C1"), ("C3", "C4"))  # cycle
    flagged = ["S", "M1", "M2", "K", "P", "Q", "R", "X", "Y", "Z", "U", "U1", "U2", "W1", "C1", "C2", "C3", "C4"]
    got = dict(structure(flows, flagged).select("account", "typology").iter_rows())
    assert [got[a] for a in ("S", "M1", "M2", "K")] == ["scatter_gather"] * 4
    assert [got[a] for a in ("P", "Q", "R")] == ["chain"] * 3
    assert [got[a] for a in ("X", "Y", "Z")] == ["fan_in"] * 3
    assert [got[a] for a in ("U", "U1", "U2")] == ["fan_out"] * 3 and got["W1"] == "chain"
    assert [got[a] for a in ("C1", "C2", "C3")] == ["cycle"] * 3 and got["C4"] == "chain"
    row = structure(flows, flagged).filter(pl.col("account") == "K").row(0, named=True)
    assert (row["net_payers"], row["diamond_sink"], row["depth"]) == (2, 1, 2)


def _synthetic(n: int = 600, seed: int = 1) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(np.int8)
    data = {f: rng.normal(0, 1, n) for f in FEATURES}
    data["pass_6h_share"] = np.where(y == 1, rng.uniform(0.8, 1.0, n), rng.uniform(0, 0.3, n))
    data["device_other_holders"] = np.where(y == 1, rng.integers(3, 9, n), rng.integers(0, 2, n)).astype(float)
    return pl.DataFrame(data), y


def test_model_fits_predicts_and_explains() -> None:
    x, y = _synthetic()
    model = MuleModel(n_estimators=50).fit(x, y)
    assert 0 < model.threshold_ < 1
    assert (model.predict(x) == y).mean() > 0.97
    p = model.predict_proba(x)
    assert p.shape == (len(y), 2) and np.allclose(p.sum(axis=1), 1)
    top = model.explain(x, rows=[int(np.flatnonzero(y)[0])], top=2)[0]["top"]
    assert {t["feature"] for t in top} <= {"pass_6h_share", "device_other_holders"} | set(FEATURES)
    assert top[0]["feature"] in ("pass_6h_share", "device_other_holders")
    with pytest.raises(ValueError, match="both classes"):
        MuleModel().fit(x, np.zeros(len(y), np.int8))


def test_a_model_picks_its_features_from_a_wider_table_and_survives_its_file(tmp_path) -> None:
    x, y = _synthetic()
    wide = x.with_columns(account=pl.Series([f"A{i}" for i in range(x.height)]))
    model = MuleModel(n_estimators=30, features=("pass_6h_share", "device_other_holders")).fit(wide, y)
    path = save_mule_model(model, tmp_path / "m.json.gz", {"world_seed": 1})
    assert save_mule_model(model, tmp_path / "again.json.gz", {"world_seed": 1}).read_bytes() == path.read_bytes()
    loaded = load_mule_model(path)
    assert loaded.threshold_ == model.threshold_ and loaded.trained_on_ == {"world_seed": 1}
    assert np.allclose(loaded.predict_proba(wide)[:, 1], model.predict_proba(wide)[:, 1])
    assert loaded.explain(wide, rows=[0])[0]["top"][0]["feature"] in ("pass_6h_share", "device_other_holders")
    (tmp_path / "bad.json.gz").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a mule model"):
        load_mule_model(tmp_path / "bad.json.gz")


def test_score_accounts_gives_score_flag_typology_and_reasons(features) -> None:
    x, y = _synthetic()
    model = MuleModel(n_estimators=30, threshold=0.5).fit(x, y)
    table = features.table.with_columns(pass_6h_share=pl.col("pass_6h_share").fill_nan(0),
                                        device_other_holders=pl.when(pl.col("account").is_in(["A", "B"]))
                                        .then(8).otherwise(0))
    scored = score_accounts(model, type(features)(table, features.flows))
    flagged = set(scored.filter("flagged")["account"].to_list())
    assert {"A", "B"} <= flagged and "F" not in flagged
    a = scored.filter(pl.col("account") == "A").row(0, named=True)
    assert a["typology"] == "chain" and len(a["reasons"]) == 5
    assert scored.filter(pl.col("account") == "F")["reasons"][0] is None


@pytest.mark.parametrize(("parties", "settled", "earned", "met"), [
    (2, SETTLED_MIN_FEN - 1, EARNED_MIN_FEN - 1, ()),
    (3, 0, 0, (HelpingCriterion.PARTIES,)),
    (0, 200_000_00, 0, (HelpingCriterion.SETTLED,)),
    (0, 199_999_99, 0, ()),
    (0, 0, 10_000_00, (HelpingCriterion.EARNED,)),
    (0, 0, 9_999_99, ()),
    (5, 300_000_00, 20_000_00, (HelpingCriterion.PARTIES, HelpingCriterion.SETTLED, HelpingCriterion.EARNED)),
])
def test_the_helping_rule_at_its_edges(parties: int, settled: int, earned: int, met: tuple) -> None:
    result = assess_helping(parties, settled, earned)
    assert result.criteria == met and result.serious == bool(met)
    lines = result.explanation()
    assert len(lines) == 3 and lines[1].endswith("(threshold 200,000.00)")
    assert lines[0].startswith("met" if HelpingCriterion.PARTIES in met else "not met")


def test_the_helping_rule_refuses_bad_figures() -> None:
    with pytest.raises(ValueError, match="negative"):
        assess_helping(-1, 0, 0)
    with pytest.raises(ValueError, match="fen"):
        assess_helping(0, 1.5, 0)  # type: ignore[arg-type]


def test_a_holders_figures_against_the_rule() -> None:
    # 王五 holds two flagged cards and one not flagged (N1). K1 takes 210,000 yuan from P1, P2 and P3
    # and passes on 200,000 (keeps 10,000); K2 takes 5,000 from his own K1 and 1 fen from his own N1.
    scored = pl.DataFrame({"account": ["K1", "K2", "N1"], "holder": ["王五", "王五", "王五"],
                           "bank": ["ICBC", "CCB", "ICBC"], "score": [0.99, 0.9, 0.01],
                           "flagged": [True, True, False], "typology": ["fan_in", "chain", None]})
    feats = pl.DataFrame({"account": ["K1", "K2", "N1"], "in_fen": [21_000_000.0, 500_000.0, 100.0],
                          "out_fen": [20_000_000.0, 500_000.0, 0.0]})
    flows = pl.DataFrame({"src": ["P1", "P2", "P3", "K1", "N1"], "dst": ["K1", "K1", "K1", "K2", "K2"],
                          "fen": [10_000_000, 5_000_000, 6_000_000, 500_000, 1], "n": [1, 1, 1, 1, 1]})
    own = "350302199001011234"
    (h,) = evaluate_helpers(scored, feats, flows, id_numbers={"K1": own, "K2": own, "N1": own})
    assert h.person_key == h.id_number == "350302199001011234" and h.name == "王五"
    a = h.assessment
    assert (a.parties, a.settled_fen, a.earned_fen) == (3, 21_000_000, 1_000_000)  # own K1 → K2 not a party
    assert a.criteria == (HelpingCriterion.PARTIES, HelpingCriterion.SETTLED, HelpingCriterion.EARNED)
    assert [p["account"] for p in h.parties] == ["P1", "P3", "P2"]
    assert [c["account"] for c in h.accounts] == ["K1", "K2"] and h.accounts[0]["kept_fen"] == 1_000_000
    assert "in minus money out" in h.evidence["earned_estimate"] and h.all_accounts == ["K1", "K2", "N1"]


def test_no_flagged_card_no_helper() -> None:
    scored = pl.DataFrame({"account": ["N1"], "holder": ["甲"], "bank": [None], "score": [0.1], "flagged": [False],
                           "typology": [None]}, schema_overrides={"bank": pl.String, "typology": pl.String})
    feats = pl.DataFrame({"account": ["N1"], "in_fen": [1.0], "out_fen": [0.0]})
    assert evaluate_helpers(scored, feats, pl.DataFrame(schema={"src": pl.String, "dst": pl.String,
                                                                "fen": pl.Int64, "n": pl.Int64})) == []


def test_times_with_a_zone_are_read_in_local_time() -> None:
    zoned = POSTINGS.with_columns(pl.col("time").dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC"))
    a = mule_features(zoned).table.filter(pl.col("account") == "A").row(0, named=True)
    assert a["night_share"] == pytest.approx(1 / 4)
    assert datetime(2024, 5, 1).date()  # the posting days are local days
    assert a["active_days"] == 1
