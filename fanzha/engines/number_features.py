"""Per-number behaviour features (号码行为特征) from call and SMS records, computed with DuckDB.

Input: call records (话单) and SMS records (短信记录) with the FORMATS.md columns, as polars
DataFrames, pyarrow Tables, or CSV/Parquet paths; headers may be the Chinese names or the English
aliases. One row of output per own number (本机号码) seen in the records, or per number of a
given list; and the contact graph between those numbers in the same row order.

Times are read as local wall-clock time (FORMATS.md: times without a zone are Asia/Shanghai);
rows whose time cannot be read are left out and counted. A time window [start, end) may be given.

Every call record counts in ``calls``; the outgoing-call features read only 主叫 records, the
incoming ones only 被叫; 呼转 (forwarded) records count in the totals and activity only.
Durations are seconds; an outgoing call of 0 s was not answered. Night is 22:00 to 05:59.
Ratios whose denominator is zero are missing (NaN), counts are 0.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import scipy.sparse as sp

SHORT_CALL_S = 10
NIGHT_FROM_HOUR, NIGHT_TO_HOUR = 22, 6

# Header spellings, the English alias first (FORMATS.md and the common variants operators write).
CALL_COLUMNS = {
    "msisdn": ("msisdn", "本机号码", "本方号码", "用户号码"),
    "other": ("other", "对方号码"),
    "call_type": ("call_type", "呼叫类型", "通话类型"),
    "start_time": ("start_time", "开始时间", "通话开始时间", "通话时间"),
    "duration_s": ("duration_s", "通话时长", "时长", "duration"),
    "cell_id": ("cell_id", "基站", "小区", "基站号", "小区号", "ci"),
    "imei": ("imei", "串号"),
}
CALL_REQUIRED = ("msisdn", "other", "call_type", "start_time", "duration_s")
SMS_COLUMNS = {
    "msisdn": ("msisdn", "本机号码", "本方号码", "用户号码"),
    "other": ("other", "对方号码"),
    "direction": ("direction", "收发标志", "短信类型", "收发类型", "方向"),
    "time": ("time", "时间", "发送时间", "短信时间"),
}
SMS_REQUIRED = ("msisdn", "other", "direction", "time")
OUTGOING_CALL = ("主叫", "caller", "out", "mo")
INCOMING_CALL = ("被叫", "called", "in", "mt")
OUTGOING_SMS = ("发", "发送", "上行", "out", "mo")
INCOMING_SMS = ("收", "接收", "下行", "in", "mt")

FEATURES = (
    "calls",  # call records of the number, any type
    "calls_out",  # outgoing (主叫)
    "calls_in",  # incoming (被叫)
    "out_call_share",  # calls_out / calls
    "callees",  # distinct numbers it called
    "callee_dispersion",  # callees / calls_out: 1 means never the same number twice
    "call_contacts",  # distinct numbers in calls either way
    "repeat_callees",  # numbers it called more than once
    "repeat_call_share",  # share of outgoing calls that went to a number called more than once
    "max_calls_to_one",  # most outgoing calls to one number
    "out_duration_mean",  # answered outgoing calls, seconds
    "out_duration_median",
    "out_duration_max",
    "duration_mean",  # answered calls either way
    "out_short_share",  # answered outgoing calls shorter than SHORT_CALL_S
    "out_unanswered_share",  # outgoing calls of 0 s
    "night_call_share",  # calls between 22:00 and 05:59
    "call_hours",  # distinct hours of the day with calls (0-24)
    "call_days",  # distinct days with calls
    "calls_per_day",  # calls over the window's days
    "imeis",  # distinct handsets
    "cells",  # distinct cells
    "sms_out",
    "sms_in",
    "sms_out_per_day",
    "sms_in_per_day",
    "sms_out_in_ratio",  # sms_out / (sms_in + 1)
    "sms_recipients",  # distinct numbers it texted
    "sms_night_share",
    "active_days",  # distinct days with a call or an SMS
    "listed_fraud_contacts",  # distinct known fraud numbers in contact (calls or SMS, either way)
    "listed_fraud_calls",  # calls with known fraud numbers
    "listed_victim_contacts",  # distinct known victims in contact
)


@dataclass
class NumberFeatures:
    """The features (``table``: ``msisdn`` then FEATURES) and the contact graph in its row order."""

    table: pl.DataFrame
    graph: sp.csr_matrix
    window_days: float
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out, and why
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step

    @property
    def numbers(self) -> list[str]:
        return self.table["msisdn"].to_list()


Source = pl.DataFrame | pa.Table | str | Path | Sequence[str | Path]


def number_features(calls: Source | None = None, sms: Source | None = None, *,
                    start: datetime | None = None, end: datetime | None = None,
                    known_fraud: Iterable[str] = (), known_victims: Iterable[str] = (),
                    numbers: Sequence[str] | None = None, threads: int | None = None,
                    memory_limit: str | None = None) -> NumberFeatures:
    """Compute FEATURES per number and the contact graph (see the module's docstring).

    ``known_fraud`` / ``known_victims``: numbers already known (reported fraud numbers, victims'
    phones) for the ``listed_*`` features; pass only what was known before the window is scored,
    never the labels being evaluated. ``numbers``: the rows to produce, in this order (numbers
    without records get zero counts); by default every own number seen, sorted. ``threads`` and
    ``memory_limit`` (such as "4GB") bound DuckDB, which spills to a temporary folder beyond it.
    Raises ValueError naming the columns a source lacks.
    """
    if calls is None and sms is None:
        raise ValueError("give call records, SMS records or both")
    spill = tempfile.mkdtemp(prefix="fanzha-duckdb-")
    con = duckdb.connect(config={"temp_directory": spill, "preserve_insertion_order": False})
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute("SET memory_limit = ?", [memory_limit])
        return _compute(con, calls, sms, start, end, known_fraud, known_victims, numbers)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _compute(con, calls, sms, start, end, known_fraud, known_victims, numbers) -> NumberFeatures:
    clock = _Clock()
    window = []
    if start is not None:
        window.append(f"t >= TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}'")
    if end is not None:
        window.append(f"t < TIMESTAMP '{end:%Y-%m-%d %H:%M:%S}'")
    in_window = " AND ".join(["t IS NOT NULL", *window])

    if calls is not None:
        cols = _register(con, "calls_raw", calls, CALL_COLUMNS, CALL_REQUIRED, "call records")
        con.execute(f"""CREATE TEMP VIEW calls_all AS SELECT
            {_text(cols['msisdn'])} AS msisdn, {_text(cols['other'])} AS other,
            {_direction(cols['call_type'], OUTGOING_CALL, INCOMING_CALL)} AS is_out,
            {_typed(cols['start_time'], 'TIMESTAMP')} AS t,
            {_typed(cols['duration_s'], 'DOUBLE')} AS d,
            {_text(cols.get('cell_id'))} AS cell, {_text(cols.get('imei'))} AS imei
            FROM calls_raw""")
    else:
        con.execute("""CREATE TEMP VIEW calls_all AS SELECT NULL::VARCHAR AS msisdn, NULL::VARCHAR AS other,
            NULL::INTEGER AS is_out, NULL::TIMESTAMP AS t, NULL::DOUBLE AS d, NULL::VARCHAR AS cell,
            NULL::VARCHAR AS imei WHERE false""")
    if sms is not None:
        cols = _register(con, "sms_raw", sms, SMS_COLUMNS, SMS_REQUIRED, "SMS records")
        con.execute(f"""CREATE TEMP VIEW sms_all AS SELECT
            {_text(cols['msisdn'])} AS msisdn, {_text(cols['other'])} AS other,
            {_direction(cols['direction'], OUTGOING_SMS, INCOMING_SMS)} AS is_out,
            {_typed(cols['time'], 'TIMESTAMP')} AS t
            FROM sms_raw""")
    else:
        con.execute("""CREATE TEMP VIEW sms_all AS SELECT NULL::VARCHAR AS msisdn, NULL::VARCHAR AS other,
            NULL::INTEGER AS is_out, NULL::TIMESTAMP AS t WHERE false""")
    own = "msisdn IS NOT NULL AND msisdn <> ''"
    con.execute(f"CREATE TEMP VIEW c AS SELECT * FROM calls_all WHERE {in_window} AND {own}")
    con.execute(f"CREATE TEMP VIEW s AS SELECT * FROM sms_all WHERE {in_window} AND {own}")
    clock.lap("sources")

    # What is left out, and the span of the records (for the window's length and day numbers).
    skipped, spans = {}, []
    for name, view in (("calls", "calls_all"), ("sms", "sms_all")):
        bad, outside, first, last = con.execute(f"""SELECT count(*) FILTER (WHERE t IS NULL),
            count(*) FILTER (WHERE t IS NOT NULL AND NOT ({in_window})),
            min(t) FILTER ({in_window}), max(t) FILTER ({in_window}) FROM {view}""").fetchone()
        skipped[f"{name}_unreadable_time"] = int(bad)
        skipped[f"{name}_outside_window"] = int(outside)
        if first is not None:
            spans.append((first, last))
    first = start if start is not None else (min(s[0] for s in spans) if spans else None)
    last = end if end is not None else (max(s[1] for s in spans) if spans else None)
    if start is not None and end is not None:
        window_days = (end - start).total_seconds() / 86_400
    else:
        window_days = max((last - first).total_seconds() / 86_400, 1.0) if first and last else 1.0
    # Distinct days as bits of a 128-bit mask when the records span at most 128 days (much faster
    # than counting distinct dates), else counted.
    origin = f"DATE '{first:%Y-%m-%d}'" if first is not None else "DATE '2000-01-01'"
    use_bits = first is not None and (last.date() - first.date()).days < 128
    day_bits = f"bit_or(CAST(1 AS HUGEINT) << CAST(date_diff('day', {origin}, CAST(t AS DATE)) AS INTEGER))"
    clock.lap("checks")

    night = f"(hour(t) >= {NIGHT_FROM_HOUR} OR hour(t) < {NIGHT_TO_HOUR})"
    con.execute(f"""CREATE TEMP TABLE call_agg AS SELECT msisdn,
            count(*) AS calls,
            count(*) FILTER (WHERE is_out = 1) AS calls_out,
            count(*) FILTER (WHERE is_out = 0) AS calls_in,
            avg(d) FILTER (WHERE is_out = 1 AND d > 0) AS out_duration_mean,
            median(d) FILTER (WHERE is_out = 1 AND d > 0) AS out_duration_median,
            max(d) FILTER (WHERE is_out = 1 AND d > 0) AS out_duration_max,
            avg(d) FILTER (WHERE d > 0) AS duration_mean,
            count(*) FILTER (WHERE is_out = 1 AND d > 0 AND d < {SHORT_CALL_S}) AS out_short,
            count(*) FILTER (WHERE is_out = 1 AND d > 0) AS out_answered,
            count(*) FILTER (WHERE is_out = 1 AND d = 0) AS out_unanswered,
            count(*) FILTER (WHERE {night}) AS night_calls,
            bit_count(bit_or(CAST(1 AS BIGINT) << hour(t))) AS call_hours,
            {day_bits if use_bits else 'NULL::HUGEINT'} AS call_day_bits,
            {'NULL::BIGINT' if use_bits else 'count(DISTINCT CAST(t AS DATE))'} AS call_day_count,
            count(DISTINCT imei) AS imeis,
            count(DISTINCT cell) AS cells
        FROM c GROUP BY msisdn""")
    con.execute(f"""CREATE TEMP TABLE sms_agg AS SELECT msisdn,
            count(*) FILTER (WHERE is_out = 1) AS sms_out,
            count(*) FILTER (WHERE is_out = 0) AS sms_in,
            count(*) FILTER (WHERE {night}) AS sms_night,
            count(*) AS sms_all,
            {day_bits if use_bits else 'NULL::HUGEINT'} AS sms_day_bits
        FROM s GROUP BY msisdn""")
    clock.lap("per number")

    con.execute("""CREATE TEMP TABLE pairs_c AS SELECT msisdn, other, count(*) AS n,
        count(*) FILTER (WHERE is_out = 1) AS n_out FROM c WHERE other IS NOT NULL GROUP BY msisdn, other""")
    con.execute("""CREATE TEMP TABLE pairs_s AS SELECT msisdn, other, count(*) AS n,
        count(*) FILTER (WHERE is_out = 1) AS n_out FROM s WHERE other IS NOT NULL GROUP BY msisdn, other""")
    clock.lap("per pair")

    con.execute("CREATE TEMP TABLE known_fraud (number VARCHAR)")
    con.execute("CREATE TEMP TABLE known_victims (number VARCHAR)")
    for table, values in (("known_fraud", known_fraud), ("known_victims", known_victims)):
        listed = sorted({str(v).strip() for v in values if v is not None and str(v).strip()})
        if listed:
            con.register(f"{table}_arrow", pa.table({"number": pa.array(listed, pa.string())}))
            con.execute(f"INSERT INTO {table} SELECT number FROM {table}_arrow")
    if numbers is None:
        con.execute("""CREATE TEMP TABLE nums AS SELECT number, (row_number() OVER (ORDER BY number)) - 1 AS idx
            FROM (SELECT msisdn AS number FROM call_agg UNION SELECT msisdn FROM sms_agg)""")
    else:
        given = pa.table({"number": pa.array([str(v) for v in numbers], pa.string()),
                          "idx": pa.array(np.arange(len(numbers), dtype=np.int64))})
        con.register("nums_arrow", given)
        con.execute("CREATE TEMP TABLE nums AS SELECT number, idx FROM nums_arrow")
    if use_bits:
        active_days = "bit_count(coalesce(call_day_bits, 0::HUGEINT) | coalesce(sms_day_bits, 0::HUGEINT))"
        call_days = "bit_count(call_day_bits)"
        day_agg = "SELECT NULL::VARCHAR AS msisdn, NULL::BIGINT AS active_day_count WHERE false"
    else:
        active_days, call_days = "active_day_count", "call_day_count"
        day_agg = """SELECT msisdn, count(DISTINCT day) AS active_day_count FROM (
            SELECT msisdn, CAST(t AS DATE) AS day FROM c UNION ALL SELECT msisdn, CAST(t AS DATE) FROM s)
            GROUP BY msisdn"""
    joins = "\n".join(f"LEFT JOIN {agg} ON {agg}.msisdn = nums.number" for agg in
                      ("call_agg", "callee_agg", "sms_agg", "recipient_agg", "day_agg", "listed_agg"))
    table = con.sql(f"""
    WITH callee_agg AS (
        SELECT msisdn,
            count(*) FILTER (WHERE n_out > 0) AS callees,
            count(*) AS call_contacts,
            count(*) FILTER (WHERE n_out > 1) AS repeat_callees,
            sum(n_out) FILTER (WHERE n_out > 1) AS repeat_calls,
            max(n_out) AS max_calls_to_one
        FROM pairs_c GROUP BY msisdn),
    recipient_agg AS (
        SELECT msisdn, count(*) FILTER (WHERE n_out > 0) AS sms_recipients FROM pairs_s GROUP BY msisdn),
    day_agg AS ({day_agg}),
    contact_pairs AS (
        SELECT msisdn, other, n AS calls FROM pairs_c
        UNION ALL SELECT msisdn, other, 0 AS calls FROM pairs_s),
    listed_agg AS (
        SELECT p.msisdn,
            count(DISTINCT p.other) FILTER (WHERE f.number IS NOT NULL) AS listed_fraud_contacts,
            sum(p.calls) FILTER (WHERE f.number IS NOT NULL) AS listed_fraud_calls,
            count(DISTINCT p.other) FILTER (WHERE v.number IS NOT NULL) AS listed_victim_contacts
        FROM contact_pairs p
        LEFT JOIN known_fraud f ON p.other = f.number
        LEFT JOIN known_victims v ON p.other = v.number
        WHERE f.number IS NOT NULL OR v.number IS NOT NULL
        GROUP BY p.msisdn)
    SELECT nums.number AS msisdn,
        coalesce(calls, 0) AS calls,
        coalesce(calls_out, 0) AS calls_out,
        coalesce(calls_in, 0) AS calls_in,
        calls_out / nullif(calls, 0) AS out_call_share,
        coalesce(callees, 0) AS callees,
        callees / nullif(calls_out, 0) AS callee_dispersion,
        coalesce(call_contacts, 0) AS call_contacts,
        coalesce(repeat_callees, 0) AS repeat_callees,
        coalesce(repeat_calls, 0) / nullif(calls_out, 0) AS repeat_call_share,
        coalesce(max_calls_to_one, 0) AS max_calls_to_one,
        out_duration_mean, out_duration_median, out_duration_max, duration_mean,
        out_short / nullif(out_answered, 0) AS out_short_share,
        out_unanswered / nullif(calls_out, 0) AS out_unanswered_share,
        night_calls / nullif(calls, 0) AS night_call_share,
        coalesce(call_hours, 0) AS call_hours,
        coalesce({call_days}, 0) AS call_days,
        coalesce(calls, 0) / {window_days!r} AS calls_per_day,
        coalesce(imeis, 0) AS imeis,
        coalesce(cells, 0) AS cells,
        coalesce(sms_out, 0) AS sms_out,
        coalesce(sms_in, 0) AS sms_in,
        coalesce(sms_out, 0) / {window_days!r} AS sms_out_per_day,
        coalesce(sms_in, 0) / {window_days!r} AS sms_in_per_day,
        coalesce(sms_out, 0) / (coalesce(sms_in, 0) + 1) AS sms_out_in_ratio,
        coalesce(sms_recipients, 0) AS sms_recipients,
        sms_night / nullif(sms_all, 0) AS sms_night_share,
        coalesce({active_days}, 0) AS active_days,
        coalesce(listed_fraud_contacts, 0) AS listed_fraud_contacts,
        coalesce(listed_fraud_calls, 0) AS listed_fraud_calls,
        coalesce(listed_victim_contacts, 0) AS listed_victim_contacts
    FROM nums
    {joins}
    ORDER BY nums.idx""").to_arrow_table()
    table = pl.from_arrow(table)
    table = table.with_columns(pl.col("msisdn").cast(pl.String),
                               *[pl.col(f).cast(pl.Float64) for f in FEATURES])
    clock.lap("table")

    edges = con.execute("""
        SELECT a.idx AS i, b.idx AS j FROM (
            SELECT msisdn, other FROM pairs_c UNION SELECT msisdn, other FROM pairs_s) p
        JOIN nums a ON p.msisdn = a.number JOIN nums b ON p.other = b.number
        WHERE a.idx <> b.idx""").fetchnumpy()
    n = table.height
    i, j = np.asarray(edges["i"], dtype=np.int64), np.asarray(edges["j"], dtype=np.int64)
    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)).tocsr()
    graph = ((graph + graph.T) > 0).astype(np.float64).tocsr()
    clock.lap("graph")
    return NumberFeatures(table=table, graph=graph, window_days=float(window_days), skipped=skipped,
                          seconds=clock.laps)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def _sql_set(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class _Column:
    name: str  # quoted for SQL
    type: str  # DuckDB's type name


def _text(col: _Column | None) -> str:
    """The column as text (NULL when the source has no such column)."""
    if col is None:
        return "NULL::VARCHAR"
    if col.type == "VARCHAR":
        return col.name
    return f"CAST({col.name} AS VARCHAR)"


def _typed(col: _Column, sql_type: str) -> str:
    """The column as ``sql_type``, NULL where text does not parse.

    Text is trimmed before the cast: besides stray spaces, this keeps DuckDB from pushing the cast
    into its CSV reader, which would then fail on the first bad value instead of giving NULL.
    """
    numeric = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT",
               "UINTEGER", "USMALLINT", "UTINYINT")
    if col.type == sql_type or (sql_type == "DOUBLE" and col.type.startswith(numeric)) or (
            sql_type == "TIMESTAMP" and col.type.startswith(("TIMESTAMP", "DATE"))):
        return f"CAST({col.name} AS {sql_type})"
    return f"TRY_CAST(trim(CAST({col.name} AS VARCHAR)) AS {sql_type})"


def _direction(col: _Column, outgoing: tuple[str, ...], incoming: tuple[str, ...]) -> str:
    """1 for outgoing, 0 for incoming, NULL for anything else (呼转)."""
    raw = f"CAST({col.name} AS VARCHAR)"
    text = f"lower(trim({raw}))"  # only for spellings off the fast path (' 主叫', 'CALLER')
    return (f"CASE WHEN {raw} IN {_sql_set(outgoing)} THEN 1 WHEN {raw} IN {_sql_set(incoming)} THEN 0 "
            f"WHEN {text} IN {_sql_set(outgoing)} THEN 1 WHEN {text} IN {_sql_set(incoming)} THEN 0 END")


def _normal(header: str) -> str:
    return "".join(str(header).split()).strip("\ufeff\"'").casefold()


def _match_columns(headers: list[tuple[str, str]], spellings: dict[str, tuple[str, ...]],
                   required: tuple[str, ...], what: str) -> dict[str, _Column]:
    """Field -> its column (headers are (name, type) pairs); ValueError naming the fields missing."""
    lookup = {_normal(name): key for key, names in spellings.items() for name in names}
    found: dict[str, _Column] = {}
    for header, sql_type in headers:
        key = lookup.get(_normal(header))
        if key and key not in found:
            found[key] = _Column(_quote(header), str(sql_type).upper())
    missing = [key for key in required if key not in found]
    if missing:
        wanted = "; ".join(f"{spellings[k][1]} ({k})" for k in missing)
        raise ValueError(f"{what} lack columns: {wanted}; the columns are: {', '.join(h for h, _ in headers)}")
    return found


def _register(con, name: str, source: Source, spellings, required, what: str) -> dict[str, _Column]:
    """Make ``source`` queryable as ``name``; return its column for each field."""
    if isinstance(source, pl.DataFrame):
        source = source.to_arrow()
    if isinstance(source, pa.Table):
        con.register(name, source)
        return _match_columns(_described(con, name), spellings, required, what)
    paths = [Path(source)] if isinstance(source, str | Path) else [Path(p) for p in source]
    if not paths:
        raise ValueError(f"no files of {what} given")
    for path in paths:
        if not path.exists():
            raise ValueError(f"{path}: no such file")
    listing = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"
    if all(p.suffix.lower() == ".parquet" for p in paths):
        con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet({listing}, union_by_name = true)")
    elif all(_is_utf8(p) for p in paths):
        con.execute(f"""CREATE TEMP VIEW {name} AS SELECT * FROM read_csv({listing}, header = true,
            all_varchar = true, union_by_name = true)""")
    else:  # GB18030 and other legacy encodings: decode in Python, one file at a time
        frames = [pl.read_csv(_decoded(p).encode(), infer_schema=False) for p in paths]
        con.register(name, pl.concat(frames, how="diagonal").to_arrow())
    return _match_columns(_described(con, name), spellings, required, what)


def _described(con, name: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {name}").fetchall()]


def _is_utf8(path: Path, probe: int = 1 << 16) -> bool:
    import codecs

    with path.open("rb") as f:
        head = f.read(probe)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _decoded(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GB18030")
