"""Benchmark: import 1,000,000 bank-statement rows into SQLite and into PostgreSQL.

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--seed 7] [--pg-url URL] [--skip-pg]

The statements CSV is generated deterministically in a temporary folder (never committed): about
four in five rows are the two sides of transfers between accounts (出 on the payer's statement, 进
on the payee's a few seconds to two minutes later), so transfer matching has real work; the rest
are one-sided (cash, or a counterparty whose statement is not in hand). Each store is fresh: a new
SQLite file, and a new PostgreSQL database that is dropped afterwards. Prints rows/s and seconds.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanzha.domain.actor import Actor
from fanzha.services.importing import count_distinct_transfers, import_file  # noqa: E402
from fanzha.store.db import Database  # noqa: E402
from fanzha.store.models import StatementPosting  # noqa: E402

HEADER = ["交易卡号", "交易户名", "开户行", "交易时间", "收付标志", "交易金额", "交易余额", "对手账号", "对手户名",
          "对手开户行", "交易渠道", "摘要", "交易流水号", "IP地址", "MAC地址"]
BANKS = ["工商银行", "农业银行", "中国银行", "建设银行", "交通银行", "邮储银行"]
CHANNELS = ["手机银行", "网银", "快捷支付", "柜面", "POS"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")


def generate(path: Path, rows: int, seed: int) -> dict:
    """Write ``rows`` statement rows to ``path``; return how many transfers both sides show."""
    rng = np.random.default_rng(seed)
    accounts_n = max(rows // 20, 100)
    paired = int(rows * 0.4)  # transfers seen from both sides: 2 rows each
    single = rows - 2 * paired
    accounts = np.array([f"62{1000 + i % 6}{i:012d}" for i in range(accounts_n)])
    names = np.array([SURNAMES[i % len(SURNAMES)] + "某" + str(i % 97) for i in range(accounts_n)])
    bank_of = np.array([BANKS[i % 6] for i in range(accounts_n)])
    start = np.datetime64("2024-01-01T00:00:00")
    span = 180 * 24 * 3600

    payer = rng.integers(0, accounts_n, paired)
    payee = (payer + rng.integers(1, accounts_n, paired)) % accounts_n
    amount = rng.integers(100, 5_000_000, paired)  # fen
    t_out = rng.integers(0, span, paired)
    t_in = t_out + rng.integers(0, 120, paired)
    holder = rng.integers(0, accounts_n, single)
    s_amount = rng.integers(100, 2_000_000, single)
    s_time = rng.integers(0, span, single)
    s_out = rng.random(single) < 0.5

    def side(acct, other, direction, fen, secs, cash):
        n = len(acct)
        return pl.DataFrame({
            "交易卡号": accounts[acct], "交易户名": names[acct], "开户行": bank_of[acct],
            "t": secs, "收付标志": direction, "fen": fen,
            "对手账号": np.where(cash, None, accounts[other]) if other is not None else [None] * n,
            "对手户名": np.where(cash, None, names[other]) if other is not None else [None] * n,
            "对手开户行": np.where(cash, None, bank_of[other]) if other is not None else [None] * n,
            "交易渠道": np.where(cash, "ATM", np.array(CHANNELS)[rng.integers(0, len(CHANNELS), n)]),
            "摘要": np.where(cash, "取现", "转账"),
        })

    outer = rng.integers(0, accounts_n, single)  # counterparty whose statement is not in hand
    cash = rng.random(single) < 0.3
    frame = pl.concat([
        side(payer, payee, np.full(paired, "出"), amount, t_out, np.zeros(paired, bool)),
        side(payee, payer, np.full(paired, "进"), amount, t_in, np.zeros(paired, bool)),
        side(holder, outer, np.where(s_out, "出", "进"), s_amount, s_time, cash & s_out),
    ])
    frame = frame.with_columns(
        (pl.lit(start) + pl.duration(seconds=pl.col("t"))).dt.strftime("%Y-%m-%d %H:%M:%S").alias("交易时间"),
        pl.format("{}.{}", pl.col("fen") // 100, (pl.col("fen") % 100).cast(pl.String).str.pad_start(2, "0")).alias("交易金额"),
        pl.format("{}.00", (pl.int_range(pl.len()) * 7919) % 10_000_000).alias("交易余额"),
        pl.format("T{}", pl.int_range(pl.len())).alias("交易流水号"),
        pl.lit("10.1.2.3").alias("IP地址"),
        pl.lit(None, dtype=pl.String).alias("MAC地址"),
    ).sort("t").select(HEADER)
    frame.write_csv(path)
    return {"rows": frame.height, "transfers_both_sides": paired, "one_sided": single}


def run(db_url: str, path: Path, label: str) -> dict:
    db = Database(db_url)
    try:
        started = time.perf_counter()
        result = import_file(db, "statements", path, actor=Actor.system("bench"))
        seconds = time.perf_counter() - started
        assert not result.rejected, result.problems[:5]
        with db.engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(StatementPosting)).scalar_one()
        distinct = count_distinct_transfers(db)
        print(f"{label:<11} {result.rows_imported:>9,} rows in {seconds:6.2f} s = {result.rows_imported / seconds:>9,.0f} rows/s; "
              f"stored {stored:,}; transfers paired {result.transfers_matched:,}; distinct transfers {distinct:,}")
        return {"store": label, "seconds": seconds, "rows": result.rows_imported, "paired": result.transfers_matched}
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="an admin URL; a fresh database is created beside it and dropped afterwards")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fanzha-bench-") as tmp:
        folder = Path(tmp)
        csv = folder / "statements.csv"
        started = time.perf_counter()
        made = generate(csv, args.rows, args.seed)
        print(f"generated {made['rows']:,} rows ({csv.stat().st_size / 1e6:.0f} MB; {made['transfers_both_sides']:,} "
              f"transfers on both sides) in {time.perf_counter() - started:.1f} s")
        run(f"sqlite:///{folder / 'bench.sqlite'}", csv, "SQLite")
        if args.skip_pg:
            return
        name = f"fanzha_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(args.pg_url.rsplit("/", 1)[0] + f"/{name}", csv, "PostgreSQL")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
