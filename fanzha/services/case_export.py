"""Exporting the case list (警情导出) as CSV, masked like the pages unless revealed.

Needs ``case.export``; an export with every value whole also needs ``case.reveal_pii`` and a
reason. Each export is audited with the query, the number of rows and whether it was revealed.
At most ``EXPORT_LIMIT`` rows, in the list's order.
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, replace

from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.clock import local
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.money import fen_to_yuan
from fanzha.domain.permissions import Permission
from fanzha.domain.privacy import PrivacyView
from fanzha.services import audit
from fanzha.services.case_search import MAX_PER_PAGE, CaseQuery, search_cases
from fanzha.services.reveal import checked_reason

EXPORT_LIMIT = 5_000
COLUMNS = ("警情编号 report_id", "报警时间 reported_at", "区县 region", "诈骗类型 fraud_type", "状态 status",
           "受害人 victim_name", "联系电话 victim_phone", "转账笔数 transfers", "损失（元） loss_yuan")


def export_cases(session: Session, actor: Actor, query: CaseQuery, reveal_reason: str | None = None) -> tuple[str, int]:
    """The cases the query finds as CSV text (UTF-8 with BOM for Excel), and how many rows."""
    check(actor, Permission.CASE_EXPORT, object_type="case")
    reason = None
    if reveal_reason:
        check(actor, Permission.CASE_REVEAL_PII, object_type="case")
        reason = checked_reason(reveal_reason)
    view = PrivacyView(everything=reason is not None)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows, page = 0, 1
    while rows < EXPORT_LIMIT:
        result = search_cases(session, actor, replace(query, page=page, per_page=MAX_PER_PAGE))
        for row in result.rows[:EXPORT_LIMIT - rows]:
            writer.writerow((
                row.report_id, local(row.reported_at).strftime("%Y-%m-%d %H:%M:%S"), row.region,
                FraudType(row.fraud_type).label_zh if row.fraud_type else "",
                CaseStatus(row.status).label_zh, view.show("victim.name", row.victim_name),
                view.show("victim.phone", row.victim_phone), row.transfers, fen_to_yuan(row.loss_fen),
            ))
            rows += 1
        if len(result.rows) < MAX_PER_PAGE or page * MAX_PER_PAGE >= result.total:
            break
        page += 1
    asked = {k: str(v) for k, v in asdict(query).items() if v not in (None, "") and k not in ("page", "per_page")}
    audit.record(session, actor, "export", object_type="case",
                 detail={"query": asked, "rows": rows, "revealed": reason is not None, "reason": reason})
    return out.getvalue(), rows
