"""Fast idempotent bulk insert (批量写入): many rows in the caller's transaction, duplicates skipped.

SQLite: the driver's ``executemany`` of ``INSERT ... ON CONFLICT DO NOTHING`` on the very connection
(and so the very transaction) SQLAlchemy holds. PostgreSQL: psycopg 3 ``COPY`` into a temporary
staging table, then one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``. Either way the rows become
visible all together when the caller commits, or not at all.

A load larger than what the table already holds (the first import of a big file) drops the
table's non-unique indexes, inserts, and builds them again from their stored definitions in the
same transaction: building an index once is several times faster than growing it row by row.
The unique indexes stay, since they decide what is a duplicate.
"""
from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import polars as pl
from sqlalchemy import Connection, Table, text

CHUNK_ROWS = 50_000
REBUILD_MIN_ROWS = 50_000  # below this, growing the indexes row by row is cheap enough
# How SQLAlchemy's SQLite dialect writes DATETIME, so ORM reads and comparisons see the same text.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S%.6f"
_PG_TIME = "%Y-%m-%d %H:%M:%S%.6f+00"
_SQLITE_IMPORT_CACHE_KIB = 512 * 1024

Progress = Callable[[int], None]


def insert_ignoring_duplicates(conn: Connection, table: Table, rows: pl.DataFrame, unique_column: str,
                               advance: Progress | None = None, rebuild_indexes: bool | None = None) -> int:
    """Insert ``rows`` (columns named like the table's) skipping those whose ``unique_column``
    value is already stored; return how many were inserted. Datetime columns must carry a zone.

    Runs inside ``conn``'s transaction and does not commit. ``rebuild_indexes`` forces the
    drop-and-rebuild of non-unique indexes on or off; by default it is used when the rows
    outnumber those stored and there are at least ``REBUILD_MIN_ROWS``.
    """
    if rows.height == 0:
        return 0
    for name in rows.columns:
        if name not in table.c:
            raise ValueError(f"table {table.name} has no column {name}")
    dialect = conn.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"bulk insert is not written for {dialect}")
    if rebuild_indexes is None:
        rebuild_indexes = rows.height >= REBUILD_MIN_ROWS and _stored_at_most(conn, table, rows.height)
    indexes = _secondary_indexes(conn, table) if rebuild_indexes else []
    for name, _definition in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    # Hex content keys go in in key order, so the unique index grows at its end. Columns with no
    # value at all are left to the table's default (NULL), which spares converting them.
    rows = rows.sort(pl.col(unique_column).str.slice(0, 15).str.to_integer(base=16, strict=False))
    rows = rows.select([c for c in rows.columns if c == unique_column or rows[c].null_count() < rows.height])
    if dialect == "sqlite":
        inserted = _sqlite(conn, table, rows, unique_column, advance)
    else:
        inserted = _postgres(conn, table, rows, unique_column, advance)
    if indexes and dialect == "postgresql":
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        conn.exec_driver_sql(definition)
    return inserted


def _stored_at_most(conn: Connection, table: Table, limit: int) -> bool:
    count = conn.execute(text(f'SELECT count(*) FROM (SELECT 1 FROM "{table.name}" LIMIT :n) AS s'),
                         {"n": limit + 1}).scalar_one()
    return count <= limit


def _secondary_indexes(conn: Connection, table: Table) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's non-unique indexes, as the database holds them."""
    if conn.dialect.name == "sqlite":
        found = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
        ), {"t": table.name}).all()
        return [(name, sql) for name, sql in found if not sql.upper().startswith("CREATE UNIQUE")]
    found = conn.execute(text(
        "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
        "WHERE x.indrelid = to_regclass(:t) AND NOT x.indisunique AND NOT x.indisprimary ORDER BY c.relname"
    ), {"t": table.name}).all()
    return [(name, sql) for name, sql in found]


def _utc_text(rows: pl.DataFrame, fmt: str) -> pl.DataFrame:
    converted = []
    for name, dtype in rows.schema.items():
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone is None:
                raise ValueError(f"column {name} holds naive times; every time must carry a zone")
            converted.append(pl.col(name).dt.convert_time_zone("UTC").dt.strftime(fmt).alias(name))
    return rows.with_columns(converted) if converted else rows


def _sqlite(conn: Connection, table: Table, rows: pl.DataFrame, unique_column: str, advance: Progress | None) -> int:
    rows = _utc_text(rows, _SQLITE_TIME)
    names = ", ".join(f'"{c}"' for c in rows.columns)
    marks = ", ".join("?" for _ in rows.columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) ON CONFLICT ("{unique_column}") DO NOTHING'
    raw = conn.connection.driver_connection
    cursor = raw.cursor()
    cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{_SQLITE_IMPORT_CACHE_KIB}")
    before = raw.total_changes
    try:
        for start in range(0, rows.height, CHUNK_ROWS):
            chunk = rows.slice(start, CHUNK_ROWS)
            cursor.executemany(sql, zip(*(chunk[c].to_list() for c in chunk.columns), strict=True))
            if advance:
                advance(chunk.height)
        return raw.total_changes - before
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        cursor.close()


def _postgres(conn: Connection, table: Table, rows: pl.DataFrame, unique_column: str, advance: Progress | None) -> int:
    rows = _utc_text(rows, _PG_TIME)
    stage = f"stage_{table.name}_{uuid.uuid4().hex[:8]}"
    names = ", ".join(f'"{c}"' for c in rows.columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE "{stage}" ON COMMIT DROP AS SELECT {names} FROM "{table.name}" WITH NO DATA')
        with cursor.copy(f'COPY "{stage}" ({names}) FROM STDIN WITH (FORMAT csv)') as copy:
            for start in range(0, rows.height, CHUNK_ROWS):
                chunk = rows.slice(start, CHUNK_ROWS)
                buffer = io.BytesIO()
                chunk.write_csv(buffer, include_header=False, null_value="")
                copy.write(buffer.getvalue())
                if advance:
                    advance(chunk.height)
        cursor.execute(
            f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{stage}" '
            f'ON CONFLICT ("{unique_column}") DO NOTHING'
        )
        inserted = cursor.rowcount
        cursor.execute(f'DROP TABLE "{stage}"')
    return inserted
