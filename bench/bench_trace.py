"""Benchmark: fund tracing (资金穿透) on a synthetic ledger of 10,000,000 transfers among 1,000,000 accounts.

    .venv/bin/python bench/bench_trace.py [--transfers 10000000] [--accounts 1000000] [--traces 1000]
                                          [--rule proportional|fifo|both] [--max-level 10] [--seed 7]

The ledger is generated with numpy, deterministically, in memory: a tenth of the accounts are mule
cards in gangs of 30, twelve levels deep (each card passes what arrives to one or two cards of the
next level after minutes to hours, some keep a little, some withdraw part in cash; the last level
withdraws at ATMs; one transfer in a hundred pays a commission to an ordinary account, from where
the proportional rule follows it through ordinary traffic). About half the transfers are victims'
payments and their laundering, the rest ordinary transfers, purchases and cash among the other
accounts, with one in fifty paying into a mule card (clean money mixed in). Every transfer is
posted on both sides (出 on the payer, 进 on the payee seconds to two minutes later), with balance
columns, as the importer reads statements: 2 postings per transfer, less cash.

Measured: building the index (``LedgerIndex.from_postings``: sorting, balances, transfer pairing)
from the postings DataFrame, and tracing ``--traces`` random victims' payments, one trace each, to
``--max-level`` levels: median, p90, p99 and max wall time per trace, with how many accounts and
postings each trace touched and how deep it went. Targets: build ≤ 60 s, trace median ≤ 20 ms and
p99 ≤ 100 ms at 10,000,000 transfers.
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanzha.engines.fund_tracing import LedgerIndex, Source, trace  # noqa: E402

LEVEL_WIDTHS = np.array([2, 2, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2])  # a gang's cards per level: 30, 12 levels
GANG = int(LEVEL_WIDTHS.sum())
START_US = 1_714_492_800_000_000  # 2024-05-01 00:00 +08:00
DAY_US = 86_400_000_000
BANKS = np.array(["工商银行", "农业银行", "中国银行", "建设银行", "交通银行", "邮储银行"])
TRANSFER, CASH, PURCHASE, COMMISSION = 0, 1, 2, 3
MEMOS = np.array(["转账", "取现", "消费", "转账"])


def gang_network(rng: np.random.Generator, gangs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Card level and each card's one or two children (CSR over cards; the last level has none)."""
    starts = np.concatenate([[0], np.cumsum(LEVEL_WIDTHS)])
    level = np.repeat(np.arange(1, len(LEVEL_WIDTHS) + 1), LEVEL_WIDTHS)
    kids_first, kids_second = [], []
    for lv in range(len(LEVEL_WIDTHS) - 1):
        n, nxt = LEVEL_WIDTHS[lv], LEVEL_WIDTHS[lv + 1]
        first = rng.integers(0, nxt, (gangs, n))
        second = np.where(rng.random((gangs, n)) < 0.4, (first + rng.integers(1, nxt, (gangs, n))) % nxt, -1)
        kids_first.append(first + starts[lv + 1])
        kids_second.append(np.where(second >= 0, second + starts[lv + 1], -1))
    last = (gangs, LEVEL_WIDTHS[-1])
    first = np.concatenate(kids_first + [np.full(last, -1)], axis=1)  # (gangs, GANG) card offsets in the gang
    second = np.concatenate(kids_second + [np.full(last, -1)], axis=1)
    return np.tile(level, gangs), first.ravel(), second.ravel()


