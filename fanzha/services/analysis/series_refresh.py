"""Bringing the analysis desk up to date in one call (研判刷新): the graph, then the series.

The hooks keep the graph current as reports, statements, calls, SMS and orders arrive; what comes
in by other roads (the registry of persons, phones and cards, loaded in bulk) joins here. A full
rebuild is only needed when the store was changed by hand, or on request. Then series detection
runs on the graph (decisions kept). Meant for the demo's start (in the background) and a timer.
"""
from __future__ import annotations

from sqlalchemy import func, select

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission
from fanzha.services.analysis import graph_sources as src
from fanzha.services.analysis.graph_build import rebuild_graph
from fanzha.services.analysis.graph_store import ENTITIES, merge_facts
from fanzha.services.analysis.series_detect import detect_and_store
from fanzha.store.db import Database


def refresh_graph_and_series(db: Database, actor: Actor, *, rebuild: bool = False) -> dict:
    """Graph (rebuilt when asked or empty, else topped up with the registry), then series."""
    check(actor, Permission.ANALYSIS_WORK, object_type="series")
    out: dict = {}
    with db.engine.connect() as conn:
        empty = not conn.scalar(select(func.count()).select_from(select(ENTITIES.c.id).limit(1).subquery()))
    if rebuild or empty:
        out["graph"] = rebuild_graph(db, actor).as_dict()
    else:
        with db.engine.begin() as conn:
            facts, attrs = src.ownership_facts(conn)
            out["graph"] = {"registry": merge_facts(conn, facts, attrs)}
    with db.session() as session:
        out["series"] = detect_and_store(session, actor).as_dict()
    return out
