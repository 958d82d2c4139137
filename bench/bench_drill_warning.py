"""Benchmark: the warning drill (劝阻演练) on a simulated city, the desk working against no desk.

    .venv/bin/python bench/bench_drill_warning.py [--residents 100000] [--days 30] [--seed 7]
                                                  [--officer-seed N] [--world DIR]

Simulates the city (unless ``--world`` names one already made), then replays its fraud with the
warning desk working and without it (``fanzha.sim.drill.warning_signals`` and ``warning_officers``
state every assumption). Prints, for both: victims, those who would have paid, those with a signal
before their first payment (the most the desk could reach in time), reached before the first
payment, dissuaded, loss and loss avoided, the time from first signal to contact, and the leads by
grade; then the same drill with officers who act within a minute and always get through, to show
how much of the gap is the officers and how much the signals.

Target (issue 6): with the desk working, at least half of the victims who would have paid are
reached before their first payment, and the loss avoided is reported against the no-desk run on
the same city.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanzha.domain.warning_lead import Grade  # noqa: E402
from fanzha.sim.drill.practice import Delay  # noqa: E402
from fanzha.sim.drill.warning_figures import WarningFigures, compare  # noqa: E402
from fanzha.sim.drill.warning_officers import OFFICERS, Officers  # noqa: E402
from fanzha.sim.drill.warning_replay import replay  # noqa: E402
from fanzha.sim.drill.warning_world import WarningWorld  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_world import add_world_arguments, bench_world  # noqa: E402

# a what-if, not the drill: every lead signed in a minute, every call answered (dissuasion chances unchanged)
INSTANT = Officers(sign={g: Delay(60) for g in Grade}, call=Delay(60), visit={g: Delay(600) for g in Grade},
                   answer_p=1.0, found_p=1.0)


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def _time(s: int | None) -> str:
    return "—" if s is None else f"{s / 3600:.1f} h"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_world_arguments(parser)
    parser.add_argument("--officer-seed", type=int, help="seed of the officers' draws (default: the world's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fanzha-warning-") as tmp:
        world_dir = bench_world(args, tmp)
        started = time.perf_counter()
        world = WarningWorld.load(world_dir)
        print(f"loaded {world_dir}: {len(world.victims)} victims, {world.contacts.height:,} calls and SMS received "
              f"by residents, {len(world.reports)} reports: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    desk = WarningFigures.of(replay(world, desk=True, seed=args.officer_seed))
    print(f"drill with the desk: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    none = WarningFigures.of(replay(world, desk=False, seed=args.officer_seed))
    print(f"drill without the desk: {time.perf_counter() - started:.1f} s")
    instant = WarningFigures.of(replay(world, desk=True, seed=args.officer_seed, officers=INSTANT))
    print(f"\nofficer seed {args.officer_seed if args.officer_seed is not None else world.seed}; yuan")
    print(f"{'':40}{'desk':>16}{'no desk':>16}{'what-if: instant':>18}")
    for label, key in (("victims", "victims"), ("who would have paid", "would_pay"),
                       ("with a signal", "with_signal"), ("with a signal before paying", "signal_before_payment"),
                       ("reached", "reached"), ("reached before first payment", "reached_before_payment"),
                       ("dissuaded", "dissuaded"), ("  of them before first payment", "dissuaded_before_payment"),
                       ("loss", "loss_fen"), ("loss avoided", "loss_avoided_fen"), ("leads", "leads"),
                       ("people warned, not victims", "people_not_victims")):
        cells = [getattr(f, key) for f in (desk, none, instant)]
        show = _yuan if key.endswith("_fen") else (lambda x: f"{x:,}")
        print(f"{label:40}{show(cells[0]):>16}{show(cells[1]):>16}{show(cells[2]):>18}")
    print(f"{'share reached before first payment':40}{desk.share_reached_before_payment:>16.1%}"
          f"{none.share_reached_before_payment:>16.1%}{instant.share_reached_before_payment:>18.1%}")
    print(f"{'first signal → contact, median / p90':40}"
          + "".join(f"{_time(f.signal_to_contact['median_s']) + ' / ' + _time(f.signal_to_contact['p90_s']):>16}"
                    for f in (desk, none)))
    print(f"{'leads 高 / 中 / 低':40}" + "".join(
        f"{'/'.join(str(f.leads_by_grade[g.value]) for g in Grade):>16}" for f in (desk, none)))
    print(f"numbers flagged {desk.numbers_flagged} ({desk.gang_numbers_flagged} the gangs', {desk.false_flags} not)")
    c = compare(desk, none)
    print(f"loss avoided against no desk: {_yuan(c['loss_avoided_fen'])} yuan ({c['share_loss_avoided']:.1%} of "
          f"{_yuan(none.loss_fen)})")
    met = c["target_half_reached_before_first_payment"]
    print(f"target ≥ 50% of victims reached before their first payment: {'met' if met else 'MISSED'} "
          f"({desk.share_reached_before_payment:.1%})")
    spread = [WarningFigures.of(replay(world, desk=True, seed=k)) for k in range(1, 6)]
    print("other officer seeds 1–5: reached before first payment "
          + ", ".join(f"{f.share_reached_before_payment:.1%}" for f in spread)
          + "; loss avoided " + ", ".join(f"{f.share_avoided:.1%}" for f in spread))
    print(f"officers' assumptions: answer {OFFICERS.answer_p:.0%}, found on a visit {OFFICERS.found_p:.0%}, "
          f"dissuaded before paying {OFFICERS.dissuade_before_payment:.0%}, after the first payment "
          f"{OFFICERS.dissuade_after_first:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