def generate(transfers: int, accounts: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The postings (both sides of every transfer) and the victims' payments."""
    rng = np.random.default_rng(seed)
    mules = (accounts // 10) // GANG * GANG
    gangs = mules // GANG
    ordinary = accounts - mules
    mule0 = ordinary  # mule cards are accounts ordinary..accounts-1
    level, kid1, kid2 = gang_network(rng, gangs)
    gang_of = np.repeat(np.arange(gangs), GANG)
    abs1 = np.where(kid1 >= 0, gang_of * GANG + kid1 + mule0, -1)
    abs2 = np.where(kid2 >= 0, gang_of * GANG + kid2 + mule0, -1)
    keeps = rng.random(mules) < 0.15
    side_cash = rng.random(mules) < 0.1
    bank = rng.integers(0, 6, accounts)
    period = 90 * DAY_US

    # victims' payments, then each level's movements (every arrival is passed on)
    payments = max(gangs, int(transfers * 0.5 / 110))
    card = mule0 + rng.integers(0, gangs, payments) * GANG + rng.integers(0, LEVEL_WIDTHS[0], payments)
    payer = rng.integers(0, ordinary, payments)
    amount = (rng.lognormal(np.log(20_000), 0.9, payments) * 100).astype(np.int64) + 10_000
    t_pay = START_US + rng.integers(0, period - 10 * DAY_US, payments)
    lag = rng.integers(0, 121, payments) * 1_000_000 * (bank[payer] != bank[card])
    parts = [(payer, card, t_pay, t_pay + lag, amount, np.full(payments, TRANSFER))]
    arrive_card, arrive_t, arrive_amt = card, t_pay + lag, amount
    while len(arrive_card):
        m = arrive_card - mule0
        wait = np.clip(rng.lognormal(np.log(900), 1.0, len(m)), 60, 6 * 3600).astype(np.int64) * 1_000_000
        t = arrive_t + wait
        out = arrive_amt - np.where(keeps[m], arrive_amt * rng.integers(2, 15, len(m)) // 100, 0)
        cash_side = np.where(side_cash[m], out * rng.integers(10, 30, len(m)) // 100 // 100 * 100, 0)
        commission = np.where(rng.random(len(m)) < 0.01, out // 100, 0)
        forward = out - cash_side - commission
        leaf = abs1[m] < 0
        gone = side_cash[m] & (cash_side > 0)
        parts.append((arrive_card[gone], np.full(int(gone.sum()), -1), t[gone], t[gone], cash_side[gone],
                      np.full(int(gone.sum()), CASH)))
        paid = commission > 0
        who = rng.integers(0, ordinary, int(paid.sum()))
        tc = t[paid] + 5_000_000
        parts.append((arrive_card[paid], who, tc, tc + rng.integers(0, 121, int(paid.sum())) * 1_000_000,
                      commission[paid], np.full(int(paid.sum()), COMMISSION)))
        parts.append((arrive_card[leaf], np.full(int(leaf.sum()), -1), t[leaf] + 10_000_000, t[leaf] + 10_000_000,
                      forward[leaf], np.full(int(leaf.sum()), CASH)))
        go = ~leaf & (forward > 0)
        src, fwd, t0 = arrive_card[go], forward[go], t[go]
        two = abs2[src - mule0] >= 0
        share = np.where(two, fwd * rng.integers(30, 71, len(src)) // 100, fwd)
        dst = np.concatenate([abs1[src - mule0], abs2[src - mule0][two]])
        amt = np.concatenate([share, (fwd - share)[two]])
        t_out = np.concatenate([t0 + 20_000_000, t0[two] + rng.integers(40, 300, int(two.sum())) * 1_000_000])
        srcs = np.concatenate([src, src[two]])
        keep = (amt > 0) & (t_out < START_US + period)
        srcs, dst, amt, t_out = srcs[keep], dst[keep], amt[keep], t_out[keep]
        t_in = t_out + rng.integers(0, 121, len(dst)) * 1_000_000 * (bank[srcs] != bank[dst])
        parts.append((srcs, dst, t_out, t_in, amt, np.full(len(dst), TRANSFER)))
        arrive_card, arrive_t, arrive_amt = dst, t_in, amt
    mule_moves = sum(len(p[0]) for p in parts)

    # ordinary life
    n = max(transfers - mule_moves, 0)
    src = rng.integers(0, ordinary, n)
    kind = rng.choice([TRANSFER, CASH, PURCHASE], n, p=[0.8, 0.05, 0.15])
    merchants = max(ordinary // 100, 1)
    dst = np.where(kind == PURCHASE, rng.integers(0, merchants, n), rng.integers(0, ordinary, n))
    into_mule = (kind == TRANSFER) & (rng.random(n) < 0.02)
    dst = np.where(into_mule, rng.integers(mule0, accounts, n), dst)
    dst = np.where(kind == CASH, -1, dst)
    dst = np.where(dst == src, (dst + 1) % ordinary, dst)
    amt = (rng.lognormal(np.log(300), 1.1, n) * 100).astype(np.int64) + 100
    t_out = START_US + rng.integers(0, period, n)
    t_in = np.where(dst >= 0, t_out + rng.integers(0, 121, n) * 1_000_000 * (bank[src] != bank[np.maximum(dst, 0)]), t_out)
    parts.append((src, dst, t_out, t_in, amt, kind))
    src, dst, t_out, t_in, amt, kind = (np.concatenate([p[i] for p in parts]) for i in range(6))
    del parts
    victims = pl.DataFrame({"payer": src[:payments], "card": dst[:payments], "time": t_out[:payments],
                            "amount_fen": amt[:payments]})

    # both sides of every transfer, with running balances from an opening never overdrawn
    has_in = dst >= 0
    account = np.concatenate([src, dst[has_in]])
    other = np.concatenate([dst, src[has_in]])
    when = np.concatenate([t_out, t_in[has_in]])
    fen = np.concatenate([amt, amt[has_in]])
    incoming = np.concatenate([np.zeros(len(src), bool), np.ones(int(has_in.sum()), bool)])
    memo = np.concatenate([kind, kind[has_in]])
    del src, dst, t_out, t_in, amt, kind
    order = np.lexsort((incoming, when, account))
    account, other, when, fen, incoming, memo = (a[order] for a in (account, other, when, fen, incoming, memo))
    del order
    signed = np.where(incoming, fen, -fen)
    frame = pl.DataFrame({"a": account, "s": signed}).with_columns(pl.col("s").cum_sum().over("a").alias("run"))
    running = frame["run"].to_numpy()
    low = frame.group_by("a").agg(pl.col("run").min()).sort("a")
    opening = (rng.lognormal(np.log(2_000), 1.0, accounts) * 100).astype(np.int64)
    lowest = np.zeros(accounts, np.int64)
    lowest[low["a"].to_numpy()] = low["run"].to_numpy()
    opening = np.maximum(opening, -lowest)
    balance = opening[account] + running
    del frame, running, signed
    numbers = "622" + pl.Series(np.arange(accounts, dtype=np.int64)).cast(pl.String).str.zfill(13)
    postings = pl.DataFrame({
        "account": numbers.gather(account),
        "bank": pl.Series(BANKS).gather(bank[account]),
        "time": pl.Series(when, dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
        "direction": pl.Series(incoming).replace_strict({True: "in", False: "out"}, return_dtype=pl.String),
        "amount_fen": fen,
        "balance_fen": balance,
        "counterparty_account": numbers.gather(np.maximum(other, 0)).scatter(np.flatnonzero(other < 0), None),
        "memo": pl.Series(MEMOS).gather(memo),
    })
    victims = victims.with_columns(numbers.gather(victims["payer"]).alias("payer"),
                                   numbers.gather(victims["card"]).alias("card"))
    return postings, victims


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=None, help="default: a tenth of the transfers")
    parser.add_argument("--traces", type=int, default=1_000)
    parser.add_argument("--rule", choices=["proportional", "fifo", "both"], default="both")
    parser.add_argument("--max-level", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    accounts = args.accounts or max(args.transfers // 10, 1_000)

    started = time.perf_counter()
    postings, victims = generate(args.transfers, accounts, args.seed)
    print(f"generated {postings.height:,} postings ({args.transfers:,} transfers asked) among {accounts:,} accounts, "
          f"{victims.height:,} victims' payments, in {time.perf_counter() - started:.1f} s", flush=True)
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    index = LedgerIndex.from_postings(postings)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    pairs = int((index.pair >= 0).sum()) // 2
    print(f"index build: {build:.1f} s (CPU {build_cpu:.1f} s)  ({index.postings:,} postings, {index.accounts:,} accounts, "
          f"{pairs:,} transfers paired, {index.issues.height:,} issues)", flush=True)
    del postings
    gc.collect()

    rng = np.random.default_rng(args.seed + 1)
    chosen = victims[np.sort(rng.choice(victims.height, min(args.traces, victims.height), replace=False))]
    sources = [Source(f"v{i}", card, amount, int(t), payer)
               for i, (payer, card, t, amount) in enumerate(chosen.select("payer", "card", "time", "amount_fen").iter_rows())]
    rules = ["proportional", "fifo"] if args.rule == "both" else [args.rule]
    for rule in rules:
        trace(index, sources[:20], rule, args.max_level)  # warm-up
        times, cpu, touched, read, depth = [], [], [], [], []
        for source in sources:
            t0, c0 = time.perf_counter(), time.process_time()
            result = trace(index, [source], rule, args.max_level)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            touched.append(len(result.accounts))
            read.append(result.postings_read)
            depth.append(max((a.level for a in result.accounts), default=0))
            assert result.totals.conserved
        print(f"trace ({rule}, max level {args.max_level}, {len(sources):,} random victims' payments, one each): "
              f"median {percentile(times, 50):.2f} ms, p90 {percentile(times, 90):.2f} ms, "
              f"p99 {percentile(times, 99):.2f} ms, max {max(times):.1f} ms; CPU time: median "
              f"{percentile(cpu, 50):.2f} ms, p99 {percentile(cpu, 99):.2f} ms", flush=True)
        print(f"  accounts reached: median {int(np.median(touched))}, p99 {int(percentile(touched, 99))}; "
              f"postings read: median {int(np.median(read))}, p99 {int(percentile(read, 99))}; "
              f"deepest level: median {int(np.median(depth))}, max {max(depth)}; "
              f"traces reaching level 10: {sum(d >= 10 for d in depth)}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    index_bytes = sum(a.nbytes for a in (index.offsets, index.time, index.amount, index.incoming, index.counterparty,
                                         index.kind, index.pair, index.balance_before))
    print(f"peak memory: {peak:.1f} GB (the index's arrays: {index_bytes / 1e9:.2f} GB); machine load average "
          f"{' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} on {__import__('os').cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
