"""How fast the city simulator runs: wall time, rows written per kind of file, peak memory.

    python bench/bench_simulate.py                      # 100,000 residents x 30 days
    python bench/bench_simulate.py --residents 20000 --days 30
    python bench/bench_simulate.py --all                # 100,000 and 1,000,000 residents

Targets: 100,000 x 30 days within 60 s; 1,000,000 x 30 days within 10 minutes and 8 GiB peak RSS.
Each size runs in its own process so that its peak RSS is its own.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {100_000: (60, None), 1_000_000: (600, 8 * 1024)}  # seconds, MiB


def _kind(path: str) -> str:
    if path.startswith("banks/"):
        return "statements"
    if path.startswith("operators/"):
        return path.rsplit("/", 1)[1].removesuffix(".csv")
    return path.split("/", 1)[0]


def run_one(residents: int, days: int, seed: int, out: Path | None) -> dict:
    from fanzha.sim import simulate

    with tempfile.TemporaryDirectory(prefix="fanzha-bench-") as tmp:
        target = out or Path(tmp) / "world"
        began = time.perf_counter()
        summary = simulate(residents, days, seed, target, progress=sys.stderr.isatty())
        wall = time.perf_counter() - began
        size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    rows: dict[str, int] = {}
    for path, count in summary["files"].items():
        rows[_kind(path)] = rows.get(_kind(path), 0) + count
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"residents": residents, "days": days, "wall_s": round(wall, 1), "peak_rss_mib": round(peak_mib),
            "bytes_written": size, "rows": rows, "victims": summary["counts"]["victims"]}


def report(result: dict) -> None:
    wall_target, rss_target = TARGETS.get(result["residents"], (None, None))
    print(f"simulate {result['residents']:,} residents x {result['days']} days")
    verdict = f" (target {wall_target} s: {'ok' if result['wall_s'] <= wall_target else 'MISSED'})" if wall_target else ""
    print(f"  wall time      {result['wall_s']:.1f} s{verdict}")
    verdict = f" (target {rss_target} MiB: {'ok' if result['peak_rss_mib'] <= rss_target else 'MISSED'})" if rss_target else ""
    print(f"  peak RSS       {result['peak_rss_mib']:,} MiB{verdict}")
    print(f"  written        {result['bytes_written'] / 2**20:,.0f} MiB, {result['victims']} victims")
    for kind, count in sorted(result["rows"].items()):
        print(f"  rows {kind:<10}{count:>14,}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the world here instead of a temporary directory")
    parser.add_argument("--all", action="store_true", help="run 100,000 and 1,000,000 residents")
    parser.add_argument("--json", action="store_true", help="print the result as JSON (used by --all)")
    args = parser.parse_args()
    if args.all:
        failed = 0
        for residents in (100_000, 1_000_000):
            done = subprocess.run([sys.executable, __file__, "--residents", str(residents), "--days", str(args.days),
                                   "--seed", str(args.seed), "--json"], capture_output=True, text=True)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                failed += 1
                continue
            report(json.loads(done.stdout.strip().splitlines()[-1]))
        return 1 if failed else 0
    result = run_one(args.residents, args.days, args.seed, args.out)
    print(json.dumps(result)) if args.json else report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
