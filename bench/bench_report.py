"""Benchmark: the yearly statistics report (年度统计报表), Excel and PDF, for a 1,000,000-resident city.

    .venv/bin/python bench/bench_report.py [--residents 1000000] [--database sqlite|postgres|URL] [--runs 3]

Writes 2023 and 2024 of the city's past (fanzha/sim/history.py, 600 cases per 100,000 residents a
year at the start), then times ``fanzha report --period 2024`` as the command runs it: the figures,
the Excel workbook and the PDF with its embedded Chinese font, for the whole city and for a county.
Prints each run and the slowest. Target: at most 30 s for the yearly Excel and PDF.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from fanzha.domain.actor import Actor  # noqa: E402
from fanzha.services.command.period import Period  # noqa: E402
from fanzha.services.command.report_files import report_file  # noqa: E402
from fanzha.sim.history import write_history  # noqa: E402
from fanzha.store.db import Database  # noqa: E402

TARGET_S = 30.0
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def run(url: str, residents: int, runs: int, out: Path) -> bool:
    db = Database(url)
    t = time.perf_counter()
    counts = write_history(db, residents=residents, start=date(2023, 1, 1), end=date(2024, 12, 31), seed=7,
                           cases_per_100k_year=600, progress=True)
    print(f"  wrote two years of a {residents:,}-resident city in {time.perf_counter() - t:.0f} s ({db.dialect}); "
          f"{counts.cases:,} cases, {counts.leads:,} leads", flush=True)
    actor = Actor.system("bench:report")
    worst = 0.0
    for n in range(runs):
        for region in (None, "城厢区"):
            started = time.perf_counter()
            sizes = []
            with db.session() as session:
                for fmt in ("xlsx", "pdf"):
                    made = report_file(session, actor, Period.parse("2024"), region, fmt)
                    (out / made.filename).write_bytes(made.content)
                    sizes.append(f"{fmt} {len(made.content):,} bytes")
            elapsed = time.perf_counter() - started
            worst = max(worst, elapsed)
            print(f"  run {n + 1} {region or '全市'}: Excel + PDF in {elapsed:.2f} s ({', '.join(sizes)})", flush=True)
    ok = worst <= TARGET_S
    print(f"  slowest yearly Excel + PDF ({db.dialect}): {worst:.2f} s (target {TARGET_S:.0f} s) -> "
          f"{'OK' if ok else 'MISSED'}", flush=True)
    db.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="sqlite", help="sqlite (a temporary file), postgres (a temporary "
                                                             "database on 127.0.0.1) or a database URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        if args.database == "sqlite":
            return 0 if run(f"sqlite:///{out / 'report.sqlite'}", args.residents, args.runs, out) else 1
        if args.database != "postgres":
            return 0 if run(args.database, args.residents, args.runs, out) else 1
        name = f"fanzha_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            return 0 if run(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", args.residents, args.runs, out) else 1
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
