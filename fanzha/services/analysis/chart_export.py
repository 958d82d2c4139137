"""A chart's data as files (导出): JSON (nodes and edges as the API gives them) and CSV (one row per
node, then one per edge, each edge with its evidence), masked as the chart is; exports are audited."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy.orm import Session

from fanzha.domain.actor import Actor
from fanzha.services import audit
from fanzha.services.analysis.chart_model import Chart

CSV_COLUMNS = ("row", "id", "kind", "label", "source", "target", "count", "amount_fen", "first_at", "last_at",
               "evidence")


def chart_json(chart: Chart) -> str:
    return json.dumps(chart.as_dict(), ensure_ascii=False, indent=1)


def chart_csv(chart: Chart) -> str:
    """Nodes first (row=node), then edges (row=edge); evidence joined with spaces."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for node in chart.nodes:
        writer.writerow(("node", node.id, node.kind, node.label, "", "", "", "",
                         node.first_seen.isoformat() if node.first_seen else "",
                         node.last_seen.isoformat() if node.last_seen else "", ""))
    for edge in chart.edges:
        writer.writerow(("edge", edge.id, edge.kind, "", edge.source, edge.target, edge.count, edge.amount_fen,
                         edge.first_at.isoformat() if edge.first_at else "",
                         edge.last_at.isoformat() if edge.last_at else "", " ".join(edge.evidence)))
    return out.getvalue()


def record_export(session: Session, actor: Actor, what: str, fmt: str, nodes: int, edges: int) -> None:
    """Every export is written to the audit log: what chart, which format, how big."""
    audit.record(session, actor, "chart.export", object_type="chart", object_id=what[:64],
                 detail={"format": fmt, "nodes": nodes, "edges": edges})
