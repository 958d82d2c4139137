"""Where a suspected mule card sits in the gang's money network (资金网络结构), and its typology.

Among the accounts the model flags, the money flows form the gang's card network. A card's
typology is the step by which money reaches it, as investigators name them:

- ``fan_in``: several flagged cards pay into it (汇聚), or it is one of those payers at the first step;
- ``fan_out``: its payer splits the money over several flagged cards (分散), or it is that first splitter;
- ``scatter_gather``: split over several cards that pay back into one (分散再汇聚), on either end or between;
- ``cycle``: money comes back to a card it passed (回流), within a few steps;
- ``chain``: one card to one card (链式).

A collector (一级卡: money arrives from outside the flagged set, from victims) takes the typology of
the step that follows it. The structure is read from flows only, never from labels.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

TYPOLOGIES = ("fan_in", "fan_out", "chain", "cycle", "scatter_gather")
STRUCTURE_FEATURES = (
    "net_payers",  # flagged cards paying into it
    "net_payees",  # flagged cards it pays
    "outside_payers",  # accounts outside the flagged set paying in (victims, for a collector)
    "payer_max_payees",  # the most flagged payees further down any of its payers has
    "payee_max_payers",  # the most flagged payers any of its payees has
    "diamond_source", "diamond_middle", "diamond_sink",  # split over cards that all meet again in one
    "on_cycle",  # on a directed cycle of 2 to 4 flagged cards
    "depth",  # steps from the nearest collector
)
CYCLE_MAX = 4


def structure(flows: pl.DataFrame, flagged: Iterable[str]) -> pl.DataFrame:
    """STRUCTURE_FEATURES and a rule-based ``typology`` for each flagged account (column ``account``)."""
    nodes = sorted({str(a) for a in flagged})
    index = {a: i for i, a in enumerate(nodes)}
    n = len(nodes)
    children: list[set[int]] = [set() for _ in range(n)]
    parents: list[set[int]] = [set() for _ in range(n)]
    outside = np.zeros(n, np.int64)
    src, dst = flows["src"].to_list(), flows["dst"].to_list()
    outside_seen: list[set[str]] = [set() for _ in range(n)]
    for s, d in zip(src, dst, strict=True):
        j = index.get(d)
        if j is None:
            continue
        i = index.get(s)
        if i is None:
            outside_seen[j].add(s)
        else:
            children[i].add(j)
            parents[j].add(i)
    outside = np.array([len(o) for o in outside_seen], np.int64)
    rows = []
    depth = _depth(parents, children, outside)
    for a in range(n):
        kids, pars = children[a], parents[a]
        meet_as_source = _diamond(a, children, parents)
        meet_as_sink = _diamond(a, parents, children)
        middle = any(_diamond(p, children, parents) for p in pars)
        rows.append({
            "net_payers": len(pars), "net_payees": len(kids), "outside_payers": int(outside[a]),
            "payer_max_payees": max((len(_onward(p, children, depth)) for p in pars), default=0),
            "payee_max_payers": max((len(parents[k]) for k in kids), default=0),
            "diamond_source": int(meet_as_source), "diamond_middle": int(middle), "diamond_sink": int(meet_as_sink),
            "on_cycle": int(_on_cycle(a, children)), "depth": int(depth[a]),
        })
    table = pl.DataFrame(rows, schema={k: pl.Int64 for k in STRUCTURE_FEATURES}) if rows else \
        pl.DataFrame(schema={k: pl.Int64 for k in STRUCTURE_FEATURES})
    table = table.with_columns(account=pl.Series(nodes, dtype=pl.String)).select(["account", *STRUCTURE_FEATURES])
    return table.with_columns(typology=pl.Series([rule_typology(r) for r in table.iter_rows(named=True)],
                                                 dtype=pl.String))


def rule_typology(r: dict) -> str:
    """The typology a card's structure shows (see the module's docstring), first match wins."""
    if r["on_cycle"]:
        return "cycle"
    if r["diamond_source"] or r["diamond_middle"] or r["diamond_sink"]:
        return "scatter_gather"
    collector = r["net_payers"] == 0
    if r["net_payers"] >= 2 or (collector and r["payee_max_payers"] >= 2):
        return "fan_in"
    if r["payer_max_payees"] >= 2 or (collector and r["net_payees"] >= 2 and not r["on_cycle"]):
        return "fan_out"
    return "chain"


def _diamond(a: int, ahead: list[set[int]], back: list[set[int]]) -> bool:
    """Does ``a`` split over two or more cards that all pay one card, which only they pay (or the
    same seen backwards: ``a`` is that one card)?"""
    split = ahead[a]
    if len(split) < 2:
        return False
    meets = set.intersection(*(ahead[k] for k in split))
    return any(back[m] == split for m in meets)


def _onward(p: int, children: list[set[int]], depth: np.ndarray) -> set[int]:
    """``p``'s payees that lie further from the collectors (money sent back up is not a split)."""
    return {k for k in children[p] if depth[k] < 0 or depth[k] > depth[p]}


def _on_cycle(a: int, children: list[set[int]]) -> bool:
    frontier, seen = {a}, set()
    for _ in range(CYCLE_MAX):
        frontier = {k for f in frontier for k in children[f]} - seen
        if a in frontier:
            return True
        seen |= frontier
    return False


def _depth(parents: list[set[int]], children: list[set[int]], outside: np.ndarray) -> np.ndarray:
    """Steps from the nearest collector (a card fed from outside or with no flagged payer); -1 if none."""
    n = len(parents)
    depth = np.full(n, -1, np.int64)
    frontier = [a for a in range(n) if outside[a] > 0 or not parents[a]]
    for a in frontier:
        depth[a] = 0
    step = 0
    while frontier:
        step += 1
        nxt = []
        for f in frontier:
            for k in children[f]:
                if depth[k] < 0:
                    depth[k] = step
                    nxt.append(k)
        frontier = nxt
    return depth
