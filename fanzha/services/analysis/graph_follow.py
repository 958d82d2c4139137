"""The live stream's calls and SMS join the entity graph (关系图谱) a few seconds after they land.

Imported records join in their import's own transaction (graph_build.graph_after_batch); the
stream stores thousands of records a second and must not wait on the graph, so a follower picks
up what it stored since the last step, by id, and merges it. It starts after the records already
stored (the last rebuild covers those), so nothing is counted twice. A record stored while the
follower is down joins at the next ``fanzha analyze graph``.
"""
from __future__ import annotations

import logging
import threading

import polars as pl
from sqlalchemy import Connection, func, select

from fanzha.services.analysis import graph_sources as src
from fanzha.services.analysis.graph_store import merge_facts
from fanzha.store.db import Database
from fanzha.store.models import CallRecord, SmsRecord

log = logging.getLogger(__name__)


def _top(conn: Connection) -> tuple[int, int]:
    return (conn.scalar(select(func.max(CallRecord.id))) or 0, conn.scalar(select(func.max(SmsRecord.id))) or 0)


class StreamFollower:
    """Merges streamed records into the graph every ``interval_s`` seconds (``step`` does one pass)."""

    def __init__(self, db: Database, interval_s: float = 5.0) -> None:
        self.db = db
        self.interval_s = interval_s
        with db.engine.connect() as conn:
            self.calls, self.sms = _top(conn)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> int:
        """Merge the streamed records stored since the last step; returns how many facts joined."""
        with self.db.engine.begin() as conn:
            calls, sms = _top(conn)
            chunks = [*src.call_facts(conn, streamed=(self.calls, calls)), *src.sms_facts(conn, streamed=(self.sms, sms))]
            facts = pl.concat(chunks) if chunks else None
            if facts is not None and facts.height:
                merge_facts(conn, facts)
        self.calls, self.sms = calls, sms
        return 0 if facts is None else facts.height

    def start(self) -> StreamFollower:
        self._thread = threading.Thread(target=self._run, name="graph-follower", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.step()
            except Exception:  # noqa: BLE001 - the next step tries again; the stream itself is untouched
                log.exception("graph follower: a step failed; trying again in %.0f s", self.interval_s)
