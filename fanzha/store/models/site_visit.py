"""Site visits (上网访问记录): a subscriber reached a web address or an app service, as an operator logged it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.store.models.base import Base
from fanzha.store.types import UtcDateTime


class SiteVisit(Base):
    __tablename__ = "site_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_key: Mapped[str] = mapped_column(String(40), unique=True)  # content hash: re-imports add nothing
    msisdn: Mapped[str] = mapped_column(String(20))
    visit_time: Mapped[datetime] = mapped_column(UtcDateTime())
    visit_kind: Mapped[str] = mapped_column(String(8))  # domain VisitKind: url / app
    target: Mapped[str] = mapped_column(String(1024))  # the URL, domain or app name as logged
    # The site key (domain fraud_site.py): a URL's host, or an app's folded name; what a case's
    # URL or app is matched by, so a newly named site finds the visits already stored.
    host: Mapped[str] = mapped_column(String(256))
    dest_ip: Mapped[str | None] = mapped_column(String(45))
    operator: Mapped[str | None] = mapped_column(String(16))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (Index("ix_site_visits_host_time", "host", "visit_time"),)
