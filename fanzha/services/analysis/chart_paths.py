"""Paths between two entities (路径分析): how a victim is linked to another, or to a mule card.

A bidirectional breadth-first search over the relations, either way along each edge, with a hop
limit: each round expands the smaller frontier by one level with a bounded read per chunk of
nodes (only the (src, dst, kind) and (dst, kind) indexes when no time window is asked), so a hub
in the way cannot make a question unanswerable — when the read budget runs out the answer says
the search was cut short. All shortest paths are returned, or the first ``k`` of them.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.chart_model import (
    IN_CHUNK,
    NO_FILTER,
    RELATIONS,
    Chart,
    RelationFilter,
    edges_between_pairs,
    entity_row,
    load_nodes,
)

DEFAULT_HOPS = 4
MAX_HOPS = 8
DEFAULT_K = 10
MAX_K = 100
BUDGET = 200_000  # relations read in one search, all rounds together
HUB_DEGREE = 1_000  # nodes with more relations are reached but not passed through


def _hubs(session: Session, chunk: list[int], filt: RelationFilter, hub_degree: int) -> set[int]:
    """Nodes of the chunk with more than ``hub_degree`` relations either way, counted on the indexes."""
    big: set[int] = set()
    for side in (RELATIONS.c.src_id, RELATIONS.c.dst_id):
        rows = session.execute(select(side, func.count()).where(side.in_(chunk), *filt.kind_terms()).group_by(side)
                               .having(func.count() > hub_degree))
        big |= {node for node, _ in rows}
    return big


def _step(session: Session, frontier: list[int], filt: RelationFilter, budget: int, hub_degree: int,
          keep: set[int]) -> tuple[list[tuple[int, int]], int, set[int]]:
    """(node, neighbour) pairs one relation from the frontier, either way; what was read; and the
    hubs not passed through (the ends in ``keep`` always are)."""
    pairs: list[tuple[int, int]] = []
    read = 0
    skipped: set[int] = set()
    for start in range(0, len(frontier), IN_CHUNK):
        chunk = frontier[start:start + IN_CHUNK]
        hubs = _hubs(session, chunk, filt, hub_degree) - keep
        skipped |= hubs
        chunk = [n for n in chunk if n not in hubs]
        if not chunk:
            continue
        for near, far in ((RELATIONS.c.src_id, RELATIONS.c.dst_id), (RELATIONS.c.dst_id, RELATIONS.c.src_id)):
            if read >= budget:
                return pairs, read, skipped
            rows = session.execute(select(near, far).where(near.in_(chunk), *filt.terms()).limit(budget - read + 1))
            got = [(a, b) for a, b in rows]
            read += len(got)
            pairs += got
    return pairs, read, skipped


def _expand(session: Session, frontier: set[int], parents: dict[int, set[int]], dist: dict[int, int],
            filt: RelationFilter, budget: int, hub_degree: int, keep: set[int],
            skipped: set[int]) -> tuple[set[int], int]:
    """One level more on one side: new nodes with every parent that reaches them at this level."""
    level = dist[next(iter(frontier))] + 1
    pairs, read, hubs = _step(session, sorted(frontier), filt, budget, hub_degree, keep)
    skipped |= hubs
    found: set[int] = set()
    for node, other in pairs:
        if other == node:
            continue
        if other not in dist:
            dist[other] = level
            found.add(other)
        if dist[other] == level:
            parents[other].add(node)
    return found, read


def _walks(node: int, parents: dict[int, set[int]], cap: int) -> list[list[int]]:
    """Paths from the search's start to ``node`` along the parent links (at most ``cap``)."""
    if not parents[node]:
        return [[node]]
    out: list[list[int]] = []
    for parent in sorted(parents[node]):
        for walk in _walks(parent, parents, cap - len(out)):
            out.append([*walk, node])
            if len(out) >= cap:
                return out
    return out


