"""What a link chart (关系图) holds: nodes, edges with their evidence, and what was left out.

Every chart query answers with the same shape, so the page, the API and the exports read one
thing. Phone and account numbers are masked here, once, whatever the graph stored: a chart is a
page like any other. Filters (relation kinds, a time window) are one value passed to every query.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from fanzha.domain.entity_graph import EntityKind, RelationKind
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.privacy import mask_account, mask_name, mask_phone
from fanzha.store.models import GraphEntity, GraphRelation

ENTITIES = GraphEntity.__table__
RELATIONS = GraphRelation.__table__
ENTITY_COLUMNS = (ENTITIES.c.id, ENTITIES.c.kind, ENTITIES.c.key, ENTITIES.c.label, ENTITIES.c.case_id,
                  ENTITIES.c.person_id, ENTITIES.c.first_seen, ENTITIES.c.last_seen)
EDGE_COLUMNS = (RELATIONS.c.id, RELATIONS.c.src_id, RELATIONS.c.dst_id, RELATIONS.c.kind, RELATIONS.c.count,
                RELATIONS.c.amount_fen, RELATIONS.c.first_at, RELATIONS.c.last_at, RELATIONS.c.evidence)
IN_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's limits


class EntityNotFound(InputRejected):
    """No such node in the entity graph."""


@dataclass(frozen=True)
class RelationFilter:
    """Which relations a chart follows: some kinds only, and those active in a time window."""

    kinds: frozenset[RelationKind] | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        for place, value in (("since", self.since), ("until", self.until)):
            if value is not None and value.tzinfo is None:
                raise InputRejected([Problem(place, "the time must carry a zone")], "bad time window")
        if self.since and self.until and self.since > self.until:
            raise InputRejected([Problem("since", "the window starts after it ends")], "bad time window")

    @classmethod
    def parse(cls, kinds: Iterable[str] | str | None = None, since: datetime | None = None,
              until: datetime | None = None) -> RelationFilter:
        """From a page or API query: kinds as "paid,called" or a list; unknown kinds are refused."""
        if isinstance(kinds, str):
            kinds = kinds.split(",")
        names = [k.strip() for k in kinds or () if k and k.strip()]
        bad = [k for k in names if k not in {r.value for r in RelationKind}]
        if bad:
            known = ", ".join(k.value for k in RelationKind)
            raise InputRejected([Problem("kinds", f"unknown relation kind {b!r}; use one of {known}") for b in bad],
                                "bad relation kind")
        return cls(frozenset(RelationKind(k) for k in names) or None, since, until)

    def terms(self) -> list:
        """WHERE terms on graph_relations: an edge is in the window when its activity overlaps it."""
        terms = []
        if self.kinds:
            terms.append(RELATIONS.c.kind.in_(sorted(k.value for k in self.kinds)))
        if self.since is not None:
            terms.append(or_(RELATIONS.c.last_at >= self.since, RELATIONS.c.last_at.is_(None)))
        if self.until is not None:
            terms.append(or_(RELATIONS.c.first_at <= self.until, RELATIONS.c.first_at.is_(None)))
        return terms

    def kind_terms(self) -> list:
        """Only the relation-kind term: what the indexes alone can answer."""
        return [RELATIONS.c.kind.in_(sorted(k.value for k in self.kinds))] if self.kinds else []

    @property
    def needs_rows(self) -> bool:
        """Whether the filter reads more than the (src, dst, kind) index holds."""
        return self.since is not None or self.until is not None

    def as_dict(self) -> dict:
        return {"kinds": sorted(k.value for k in self.kinds) if self.kinds else [],
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None}


NO_FILTER = RelationFilter()


def shown_key(kind: str, key: str, label: str | None) -> str:
    """What a chart may show of a node: phone and account numbers and persons' names masked."""
    if kind == EntityKind.PHONE:
        return mask_phone(key)
    if kind == EntityKind.ACCOUNT:
        return mask_account(key)
    if kind == EntityKind.PERSON:
        return label or mask_name(key)
    return label or key


@dataclass(frozen=True)
class ChartNode:
    id: int
    kind: str
    label: str  # masked where it is a person's identifier
    case_id: int | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @classmethod
    def of(cls, row) -> ChartNode:
        return cls(row.id, row.kind, shown_key(row.kind, row.key, row.label), row.case_id, row.first_seen,
                   row.last_seen)

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "label": self.label, "case_id": self.case_id,
                "first_seen": self.first_seen.isoformat() if self.first_seen else None,
                "last_seen": self.last_seen.isoformat() if self.last_seen else None}


