"""The stream's transactions (流写入事务), and SQLite checkpoints kept out of them (检查点).

In WAL mode SQLite copies its log back into the database file (a checkpoint, with its disk
flushes) inside whichever commit takes the log past 1,000 pages. On the stream that is one small
batch in a dozen, and every event in it waits tens of milliseconds for the disk: the tail of the
event-to-alert latency. So on SQLite the stream's own transactions run with the automatic
checkpoint off (``PRAGMA wal_autocheckpoint``, a per-connection setting, put back before the
connection returns to the pool), and a background thread checkpoints (``PASSIVE``: it never
blocks a reader or a writer) a few times a second while the stream writes, then stops when it
has been idle for a while. Other connections keep SQLite's default. PostgreSQL needs none of it.

The stream's connection also gets a larger page cache (``STREAM_CACHE_KIB``; it stays with that
connection): ``call_records``' three indexes on random keys outgrow the default 64 MiB at about a
million calls, and then most inserts read a page back from the file.

The thread checkpoints through a connection of its own, not one from the engine's pool: a pooled
one would be handed to the stream next time, and SQLite drops a connection's page cache whenever
another connection wrote since it last read, so every batch would start from a cold cache.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fanzha.store.db import Database

log = logging.getLogger("fanzha.events")
EVERY_S = 0.2  # between background checkpoints while the stream writes
IDLE_S = 10.0  # the thread ends after this long without a write
STREAM_CACHE_KIB = 256 * 1024  # the page cache of a connection the stream writes with (allocated as used)


class Checkpointer:
    """Checkpoints one SQLite database in the background while it is being written."""

    def __init__(self, engine: Engine, every_s: float = EVERY_S, idle_s: float = IDLE_S) -> None:
        self._engine = weakref.ref(engine)
        self.every_s, self.idle_s = every_s, idle_s
        self._last_write = 0.0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.checkpoints = 0

    def wrote(self) -> None:
        """Say the database was written: checkpoints keep running (or start again)."""
        self._last_write = time.monotonic()
        self._stopped.clear()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sqlite checkpoints", daemon=True)
                self._thread.start()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One passive checkpoint: (busy, pages in the log, pages copied), or None when the engine
        is gone (or its database is in memory: no log to move)."""
        engine = self._engine()
        if engine is None:
            return None
        args, options = engine.dialect.create_connect_args(engine.url)
        if args[0] in ("", ":memory:"):
            return None
        conn = sqlite3.connect(*args, **{**options, "timeout": 30, "check_same_thread": True})
        try:  # opened for each checkpoint (well under a millisecond), so any thread may call this
            busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()
        self.checkpoints += 1
        return busy, logged, copied

    def stop(self) -> None:
        """End the background checkpoints now (before the database is closed or removed)."""
        self._stopped.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        while time.monotonic() - self._last_write < self.idle_s:
            if self._stopped.wait(self.every_s):
                return
            try:
                if self.checkpoint() is None:
                    return
            except Exception as exc:  # noqa: BLE001 - the next one tries again; commits are unaffected
                log.warning("background checkpoint failed (%s: %s); trying again shortly",
                            exc.__class__.__name__, exc)
        try:  # the stream went quiet: leave the log short for whoever reads next
            self.checkpoint()
        except Exception:  # noqa: BLE001 - SQLite's own checkpoints take over again
            pass


_checkpointers: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def stop_checkpoints(engine: Engine) -> None:
    """Stop ``engine``'s background checkpoints, if any (call before disposing of it)."""
    with _registry_lock:
        found = _checkpointers.get(engine)
    if found is not None:
        found.stop()


def checkpointer(engine: Engine) -> Checkpointer:
    with _registry_lock:
        found = _checkpointers.get(engine)
        if found is None:
            found = _checkpointers[engine] = Checkpointer(engine)
        return found


@contextmanager
def stream_session(db: Database) -> Iterator[Session]:
    """A unit of work for the stream: commits when the block ends, rolls back on error; on SQLite
    without a checkpoint inside its commit."""
    if db.dialect != "sqlite":
        with db.session() as session:
            yield session
        return
    with db.engine.connect() as conn:
        before = int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() or 0)
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.exec_driver_sql(f"PRAGMA cache_size=-{STREAM_CACHE_KIB}")
        conn.commit()
        try:
            with Session(conn, expire_on_commit=False) as session, session.begin():
                yield session
        finally:
            try:
                conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={before}")
                conn.commit()
            except Exception:  # noqa: BLE001 - a broken connection is discarded by the pool anyway
                conn.invalidate()
    checkpointer(db.engine).wrote()
