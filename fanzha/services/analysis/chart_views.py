"""Ready-made charts (案件图、串并案图): a case with its entities, a series with its cases and the
key entities that link them, each with the relations among what is drawn."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain.access import check, check_case
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.chart_model import (
    EDGE_COLUMNS,
    ENTITIES,
    IN_CHUNK,
    NO_FILTER,
    RELATIONS,
    Chart,
    ChartEdge,
    RelationFilter,
    edges_among,
    load_nodes,
)
from fanzha.store.models import Case, Series, SeriesCase

PER_CASE = 30  # a case's entities drawn on a series chart
CASE_ENTITIES = 100  # a case's entities drawn on its own chart
SERIES_CASES = 100
KEY_ENTITIES = 20


class ChartSubjectNotFound(InputRejected):
    """No such case or series (or no node for it in the graph yet)."""


def _case_nodes(session: Session, case_ids: list[int]) -> dict[int, int]:
    """case id → its node id in the graph."""
    found: dict[int, int] = {}
    for start in range(0, len(case_ids), IN_CHUNK):
        chunk = case_ids[start:start + IN_CHUNK]
        found.update({case_id: node_id for node_id, case_id in session.execute(
            select(ENTITIES.c.id, ENTITIES.c.case_id).where(ENTITIES.c.case_id.in_(chunk), ENTITIES.c.kind == "case"))})
    return found


def _entities_of(session: Session, node_id: int, filt: RelationFilter, limit: int) -> tuple[list[ChartEdge], bool]:
    """The relations a case node has (both ways), strongest first; and whether some were left out."""
    edges: list[ChartEdge] = []
    for side in (RELATIONS.c.src_id, RELATIONS.c.dst_id):
        rows = session.execute(select(*EDGE_COLUMNS).where(side == node_id, *filt.terms())
                               .order_by(RELATIONS.c.count.desc(), RELATIONS.c.id).limit(limit + 1))
        edges += [ChartEdge.of(r) for r in rows]
    return edges[:limit], len(edges) > limit


def case_chart(session: Session, actor: Actor, case_id: int, filt: RelationFilter = NO_FILTER) -> Chart:
    """The case node, the entities it involves, and the relations among them."""
    case = session.get(Case, case_id)
    if case is None:
        check(actor, Permission.ANALYSIS_READ, object_type="case", object_id=case_id)
        raise ChartSubjectNotFound([Problem("case_id", f"no case #{case_id}")], "unknown case")
    check_case(actor, Permission.ANALYSIS_READ, case_id, case.region, case.station_id)
    node_id = _case_nodes(session, [case_id]).get(case_id)
    if node_id is None:
        raise ChartSubjectNotFound([Problem("case_id", f"case {case.report_id} is not in the graph yet: the graph "
                                                       "takes it in when its report is linked")], "not in the graph")
    edges, more = _entities_of(session, node_id, filt, CASE_ENTITIES)
    ids = list(dict.fromkeys([node_id, *(e.target if e.source == node_id else e.source for e in edges)]))
    chart = Chart(nodes=load_nodes(session, ids), edges=edges_among(session, ids, filt), focus=[node_id])
    if more:
        chart.notes.append(f"the case's first {CASE_ENTITIES} entities")
    return chart


def series_chart(session: Session, actor: Actor, series_id: int, filt: RelationFilter = NO_FILTER) -> Chart:
    """A series' cases, each with its entities, and the key entities linking them (focus)."""
    check(actor, Permission.ANALYSIS_READ, object_type="series", object_id=series_id)
    series = session.get(Series, series_id)
    if series is None:
        raise ChartSubjectNotFound([Problem("series_id", f"no series #{series_id}")], "unknown series")
    case_ids = list(session.scalars(select(SeriesCase.case_id).where(SeriesCase.series_id == series_id)
                                    .order_by(SeriesCase.case_id).limit(SERIES_CASES + 1)))
    chart = Chart()
    if len(case_ids) > SERIES_CASES:
        chart.notes.append(f"the series' first {SERIES_CASES} cases")
        case_ids = case_ids[:SERIES_CASES]
    case_nodes = _case_nodes(session, case_ids)
    keys = [int(k["entity_id"]) for k in (series.key_entities or [])[:KEY_ENTITIES]
            if isinstance(k, dict) and k.get("entity_id")]
    ids = [*case_nodes.values(), *keys]
    trimmed = False
    for node_id in case_nodes.values():
        edges, more = _entities_of(session, node_id, filt, PER_CASE)
        trimmed |= more
        ids += [e.target if e.source == node_id else e.source for e in edges]
    if trimmed:
        chart.notes.append(f"each case's first {PER_CASE} entities")
    ids = list(dict.fromkeys(ids))
    chart.nodes = load_nodes(session, ids)
    chart.edges = edges_among(session, ids, filt)
    chart.focus = keys
    return chart