def shortest_paths(session: Session, actor: Actor, source_id: int, target_id: int,
                   filt: RelationFilter = NO_FILTER, *, max_hops: int = DEFAULT_HOPS, k: int | None = DEFAULT_K,
                   budget: int = BUDGET, hub_degree: int = HUB_DEGREE) -> Chart:
    """All shortest paths (or the first ``k``) of at most ``max_hops`` relations from one node to
    the other, as a chart: the nodes and edges on them, and ``paths`` as lists of node ids.

    A node with more than ``hub_degree`` relations (a payment platform's account, a mule card
    paid by thousands) is reached but not expanded, as charting tools treat super-nodes: the two
    searches may still meet at it, but its thousands of neighbours are not read. The two ends are
    always expanded. The answer names the hubs it did not expand."""
    check(actor, Permission.ANALYSIS_READ, object_type="graph_entity", object_id=source_id)
    problems = []
    if not 1 <= max_hops <= MAX_HOPS:
        problems.append(Problem("max_hops", f"allow between 1 and {MAX_HOPS} hops"))
    if k is not None and not 1 <= k <= MAX_K:
        problems.append(Problem("k", f"ask for between 1 and {MAX_K} paths"))
    if problems:
        raise InputRejected(problems, "bad path query")
    entity_row(session, source_id)
    entity_row(session, target_id)
    chart = Chart(focus=[source_id, target_id])
    if source_id == target_id:
        chart.nodes = load_nodes(session, [source_id])
        chart.paths = [[source_id]]
        return chart
    fwd_parents: dict[int, set[int]] = defaultdict(set)
    bwd_parents: dict[int, set[int]] = defaultdict(set)
    fwd_dist, bwd_dist = {source_id: 0}, {target_id: 0}
    fwd, bwd = {source_id}, {target_id}
    spent, meet = 0, set()
    skipped: set[int] = set()
    ends = {source_id, target_id}
    while fwd and bwd and fwd_dist[next(iter(fwd))] + bwd_dist[next(iter(bwd))] < max_hops:
        forward = len(fwd) <= len(bwd)
        if forward:
            fwd, read = _expand(session, fwd, fwd_parents, fwd_dist, filt, budget - spent, hub_degree, ends, skipped)
            meet = {n for n in fwd if n in bwd_dist}
        else:
            bwd, read = _expand(session, bwd, bwd_parents, bwd_dist, filt, budget - spent, hub_degree, ends, skipped)
            meet = {n for n in bwd if n in fwd_dist}
        spent += read
        if meet:
            break
        if spent >= budget:
            chart.notes.append(f"search cut short after reading {spent:,} relations: narrow it by relation kind "
                               "or time, or pick nodes nearer each other")
            break
    if skipped:
        chart.notes.append(f"{len(skipped)} hub(s) with more than {hub_degree:,} relations reached but not expanded:"
                           f" #{', #'.join(str(n) for n in sorted(skipped)[:5])}")
    if not meet:
        if not any(note.startswith("search cut short") for note in chart.notes):
            chart.notes.insert(0, f"no path of at most {max_hops} relations")
        chart.nodes = load_nodes(session, [source_id, target_id])
        return chart
    best = min(fwd_dist[n] + bwd_dist[n] for n in meet)
    cap = k or 10_000
    paths: list[list[int]] = []
    for middle in sorted(n for n in meet if fwd_dist[n] + bwd_dist[n] == best):
        for head in _walks(middle, fwd_parents, cap - len(paths)):
            for tail in _walks(middle, bwd_parents, cap - len(paths)):
                paths.append(head + tail[::-1][1:])
                if len(paths) >= cap:
                    break
            if len(paths) >= cap:
                break
        if len(paths) >= cap:
            break
    chart.paths = paths
    on_paths = list(dict.fromkeys(n for p in paths for n in p))
    chart.nodes = load_nodes(session, on_paths)
    chart.edges = edges_between_pairs(session, {(p[i], p[i + 1]) for p in paths for i in range(len(p) - 1)}, filt)
    if k is not None and len(paths) >= k:
        chart.notes.append(f"the first {k} shortest paths")
    return chart
