"""Entity graph API (关系图谱): neighbourhoods, paths and chart data for the link chart.

Every answer is a chart: ``nodes`` (phone and account numbers masked), ``edges`` with their
count, amount in fen, first and last times and evidence ("case:12", "posting:88", "call:4051"),
``left_out`` (neighbours over the cap, not drawn) and ``notes`` saying why a picture is partial.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.chart_export import chart_csv, chart_json, record_export
from fanzha.services.analysis.chart_model import Chart, EntityNotFound, RelationFilter
from fanzha.services.analysis.chart_neighbourhood import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    entity_detail,
    find_entity,
    neighbourhood,
)
from fanzha.services.analysis.chart_paths import (
    DEFAULT_HOPS,
    DEFAULT_K,
    MAX_HOPS,
    MAX_K,
    shortest_paths,
)
from fanzha.services.analysis.chart_views import ChartSubjectNotFound, case_chart, series_chart
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import ErrorOut, api_responses

router = APIRouter(prefix="/api/analysis/graph", tags=["analysis: entity graph"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
Kinds = Annotated[str | None, Query(max_length=200, description="relation kinds, comma-separated: paid,called,...")]
Since = Annotated[AwareDatetime | None, Query(description="relations active at or after this time")]
Until = Annotated[AwareDatetime | None, Query(description="relations active at or before this time")]
NOT_FOUND = api_responses(more={404: {"model": ErrorOut}})


class NodeOut(BaseModel):
    id: int
    kind: str = Field(description="case, person, phone, account, imei, mac, ip, url, app, wechat, qq")
    label: str = Field(description="what the chart shows; phone and account numbers and names masked")
    case_id: int | None
    first_seen: datetime | None
    last_seen: datetime | None


class EdgeOut(BaseModel):
    id: int
    source: int
    target: int
    kind: str = Field(description="paid, called, texted, owns, used, logged_in_from, involves")
    count: int
    amount_fen: int
    first_at: datetime | None
    last_at: datetime | None
    evidence: list[str] = Field(description='what put the edge there: "case:12", "posting:88", "call:4051"')


class ChartOut(BaseModel):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    focus: list[int] = Field(description="the node(s) asked about")
    left_out: int = Field(description="neighbours not drawn because of the cap")
    left_out_exact: bool
    notes: list[str]
    paths: list[list[int]] = Field(description="path queries: node ids from one end to the other")


class EntityOut(NodeOut):
    relations_out: int
    relations_in: int
    relations_exact: bool


class ExportedIn(BaseModel):
    subject: str = Field(min_length=1, max_length=64, description="what the chart showed: series:3, case:12, entity:88")
    format: Literal["png", "json", "csv"]
    nodes: int = Field(ge=0, le=1_000_000)
    edges: int = Field(ge=0, le=10_000_000)


def _answer(db, work: Callable) -> ChartOut:
    try:
        with db.session() as session:
            chart: Chart = work(session)
            return ChartOut.model_validate(chart.as_dict())
    except (EntityNotFound, ChartSubjectNotFound) as exc:
        raise ApiError(404, "not found: check the id, or find the entity with GET /api/analysis/graph/find",
                       exc.problems) from None
    except InputRejected as exc:
        raise ApiError(422, "the query has errors; fix each place listed in problems", exc.problems) from None


def _filter(kinds: str | None, since: datetime | None, until: datetime | None) -> RelationFilter:
    try:
        return RelationFilter.parse(kinds, since, until)
    except InputRejected as exc:
        raise ApiError(422, "the filter has errors; fix each place listed in problems", exc.problems) from None


@router.get("/find", response_model=NodeOut, responses=NOT_FOUND)
def find(kind: Annotated[str, Query(max_length=16, description="account, phone, url, imei, ...")],
         key: Annotated[str, Query(min_length=1, max_length=256, description="the value: a number, a URL")],
         actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> NodeOut:
    """A node by kind and value (an account number, a phone number)."""
    try:
        with db.session() as session:
            return NodeOut.model_validate(find_entity(session, actor, kind, key).as_dict())
    except EntityNotFound as exc:
        raise ApiError(404, "no such entity in the graph; check the number", exc.problems) from None
    except InputRejected as exc:
        raise ApiError(422, "the query has errors; fix each place listed in problems", exc.problems) from None


@router.get("/entities/{entity_id}", response_model=EntityOut, responses=NOT_FOUND)
def entity(entity_id: Id, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
           db=Depends(get_db)) -> EntityOut:
    """One node with the number of its relations each way (for the details panel)."""
    try:
        with db.session() as session:
            return EntityOut.model_validate(entity_detail(session, actor, entity_id))
    except EntityNotFound as exc:
        raise ApiError(404, "no such entity in the graph", exc.problems) from None


@router.get("/entities/{entity_id}/neighbours", response_model=ChartOut, responses=NOT_FOUND)
def neighbours(entity_id: Id, kinds: Kinds = None, since: Since = None, until: Until = None,
               limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
               actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> ChartOut:
    """The node's neighbours either way, strongest (count, then amount) first, up to ``limit``."""
    filt = _filter(kinds, since, until)
    return _answer(db, lambda s: neighbourhood(s, actor, entity_id, filt, limit=limit))


