"""Shared fixtures: a fresh store on SQLite and, for production mode, on a real PostgreSQL.

With CI set, the PostgreSQL and browser suites must run: a missing server fails them instead of
skipping them.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from fanzha.store.db import Database
from fanzha.store.models import Base

PG_ADMIN_URL = os.environ.get("FANZHA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = bool(os.environ.get("CI"))


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"


def require_postgres() -> None:
    reason = _pg_available()
    if reason:
        if IN_CI:
            pytest.fail(reason + " (CI must run the PostgreSQL suite; .ci/run starts the server)")
        pytest.skip(reason + "; start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashes() -> Iterator[None]:
    """Argon2 with small costs in tests: hashing is deliberately slow, and the suite signs in
    hundreds of times. The stored hashes carry their parameters, so nothing else changes."""
    from argon2 import PasswordHasher

    from fanzha.services import accounts

    real = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = real


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch) -> None:
    """Tests never touch the user's real data directory."""
    monkeypatch.setenv("FANZHA_DATA_DIR", str(tmp_path_factory.mktemp("fanzha-data")))


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A PostgreSQL database made for this test session, dropped at the end."""
    require_postgres()
    name = f"fanzha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    Database(url).dispose()  # run the migrations once
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'fanzha.sqlite'}")
    yield db
    db.dispose()


@pytest.fixture
def pg_db(pg_database_url) -> Iterator[Database]:
    db = Database(pg_database_url)
    _truncate_all(db)
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request) -> Iterator[Database]:
    """The same test on both stores: the embedded default and production PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_db")
    else:
        yield request.getfixturevalue("pg_db")
