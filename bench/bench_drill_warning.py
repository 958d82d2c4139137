"""Benchmark: the warning drill (劝阻演练) on a simulated city, the desk working against no desk.

    .venv/bin/python bench/bench_drill_warning.py [--residents 100000] [--days 30] [--seed 7]
                                                  [--officer-seed N] [--world DIR]

Simulates the city (unless ``--world`` names one already made), then replays its fraud with the
warning desk working and without it (``fanzha.sim.drill.warning_*`` state every assumption:
signals, triage, officers, duty roster, warning SMS, flash SMS, visits to flagged sites). Prints,
for both: victims, those who would have paid, those with a signal (and with a lead) before their
first payment, reached before the first payment (by officers, through a lead with a visit to a
flagged site, by a heeded warning SMS or flash SMS), dissuaded, loss and loss avoided, the time
from first signal to contact, the leads by grade and by the source that opened them, their queue
waits, and the ceiling from the truth; then three what-ifs on the same city: the desk without the
operators' visit records (as before the world had them), the drill's first version (numbers
flagged nightly, every contact a lead, officers unlimited, no SMS, no visit records), and officers
who act within a minute, always get through and are never busy, to show how much of the gap is the
officers and how much the signals.

Target (issue 6): with the desk working, at least half of the victims who would have paid are
reached before their first payment, and the loss avoided is reported against the no-desk run on
the same city.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanzha.domain.warning_lead import Grade, LeadSource  # noqa: E402
from fanzha.sim.drill.practice import Delay  # noqa: E402
from fanzha.sim.drill.warning_duty import UNLIMITED  # noqa: E402
from fanzha.sim.drill.warning_figures import WarningFigures, compare  # noqa: E402
from fanzha.sim.drill.warning_officers import OFFICERS, Officers  # noqa: E402
from fanzha.sim.drill.warning_replay import replay  # noqa: E402
from fanzha.sim.drill.warning_signals import EVERY_CONTACT, NIGHTLY  # noqa: E402
from fanzha.sim.drill.warning_sms import FLASH_SMS, MASS_SMS, NO_FLASH, NO_SMS  # noqa: E402
from fanzha.sim.drill.warning_world import WarningWorld  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_world import add_world_arguments, bench_world  # noqa: E402

# a what-if, not the drill: every lead signed in a minute, every call answered (dissuasion chances unchanged)
INSTANT = Officers(sign={g: Delay(60) for g in Grade}, call=Delay(60), visit={g: Delay(600) for g in Grade},
                   answer_p=1.0, found_p=1.0, duty=UNLIMITED)
# a what-if, not the drill: its first version (nightly flags, every contact a lead, officers not rationed, no SMS;
# run on the world without its visit records)
FIRST = {"scoring": NIGHTLY, "triage": EVERY_CONTACT, "sms": NO_SMS, "flash": NO_FLASH, "officers": Officers(duty=UNLIMITED)}


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def _time(s: int | None) -> str:
    return "—" if s is None else f"{s / 3600:.1f} h"


WIDTHS = (18, 16, 16, 20, 18)


def _minutes(s: int | None) -> str:
    return "—" if s is None else f"{s / 60:.0f} min"


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
    unseen = replace(world, visits=None)
    blind = WarningFigures.of(replay(unseen, desk=True, seed=args.officer_seed))
    first = WarningFigures.of(replay(unseen, desk=True, seed=args.officer_seed, **FIRST))
    instant = WarningFigures.of(replay(world, desk=True, seed=args.officer_seed, officers=INSTANT))
    print(f"\nofficer seed {args.officer_seed if args.officer_seed is not None else world.seed}; yuan; "
          f"{'no' if world.visits is None else f'{world.visits.height:,}'} visit records")
    runs = (desk, none, blind, first, instant)
    print(f"{'':40}" + "".join(f"{name:>{w}}" for name, w in zip(
        ("desk", "no desk", "no visits", "first version", "instant"), WIDTHS, strict=True)))
    for label, key in (("victims", "victims"), ("who would have paid", "would_pay"),
                       ("with a signal", "with_signal"), ("with a signal before paying", "signal_before_payment"),
                       ("with a lead's signal before paying", "lead_signal_before_payment"),
                       ("reached (officers)", "reached"), ("reached before first payment", "reached_before_payment"),
                       ("  by officers", "officer_reached_before_payment"),
                       ("    of them through a visit's lead", "officer_reached_via_visits_before_payment"),
                       ("  by a warning SMS heeded", "sms_heeded_before_payment"),
                       ("  by a flash SMS heeded", "flash_heeded_before_payment"),
                       ("dissuaded", "dissuaded"), ("  of them before first payment", "dissuaded_before_payment"),
                       ("loss", "loss_fen"), ("loss avoided", "loss_avoided_fen"), ("leads", "leads"),
                       ("people with leads, not victims", "people_not_victims")):
        cells = [getattr(f, key) for f in runs]
        show = _yuan if key.endswith("_fen") else (lambda x: f"{x:,}")
        print(f"{label:40}" + "".join(f"{show(x):>{w}}" for x, w in zip(cells, WIDTHS, strict=True)))
    print(f"{'share reached before first payment':40}" + "".join(
        f"{f.share_reached_before_payment:>{w}.1%}" for f, w in zip(runs, WIDTHS, strict=True)))
    print(f"{'  by officers alone':40}" + "".join(
        f"{f.share_officer_reached_before_payment:>{w}.1%}" for f, w in zip(runs, WIDTHS, strict=True)))
    print(f"{'share of the loss avoided':40}" + "".join(
        f"{f.share_avoided:>{w}.1%}" for f, w in zip(runs, WIDTHS, strict=True)))
    print(f"{'first signal → contact, median / p90':40}"
          + "".join(f"{_time(f.signal_to_contact['median_s']) + ' / ' + _time(f.signal_to_contact['p90_s']):>{w}}"
                    for f, w in zip(runs, WIDTHS, strict=True)))
    print(f"{'leads 高 / 中 / 低':40}" + "".join(
        f"{'/'.join(str(f.leads_by_grade[g.value]) for g in Grade):>{w}}"
        for f, w in zip(runs, WIDTHS, strict=True)))
    print(f"{'leads by opening source':40}" + "  ".join(
        f"{s.value} {desk.leads_by_source[s.value]:,}" for s in LeadSource if desk.leads_by_source[s.value]))
    q = desk.queue_wait
    print("queue wait, signed → an officer takes it (p50 / p90 / max): all "
          f"{_minutes(q['p50_s'])} / {_minutes(q['p90_s'])} / {_minutes(q['max_s'])}; " + "; ".join(
              f"{g} {_minutes(q['by_grade'][g]['p50_s'])} / {_minutes(q['by_grade'][g]['p90_s'])} / "
              f"{_minutes(q['by_grade'][g]['max_s'])} ({q['by_grade'][g]['leads']:,} leads)"
              for g in ("high", "medium", "low")))
    sms = desk.sms
    print(f"warning SMS: {sms['sent']:,} sent, {sms['delivered']:,} delivered, {sms['victims_stopped']} victims stopped "
          f"(stated chance {MASS_SMS.heed_before_payment:.0%} before paying, {MASS_SMS.heed_after_payment:.0%} after)")
    flash = desk.flash
    print(f"flash SMS at calls in progress: {flash['sent']:,} sent, {flash['delivered']:,} delivered, "
          f"{flash['victims_stopped']} victims stopped (stated chance {FLASH_SMS.heed_before_payment:.0%} before paying, "
          f"{FLASH_SMS.heed_after_payment:.0%} after)")
    print(f"numbers flagged {desk.numbers_flagged} ({desk.gang_numbers_flagged} the gangs', {desk.false_flags} not); "
          f"sites flagged {desk.sites_flagged}")
    c = desk.ceiling
    print(f"ceiling from the truth: {c['reachable']} of {c['victims_would_pay']} ({c['share_reachable']:.1%}) could be "
          f"reached before paying even if every gang number and site were known from its first use "
          f"({c['reachable_only_by_visits']} of them only through a site visit; without visits "
          f"{blind.ceiling['reachable']}): {c['no_gang_contact_before_first_payment']} had no call, SMS or site visit "
          f"of a gang before paying, {c['pay_before_any_response']} paid before the quickest response to the first; "
          f"paid within "
          + ", ".join(f"{int(k) // 60} min: {v}" for k, v in c["pay_within_s_of_first_gang_contact"].items())
          + " of their first gang call or SMS")
    cmp = compare(desk, none)
    print(f"loss avoided against no desk: {_yuan(cmp['loss_avoided_fen'])} yuan ({cmp['share_loss_avoided']:.1%} of "
          f"{_yuan(none.loss_fen)})")
    met = cmp["target_half_reached_before_first_payment"]
    print(f"target ≥ 50% of victims reached before their first payment: {'met' if met else 'MISSED'} "
          f"({desk.share_reached_before_payment:.1%}; by officers alone {desk.share_officer_reached_before_payment:.1%})")
    spread = [WarningFigures.of(replay(world, desk=True, seed=k)) for k in range(1, 6)]
    print("other officer seeds 1–5: reached before first payment "
          + ", ".join(f"{f.share_reached_before_payment:.1%}" for f in spread)
          + "; loss avoided " + ", ".join(f"{f.share_avoided:.1%}" for f in spread))
    print(f"officers' assumptions: answer {OFFICERS.answer_p:.0%}, found on a visit {OFFICERS.found_p:.0%}, "
          f"dissuaded before paying {OFFICERS.dissuade_before_payment:.0%}, after the first payment "
          f"{OFFICERS.dissuade_after_first:.0%}; on warning duty per station by hour {OFFICERS.duty.roster}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
