"""A node's neighbourhood (关系扩展): the entities one relation away, both directions, the
strongest first.

Built to answer in milliseconds on a graph of tens of millions of relations: each direction is
one read along an index — (src, dst, kind) for what the node did, (dst, kind) for what was done to
it — and a hub (a mule card paid by thousands) is never read whole: its relations are ranked from
the first ``scan`` of them, the count of neighbours stops at ``count_cap``, and the chart says so.
Neighbours are ranked by how often (count) and how much (amount) they were related to the node.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.entity_graph import EntityKind
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.chart_model import (
    EDGE_COLUMNS,
    ENTITIES,
    ENTITY_COLUMNS,
    NO_FILTER,
    RELATIONS,
    Chart,
    ChartEdge,
    ChartNode,
    EntityNotFound,
    RelationFilter,
    entity_row,
    load_nodes,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
READ_ALL = 2_000  # a node with at most this many relations is read whole (exact ranking and count)
SCAN = 5_000  # relations read per direction to rank a hub's neighbours
COUNT_CAP = 100_000  # relations counted (from the index) before "more than" is said


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputRejected([Problem("limit", f"show between 1 and {MAX_LIMIT} neighbours")], "bad limit")


def _ranked(session: Session, side, entity_id: int, filt: RelationFilter, scan: int, limit: int | None):
    """The strongest ``limit`` relations on one side (all when None), ranked among the first ``scan``."""
    sample = select(*EDGE_COLUMNS).where(side == entity_id, *filt.terms()).limit(scan).subquery()
    query = select(sample).order_by(sample.c.count.desc(), sample.c.amount_fen.desc(), sample.c.id)
    return list(session.execute(query if limit is None else query.limit(limit)))


def _side_size(session: Session, side, entity_id: int, filt: RelationFilter, cap: int) -> int:
    """Relations on one side, counted up to ``cap + 1`` (without a time window, from the index alone)."""
    capped = select(side).where(side == entity_id, *filt.terms()).limit(cap + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(capped)) or 0)


def neighbourhood(session: Session, actor: Actor, entity_id: int, filt: RelationFilter = NO_FILTER, *,
                  limit: int = DEFAULT_LIMIT, scan: int = SCAN, count_cap: int = COUNT_CAP,
                  read_all: int = READ_ALL) -> Chart:
    """The node and up to ``limit`` neighbours with the relations joining them; ``left_out``
    says how many neighbours were not drawn.

    A node with at most ``read_all`` relations is read whole: the ranking and the count left out
    are exact. A bigger one (a hub) is ranked from the first ``scan`` relations each way, and what
    is left out is counted in relations from the indexes (``left_out_exact`` is then False).
    """
    check(actor, Permission.ANALYSIS_READ, object_type="graph_entity", object_id=entity_id)
    _check_limit(limit)
    centre = entity_row(session, entity_id)
    cap = min(count_cap, scan) if filt.needs_rows else count_cap
    out_n = _side_size(session, RELATIONS.c.src_id, entity_id, filt, cap)
    in_n = _side_size(session, RELATIONS.c.dst_id, entity_id, filt, cap)
    whole = out_n + in_n <= read_all
    per_side = None if whole else limit
    rows = (_ranked(session, RELATIONS.c.src_id, entity_id, filt, scan, per_side)
            + _ranked(session, RELATIONS.c.dst_id, entity_id, filt, scan, per_side))
    weight: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        other = row.dst_id if row.src_id == entity_id else row.src_id
        if other == entity_id:
            continue  # a loop (an account paying itself) draws no neighbour
        weight[other][0] += row.count or 0
        weight[other][1] += row.amount_fen or 0
    chosen = sorted(weight, key=lambda n: (-weight[n][0], -weight[n][1], n))[:limit]
    keep = set(chosen) | {entity_id}
    edges = {row.id: ChartEdge.of(row) for row in rows if row.src_id in keep and row.dst_id in keep}
    chart = Chart(nodes=[ChartNode.of(centre), *load_nodes(session, chosen)], edges=list(edges.values()),
                  focus=[entity_id])
    if whole:
        chart.left_out = len(weight) - len(chosen)
    else:
        drawn = sum(1 for row in rows if row.src_id in keep and row.dst_id in keep and row.src_id != row.dst_id)
        chart.left_out = max(0, min(out_n, cap) + min(in_n, cap) - drawn)
        chart.left_out_exact = False
        if out_n > scan or in_n > scan:
            chart.notes.append(f"hub: {'more than ' if max(out_n, in_n) > cap else ''}"
                               f"{min(out_n, cap) + min(in_n, cap):,} relations; the strongest drawn were ranked "
                               f"among the first {scan:,} each way")
    return chart


def find_entity(session: Session, actor: Actor, kind: str, key: str) -> ChartNode:
    """A node by what it is and its value (an account number, a phone number, a URL)."""
    check(actor, Permission.ANALYSIS_READ, object_type="graph_entity")
    if kind not in {k.value for k in EntityKind}:
        known = ", ".join(k.value for k in EntityKind)
        raise InputRejected([Problem("kind", f"unknown kind {kind!r}; use one of {known}")], "bad kind")
    value = normalise_key(kind, key)
    if not value:
        raise InputRejected([Problem("key", "give the value to look for")], "nothing to find")
    row = session.execute(select(*ENTITY_COLUMNS).where(ENTITIES.c.kind == kind, ENTITIES.c.key == value)).first()
    if row is None:
        raise EntityNotFound([Problem("key", f"no {kind} {value!r} in the graph")], "unknown entity")
    return ChartNode.of(row)


def normalise_key(kind: str, key: str) -> str:
    """Numbers as the graph keeps them: digits only for phones and accounts (spaces and dashes
    dropped, +86 removed); other values trimmed."""
    value = (key or "").strip()
    if kind in (EntityKind.PHONE, EntityKind.ACCOUNT):
        value = "".join(ch for ch in value if ch.isdigit() or ch.isalpha())
        if kind == EntityKind.PHONE and value.startswith("86") and len(value) == 13:
            value = value[2:]
    return value


def entity_detail(session: Session, actor: Actor, entity_id: int) -> dict:
    """One node for the details panel: what it is and how many relations it has each way."""
    check(actor, Permission.ANALYSIS_READ, object_type="graph_entity", object_id=entity_id)
    node = ChartNode.of(entity_row(session, entity_id))
    outs = _side_size(session, RELATIONS.c.src_id, entity_id, NO_FILTER, COUNT_CAP)
    ins = _side_size(session, RELATIONS.c.dst_id, entity_id, NO_FILTER, COUNT_CAP)
    return {**node.as_dict(), "relations_out": min(outs, COUNT_CAP), "relations_in": min(ins, COUNT_CAP),
            "relations_exact": outs <= COUNT_CAP and ins <= COUNT_CAP}


__all__ = ["neighbourhood", "find_entity", "entity_detail", "normalise_key", "EntityNotFound", "RelationFilter",
           "DEFAULT_LIMIT", "MAX_LIMIT"]
