"""Benchmark: the funds drill (止付演练) on a simulated city, reports within an hour of the first payment.

    .venv/bin/python bench/bench_drill_funds.py [--residents 100000] [--days 30] [--seed 7]
                                                [--report-within 60] [--world DIR]

Simulates the city (unless ``--world`` names one already made), then replays its fraud twice with
every victim reporting ``--report-within`` minutes after their first payment: once with the
platform answering the reports, once with the manual practice (``fanzha.sim.drill.practice``
states both). Prints, for both, the money stolen, stopped or frozen, cashed out and not
recovered, the share stopped, the time from report to first stop, and the platform/manual ratio.

Targets (issue 4): the platform stops or freezes at least 60% of the stolen money (a real center's
case: 67%), and at least twice what the manual practice saves on the same city.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanzha.sim.drill import MANUAL, PLATFORM, DrillFigures, DrillWorld, compare, replay  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_world import add_world_arguments, bench_world  # noqa: E402


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_world_arguments(parser)
    parser.add_argument("--report-within", type=int, default=60, help="minutes after the first payment")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fanzha-drill-") as tmp:
        world_dir = bench_world(args, tmp)
        started = time.perf_counter()
        world = DrillWorld.load(world_dir)
        print(f"loaded {world_dir}: {len(world.victims)} victims, {len(world.movements):,} stolen movements, "
              f"{world.statements.height:,} statement rows: {time.perf_counter() - started:.1f} s")
        figures = {}
        for practice in (PLATFORM, MANUAL):
            started = time.perf_counter()
            figures[practice.name] = DrillFigures.of(replay(world, practice, report_within_s=args.report_within * 60))
            print(f"drill {practice.name}: {time.perf_counter() - started:.1f} s")
    platform, manual = figures["platform"], figures["manual"]
    print(f"\nreports {args.report_within} min after the first payment; yuan")
    print(f"{'':32}{'platform':>18}{'manual':>18}")
    for label, key in (("victims with stolen money", "victims"), ("stolen", "stolen_fen"),
                       ("stopped or frozen", "stopped_fen"), ("cashed out", "cashed_out_fen"),
                       ("not recovered", "not_recovered_fen"),
                       ("not paid (had reported)", "not_paid_fen"), ("orders", "orders"),
                       ("replacement cards", "replacement_cards")):
        a, b = getattr(platform, key), getattr(manual, key)
        show = (lambda x: _yuan(x)) if key.endswith("_fen") else (lambda x: f"{x:,}")
        print(f"{label:32}{show(a):>18}{show(b):>18}")
    print(f"{'share stopped':32}{platform.share_stopped:>18.1%}{manual.share_stopped:>18.1%}")
    print(f"{'first stop median / p90 (s)':32}{str(platform.first_stop['median_s']) + ' / ' + str(platform.first_stop['p90_s']):>18}"
          f"{str(manual.first_stop['median_s']) + ' / ' + str(manual.first_stop['p90_s']):>18}")
    ratio = compare(platform, manual)["stopped_ratio_platform_to_manual"]
    print(f"platform/manual stopped: {ratio}×")
    share_ok, ratio_ok = platform.share_stopped >= 0.60, ratio is not None and ratio >= 2
    print(f"target ≥ 60% stopped: {'met' if share_ok else 'MISSED'}; target ≥ 2× manual: {'met' if ratio_ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
