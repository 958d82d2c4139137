"""Benchmark: series detection (串并案) over a graph of 10,000,000 entities and 50,000,000 relations.

    .venv/bin/python bench/bench_series.py [--scale 1.0] [--seed 7]

The graph is generated with numpy, deterministically, in memory (``--scale 0.01`` is 1/100 of it):

- 1,000,000 cases; 20,000 gangs own 70% of them (sizes log-normal, mean about 35, at most 2,000);
  the other cases are lone.
- Each gang has a pool of identifiers (cards, phones, URLs, WeChat and QQ accounts: 6 + a third of
  its size); each of its cases involves 3 of them. Every case also involves 2 identifiers of its
  own (a one-off number or card) and is the victim's own case.
- One step on (paid, used, logged in from): each pool identifier reaches 2 of its gang's next-level
  cards and devices, 1 of 1,000 hubs (a platform's account, a carrier's gateway IP), and with
  probability 0.3 one random ordinary entity (a purchase: the noise that can join two gangs); each
  own identifier reaches a device of its own.
- The rest of the 50,000,000 relations are ordinary people's transfers and calls among the
  ordinary entities, as a real graph holds them; detection must not be slowed by them.

Measured: building the case–entity incidence from the edge arrays (``incidence_from_graph``: the
cases' involves edges and one step on), then ``detect_series`` (links, components, Leiden, key
entities), with the peak memory; and the grouping's purity and completeness against the planted
gangs. Target: incidence + detection ≤ 300 s at full scale.
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanzha.engines.series_detection import (  # noqa: E402
    KIND_CODE,
    detect_series,
    grouping_quality,
    incidence_from_graph,
)

INVOLVES, ONWARD, ORDINARY = 0, 1, 2
POOL_KINDS = np.array([KIND_CODE[k] for k in ("account", "account", "phone", "phone", "url", "wechat", "qq")],
                      dtype=np.int8)
NEXT_KINDS = np.array([KIND_CODE[k] for k in ("account", "account", "imei", "ip", "mac")], dtype=np.int8)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(scale: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n_cases = int(1_000_000 * scale)
    n_entities = int(10_000_000 * scale)
    n_relations = int(50_000_000 * scale)
    n_gangs = max(2, int(20_000 * scale))
    n_hubs = max(10, int(1_000 * scale))

    sizes = np.minimum(2_000, np.maximum(2, rng.lognormal(3.0, 0.9, n_gangs))).astype(np.float64)
    sizes = np.maximum(2, np.round(sizes * (0.7 * n_cases) / sizes.sum())).astype(np.int64)
    gang_cases = int(sizes.sum())
    gang = np.full(n_cases, -1, dtype=np.int64)
    gang[:gang_cases] = np.repeat(np.arange(n_gangs), sizes)
    gang = gang[rng.permutation(n_cases)]  # gangs' cases spread over the case ids

    kind = np.full(n_entities, KIND_CODE["account"], dtype=np.int8)
    kind[:n_cases] = KIND_CODE["case"]
    nxt = n_cases
    # gang pools
    pool_size = 6 + sizes // 3
    pool_off = nxt + np.concatenate([[0], np.cumsum(pool_size)[:-1]])
    n_pool = int(pool_size.sum())
    kind[nxt:nxt + n_pool] = POOL_KINDS[rng.integers(0, len(POOL_KINDS), n_pool)]
    pool_gang = np.repeat(np.arange(n_gangs), pool_size)
    nxt += n_pool
    # gangs' next-level cards and devices
    next_size = 2 + sizes // 10
    next_off = nxt + np.concatenate([[0], np.cumsum(next_size)[:-1]])
    n_next = int(next_size.sum())
    kind[nxt:nxt + n_next] = NEXT_KINDS[rng.integers(0, len(NEXT_KINDS), n_next)]
    nxt += n_next
    hubs = nxt + np.arange(n_hubs)
    kind[hubs] = np.where(rng.random(n_hubs) < 0.5, KIND_CODE["ip"], KIND_CODE["account"])
    nxt += n_hubs
    own = nxt + np.arange(2 * n_cases)  # two identifiers of each case's own
    kind[own] = np.where(rng.random(len(own)) < 0.5, KIND_CODE["phone"], KIND_CODE["account"])
    nxt += len(own)
    own_device = nxt + np.arange(len(own))
    kind[own_device] = KIND_CODE["imei"]
    nxt += len(own)
    ordinary_lo = nxt
    if ordinary_lo >= n_entities:
        raise SystemExit(f"scale {scale}: not enough entities for the planted structure")
    kind[ordinary_lo:] = np.where(rng.random(n_entities - ordinary_lo) < 0.5, KIND_CODE["phone"], KIND_CODE["account"])

    src, dst, rel = [], [], []
    in_gang = np.flatnonzero(gang >= 0)
    g = gang[in_gang]
    picks = pool_off[g][:, None] + rng.integers(0, pool_size[g][:, None], (len(g), 3))
    src.append(np.repeat(in_gang, 3))
    dst.append(picks.ravel())
    cases = np.arange(n_cases)
    src.append(np.repeat(cases, 2))
    dst.append(own)
    pool_ids = np.arange(n_pool) + n_cases
    for _ in range(2):
        src.append(pool_ids)
        dst.append(next_off[pool_gang] + rng.integers(0, next_size[pool_gang]))
    src.append(pool_ids)
    dst.append(hubs[rng.integers(0, n_hubs, n_pool)])
    noisy = pool_ids[rng.random(n_pool) < 0.3]
    src.append(noisy)
    dst.append(rng.integers(ordinary_lo, n_entities, len(noisy)))
    src.append(own)
    dst.append(own_device)
    planted = sum(len(x) for x in src)
    n_inv = 3 * len(in_gang) + 2 * n_cases
    rest = max(0, n_relations - planted)
    src.append(rng.integers(ordinary_lo, n_entities, rest))
    dst.append(rng.integers(ordinary_lo, n_entities, rest))
    src = np.concatenate(src).astype(np.int64)
    dst = np.concatenate(dst).astype(np.int64)
    rel = np.full(len(src), ONWARD, dtype=np.int8)
    rel[:n_inv] = INVOLVES
    rel[planted:] = ORDINARY
    linkable = np.ones(n_entities, dtype=bool)
    linkable[own] = False  # the victims' own
    return {"n_cases": n_cases, "n_entities": n_entities, "src": src, "dst": dst, "rel": rel, "kind": kind,
            "gang": gang, "linkable": linkable, "gangs": n_gangs, "gang_cases": gang_cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10M entities, 50M relations")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    graph = generate(args.scale, args.seed)
    t_gen = time.perf_counter() - t0
    print(f"graph: {graph['n_entities']:,} entities ({graph['n_cases']:,} cases, {graph['gangs']:,} gangs holding "
          f"{graph['gang_cases']:,} cases), {len(graph['src']):,} relations; generated in {t_gen:.1f} s")
    gc.collect()

    t0 = time.perf_counter()
    src, dst, rel = graph["src"], graph["dst"], graph["rel"]
    inc = incidence_from_graph(np.arange(graph["n_cases"]), src, dst, rel == INVOLVES, rel == ONWARD, graph["kind"],
                               linkable=graph["linkable"])
    t_inc = time.perf_counter() - t0
    del graph["src"], graph["dst"], graph["rel"], src, dst, rel
    gc.collect()
    print(f"incidence: {inc.matrix.nnz:,} case-entity pairs in {t_inc:.1f} s (peak {peak_mb():,.0f} MB)")

    t0 = time.perf_counter()
    det = detect_series(inc)
    t_det = time.perf_counter() - t0
    methods = {m: det.method.count(m) for m in sorted(set(det.method))}
    print(f"detection: {det.n_series:,} series from {det.n_components:,} components {methods} in {t_det:.1f} s "
          f"(peak {peak_mb():,.0f} MB)")

    truth = graph["gang"].copy()
    lone = truth < 0
    truth[lone] = graph["gangs"] + np.arange(int(lone.sum()))  # a lone case is its own gang
    q = grouping_quality(truth, det.label)
    print(f"purity {q['purity']:.4f}  completeness {q['completeness']:.4f} (case-weighted, lone cases included)")
    total = t_inc + t_det
    print(f"incidence + detection: {total:.1f} s (target ≤ 300 s at full scale): {'OK' if total <= 300 else 'SLOW'}; "
          f"peak memory {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