@router.get("/paths/{entity_id}/{other_id}", response_model=ChartOut, responses=NOT_FOUND)
def paths(entity_id: Id, other_id: Id, kinds: Kinds = None, since: Since = None, until: Until = None,
          max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = DEFAULT_HOPS,
          k: Annotated[int | None, Query(ge=1, le=MAX_K, description="at most this many paths; all when absent")]
          = DEFAULT_K,
          actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> ChartOut:
    """The shortest paths (at most ``max_hops`` relations, either way along each) between two nodes."""
    filt = _filter(kinds, since, until)
    return _answer(db, lambda s: shortest_paths(s, actor, entity_id, other_id, filt, max_hops=max_hops, k=k))


@router.get("/cases/{case_id}", response_model=ChartOut, responses=NOT_FOUND)
def case(case_id: Id, kinds: Kinds = None, since: Since = None, until: Until = None,
         actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> ChartOut:
    """A case's chart: the case, the entities it involves, the relations among them."""
    filt = _filter(kinds, since, until)
    return _answer(db, lambda s: case_chart(s, actor, case_id, filt))


@router.get("/series/{series_id}", response_model=ChartOut, responses=NOT_FOUND)
def series(series_id: Id, kinds: Kinds = None, since: Since = None, until: Until = None,
           actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> ChartOut:
    """A series' chart: its cases with their entities; ``focus`` holds the key entities linking them."""
    filt = _filter(kinds, since, until)
    return _answer(db, lambda s: series_chart(s, actor, series_id, filt))


@router.get("/export", responses=NOT_FOUND)
def export(subject: Annotated[str, Query(pattern=r"^(entity|case|series):[1-9][0-9]{0,9}$",
                                         description="entity:88, case:12 or series:3")],
           format: Annotated[Literal["json", "csv"], Query()] = "json",
           actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> Response:
    """A chart's data as a file (JSON, or CSV: nodes then edges with evidence); audited."""
    what, _, number = subject.partition(":")
    ident = int(number)
    if ident > 2_147_483_647:
        raise ApiError(404, "no such record")
    makers = {"entity": lambda s: neighbourhood(s, actor, ident, limit=MAX_LIMIT),
              "case": lambda s: case_chart(s, actor, ident), "series": lambda s: series_chart(s, actor, ident)}
    try:
        with db.session() as session:
            chart = makers[what](session)
            record_export(session, actor, subject, format, len(chart.nodes), len(chart.edges))
    except (EntityNotFound, ChartSubjectNotFound) as exc:
        raise ApiError(404, "not found: check the id", exc.problems) from None
    body = chart_csv(chart) if format == "csv" else chart_json(chart)
    name = f"chart-{what}-{ident}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    return Response(("\ufeff" + body) if format == "csv" else body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/exported", status_code=204, responses=api_responses())
def exported(body: ExportedIn, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> None:
    """The link chart page reports a download it made in the browser (PNG, JSON, CSV) for the audit log."""
    with db.session() as session:
        record_export(session, actor, body.subject, body.format, body.nodes, body.edges)