@dataclass(frozen=True)
class ChartEdge:
    id: int
    source: int
    target: int
    kind: str
    count: int
    amount_fen: int
    first_at: datetime | None
    last_at: datetime | None
    evidence: tuple[str, ...]

    @classmethod
    def of(cls, row) -> ChartEdge:
        return cls(row.id, row.src_id, row.dst_id, row.kind, row.count or 0, row.amount_fen or 0, row.first_at,
                   row.last_at, tuple(str(e) for e in (row.evidence or ())))

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "target": self.target, "kind": self.kind,
                "count": self.count, "amount_fen": self.amount_fen,
                "first_at": self.first_at.isoformat() if self.first_at else None,
                "last_at": self.last_at.isoformat() if self.last_at else None, "evidence": list(self.evidence)}


@dataclass
class Chart:
    """Nodes and edges to draw; ``left_out`` counts neighbours not drawn (over the cap), and
    ``notes`` say why a picture is partial (a hub's relations ranked from a sample, say)."""

    nodes: list[ChartNode] = field(default_factory=list)
    edges: list[ChartEdge] = field(default_factory=list)
    focus: list[int] = field(default_factory=list)  # the node(s) asked about
    left_out: int = 0
    left_out_exact: bool = True
    notes: list[str] = field(default_factory=list)
    paths: list[list[int]] = field(default_factory=list)  # for path queries: node ids, end to end

    def as_dict(self) -> dict:
        return {"nodes": [n.as_dict() for n in self.nodes], "edges": [e.as_dict() for e in self.edges],
                "focus": self.focus, "left_out": self.left_out, "left_out_exact": self.left_out_exact,
                "notes": self.notes, "paths": self.paths}


def load_nodes(session: Session, ids: Iterable[int]) -> list[ChartNode]:
    """Nodes by id, in the order asked (missing ids skipped)."""
    wanted = list(dict.fromkeys(ids))
    rows = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start:start + IN_CHUNK]
        rows.update({r.id: r for r in session.execute(select(*ENTITY_COLUMNS).where(ENTITIES.c.id.in_(chunk)))})
    return [ChartNode.of(rows[i]) for i in wanted if i in rows]


def entity_row(session: Session, entity_id: int):
    row = session.execute(select(*ENTITY_COLUMNS).where(ENTITIES.c.id == entity_id)).first()
    if row is None:
        raise EntityNotFound([Problem("entity_id", f"no entity #{entity_id} in the graph")], "unknown entity")
    return row


def edges_among(session: Session, ids: Iterable[int], filt: RelationFilter = NO_FILTER,
                limit: int = 5000) -> list[ChartEdge]:
    """The relations between nodes of one set (both ends in it): seeks on (src, dst, kind)."""
    wanted = sorted(set(ids))
    edges: dict[int, ChartEdge] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        src_chunk = wanted[start:start + IN_CHUNK]
        for dst_start in range(0, len(wanted), IN_CHUNK):
            dst_chunk = wanted[dst_start:dst_start + IN_CHUNK]
            query = (select(*EDGE_COLUMNS).where(RELATIONS.c.src_id.in_(src_chunk), RELATIONS.c.dst_id.in_(dst_chunk),
                                                 *filt.terms()).limit(limit - len(edges) + 1))
            for row in session.execute(query):
                edges[row.id] = ChartEdge.of(row)
            if len(edges) >= limit:
                return list(edges.values())[:limit]
    return list(edges.values())


def edges_between_pairs(session: Session, pairs: Iterable[tuple[int, int]],
                        filt: RelationFilter = NO_FILTER) -> list[ChartEdge]:
    """The relations joining given pairs of nodes, whichever way they run."""
    pairs = list({(min(a, b), max(a, b)) for a, b in pairs})
    edges: dict[int, ChartEdge] = {}
    for start in range(0, len(pairs), 100):
        chunk = pairs[start:start + 100]
        either = or_(*(or_(and_(RELATIONS.c.src_id == a, RELATIONS.c.dst_id == b),
                           and_(RELATIONS.c.src_id == b, RELATIONS.c.dst_id == a)) for a, b in chunk))
        for row in session.execute(select(*EDGE_COLUMNS).where(either, *filt.terms())):
            edges[row.id] = ChartEdge.of(row)
    return list(edges.values())
