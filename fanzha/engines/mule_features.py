"""Per-account mule features (两卡 银行卡特征) from bank statement postings, computed with DuckDB.

Input: postings as the statement importer reads them (``services.importing.statements``; the
store's ``statement_postings`` have the same columns): ``account``, ``account_name``, ``time``
(zoned, or naive local time), ``direction`` (``in``/``out``), ``amount_fen``,
``counterparty_account``, ``channel``, ``memo``, ``ip``, ``mac``. One row of output per account
with a posting (its own statement), and the money flows between accounts for the structure
stage of the model (``mule_structure``).

What is measured, per account (``FEATURES``):

- fan-in / fan-out: postings and money in and out, distinct counterparties each way;
- pass-through: for each outflow, the time since the latest inflow before it (an as-of join);
  ``pass_{1,6,24}h_share`` is the money sent on within that many hours of an inflow over the money
  that came in (capped at 1), ``pass_median_min`` the median of those times;
- money retained: ``retained_share`` = (in - out) / in; cash and purchase shares of the outflow;
  amounts in whole hundreds of yuan;
- night-time share: postings from 22:00 to 05:59 local time (as ``number_features``);
- account age: days from opening (when the bank's register gives it) to the first posting;
- shared devices: other accounts whose online postings came from the same IP or MAC, and how many
  of them have another holder's name (a person's own cards share a phone; a gang's cards share a
  few devices across many names);
- neighbours: the pass-through (weighted by the money) and the highest device sharing of the
  accounts that paid in and of those paid (a cash-out card's payers pass money on quickly);
- cases and traces, when given (what the center knows from reports, never the labels being
  evaluated): reported payments into the account and distinct reported victims, and from the fund
  traces the distinct victims whose money reached it and its lowest level in a traced chain.

Ratios whose denominator is zero are missing (NaN); counts are 0.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import polars as pl

from fanzha.domain.attribution import PURCHASE_CHANNELS, PURCHASE_MARKERS
from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.posting import CASH_MARKERS
from fanzha.engines.number_features import NIGHT_FROM_HOUR, NIGHT_TO_HOUR

PASS_HOURS = (1, 6, 24)
ROUND_FEN = 10_000  # whole hundreds of yuan

BEHAVIOUR_FEATURES = (
    "in_count", "out_count", "in_fen", "out_fen", "max_in_fen",
    "in_parties", "out_parties",  # distinct counterparties paying in / paid
    "out_in_ratio",  # out_fen / in_fen
    "retained_share",  # (in - out) / in
    "pass_1h_share", "pass_6h_share", "pass_24h_share",
    "pass_median_min",
    "cash_out_share", "purchase_out_share",
    "round_out_share",  # outflows in whole hundreds of yuan
    "night_share",
    "active_days",
    "account_age_days",  # NaN when the opening date is not known
    "device_accounts",  # other accounts on the same IP or MAC
    "device_other_holders",  # of those, other holders' names
    "payers_pass_6h", "payees_pass_6h",  # neighbours' pass-through, weighted by the money
    "payers_max_device_holders", "payees_max_device_holders",
)
CASE_FEATURES = (
    "reported_payments",  # case transfers naming the account as the payee
    "reported_victims",  # distinct victims among them
    "traced_victims",  # distinct reported victims whose money reached it (fund traces)
    "traced_level",  # lowest level in a traced chain, NaN when not traced
    "traced_in_fen",  # the victims' money that reached it
)
FEATURES = BEHAVIOUR_FEATURES + CASE_FEATURES


@dataclass
class CaseEvidence:
    """What the center knows from cases: reported payments and traced chains (never truth labels).

    ``payments``: (payee account, victim key) per reported transfer. ``traced``: per account, its
    lowest level and the victims' money that reached it (victim key → fen), e.g. from
    ``engines.fund_tracing.trace`` over the reports.
    """

    payments: list[tuple[str, str]] = field(default_factory=list)
    traced: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)

    @classmethod
    def from_trace(cls, payments: Iterable[tuple[str, str]], trace_result) -> CaseEvidence:
        traced = {a.account: (a.level, dict(a.in_by_victim)) for a in trace_result.accounts}
        return cls(list(payments), traced)


@dataclass
class MuleFeatures:
    """``table``: ``account``, ``holder``, ``bank`` then FEATURES; ``flows``: src, dst, fen, n."""

    table: pl.DataFrame
    flows: pl.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def accounts(self) -> list[str]:
        return self.table["account"].to_list()


def _local_naive(times: pl.Series) -> pl.Series:
    if isinstance(times.dtype, pl.Datetime) and times.dtype.time_zone is not None:
        return times.dt.convert_time_zone(str(CENTER_TZ)).dt.replace_time_zone(None)
    return times


def _prepare(postings: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in ("account", "time", "direction", "amount_fen") if c not in postings.columns]
    if missing:
        raise ValueError(f"postings lack the column(s): {', '.join(missing)}")
    cols = {c: pl.lit(None, pl.String) for c in ("account_name", "bank", "counterparty_account", "channel", "memo",
                                                  "ip", "mac") if c not in postings.columns}
    frame = postings.with_columns(**cols) if cols else postings
    text = pl.concat_str([pl.col("memo").fill_null(""), pl.col("channel").fill_null("")])
    cash = pl.lit(False)
    for marker in CASH_MARKERS:
        cash = cash | text.str.contains(marker, literal=True)
    purchase = pl.col("channel").fill_null("").str.to_uppercase().is_in(list(PURCHASE_CHANNELS))
    for marker in PURCHASE_MARKERS:
        purchase = purchase | pl.col("memo").fill_null("").str.contains(marker, literal=True)
    cp = pl.col("counterparty_account").cast(pl.String).str.strip_chars()
    return frame.select(
        account=pl.col("account").cast(pl.String).str.strip_chars(),
        holder=pl.col("account_name").cast(pl.String),
        bank=pl.col("bank").cast(pl.String),
        t=_local_naive(frame["time"]),
        incoming=pl.col("direction").cast(pl.String).str.to_lowercase().is_in(["in", "进", "收", "贷"]),
        amount=pl.col("amount_fen").cast(pl.Int64),
        cp=pl.when(cp == "").then(None).otherwise(cp),
        cash=(cash | cp.is_null() | (cp == "")).fill_null(True),
        purchase=purchase,
        ip=pl.col("ip").cast(pl.String),
        mac=pl.col("mac").cast(pl.String),
    ).filter(pl.col("account").is_not_null() & pl.col("t").is_not_null() & (pl.col("amount") > 0))


def mule_features(postings: pl.DataFrame, *, opened: Mapping[str, date] | None = None,
                  cases: CaseEvidence | None = None, threads: int | None = None) -> MuleFeatures:
    """FEATURES per account of ``postings`` (see the module's docstring), and the flows between accounts.

    ``opened``: account → opening date, where the bank's register is in hand. ``cases``: reported
    payments and traced chains. Raises ValueError naming the columns the postings lack.
    """
    began = time.perf_counter()
    seconds: dict[str, float] = {}
    p = _prepare(postings)
    seconds["prepare"] = time.perf_counter() - began
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.register("p_arrow", p.to_arrow())
        con.execute("CREATE TEMP TABLE p AS SELECT * FROM p_arrow")
        table, flows = _compute(con)
    finally:
        con.close()
    seconds["aggregate"] = time.perf_counter() - began - seconds["prepare"]
    table = _neighbours(table, flows)
    table = _add_age(table, opened)
    table = _add_cases(table, cases or CaseEvidence())
    seconds["total"] = time.perf_counter() - began
    return MuleFeatures(table.select(["account", "holder", "bank", *FEATURES]), flows, seconds)


def _compute(con) -> tuple[pl.DataFrame, pl.DataFrame]:
    night = f"(hour(t) >= {NIGHT_FROM_HOUR} OR hour(t) < {NIGHT_TO_HOUR})"
    passes = ",\n".join(
        f"sum(amount) FILTER (WHERE gap_s <= {h * 3600}) AS pass_{h}h_fen" for h in PASS_HOURS)
    table = con.sql(f"""
    WITH ins AS (SELECT account, t FROM p WHERE incoming),
    outs AS (SELECT account, t, amount FROM p WHERE NOT incoming),
    gaps AS (
        SELECT o.account, o.amount, date_diff('second', i.t, o.t) AS gap_s
        FROM outs o ASOF LEFT JOIN ins i ON o.account = i.account AND o.t >= i.t),
    pass AS (
        SELECT account, {passes},
            median(gap_s) FILTER (WHERE gap_s IS NOT NULL) / 60.0 AS pass_median_min
        FROM gaps GROUP BY account),
    base AS (
        SELECT account,
            any_value(holder) AS holder, any_value(bank) AS bank,
            count(*) FILTER (WHERE incoming) AS in_count,
            count(*) FILTER (WHERE NOT incoming) AS out_count,
            coalesce(sum(amount) FILTER (WHERE incoming), 0) AS in_fen,
            coalesce(sum(amount) FILTER (WHERE NOT incoming), 0) AS out_fen,
            coalesce(max(amount) FILTER (WHERE incoming), 0) AS max_in_fen,
            count(DISTINCT cp) FILTER (WHERE incoming) AS in_parties,
            count(DISTINCT cp) FILTER (WHERE NOT incoming AND NOT cash) AS out_parties,
            coalesce(sum(amount) FILTER (WHERE NOT incoming AND cash), 0) AS cash_out_fen,
            coalesce(sum(amount) FILTER (WHERE NOT incoming AND purchase AND NOT cash), 0) AS purchase_out_fen,
            count(*) FILTER (WHERE NOT incoming AND amount % {ROUND_FEN} = 0) AS round_out,
            count(*) FILTER (WHERE {night}) AS night,
            count(*) AS postings,
            count(DISTINCT CAST(t AS DATE)) AS active_days,
            min(t) AS first_seen
        FROM p GROUP BY account),
    devices AS (
        SELECT DISTINCT account, 'ip:' || ip AS device FROM p WHERE ip IS NOT NULL AND ip <> ''
        UNION SELECT DISTINCT account, 'mac:' || mac FROM p WHERE mac IS NOT NULL AND mac <> ''),
    holders AS (SELECT account, any_value(holder) AS holder FROM p GROUP BY account),
    shared AS (
        SELECT a.account,
            count(DISTINCT b.account) AS device_accounts,
            count(DISTINCT b.account) FILTER (WHERE hb.holder IS DISTINCT FROM ha.holder) AS device_other_holders
        FROM devices a JOIN devices b ON a.device = b.device AND a.account <> b.account
        JOIN holders ha ON ha.account = a.account JOIN holders hb ON hb.account = b.account
        GROUP BY a.account)
    SELECT base.account, holder, bank, in_count, out_count,
        in_fen::DOUBLE AS in_fen, out_fen::DOUBLE AS out_fen, max_in_fen::DOUBLE AS max_in_fen,
        in_parties, out_parties,
        out_fen / nullif(in_fen, 0) AS out_in_ratio,
        (in_fen - out_fen) / nullif(in_fen, 0) AS retained_share,
        {", ".join(f"least(coalesce(pass_{h}h_fen, 0) / nullif(in_fen, 0), 1.0) AS pass_{h}h_share"
                   for h in PASS_HOURS)},
        pass_median_min,
        cash_out_fen / nullif(out_fen, 0) AS cash_out_share,
        purchase_out_fen / nullif(out_fen, 0) AS purchase_out_share,
        round_out / nullif(out_count, 0) AS round_out_share,
        night / postings AS night_share,
        active_days, first_seen,
        coalesce(device_accounts, 0) AS device_accounts,
        coalesce(device_other_holders, 0) AS device_other_holders
    FROM base LEFT JOIN pass USING (account) LEFT JOIN shared USING (account)
    ORDER BY base.account""").pl()
    # Money between two accounts, from whichever side's statement shows more of it (both sides of a
    # transfer are often in hand; counting the larger side counts each transfer once).
    flows = con.sql("""
    WITH sides AS (
        SELECT account AS src, cp AS dst, sum(amount) AS fen, count(*) AS n, 0 AS side
            FROM p WHERE NOT incoming AND cp IS NOT NULL AND NOT cash GROUP BY account, cp
        UNION ALL
        SELECT cp AS src, account AS dst, sum(amount), count(*), 1
            FROM p WHERE incoming AND cp IS NOT NULL GROUP BY cp, account)
    SELECT src, dst, max(fen)::BIGINT AS fen, max(n)::BIGINT AS n FROM sides
    WHERE src <> dst GROUP BY src, dst ORDER BY src, dst""").pl()
    return table, flows


def _neighbours(table: pl.DataFrame, flows: pl.DataFrame) -> pl.DataFrame:
    """Pass-through (money-weighted mean) and device sharing (highest) of each account's payers and payees."""
    own = table.select("account", "pass_6h_share", "device_other_holders")
    out = table
    for side, me, other in (("payers", "dst", "src"), ("payees", "src", "dst")):
        agg = (flows.select(me, other, "fen").join(own, left_on=other, right_on="account", how="inner")
               .group_by(me).agg(
                   ((pl.col("pass_6h_share").fill_nan(None) * pl.col("fen")).sum()
                    / pl.col("fen").filter(pl.col("pass_6h_share").fill_nan(None).is_not_null()).sum())
                   .alias(f"{side}_pass_6h"),
                   pl.col("device_other_holders").max().alias(f"{side}_max_device_holders")))
        out = out.join(agg.rename({me: "account"}), on="account", how="left")
    return out.with_columns(pl.col("payers_max_device_holders", "payees_max_device_holders").fill_null(0))


def _add_age(table: pl.DataFrame, opened: Mapping[str, date] | None) -> pl.DataFrame:
    if not opened:
        return table.with_columns(account_age_days=pl.lit(None, pl.Float64))
    known = pl.DataFrame({"account": list(opened), "opened": list(opened.values())},
                         schema={"account": pl.String, "opened": pl.Date})
    return table.join(known, on="account", how="left").with_columns(
        account_age_days=(pl.col("first_seen").dt.date() - pl.col("opened")).dt.total_days().cast(pl.Float64)
    ).drop("opened")


def _add_cases(table: pl.DataFrame, cases: CaseEvidence) -> pl.DataFrame:
    paid: dict[str, list[str]] = {}
    for account, victim in cases.payments:
        paid.setdefault(str(account).strip(), []).append(victim)
    accounts = table["account"].to_list()
    traced = [cases.traced.get(a) for a in accounts]
    return table.with_columns(
        reported_payments=pl.Series([len(paid.get(a, ())) for a in accounts], dtype=pl.Int64),
        reported_victims=pl.Series([len(set(paid.get(a, ()))) for a in accounts], dtype=pl.Int64),
        traced_victims=pl.Series([len(t[1]) if t else 0 for t in traced], dtype=pl.Int64),
        traced_level=pl.Series([float(t[0]) if t else np.nan for t in traced], dtype=pl.Float64),
        traced_in_fen=pl.Series([float(sum(t[1].values())) if t else 0.0 for t in traced], dtype=pl.Float64),
    )
