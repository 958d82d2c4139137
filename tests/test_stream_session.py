"""The stream's transactions: commit or roll back as a unit; on SQLite without a checkpoint in the
commit (the setting is put back), and a background thread checkpoints while the stream writes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from fanzha.domain import clock
from fanzha.events.stream_session import (
    STREAM_CACHE_KIB,
    checkpointer,
    stop_checkpoints,
    stream_session,
)
from fanzha.store.models import StreamDeadLetter


def _letter(n: int) -> StreamDeadLetter:
    return StreamDeadLetter(subject="fanzha.telecom.calls", event_id=f"e{n}", payload="{}", reason="test",
                            received_at=clock.now())


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(StreamDeadLetter))


def test_a_stream_transaction_commits_or_rolls_back_as_a_whole(db) -> None:
    with stream_session(db) as s:
        s.add_all([_letter(1), _letter(2)])
    with pytest.raises(ConnectionError), stream_session(db) as s:
        s.add(_letter(3))
        s.flush()
        raise ConnectionError("the store went away")
    assert _count(db) == 2
    stop_checkpoints(db.engine)


def test_on_sqlite_the_commit_does_no_checkpoint_and_the_thread_does(sqlite_db) -> None:
    db = sqlite_db  # PostgreSQL has no WAL checkpoints to move
    with db.engine.connect() as conn:
        default = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    with stream_session(db) as s:
        inside = s.execute(text("PRAGMA wal_autocheckpoint")).scalar()
        s.add(_letter(1))
    with db.engine.connect() as conn:  # the pool hands back the same connection, its setting restored
        after = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert (inside, after) == (0, default)
    keeper = checkpointer(db.engine)
    for n in range(5):
        with stream_session(db) as s:
            s.add(_letter(n + 2))
    busy, logged, copied = keeper.checkpoint()
    assert busy == 0 and logged == copied  # everything the stream wrote is back in the database file
    keeper.wrote()
    assert keeper._thread is not None and keeper._thread.is_alive()
    keeper.stop()
    assert keeper._thread is None and _count(db) == 6


def test_the_stream_keeps_its_connection_and_page_cache_while_checkpoints_run(sqlite_db) -> None:
    db = sqlite_db
    keeper = checkpointer(db.engine)

    def connection(session):
        return session.connection().connection.dbapi_connection

    with stream_session(db) as s:
        first = connection(s)
        s.add(_letter(1))
        s.flush()
        cache = s.execute(text("PRAGMA cache_size")).scalar()
        keeper.checkpoint()  # while the stream holds its connection: the checkpoint must not take another from the pool
    with stream_session(db) as s:
        second = connection(s)  # a connection another one wrote through would start with an empty cache
    keeper.stop()
    assert second is first
    assert cache == -STREAM_CACHE_KIB
