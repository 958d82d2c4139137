"""Transfer matching (双边流水匹配): pair the payer's 出 posting with the payee's 进 posting.

When both accounts' statements are in hand, one transfer appears twice: once going out of the
payer's account and once coming into the payee's. The two postings name each other's accounts,
carry the same amount, and are posted within a few minutes of each other (banks stamp them at
slightly different moments). Pairing them lets the transfer be counted once.

The match is one-to-one and nearest in time first: candidate pairs are ordered by time gap (ties
by the postings' keys, so the result never depends on row order), and a pair is taken when
neither posting is already taken. This is the greedy matching, computed in rounds of vectorised
"mutually nearest" selection: a pair that is the nearest for both its postings is exactly a pair
the greedy order would take, so each round takes all of them at once.
"""
from __future__ import annotations

import polars as pl

WINDOW_SECONDS = 300  # both sides of one transfer are posted within 5 minutes

# The columns ``match_transfers`` reads.
COLUMNS = ("posting_key", "account", "counterparty_account", "direction", "amount_fen", "time")


def order_key(key: pl.Expr) -> pl.Expr:
    """A posting's place in the tie-break order: the first 60 bits of its hex key, as an integer.

    Sorting 64-bit integers is far faster than sorting the 40-character keys; two keys sharing
    60 bits (about one chance in 10^12 per pair) fall back to row order.
    """
    return key.str.slice(0, 15).str.to_integer(base=16, strict=False)


def match_transfers(postings: pl.DataFrame, window_s: int = WINDOW_SECONDS) -> pl.DataFrame:
    """Pair out-postings with in-postings of the same transfer.

    ``postings`` has ``posting_key`` (unique), ``account``, ``counterparty_account``,
    ``direction`` ("in"/"out"), ``amount_fen`` and ``time`` (a Datetime); keys are hex digests,
    whose order breaks ties between equally near candidates. Returns one row per
    matched transfer: ``out_key``, ``in_key`` and ``gap_s`` (seconds between the two postings).
    Postings without a counterparty (cash) never match.
    """
    empty = pl.DataFrame(schema={"out_key": pl.String, "in_key": pl.String, "gap_s": pl.Int64})
    if postings.height == 0:
        return empty
    base = postings.select(
        pl.col("posting_key"), pl.col("account"), pl.col("counterparty_account"), pl.col("direction"),
        pl.col("amount_fen").cast(pl.Int64),
        pl.col("time").dt.epoch("us").alias("t"),
        order_key(pl.col("posting_key")).alias("order"),
    ).filter(pl.col("counterparty_account").is_not_null() & pl.col("account").is_not_null())
    base = base.with_row_index("id")
    outs = base.filter(pl.col("direction") == "out").select(
        pl.col("id").alias("out_id"), pl.col("order").alias("out_order"), pl.col("posting_key").alias("out_key"),
        pl.col("account").alias("payer"), pl.col("counterparty_account").alias("payee"),
        pl.col("amount_fen"), pl.col("t").alias("t_out"),
    )
    ins = base.filter(pl.col("direction") == "in").select(
        pl.col("id").alias("in_id"), pl.col("order").alias("in_order"), pl.col("posting_key").alias("in_key"),
        pl.col("counterparty_account").alias("payer"), pl.col("account").alias("payee"),
        pl.col("amount_fen"), pl.col("t").alias("t_in"),
    )
    if outs.height == 0 or ins.height == 0:
        return empty
    window_us = window_s * 1_000_000
    candidates = (
        outs.join(ins, on=["payer", "payee", "amount_fen"], how="inner")
        .with_columns((pl.col("t_in") - pl.col("t_out")).abs().alias("gap"))
        .filter(pl.col("gap") <= window_us)
        .select("out_id", "in_id", "out_key", "in_key", "gap", "out_order", "in_order")
        .sort(["gap", "out_order", "in_order", "out_id", "in_id"])
    )
    taken = []
    while candidates.height:
        best_out = candidates.unique(subset="out_id", keep="first", maintain_order=True)
        best_in = candidates.unique(subset="in_id", keep="first", maintain_order=True)
        mutual = best_out.join(best_in.select("out_id", "in_id"), on=["out_id", "in_id"], how="semi")
        taken.append(mutual)
        candidates = candidates.join(mutual.select("out_id"), on="out_id", how="anti", maintain_order="left").join(
            mutual.select("in_id"), on="in_id", how="anti", maintain_order="left")
    if not taken:
        return empty
    pairs = pl.concat(taken).sort(["out_order", "out_id"])
    return pairs.select("out_key", "in_key", (pl.col("gap") // 1_000_000).alias("gap_s"))
