"""Building and keeping current the entity graph (关系图谱).

``rebuild_graph`` makes the whole graph again from the store (set by set, in one transaction:
readers see the old graph until it commits; entity ids are kept). The hooks add what just
arrived, in the arriving data's own transaction: a filed report (``graph_after_report``), an
import batch of statements, calls or SMS (``graph_after_batch``), an order raised
(``graph_after_order``). Adding the same evidence twice changes nothing (see graph_store).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission
from fanzha.services import audit
from fanzha.services.analysis import graph_sources as src
from fanzha.services.analysis.graph_store import ENTITIES, RELATIONS, clear_relations, merge_facts
from fanzha.store.db import Database
from fanzha.store.models import CallRecord, Case, SmsRecord, StatementPosting

# step name, rows it reads (for a progress bar)
Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass
class GraphBuild:
    entities: int = 0
    relations: int = 0
    facts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"entities": self.entities, "relations": self.relations, "facts": self.facts,
                "seconds": round(self.seconds, 2)}


def _conn(session_or_conn: Session | Connection) -> Connection:
    return session_or_conn.connection() if isinstance(session_or_conn, Session) else session_or_conn


def rebuild_graph(db: Database, actor: Actor, progress: Progress | None = None) -> GraphBuild:
    """The whole graph from the store, again. Needs analysis.work; audited."""
    check(actor, Permission.ANALYSIS_WORK, object_type="graph")
    started = time.perf_counter()
    build = GraphBuild()
    tell = progress or (lambda step, done, total: None)
    with db.engine.begin() as conn:
        sizes = {"cases": src.table_size(conn, Case), "postings": src.table_size(conn, StatementPosting),
                 "calls": src.table_size(conn, CallRecord), "sms": src.table_size(conn, SmsRecord)}
        clear_relations(conn)
        # Small sources first, gathered into one set; the big tables are merged chunk by chunk.
        tell("cases and registry", 0, sizes["cases"])
        parts = [src.case_facts(conn), src.order_facts(conn), src.ownership_facts(conn)]
        facts = pl.concat([p[0] for p in parts])
        attrs = pl.concat([p[1] for p in parts])
        build.facts["cases_registry_orders"] = facts.height
        merge_facts(conn, facts, attrs, fresh=True)
        tell("cases and registry", sizes["cases"], sizes["cases"])
        for name, reader in (("postings", src.posting_facts), ("calls", src.call_facts), ("sms", src.sms_facts)):
            done = 0
            tell(name, 0, sizes[name])
            # One table's facts are aggregated whole (an edge's evidence spans chunks), then merged.
            chunks = []
            for chunk in reader(conn):
                chunks.append(chunk)
                done = min(sizes[name], done + src.CHUNK)
                tell(name, done, sizes[name])
            if chunks:
                table_facts = pl.concat(chunks)
                build.facts[name] = table_facts.height
                merge_facts(conn, table_facts, None)
        build.entities = int(conn.scalar(select(func.count()).select_from(ENTITIES)) or 0)
        build.relations = int(conn.scalar(select(func.count()).select_from(RELATIONS)) or 0)
        build.seconds = time.perf_counter() - started
        audit.record(conn, actor, "graph.rebuild", object_type="graph", detail=build.as_dict())
    return build


def graph_after_report(session: Session | Connection, case_id: int, victim_id: int | None = None) -> None:
    """A report was filed: its case, victim, contacts, cards paid and orders join the graph."""
    conn = _conn(session)
    facts, attrs = src.case_facts(conn, [case_id])
    ofacts, oattrs = src.order_facts(conn, case_ids=[case_id])
    parts = [(facts, attrs), (ofacts, oattrs)]
    if victim_id is not None:
        parts.append(src.ownership_facts(conn, [victim_id]))
    merge_facts(conn, pl.concat([p[0] for p in parts]), pl.concat([p[1] for p in parts]))


def graph_after_batch(conn: Connection, kind: str, batch_id: int) -> None:
    """An import batch committed its rows: statements, calls and SMS join the graph (reports come
    through graph_after_report, one by one)."""
    reader = {"statements": src.posting_facts, "calls": src.call_facts, "sms": src.sms_facts}.get(kind)
    if reader is None:
        return
    chunks = list(reader(conn, batch_id))
    if chunks:
        merge_facts(conn, pl.concat(chunks))


def graph_after_order(session: Session | Connection, *, stop_id: int | None = None,
                      number_id: int | None = None) -> None:
    """An order was raised on a case: the card or number it names is involved in the case."""
    conn = _conn(session)
    facts, attrs = src.order_facts(conn, stop_ids=[stop_id] if stop_id is not None else [],
                                   number_ids=[number_id] if number_id is not None else [])
    merge_facts(conn, facts, attrs)
