"""Per-number features from a handmade call and SMS list, checked by hand."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl
import pytest

from fanzha.engines.number_features import FEATURES, number_features

A, B, C, D, E, F, G, H = (f"1380000000{i}" for i in range(1, 9))
CALL_HEADER = ["本机号码", "对方号码", "呼叫类型", "开始时间", "通话时长", "基站", "IMEI", "运营商"]
CALLS = [
    # A called five distinct numbers in six calls, three of them unanswered (0 s)
    (A, B, "主叫", "2024-05-01 10:00:00", 0, "c1", "imei-x"),
    (A, B, "主叫", "2024-05-01 10:30:00", 30, "c1", "imei-x"),
    (A, C, "主叫", "2024-05-01 23:30:00", 0, "c2", "imei-x"),
    (A, D, "主叫", "2024-05-02 02:00:00", 0, "c2", "imei-y"),
    (A, E, "主叫", "2024-05-02 14:00:00", 5, "c3", "imei-y"),
    (A, F, "主叫", "2024-05-02 14:10:00", 120, "c3", "imei-y"),
    (A, G, "被叫", "2024-05-03 09:00:00", 60, "c1", "imei-y"),
    # B's operator has B's side of A's calls, and a forwarded call
    (B, A, "被叫", "2024-05-01 10:00:00", 0, "c9", "imei-b"),
    (B, A, "被叫", "2024-05-01 10:30:00", 30, "c9", "imei-b"),
    (B, "13800000009", "呼转", "2024-05-01 11:00:00", 0, "c9", "imei-b"),
    # G's side of its call to A
    (G, A, "主叫", "2024-05-03 09:00:00", 60, "c5", "imei-g"),
    # a time nobody can read, and a call after the window
    (G, A, "主叫", "yesterday", 10, "c5", "imei-g"),
    (G, B, "主叫", "2024-06-01 09:00:00", 10, "c5", "imei-g"),
]
SMS = pl.DataFrame({
    "msisdn": [A, A, A],
    "other": [B, H, G],
    "direction": ["发", "发", "收"],
    "time": ["2024-05-04 12:00:00", "2024-05-04 23:00:00", "2024-05-04 13:00:00"],
})
WINDOW = {"start": datetime(2024, 5, 1), "end": datetime(2024, 5, 11)}
LISTS = {"known_fraud": [F], "known_victims": [C, H]}


def write_calls(path, encoding: str = "utf-8") -> None:
    lines = [",".join(CALL_HEADER)] + [",".join(map(str, row)) + ",中国移动" for row in CALLS]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


@pytest.fixture()
def result(tmp_path):
    path = tmp_path / "calls.csv"
    write_calls(path)
    return number_features(path, SMS, **WINDOW, **LISTS)


def row(result, number: str) -> dict:
    return result.table.filter(pl.col("msisdn") == number).to_dicts()[0]


def test_a_caller_by_hand(result) -> None:
    a = row(result, A)
    expected = {
        "calls": 7, "calls_out": 6, "calls_in": 1, "out_call_share": 6 / 7,
        "callees": 5, "callee_dispersion": 5 / 6, "call_contacts": 6,
        "repeat_callees": 1, "repeat_call_share": 2 / 6, "max_calls_to_one": 2,
        "out_duration_mean": (30 + 5 + 120) / 3, "out_duration_median": 30, "out_duration_max": 120,
        "duration_mean": (30 + 5 + 120 + 60) / 4,
        "out_short_share": 1 / 3, "out_unanswered_share": 3 / 6,
        "night_call_share": 2 / 7, "call_hours": 5, "call_days": 3, "calls_per_day": 0.7,
        "imeis": 2, "cells": 3,
        "sms_out": 2, "sms_in": 1, "sms_out_per_day": 0.2, "sms_in_per_day": 0.1, "sms_out_in_ratio": 1.0,
        "sms_recipients": 2, "sms_night_share": 1 / 3, "active_days": 4,
        "listed_fraud_contacts": 1, "listed_fraud_calls": 1, "listed_victim_contacts": 2,
    }
    assert set(expected) == set(FEATURES)
    for name, value in expected.items():
        assert a[name] == pytest.approx(value), name


def test_a_callee_and_the_missing_ratios(result) -> None:
    b = row(result, B)
    assert (b["calls"], b["calls_out"], b["calls_in"], b["callees"], b["call_contacts"]) == (3, 0, 2, 0, 2)
    assert b["callee_dispersion"] is None and b["out_unanswered_share"] is None and b["out_duration_mean"] is None
    assert b["duration_mean"] == 30 and b["sms_out"] == 0 and b["sms_night_share"] is None


def test_rows_graph_and_skipped_records(result) -> None:
    assert result.numbers == [A, B, G]  # own numbers, sorted
    assert result.window_days == 10
    assert result.skipped["calls_unreadable_time"] == 1 and result.skipped["calls_outside_window"] == 1
    graph = result.graph.toarray()
    assert (graph == graph.T).all()
    assert graph.tolist() == [[0, 1, 1], [1, 0, 0], [1, 0, 0]]  # A-B, A-G; nobody else has records
    g = row(result, G)
    assert (g["calls"], g["calls_out"], g["callees"]) == (1, 1, 1)


def test_inputs_of_every_kind_give_the_same_features(tmp_path, result) -> None:
    gb = tmp_path / "calls-gb.csv"
    write_calls(gb, "gb18030")
    frame = pl.DataFrame([list(r) for r in CALLS], schema=["msisdn", "other", "call_type", "start_time",
                                                            "duration_s", "cell_id", "imei"], orient="row")
    parquet = tmp_path / "sms.parquet"
    SMS.write_parquet(parquet)
    for calls, sms in ((gb, SMS), (frame, parquet)):
        other = number_features(calls, sms, **WINDOW, **LISTS)
        assert other.table.equals(result.table)
        assert (other.graph != result.graph).nnz == 0


def test_numbers_given_fix_the_rows(tmp_path) -> None:
    path = tmp_path / "calls.csv"
    write_calls(path)
    result = number_features(path, None, numbers=[G, A, "13899999999"])
    assert result.numbers == [G, A, "13899999999"]
    last = result.table.row(2, named=True)
    assert last["calls"] == 0 and last["sms_out"] == 0 and last["callee_dispersion"] is None
    assert result.graph.shape == (3, 3) and result.graph[0, 1] == 1
    assert np.isclose(result.window_days, (datetime(2024, 6, 1, 9) - datetime(2024, 5, 1, 10)).total_seconds() / 86400)


def test_missing_columns_are_named(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"call records lack columns: 通话时长 \(duration_s\)"):
        number_features(pl.DataFrame({"本机号码": [A], "对方号码": [B], "呼叫类型": ["主叫"], "开始时间": ["2024-05-01"]}))
    with pytest.raises(ValueError, match="no such file"):
        number_features(tmp_path / "nope.csv")


def test_days_are_counted_over_long_spans_too() -> None:
    """Past 128 days the day bitmask gives way to counting distinct dates; both agree."""
    calls = pl.DataFrame({
        "msisdn": [A, A, A, B], "other": [B, C, B, A], "call_type": ["主叫", "主叫", "主叫", "被叫"],
        "start_time": ["2024-01-01 08:00:00", "2024-01-01 09:00:00", "2024-07-19 08:00:00", "2024-01-01 08:00:00"],
        "duration_s": [10, 20, 30, 10],
    })
    sms = pl.DataFrame({"msisdn": [A], "other": [C], "direction": ["out"], "time": ["2024-03-01 12:00:00"]})
    long = number_features(calls, sms)
    short = number_features(calls.head(2), sms.with_columns(time=pl.lit("2024-01-02 12:00:00")))
    assert long.window_days == pytest.approx(200.0)
    assert (row(long, A)["call_days"], row(long, A)["active_days"]) == (2, 3)
    assert (row(short, A)["call_days"], row(short, A)["active_days"]) == (1, 2)
    assert row(long, A)["imeis"] == 0 and row(long, A)["cells"] == 0  # no such columns
