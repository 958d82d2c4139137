"""Report ids (警情编号) for reports taken by hand: JQ-YYYYMMDD-NNNNNN, numbered per local day."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.store.models import Case


def new_report_id(session: Session, at: datetime | None = None) -> str:
    """The next free id of the report's local day (Asia/Shanghai; default today), e.g.
    JQ-20240530-000007.

    Two officers saving at the same instant can draw the same number; the unique report id in
    the store refuses the second, and the caller draws again.
    """
    day = clock.local(at or clock.now()).strftime("%Y%m%d")
    prefix = f"JQ-{day}-"
    last = session.scalar(
        # A range, not LIKE: SQLite's case-insensitive LIKE cannot use the report_id index.
        select(Case.report_id).where(Case.report_id >= prefix, Case.report_id < prefix + "\uffff")
        .order_by(Case.report_id.desc()).limit(1)
    )
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:06d}"
