"""What the drill benchmarks share: the simulated city they run on (made here unless --world names one)."""
from __future__ import annotations

import argparse
import time
from pathlib import Path


def add_world_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=Path, help="use this world instead of simulating one")


def bench_world(args: argparse.Namespace, tmp: str) -> Path:
    """``--world`` if given, else a city simulated under ``tmp`` (its time printed)."""
    if args.world is not None:
        return args.world
    from fanzha.sim.city import simulate

    world_dir = Path(tmp) / "world"
    started = time.perf_counter()
    simulate(residents=args.residents, days=args.days, seed=args.seed, out=world_dir, progress=False)
    print(f"simulated {args.residents:,} residents, {args.days} days, seed {args.seed}: "
          f"{time.perf_counter() - started:.1f} s")
    return world_dir
