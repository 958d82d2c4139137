"""Fund tracing (资金穿透): follow a victim's money level by level through the statements in hand.

    index = LedgerIndex.from_postings(postings)          # statements, as read by the importer
    result = trace(index, Source.from_report(report), AttributionRule.PROPORTIONAL, max_level=10)

``result`` lists every account the money reached with its level, the tainted money in, out and
still held there and the action to take (止付 / 调证); the exits (cash, purchases, untraced); the
statements to request; and what the statements did not reconcile. Money is conserved to the fen.
"""
from __future__ import annotations

from fanzha.domain.attribution import Action, AttributionRule, ExitKind
from fanzha.engines.fund_tracing.ledger_index import LedgerIndex
from fanzha.engines.fund_tracing.result import (
    AccountTrace,
    StatementRequest,
    TaintedFlow,
    Totals,
    TraceExit,
    TraceResult,
    TraceWarning,
)
from fanzha.engines.fund_tracing.sources import Source
from fanzha.engines.fund_tracing.tracer import trace

Rule = AttributionRule

__all__ = [
    "AccountTrace", "Action", "AttributionRule", "ExitKind", "LedgerIndex", "Rule", "Source", "StatementRequest",
    "TaintedFlow", "Totals", "TraceExit", "TraceResult", "TraceWarning", "trace",
]
