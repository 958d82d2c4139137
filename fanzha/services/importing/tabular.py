"""The common path of row-per-record files (statements, calls, SMS): read, check, key, store.

1. read the file as text columns and match its header to the layout (refuse whole when it is
   not a table or a required column is missing);
2. parse every column vectorised; each refused cell becomes a Problem at its line and column;
3. refuse the whole file when a row is bad, unless ``skip_bad``;
4. key every row by its content, drop repeats within the file and rows already stored;
5. write the rest in one transaction (with the batch record), so a failure leaves nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Table, select, text

from fanzha.domain.actor import Actor
from fanzha.domain.errors import Problem
from fanzha.services.importing.batch import close_batch, file_digest, open_batch
from fanzha.services.importing.headers import HeaderMatch, Layout
from fanzha.services.importing.keys import content_keys
from fanzha.services.importing.problems import cell_problems, row_place
from fanzha.services.importing.progress import Steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tables import LINE, NotATable, read_table
from fanzha.services.importing.tables import Table as FileTable
from fanzha.services.importing.values import absent
from fanzha.store.bulk import insert_ignoring_duplicates
from fanzha.store.db import Database

KEY_LOOKUP_CHUNK = 5_000

WHAT = {
    "statements": "bank statements (交易流水)",
    "calls": "call records (话单)",
    "sms": "SMS records (短信记录)",
    "reports": "victim reports (警情)",
    "visits": "site visits (上网访问记录)",
}


def expected(layout: Layout) -> str:
    """What a readable file of this kind looks like, for a person whose file was not one."""
    return (f"expected {WHAT.get(layout.kind, layout.kind)} as CSV (comma or tab separated, UTF-8 or GB18030) "
            f"or an .xlsx workbook, with a header row: {layout.expected_headers()}")


@dataclass
class Sheet:
    """A file read as a table, its header matched to a layout."""

    file: str
    table: FileTable
    match: HeaderMatch

    @property
    def height(self) -> int:
        return self.table.frame.height

    @property
    def lines(self) -> pl.Series:
        return self.table.frame[LINE]

    def raw(self, field: str) -> pl.Series | None:
        position = self.match.positions.get(field)
        return None if position is None else self.table.frame[f"c{position}"]

    def header(self, field: str) -> str:
        return self.match.headers.get(field, field)

    def parse(self, field: str, reader: Callable[..., tuple[pl.Series, pl.Series]], *args, dtype=pl.String,
              **kwargs) -> tuple[pl.Series, pl.Series]:
        """Read one field with ``reader``; an optional column the file lacks reads as all null."""
        raw = self.raw(field)
        if raw is None:
            return absent(self.height, dtype)
        return reader(raw, *args, **kwargs)


def open_sheet(data: bytes, layout: Layout, result: ImportResult) -> Sheet | None:
    """Read the file; on failure record why in ``result`` (refused) and return None."""
    try:
        table = read_table(data, layout.recognised)
    except NotATable as exc:
        result.refuse([Problem(result.file, f"{exc}; {expected(layout)}")])
        return None
    result.encoding = table.encoding
    match = layout.match(table.headers)
    result.extra_columns = list(match.extra)
    if match.missing:
        place = row_place(result.file, table.header_line)
        result.refuse([
            Problem(place, f"required column {column.display} is missing; the header must name it "
                           f"{layout.spellings(column)}")
            for column in match.missing
        ])
        return None
    result.rows_read = table.frame.height
    return Sheet(result.file, table, match)


def check(sheet: Sheet, parsed: dict[str, tuple[str, tuple[pl.Series, pl.Series]]], result: ImportResult,
          table: Table) -> pl.DataFrame:
    """Collect every refused cell into ``result`` and return the good rows.

    ``parsed`` maps a stored column name to (layout field, (values, reasons)). A value longer than
    its column in ``table`` is refused here too, so the database never has to. Problems are
    listed line by line, and within a line in the file's column order.
    """
    in_file = sorted(
        ((sheet.match.positions[field], sheet.header(field), _fits(name, values, reasons, table))
         for name, (field, (values, reasons)) in parsed.items() if field in sheet.match.positions),
        key=lambda item: item[0],
    )
    problems, bad = cell_problems(sheet.file, sheet.lines, [(header, reasons) for _, header, reasons in in_file])
    result.problems.extend(problems)
    result.rows_bad = int(bad.sum())
    frame = pl.DataFrame({name: values for name, (_field, (values, _reasons)) in parsed.items()})
    return frame.filter(~bad)


def _fits(name: str, values: pl.Series, reasons: pl.Series, table: Table) -> pl.Series:
    """Add a reason where a text value is longer than the store's column holds."""
    limit = getattr(table.c[name].type, "length", None) if name in table.c else None
    if not limit or values.dtype != pl.String:
        return reasons
    frame = pl.DataFrame({"value": values, "reason": reasons})
    return frame.select(
        pl.when(pl.col("reason").is_not_null()).then(pl.col("reason"))
        .when(pl.col("value").str.len_chars() > limit)
        .then(pl.format('is stored as "{}", which is longer than the {} characters the store\'s {} column holds',
                        pl.col("value"), pl.lit(limit), pl.lit(name)))
        .otherwise(None).alias("reason")
    ).to_series()


