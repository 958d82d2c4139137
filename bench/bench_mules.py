"""Mule cards (两卡) and 帮信 flags measured on a simulated city's truth, with timings.

    python bench/bench_mules.py                            # simulate 100,000 residents, 30 days, seed 7
    python bench/bench_mules.py --world /tmp/world         # an existing world folder
    python bench/bench_mules.py --residents 20000 --no-cards

Stratified group 5-fold cross-validation by gang (``fanzha analyze mules --world``): per typology
(fan-in, fan-out, chain, cycle, scatter-gather) precision and recall of the mule-account model, with
all features and with behaviour alone (no cases, no traces); the 帮信 flags against
truth/fraud_persons.csv; the phone-card model. Target: precision and recall each >= 0.8 for every
typology (all features).
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.8
TYPOLOGIES = ("fan_in", "fan_out", "chain", "cycle", "scatter_gather")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path, help="an existing world folder (fanzha simulate --out)")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cards", action="store_true", help="skip the phone-card model")
    parser.add_argument("--json", type=Path, help="also write the full result here")
    args = parser.parse_args()

    from fanzha.services.analysis.mule_world import evaluate_world
    from fanzha.sim.city import simulate

    timings = {}
    with tempfile.TemporaryDirectory(prefix="fanzha-mules-") as tmp:
        world = args.world
        if world is None:
            world = Path(tmp) / "world"
            began = time.perf_counter()
            simulate(args.residents, args.days, args.seed, world, progress=False)
            timings["simulate_s"] = round(time.perf_counter() - began, 1)
            print(f"simulated {args.residents:,} residents, {args.days} days, seed {args.seed} in "
                  f"{timings['simulate_s']} s", flush=True)
        began = time.perf_counter()
        result = evaluate_world(world, folds=args.folds, seed=0, cards=not args.no_cards,
                                progress=lambda step, done: print(f"  {time.perf_counter() - began:7.1f} s  {step}",
                                                                  flush=True))
    timings["evaluate_s"] = round(time.perf_counter() - began, 1)
    print(f"{result['accounts']:,} accounts, {result['mule_accounts']} mule cards with postings, "
          f"{result['gangs']} gangs, {result['reports']} reports; {result['method']}")
    missed = []
    for name in ("all_features", "behaviour_only"):
        part = result[name]
        print(f"\n{name.replace('_', ' ')} ({part['seconds']} s):")
        print(f"  {'typology':<15} {'cards':>6} {'precision':>9} {'recall':>7} {'agreement':>9}")
        for t in TYPOLOGIES + ("overall",):
            f = part["overall"] if t == "overall" else part["typologies"][t]
            print(f"  {t:<15} {f['mule_accounts']:>6} {_f(f['precision']):>9} {_f(f['recall']):>7} "
                  f"{_f(f['typology_agreement']):>9}")
            if name == "all_features" and t != "overall" and f["mule_accounts"] and (
                    (f["precision"] or 0) < TARGET or (f["recall"] or 0) < TARGET):
                missed.append(t)
    h = result["helpers"]
    print(f"\n帮信 flags: {h['flagged']} flagged, precision {_f(h['precision'])}, recall {_f(h['recall'])} of all "
          f"{h['fraud_persons']} fraud persons, {_f(h['recall_serious'])} of the {h['serious_per_statements']} "
          "serious per the statements")
    cards = result.get("phone_cards")
    if cards and "skipped" not in cards:
        print(f"phone cards: precision {_f(cards['precision'])}, recall {_f(cards['recall'])} "
              f"({cards['fraud_numbers']} fraud numbers of {cards['numbers']:,}; {cards['seconds']} s)")
    print(f"\ntimings: {json.dumps({**timings, **result['seconds']})}; peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"target precision and recall >= {TARGET} for every typology: "
          f"{'ok' if not missed else 'MISSED for ' + ', '.join(missed)}")
    if args.json:
        args.json.write_text(json.dumps({**result, "timings": timings}, ensure_ascii=False, indent=1))
    return 0 if not missed else 1


def _f(value) -> str:
    return "—" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    sys.exit(main())
