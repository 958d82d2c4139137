"""Fund tracing never creates or loses a fen, whatever the statements look like (property tests).

Random ledgers: transfers among a few accounts (both sides posted when both statements are in
hand, the payee's a little later), transfers to accounts without statements, cash and purchases,
money from outside, balance columns right, missing or wrong, duplicated rows, and several victims
paying in. Under both rules, for every account in = out + held + untraced, and over the whole
trace and per victim stolen = held + cash + purchases + untraced, to the fen.
"""
from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fund_tracing import assert_conserved

from fanzha.domain.attribution import AttributionRule, split_by_largest_remainder, tainted_part
from fanzha.engines.fund_tracing import LedgerIndex, Source, trace

IN_HAND = ["A", "B", "C", "D", "E"]
OUTSIDE = ["X", "Y"]  # no statement
MINUTE = 60_000_000


@st.composite
def ledgers(draw):
    n = draw(st.integers(1, 40))
    rows = []
    sources = []
    for i in range(n):
        t = i * MINUTE + draw(st.sampled_from([0, 0, 1_000_000, MINUTE // 2]))  # many postings the same second
        kind = draw(st.sampled_from(["transfer", "transfer", "transfer", "cash", "purchase", "outside_in", "victim"]))
        payer = draw(st.sampled_from(IN_HAND))
        amount = draw(st.integers(1, 100_000))
        if kind == "victim":
            victim = draw(st.sampled_from(["v1", "v2", "v3"]))
            rows.append((payer, t, "in", amount, f"V{victim}", "转账"))
            sources.append(Source(victim, payer, amount, t, f"V{victim}"))
        elif kind == "outside_in":
            rows.append((payer, t, "in", amount, draw(st.sampled_from(OUTSIDE)), "转账"))
        elif kind == "cash":
            rows.append((payer, t, "out", amount, None, "取现"))
        elif kind == "purchase":
            rows.append((payer, t, "out", amount, "M", "消费"))
        else:
            payee = draw(st.sampled_from(IN_HAND + OUTSIDE))
            rows.append((payer, t, "out", amount, payee, "转账"))
            if payee in IN_HAND and draw(st.integers(0, 9)) > 0:  # sometimes the payee's side is missing
                # the payee's bank stamps it the same second, later, or (clocks differ) earlier
                lag = draw(st.sampled_from([0, 0, 1, 30, 120, -1, -60, -120]))
                rows.append((payee, t + lag * 1_000_000, "in", amount, payer, "转账"))
    frame = pl.DataFrame(rows, schema=["account", "time", "direction", "amount_fen", "counterparty_account", "memo"],
                         orient="row")
    balances = draw(st.sampled_from(["none", "right", "wrong"]))
    if balances != "none":
        frame = frame.sort(["account", "time"], maintain_order=True)
        signed = pl.when(pl.col("direction") == "in").then(pl.col("amount_fen")).otherwise(-pl.col("amount_fen"))
        opening = draw(st.integers(0, 50_000))
        frame = frame.with_columns((signed.cum_sum().over("account") + opening).alias("balance_fen"))
        if balances == "wrong":
            frame = frame.with_columns(pl.col("balance_fen") + pl.int_range(pl.len()) * draw(st.integers(1, 99)))
    if draw(st.booleans()) and frame.height:  # an overlapping second file
        frame = pl.concat([frame, frame.head(draw(st.integers(1, frame.height)))], how="diagonal")
    return frame, sources


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.sampled_from(list(AttributionRule)), st.one_of(st.none(), st.integers(1, 4)))
def test_no_fen_is_created_or_lost(ledger, rule, max_level) -> None:
    frame, sources = ledger
    index = LedgerIndex.from_postings(frame)
    result = trace(index, sources, rule, max_level)
    assert_conserved(result)
    assert result.totals.stolen_fen == sum(s.amount_fen for s in sources)
    for account in result.accounts:
        if account.in_hand:  # what an account still holds of the victims' money fits in its balance
            code = index.code_of(account.account)
            assert account.tainted_held_fen <= index.balance_at(code, int(index.offsets[code + 1]))
    for flow in result.flows:
        assert 0 < flow.tainted_fen <= flow.amount_fen


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 5), st.integers(0, 10**9), min_size=1), st.data())
def test_largest_remainder_split_is_exact(parts, data) -> None:
    total = data.draw(st.integers(0, sum(parts.values())))
    shares = split_by_largest_remainder(total, parts)
    assert sum(shares.values()) == total
    assert all(0 < shares[k] <= parts[k] for k in shares)
    whole = sum(parts.values())
    assert whole == 0 or all(abs(shares.get(k, 0) * whole - total * v) < whole for k, v in parts.items())


@given(st.integers(0, 10**12), st.integers(1, 10**12), st.integers(0, 10**12))
def test_tainted_part_is_bounded(taint, amount, balance) -> None:
    part = tainted_part(taint, amount, balance)
    assert 0 <= part <= min(taint, amount)
    effective = max(balance, amount, taint)
    assert taint - part <= effective - amount  # what stays holds no more taint than money