def with_keys(rows: pl.DataFrame, key_column: str, fields: list[str], kind: str, result: ImportResult) -> pl.DataFrame:
    """Add the content key; rows repeated within the file count as duplicates and are dropped."""
    keyed = rows.with_columns(content_keys(rows, fields, kind).alias(key_column))
    unique = keyed.unique(subset=key_column, keep="first", maintain_order=True)
    result.rows_duplicate += keyed.height - unique.height
    return unique


def is_empty(conn: Connection, table: Table) -> bool:
    return conn.execute(select(text("1")).select_from(table).limit(1)).first() is None


def stored_keys(conn: Connection, table: Table, key_column: str, keys: pl.Series) -> pl.Series:
    """Which of ``keys`` the table already holds (looked up through its unique index)."""
    values = keys.to_list()
    found: list[str] = []
    raw = conn.connection.driver_connection
    cursor = raw.cursor()
    try:
        if conn.dialect.name == "postgresql":
            sql = f'SELECT "{key_column}" FROM "{table.name}" WHERE "{key_column}" = ANY(%s)'
            for start in range(0, len(values), KEY_LOOKUP_CHUNK * 20):
                cursor.execute(sql, (values[start:start + KEY_LOOKUP_CHUNK * 20],))
                found.extend(row[0] for row in cursor.fetchall())
        else:
            for start in range(0, len(values), KEY_LOOKUP_CHUNK):
                chunk = values[start:start + KEY_LOOKUP_CHUNK]
                marks = ", ".join("?" * len(chunk))
                cursor.execute(f'SELECT "{key_column}" FROM "{table.name}" WHERE "{key_column}" IN ({marks})', chunk)
                found.extend(row[0] for row in cursor.fetchall())
    finally:
        cursor.close()
    return pl.Series(key_column, found, dtype=pl.String)


Prepare = Callable[[Connection, pl.DataFrame, bool], pl.DataFrame]


def store(db: Database, table: Table, key_column: str, rows: pl.DataFrame, data: bytes, actor: Actor,
          result: ImportResult, steps: Steps, prepare: Prepare | None = None) -> None:
    """Write ``rows`` in one transaction: skip stored keys, run ``prepare``, insert, record the batch.

    ``prepare(conn, rows, store_was_empty)`` may add columns and write related changes in the
    same transaction (statements use it to pair transfers); it returns the rows to insert.
    """
    with db.engine.begin() as conn:
        empty = is_empty(conn, table)
        if not empty and rows.height:
            steps.step("checking what is already stored", rows.height)
            known = stored_keys(conn, table, key_column, rows[key_column])
            if known.len():
                rows = rows.filter(~pl.col(key_column).is_in(known.implode()))
                result.rows_duplicate += known.len()
        if prepare is not None:
            rows = prepare(conn, rows, empty)
        if rows.height == 0:
            return
        batch_id = open_batch(conn, result, file_digest(data), actor)
        result.batch_id = batch_id
        rows = rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("import_batch_id"))
        steps.step("writing", rows.height)
        inserted = insert_ignoring_duplicates(conn, table, rows, key_column, steps.advance)
        result.rows_duplicate += rows.height - inserted  # stored meanwhile by a concurrent import
        result.rows_imported = inserted
        close_batch(conn, batch_id, result, actor)
