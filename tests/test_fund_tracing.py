"""Fund tracing (资金穿透) on hand-made statement sets, checked to the fen under both rules.

The fixtures under tests/fixtures/tracing/ are small statements written by hand; the expected
figures below are worked out by hand in the comments (P = proportional, F = FIFO, amounts in fen).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from fanzha.cli.funds import read_report_file, read_statement_files, statement_files
from fanzha.domain.attribution import (
    Action,
    AttributionRule,
    ExitKind,
    split_by_largest_remainder,
    tainted_part,
)
from fanzha.domain.clock import CENTER_TZ
from fanzha.engines.fund_tracing import LedgerIndex, Source, TraceResult, trace

FIXTURES = Path(__file__).parent / "fixtures" / "tracing"
P, F = AttributionRule.PROPORTIONAL, AttributionRule.FIFO


def load(case: str) -> tuple[LedgerIndex, list[Source]]:
    folder = FIXTURES / case
    files, missing = statement_files([folder])
    postings, errors, _skipped = read_statement_files(files)
    report = next(folder.glob("report*.json"))
    reports, report_errors = read_report_file(report)
    assert not missing and not errors and not report_errors
    return LedgerIndex.from_postings(postings), [s for label, r in reports for s in Source.from_report(r, label)]


def run(case: str, rule: AttributionRule, **kwargs) -> TraceResult:
    index, sources = load(case)
    result = trace(index, sources, rule, **kwargs)
    assert_conserved(result)
    return result


def assert_conserved(result: TraceResult) -> None:
    t = result.totals
    assert t.stolen_fen == t.held_fen + t.cash_out_fen + t.purchase_fen + t.untraced_fen
    for v in result.victims.values():
        assert v.stolen_fen == v.held_fen + v.cash_out_fen + v.purchase_fen + v.untraced_fen
    for a in result.accounts:
        assert a.tainted_in_fen == a.tainted_out_fen + a.tainted_held_fen + a.untraced_fen
        assert min(a.tainted_in_fen, a.tainted_out_fen, a.tainted_held_fen, a.untraced_fen) >= 0
    assert sum(a.tainted_held_fen for a in result.accounts) == t.held_fen
    assert sum(e.amount_fen for e in result.exits if e.kind is ExitKind.CASH) == t.cash_out_fen
    assert sum(e.amount_fen for e in result.exits if e.kind is ExitKind.PURCHASE) == t.purchase_fen
    assert sum(e.amount_fen for e in result.exits if e.kind is ExitKind.UNTRACED) == t.untraced_fen


def figures(result: TraceResult) -> dict[str, tuple[int, int, int, int, int, str]]:
    """account → (level, in, out, held, untraced, action)."""
    return {a.account: (a.level, a.tainted_in_fen, a.tainted_out_fen, a.tainted_held_fen, a.untraced_fen,
                        a.action.value) for a in result.accounts}


def totals(result: TraceResult) -> tuple[int, int, int, int, int]:
    t = result.totals
    return t.stolen_fen, t.held_fen, t.cash_out_fen, t.purchase_fen, t.untraced_fen


# --- the domain's arithmetic -----------------------------------------------------------------


def test_tainted_part_is_the_floor_and_never_leaves_more_taint_than_money() -> None:
    assert tainted_part(5_000_000, 4_000_000, 5_300_000) == 3_773_584  # floor(3,773,584.9)
    assert tainted_part(100, 60, 100) == 60  # all money tainted: all of it leaves tainted
    assert tainted_part(90, 50, 100) == 45
    assert tainted_part(99, 10, 100) == 9  # floor 9.9; what stays (90) may hold the other 90 tainted
    assert tainted_part(100, 150, 120) == 100  # an outflow above the known balance takes all the taint
    assert tainted_part(0, 50, 100) == 0


def test_largest_remainder_hands_out_every_fen_ties_to_the_lower_key() -> None:
    assert split_by_largest_remainder(163_636, {0: 150_000, 1: 300_000}) == {0: 54_545, 1: 109_091}
    assert split_by_largest_remainder(1, {3: 5, 2: 5}) == {2: 1}
    assert split_by_largest_remainder(10, {0: 10, 1: 0}) == {0: 10}
    with pytest.raises(ValueError):
        split_by_largest_remainder(11, {0: 10})


def test_rule_names() -> None:
    assert AttributionRule.parse("FIFO") is F and AttributionRule.parse("按比例") is P
    with pytest.raises(ValueError, match="proportional"):
        AttributionRule.parse("lifo")


# --- a single chain: cash and purchase exits, opening balances, an account without statement ------


def test_chain_proportional() -> None:
    # A opens at 2,000.00 + 1,000.00 in = 300,000 clean (from its balance column); 5,000,000 arrive.
    # A→B 4,000,000: floor(5,000,000·4,000,000/5,300,000) = 3,773,584; A cash 1,000,000 of 1,300,000:
    # floor(1,226,416·1,000,000/1,300,000) = 943,396; A holds 283,020.
    # B (no balances: opens at 0): B→C 3,000,000 of 4,000,000 → 2,830,188; purchase 500,000 of 1,000,000
    # → 471,698; B holds 471,698. C opens at 500.00, passes all 3,070,000 to D (no statement).
    r = run("chain", P)
    A, B, C, D = "6217000000000002", "6228480000000003", "6216610000000004", "6228480000000099"
    assert figures(r) == {
        A: (1, 5_000_000, 4_716_980, 283_020, 0, "stop_payment"),
        B: (2, 3_773_584, 3_301_886, 471_698, 0, "stop_payment"),
        C: (3, 2_830_188, 2_830_188, 0, 0, "none"),
        D: (4, 2_830_188, 0, 0, 2_830_188, "request_statement"),
    }
    assert totals(r) == (5_000_000, 754_718, 943_396, 471_698, 2_830_188)
    assert [(e.kind, e.account, e.amount_fen) for e in r.exits] == [
        (ExitKind.CASH, A, 943_396), (ExitKind.UNTRACED, D, 2_830_188), (ExitKind.PURCHASE, B, 471_698)]
    purchase = r.exits[2]
    assert purchase.counterparty == "6222888800000010" and purchase.place.endswith("abc_B.csv:line 4")
    assert r.exits[1].from_account == C
    [request] = r.statement_requests
    assert (request.account, request.bank, request.level, request.amount_fen) == (D, "农业银行", 4, 2_830_188)
    assert request.since == datetime(2024, 5, 30, 16, 10, tzinfo=CENTER_TZ)
    first = r.account(A)
    assert (first.bank, first.holder, first.first_tainted_at) == ("建设银行", "李某",
                                                                  datetime(2024, 5, 30, 15, 2, 30, tzinfo=CENTER_TZ))
    assert r.warnings == []
    assert [f.tainted_fen for f in r.flows] == [3_773_584, 943_396, 2_830_188, 2_830_188, 471_698]


def test_chain_fifo() -> None:
    # A: the 300,000 opening goes first, then 3,700,000 stolen to B; the cash is all stolen (1,000,000);
    # 300,000 stay. B gets one lot of 4,000,000 with 3,700,000 stolen: B→C 3,000,000 takes it in
    # proportion (2,775,000 stolen), the purchase 500,000 likewise (462,500); 462,500 stay.
    r = run("chain", F)
    assert figures(r) == {
        "6217000000000002": (1, 5_000_000, 4_700_000, 300_000, 0, "stop_payment"),
        "6228480000000003": (2, 3_700_000, 3_237_500, 462_500, 0, "stop_payment"),
        "6216610000000004": (3, 2_775_000, 2_775_000, 0, 0, "none"),
        "6228480000000099": (4, 2_775_000, 0, 0, 2_775_000, "request_statement"),
    }
    assert totals(r) == (5_000_000, 762_500, 1_000_000, 462_500, 2_775_000)


def test_opening_balance_comes_from_the_first_balance_column() -> None:
    index, _ = load("chain")
    a = index.code_of("6217000000000002")
    lo = int(index.offsets[a])
    assert index.balance_before[lo] == 200_000  # 3,000.00 after the first posting, less its 1,000.00
    b = index.code_of("6228480000000003")
    assert index.balance_before[int(index.offsets[b])] == 0  # no balance column: zero


# --- fan-out and fan-in: two victims kept apart --------------------------------------------------


def test_fan_out_and_fan_in_keep_two_victims_apart_proportional() -> None:
    # A splits V1's 1,000,000 to C, D, E exactly. C opens at 0, gets 200,000 clean, V1 300,000, V2
    # 600,000; C→F 550,000 of 1,100,000 carries 450,000 (V1 150,000, V2 300,000); cash 200,000 of
    # 550,000 carries floor(163,636.36) = 163,636: V1 54,545.33, V2 109,090.67 → the fen to V2.
    r = run("fan", P)
    V1, V2 = "JQ-20240530-000011", "JQ-20240530-000012"
    C = "6216610000000023"
    assert figures(r) == {
        "6217000000000021": (1, 1_000_000, 1_000_000, 0, 0, "none"),
        "6217000000000022": (1, 600_000, 600_000, 0, 0, "none"),
        C: (2, 900_000, 613_636, 286_364, 0, "stop_payment"),
        "6228480000000024": (2, 300_000, 300_000, 0, 0, "none"),
        "6228480000000025": (2, 400_000, 0, 0, 400_000, "request_statement"),
        "6230000000000026": (3, 450_000, 0, 0, 450_000, "request_statement"),
    }
    assert r.account(C).held_by_victim == {V1: 95_455, V2: 190_909}
    v1, v2 = r.victims[V1], r.victims[V2]
    assert (v1.stolen_fen, v1.held_fen, v1.cash_out_fen, v1.purchase_fen, v1.untraced_fen) == (
        1_000_000, 95_455, 54_545, 300_000, 550_000)
    assert (v2.stolen_fen, v2.held_fen, v2.cash_out_fen, v2.purchase_fen, v2.untraced_fen) == (
        600_000, 190_909, 109_091, 0, 300_000)
    cash = next(e for e in r.exits if e.kind is ExitKind.CASH)
    assert cash.by_victim == {V1: 54_545, V2: 109_091}
    assert [(q.account, q.level, q.amount_fen) for q in r.statement_requests] == [
        ("6228480000000025", 2, 400_000), ("6230000000000026", 3, 450_000)]


def test_fan_out_and_fan_in_fifo() -> None:
    # C's lots: 200,000 clean, 300,000 V1, 600,000 V2. C→F 550,000 = clean 200,000 + V1 300,000 +
    # V2 50,000; cash 200,000 = V2; V2's 350,000 stay.
    r = run("fan", F)
    V1, V2 = "JQ-20240530-000011", "JQ-20240530-000012"
    assert r.account("6216610000000023").held_by_victim == {V2: 350_000}
    untraced_f = next(e for e in r.exits if e.account == "6230000000000026")
    assert untraced_f.by_victim == {V1: 300_000, V2: 50_000}
    assert totals(r) == (1_600_000, 350_000, 200_000, 300_000, 750_000)
    assert (r.victims[V1].held_fen, r.victims[V1].untraced_fen) == (0, 700_000)


# --- a cycle: money back at an earlier account neither loops nor counts twice --------------------


@pytest.mark.parametrize("rule", [P, F])
def test_a_cycle_neither_loops_nor_double_counts(rule: AttributionRule) -> None:
    # A→B 1,000,000; B→A 600,000 (back), B→C 400,000; A withdraws the 600,000 in cash.
    r = run("cycle", rule)
    assert figures(r) == {
        "6217000000000031": (1, 1_600_000, 1_600_000, 0, 0, "none"),
        "6228480000000032": (2, 1_000_000, 1_000_000, 0, 0, "none"),
        "6216610000000033": (3, 400_000, 0, 400_000, 0, "stop_payment"),
    }
    assert totals(r) == (1_000_000, 400_000, 600_000, 0, 0)
    assert r.postings_read <= 8  # every posting read at most once


# --- bad input: overlaps, unreadable rows, conflicting balances, missing transfers ----------------


def test_bad_input_is_reported_and_no_fen_is_lost_proportional() -> None:
    # A: 100,000 clean, then the reported 800,000 (the other reported 200,000 is not in A's statement:
    # untraced). A→B 450,000 of 900,000 → 400,000; the "转" row is left out; A→G 100,000 of 450,000 →
    # 88,888, but G's statement does not show it: untraced. A holds 311,112, B 400,000.
    r = run("bad", P)
    A, B, G = "6217000000000041", "6228480000000042", "6228000000000123"
    assert figures(r) == {
        A: (1, 1_000_000, 488_888, 311_112, 200_000, "stop_payment"),
        B: (2, 400_000, 0, 400_000, 0, "stop_payment"),
        G: (2, 88_888, 0, 0, 88_888, "request_statement"),
    }
    assert totals(r) == (1_000_000, 711_112, 0, 0, 288_888)
    kinds = {w.kind: w for w in r.warnings}
    assert set(kinds) == {"report_transfer_not_found", "not_in_payee_statement", "balance_conflict", "duplicates"}
    assert kinds["report_transfer_not_found"].place.endswith("report.json:report 1 (JQ-20240530-000031), transfers.1")
    assert kinds["report_transfer_not_found"].amount_fen == 200_000
    assert kinds["balance_conflict"].place.endswith("a_from_1430.csv:line 4")
    assert "500.00 yuan below" in kinds["balance_conflict"].reason
    assert kinds["not_in_payee_statement"].account == A and kinds["not_in_payee_statement"].amount_fen == 88_888
    assert "1 postings appeared more than once" in kinds["duplicates"].reason
    untraced = {e.account: e.reason for e in r.exits if e.kind is ExitKind.UNTRACED}
    assert set(untraced) == {A, G}


def test_bad_input_fifo() -> None:
    r = run("bad", F)
    assert totals(r) == (1_000_000, 700_000, 0, 0, 300_000)
    assert figures(r)["6217000000000041"] == (1, 1_000_000, 450_000, 350_000, 200_000, "stop_payment")


def test_overlapping_files_count_each_posting_once() -> None:
    index, _ = load("bad")
    assert index.duplicates == 1
    a = index.code_of("6217000000000041")
    assert int(index.offsets[a + 1] - index.offsets[a]) == 4  # 5 distinct rows, one unreadable


def test_unreadable_rows_are_left_out_with_their_place() -> None:
    files, _ = statement_files([FIXTURES / "bad"])
    _postings, errors, skipped = read_statement_files(files)
    assert errors == []
    assert [str(p) for p in skipped] == [
        f"{FIXTURES / 'bad' / 'a_from_1430.csv'}:line 3, column 收付标志: \"转\" is not one of 进/出, 收/付, "
        "贷/借 or in/out"]


# --- the API on postings built in code -----------------------------------------------------------


def frame(rows: list[tuple]) -> pl.DataFrame:
    """(account, minute, direction, fen, balance, counterparty[, memo])."""
    base = datetime(2024, 5, 30, 9, 0, tzinfo=CENTER_TZ)
    data = [{"account": r[0], "time": base.replace(hour=9 + r[1] // 60, minute=r[1] % 60), "direction": r[2],
             "amount_fen": r[3], "balance_fen": r[4], "counterparty_account": r[5],
             "memo": r[6] if len(r) > 6 else "转账"} for r in rows]
    return pl.DataFrame(data, schema={"account": pl.String, "time": pl.Datetime("us", "Asia/Shanghai"),
                                      "direction": pl.String, "amount_fen": pl.Int64, "balance_fen": pl.Int64,
                                      "counterparty_account": pl.String, "memo": pl.String})


def at(minute: int) -> datetime:
    return datetime(2024, 5, 30, 9 + minute // 60, minute % 60, tzinfo=CENTER_TZ)


def test_a_transfer_after_the_payees_statement_ends_asks_for_the_rest() -> None:
    index = LedgerIndex.from_postings(frame([
        ("A", 0, "in", 1000, None, "V"), ("A", 30, "out", 1000, None, "B"),
        ("B", 5, "in", 50, None, "X"),  # B's statement ends at 09:05
    ]))
    r = trace(index, [Source("v", "A", 1000, at(0), "V")])
    assert figures(r)["B"] == (2, 1000, 0, 0, 1000, "request_statement")
    [request] = r.statement_requests
    assert request.account == "B" and "covers" in request.reason and request.amount_fen == 1000


def test_max_level_stops_following_and_counts_the_rest_untraced() -> None:
    index = LedgerIndex.from_postings(frame([
        ("A", 0, "in", 1000, None, "V"), ("A", 10, "out", 1000, None, "B"),
        ("B", 11, "in", 1000, None, "A"), ("B", 20, "out", 1000, None, "C"),
        ("C", 21, "in", 1000, None, "B"),
    ]))
    full = trace(index, [Source("v", "A", 1000, at(0))])
    assert figures(full)["C"][0] == 3 and full.totals.held_fen == 1000
    cut = trace(index, [Source("v", "A", 1000, at(0))], max_level=2)
    assert "C" not in figures(cut) and cut.totals.untraced_fen == 1000
    assert cut.exits[0].reason == "beyond the level limit of the trace"


def test_a_payee_posting_before_the_payer_still_pairs_and_counts() -> None:
    # B's bank stamps the transfer 2 minutes before A's does: the pair is still found.
    index = LedgerIndex.from_postings(frame([
        ("A", 0, "in", 1000, None, "V"), ("A", 12, "out", 600, None, "B"),
        ("B", 10, "in", 600, None, "A"), ("B", 11, "in", 100, None, "X"), ("B", 30, "out", 100, None, "Y", "取现"),
    ]))
    r = trace(index, [Source("v", "A", 1000, at(0))])
    assert_conserved(r)
    assert figures(r)["B"][1] == 600 and r.totals.stolen_fen == 1000


def test_an_outflow_beyond_the_known_balance_is_noted() -> None:
    index = LedgerIndex.from_postings(frame([
        ("A", 0, "in", 1000, None, "V"), ("A", 10, "out", 1500, None, None, "取现"),
    ]))
    r = trace(index, [Source("v", "A", 1000, at(0))])
    assert totals(r) == (1000, 0, 1000, 0, 0)
    [warning] = r.warnings
    assert warning.kind == "balance_deficit" and warning.amount_fen == 500


def test_an_unknown_payee_is_a_statement_request_with_the_reported_bank() -> None:
    index = LedgerIndex.from_postings(frame([("A", 0, "in", 10, None, "X")]))
    r = trace(index, [Source("v", "Z999", 1000, at(0), bank="建设银行", holder="李某")])
    assert figures(r) == {"Z999": (1, 1000, 0, 0, 1000, "request_statement")}
    assert (r.statement_requests[0].bank, r.statement_requests[0].holder) == ("建设银行", "李某")
    assert r.accounts[0].action is Action.REQUEST_STATEMENT


def test_integer_account_columns_and_epoch_times_are_accepted() -> None:
    df = pl.DataFrame({"account": [11, 11, 22], "time": [0, 60_000_000, 61_000_000], "direction": ["in", "out", "in"],
                       "amount_fen": [500, 500, 500], "counterparty_account": [99, 22, 11]})
    index = LedgerIndex.from_postings(df)
    r = trace(index, [Source("v", "11", 500, 0)])
    assert figures(r)["22"] == (2, 500, 0, 500, 0, "stop_payment")


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="direction"):
        LedgerIndex.from_postings(pl.DataFrame({"account": ["A"], "time": [0], "amount_fen": [1]}))


@pytest.mark.parametrize("rule", [P, F])
def test_a_payee_already_tracing_waits_for_the_payer(rule: AttributionRule) -> None:
    # B, tracing another victim's money, reaches the 09:10 posting A's 09:12 outflow pays (B's bank
    # stamped it first): B waits for A, so the 600 arrive with that posting, exactly.
    index = LedgerIndex.from_postings(frame([
        ("A", 0, "in", 1000, None, "V"), ("A", 12, "out", 600, None, "B"),
        ("B", 5, "in", 300, None, "W"), ("B", 10, "in", 600, None, "A"), ("B", 11, "in", 100, None, "X"),
        ("B", 30, "out", 500, None, None, "取现"),
    ]))
    r = trace(index, [Source("v", "A", 1000, at(0)), Source("w", "B", 300, at(5))], rule)
    assert_conserved(r)
    assert r.warnings == []
    # B holds 300 (w) + 600 (v) of 1,000; the 500 cash: P floor(900·500/1000) = 450 (v 300, w 150);
    # F oldest first: w's 300, then 200 of v's 600
    held = {P: {"v": 300, "w": 150}, F: {"v": 400}}[rule]
    assert r.account("B").held_by_victim == held


@pytest.mark.parametrize("rule", [P, F])
def test_taint_for_a_posting_already_read_counts_from_then_on(rule: AttributionRule) -> None:
    # A and B pay each other with both payees' banks stamping before the payers': each waits for
    # the other, so one of them must go first; the taint that then arrives for a posting already
    # read replaces clean money and is followed from the next posting, and no fen is lost.
    index = LedgerIndex.from_postings(frame([
        ("A", 0, "in", 1000, None, "V"), ("A", 10, "in", 200, None, "B"), ("A", 11, "out", 500, None, "B"),
        ("B", 0, "in", 800, None, "W"), ("B", 9, "in", 500, None, "A"), ("B", 12, "out", 200, None, "A"),
        ("B", 30, "out", 100, None, None, "取现"),
    ]))
    r = trace(index, [Source("v", "A", 1000, at(0)), Source("w", "B", 800, at(0))], rule)
    assert_conserved(r)
    assert [w.kind for w in r.warnings] == ["out_of_order"]
    assert r.totals.stolen_fen == 1800 and r.account("B").tainted_in_fen > 800
    # what B had already spent by then cannot be followed any more: untraced, with the reason
    assert all(e.reason.startswith("arrived dated before") for e in r.exits if e.kind is ExitKind.UNTRACED)
