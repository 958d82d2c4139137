"""Writing facts into the entity graph (关系图谱入库), set by set.

Entities are upserted by (kind, key) and keep their ids (series and charts point at them). Edges
are one row per (source, target, relation): their evidence references are kept unique, ``count``
is the number of distinct pieces of evidence, ``amount_fen`` the money of those pieces and the
times their first and last. Adding the same evidence again changes nothing. The list holds at most
EVIDENCE_CAP references (the earliest); past the cap an edge is counted from what is new to the
list, which is exact as long as no piece beyond the cap is added twice (every source gives each
piece once: a posting, call or report is stored once).
"""
from __future__ import annotations

import io
import uuid
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, bindparam, delete, func, select, update

from fanzha.store.bulk import REBUILD_MIN_ROWS, _secondary_indexes, _stored_at_most
from fanzha.store.models import GraphEntity, GraphRelation

ENTITIES = GraphEntity.__table__
RELATIONS = GraphRelation.__table__
EVIDENCE_CAP = 100
IN_CHUNK = 500
WHOLE_TABLE = 20_000  # above this many keys, read the table once instead of looking keys up


_SQLITE_TIME = "%Y-%m-%d %H:%M:%S%.6f"  # as SQLAlchemy's SQLite dialect writes DATETIME
_PG_TIME = "%Y-%m-%d %H:%M:%S%.6f+00"
BULK_CHUNK = 50_000


def bulk_insert(conn: Connection, table, rows: pl.DataFrame, conflict: tuple[str, ...] | None = None) -> int:
    """Many rows in the caller's transaction, past SQLAlchemy's per-row work: the driver's
    executemany on SQLite, COPY through a staging table on PostgreSQL. Times must carry a zone;
    JSON columns come as JSON text. ``conflict`` names the unique columns whose clash skips a row.
    Returns how many rows went in."""
    if rows.height == 0:
        return 0
    pg = conn.dialect.name == "postgresql"
    # A load larger than the table (the first import of a big file) builds the secondary indexes
    # once afterwards rather than growing them row by row (as fanzha.store.bulk does).
    indexes = (_secondary_indexes(conn, table)
               if rows.height >= REBUILD_MIN_ROWS and _stored_at_most(conn, table, rows.height) else [])
    for name, _definition in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        return _bulk_insert(conn, table, rows, conflict, pg)
    finally:
        for _name, definition in indexes:
            conn.exec_driver_sql(definition)


def _bulk_insert(conn: Connection, table, rows: pl.DataFrame, conflict: tuple[str, ...] | None, pg: bool) -> int:
    fmt = _PG_TIME if pg else _SQLITE_TIME
    rows = rows.with_columns([pl.col(c).dt.convert_time_zone("UTC").dt.strftime(fmt)
                              for c, t in rows.schema.items() if isinstance(t, pl.Datetime)])
    names = ", ".join(f'"{c}"' for c in rows.columns)
    on_conflict = f' ON CONFLICT ({", ".join(conflict)}) DO NOTHING' if conflict else ""
    raw = conn.connection.driver_connection
    if not pg:
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in rows.columns)}){on_conflict}'
        cursor = raw.cursor()
        before = raw.total_changes
        try:
            for start in range(0, rows.height, BULK_CHUNK):
                chunk = rows.slice(start, BULK_CHUNK)
                cursor.executemany(sql, zip(*(chunk[c].to_list() for c in chunk.columns), strict=True))
        finally:
            cursor.close()
        return raw.total_changes - before
    stage = f"stage_{table.name}_{uuid.uuid4().hex[:8]}"
    with raw.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE "{stage}" ON COMMIT DROP AS SELECT {names} FROM "{table.name}" WITH NO DATA')
        with cursor.copy(f'COPY "{stage}" ({names}) FROM STDIN WITH (FORMAT csv)') as copy:
            for start in range(0, rows.height, BULK_CHUNK):
                buffer = io.BytesIO()
                rows.slice(start, BULK_CHUNK).write_csv(buffer, include_header=False, null_value="")
                copy.write(buffer.getvalue())
        cursor.execute(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{stage}"{on_conflict}')
        inserted = cursor.rowcount
        cursor.execute(f'DROP TABLE "{stage}"')
    return inserted


def aggregate(facts: pl.DataFrame) -> pl.DataFrame:
    """One row per edge: unique evidence (earliest first), its count, money and time span."""
    if facts.height == 0:
        return pl.DataFrame()
    pieces = (facts.sort("at", nulls_last=True)
              .unique(["src_kind", "src_key", "dst_kind", "dst_key", "rel", "ref"], keep="first",
                      maintain_order=True))
    return pieces.group_by(["src_kind", "src_key", "dst_kind", "dst_key", "rel"], maintain_order=True).agg(
        pl.len().alias("count"), pl.col("amount").sum().alias("amount"), pl.col("at").min().alias("first_at"),
        pl.col("at").max().alias("last_at"), pl.col("ref").head(EVIDENCE_CAP).alias("evidence"),
        pl.col("amount").head(EVIDENCE_CAP).alias("amounts"))


def entity_ids(conn: Connection, facts: pl.DataFrame, attrs: pl.DataFrame) -> pl.DataFrame:
    """(kind, key, id) for every endpoint of ``facts`` and every row of ``attrs``, creating new ones."""
    ends = pl.concat([
        facts.select(pl.col("src_kind").alias("kind"), pl.col("src_key").alias("key"), pl.col("at")),
        facts.select(pl.col("dst_kind").alias("kind"), pl.col("dst_key").alias("key"), pl.col("at")),
        attrs.select("kind", "key", pl.lit(None, dtype=facts.schema["at"]).alias("at")),
    ])
    seen = ends.group_by(["kind", "key"]).agg(pl.col("at").min().alias("first"), pl.col("at").max().alias("last"))
    info = attrs.unique(["kind", "key"], keep="last")
    seen = seen.join(info, on=["kind", "key"], how="left")
    known = _known(conn, seen.select("kind", "key"))
    seen = seen.join(known, on=["kind", "key"], how="left")
    new = seen.filter(pl.col("id").is_null())
    old = seen.filter(pl.col("id").is_not_null())
    if new.height:
        before = conn.scalar(select(func.max(ENTITIES.c.id))) or 0
        bulk_insert(conn, ENTITIES, new.select(
            "kind", "key", "label", "case_id", "person_id", pl.col("first").alias("first_seen"),
            pl.col("last").alias("last_seen")), conflict=("kind", "key"))
        # The new rows are those past the highest id before; a key another writer stored meanwhile
        # (skipped here as a clash) is looked up by name.
        fresh_rows = conn.execute(select(ENTITIES.c.kind, ENTITIES.c.key, ENTITIES.c.id)
                                  .where(ENTITIES.c.id > before)).all()
        known = new.select("kind", "key").join(
            pl.DataFrame(fresh_rows, schema={"kind": pl.String, "key": pl.String, "id": pl.Int64}, orient="row"),
            on=["kind", "key"], how="inner")
        missing = new.select("kind", "key").join(known, on=["kind", "key"], how="anti")
        if missing.height:
            known = pl.concat([known, _known(conn, missing)])
        known = known.rename({"id": "new_id"})
        seen = (seen.join(known, on=["kind", "key"], how="left")
                .with_columns(pl.coalesce("id", "new_id").alias("id")).drop("new_id"))
    _widen_seen(conn, old)
    return seen.select("kind", "key", "id")


def _widen_seen(conn: Connection, seen: pl.DataFrame) -> None:
    """Stretch first_seen/last_seen and fill missing labels of existing entities."""
    touched = seen.filter(pl.col("first").is_not_null() | pl.col("label").is_not_null())
    if touched.height == 0:
        return
    current = {}
    ids = touched["id"].to_list()
    cols = (ENTITIES.c.id, ENTITIES.c.first_seen, ENTITIES.c.last_seen, ENTITIES.c.label, ENTITIES.c.case_id,
            ENTITIES.c.person_id)
    if len(ids) > WHOLE_TABLE:
        wanted = set(ids)
        current = {row.id: row for row in conn.execute(select(*cols)) if row.id in wanted}
        ids = []
    for i in range(0, len(ids), IN_CHUNK):
        for row in conn.execute(select(ENTITIES.c.id, ENTITIES.c.first_seen, ENTITIES.c.last_seen, ENTITIES.c.label,
                                       ENTITIES.c.case_id, ENTITIES.c.person_id)
                                .where(ENTITIES.c.id.in_(ids[i:i + IN_CHUNK]))):
            current[row.id] = row
    changes = []
    for r in touched.iter_rows(named=True):
        cur = current.get(r["id"])
        if cur is None:
            continue
        first = _min(cur.first_seen, r["first"])
        last = _max(cur.last_seen, r["last"])
        label = cur.label or r["label"]
        case_id = cur.case_id or r["case_id"]
        person_id = cur.person_id or r["person_id"]
        if (first, last, label, case_id, person_id) != (cur.first_seen, cur.last_seen, cur.label, cur.case_id,
                                                        cur.person_id):
            changes.append({"b_id": r["id"], "first_seen": first, "last_seen": last, "label": label,
                            "case_id": case_id, "person_id": person_id})
    if changes:
        conn.execute(update(ENTITIES).where(ENTITIES.c.id == bindparam("b_id")).values(
            first_seen=bindparam("first_seen"), last_seen=bindparam("last_seen"), label=bindparam("label"),
            case_id=bindparam("case_id"), person_id=bindparam("person_id")), changes)


def _min(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _known(conn: Connection, keys: pl.DataFrame) -> pl.DataFrame:
    schema = {"kind": pl.String, "key": pl.String, "id": pl.Int64}
    if keys.height == 0:
        return pl.DataFrame(schema=schema)
    if keys.height > WHOLE_TABLE:
        kinds = keys["kind"].unique().to_list()
        rows = conn.execute(select(ENTITIES.c.kind, ENTITIES.c.key, ENTITIES.c.id)
                            .where(ENTITIES.c.kind.in_(kinds))).all()
        return pl.DataFrame(rows, schema=schema, orient="row")
    rows = []
    for (kind,), part in keys.group_by(["kind"]):
        values = part["key"].to_list()
        for i in range(0, len(values), IN_CHUNK):
            rows += conn.execute(select(ENTITIES.c.kind, ENTITIES.c.key, ENTITIES.c.id).where(
                ENTITIES.c.kind == kind, ENTITIES.c.key.in_(values[i:i + IN_CHUNK]))).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def merge_facts(conn: Connection, facts: pl.DataFrame, attrs: pl.DataFrame | None = None, *,
                fresh: bool = False) -> dict[str, int]:
    """Add facts to the graph; ``fresh`` says the relations table was emptied (a rebuild: insert only)."""
    from fanzha.services.analysis.graph_sources import empty_attrs

    attrs = attrs if attrs is not None else empty_attrs()
    if facts.height == 0 and attrs.height == 0:
        return {"entities": 0, "edges_new": 0, "edges_updated": 0}
    ids = entity_ids(conn, facts, attrs)
    edges = aggregate(facts)
    if edges.height == 0:
        return {"entities": ids.height, "edges_new": 0, "edges_updated": 0}
    src = ids.rename({"kind": "src_kind", "key": "src_key", "id": "src_id"})
    dst = ids.rename({"kind": "dst_kind", "key": "dst_key", "id": "dst_id"})
    edges = edges.join(src, on=["src_kind", "src_key"]).join(dst, on=["dst_kind", "dst_key"])
    existing = {} if fresh else _existing_edges(conn, edges)
    changed = []
    if existing:
        keys = pl.DataFrame([k for k in existing], schema={"src_id": pl.Int64, "dst_id": pl.Int64, "rel": pl.String},
                            orient="row")
        for r in edges.join(keys, on=["src_id", "dst_id", "rel"]).iter_rows(named=True):
            merged = _merge_edge(existing[(r["src_id"], r["dst_id"], r["rel"])], r)
            if merged is not None:
                changed.append(merged)
        edges = edges.join(keys, on=["src_id", "dst_id", "rel"], how="anti")
    n_new = edges.height
    if n_new:
        inserted = bulk_insert(conn, RELATIONS, edges.select(
            "src_id", "dst_id", pl.col("rel").alias("kind"), "count", pl.col("amount").alias("amount_fen"),
            "first_at", "last_at",
            pl.format('["{}"]', pl.col("evidence").list.join('","')).alias("evidence")),
            conflict=("src_id", "dst_id", "kind"))
        if inserted < n_new:
            # Another writer stored some of these edges meanwhile: fold ours into theirs (a piece of
            # evidence already there, ours included, is not counted again).
            clash = _existing_edges(conn, edges)
            for r in edges.iter_rows(named=True):
                merged = _merge_edge(clash[(r["src_id"], r["dst_id"], r["rel"])], r)
                if merged is not None:
                    changed.append(merged)
    if changed:
        conn.execute(update(RELATIONS).where(RELATIONS.c.id == bindparam("b_id")).values(
            count=bindparam("count"), amount_fen=bindparam("amount_fen"), first_at=bindparam("first_at"),
            last_at=bindparam("last_at"), evidence=bindparam("evidence")), changed)
    return {"entities": ids.height, "edges_new": n_new, "edges_updated": len(changed)}


def _merge_edge(old, r: dict) -> dict | None:
    """Fold an aggregated edge into the stored one; None when nothing new came."""
    have = list(old.evidence or [])
    known = set(have)
    refs = list(r["evidence"])
    fresh = [x for x in refs if x not in known]
    if not fresh:
        return None
    # Money and count of the fresh pieces; what lies past the cap counts only when nothing was known.
    amounts = dict(zip(refs, r["amounts"], strict=True))
    share_count = len(fresh)
    share_amount = sum(amounts[x] for x in fresh)
    if len(fresh) == len(refs):
        share_count = r["count"]
        share_amount = r["amount"]
    return {"b_id": old.id, "count": (old.count or 0) + share_count, "amount_fen": (old.amount_fen or 0) + share_amount,
            "first_at": _min(old.first_at, r["first_at"]), "last_at": _max(old.last_at, r["last_at"]),
            "evidence": (have + fresh)[:EVIDENCE_CAP]}


def _existing_edges(conn: Connection, edges: pl.DataFrame) -> dict:
    out = {}
    srcs = edges["src_id"].unique().to_list()
    wanted = set(zip(edges["src_id"].to_list(), edges["dst_id"].to_list(), edges["rel"].to_list(), strict=True))
    if not conn.scalar(select(func.count()).select_from(select(RELATIONS.c.id).limit(1).subquery())):
        return out
    cols = (RELATIONS.c.id, RELATIONS.c.src_id, RELATIONS.c.dst_id, RELATIONS.c.kind, RELATIONS.c.count,
            RELATIONS.c.amount_fen, RELATIONS.c.first_at, RELATIONS.c.last_at, RELATIONS.c.evidence)
    if len(wanted) > WHOLE_TABLE:
        # Find the matches on the ids alone, then read those rows whole.
        kinds = edges["rel"].unique().to_list()
        index = conn.execute(select(RELATIONS.c.id, RELATIONS.c.src_id, RELATIONS.c.dst_id, RELATIONS.c.kind)
                             .where(RELATIONS.c.kind.in_(kinds))).all()
        ids = [i for i, a, b, k in index if (a, b, k) in wanted]
        for i in range(0, len(ids), IN_CHUNK):
            for row in conn.execute(select(*cols).where(RELATIONS.c.id.in_(ids[i:i + IN_CHUNK]))):
                out[(row.src_id, row.dst_id, row.kind)] = row
        return out
    for i in range(0, len(srcs), IN_CHUNK):
        for row in conn.execute(select(*cols).where(RELATIONS.c.src_id.in_(srcs[i:i + IN_CHUNK]))):
            key = (row.src_id, row.dst_id, row.kind)
            if key in wanted:
                out[key] = row
    return out


def clear_relations(conn: Connection) -> None:
    conn.execute(delete(RELATIONS))


def forget_case(conn: Connection, case_id: int) -> None:
    """Remove a case's node, its edges and its place in any series, before a store clean-up
    deletes the case (the desks never delete cases; the graph must not block one that does)."""
    from fanzha.store.models import SeriesCase

    node = select(ENTITIES.c.id).where(ENTITIES.c.case_id == case_id).scalar_subquery()
    conn.execute(delete(RELATIONS).where((RELATIONS.c.src_id == node) | (RELATIONS.c.dst_id == node)))
    conn.execute(delete(ENTITIES).where(ENTITIES.c.case_id == case_id))
    conn.execute(delete(SeriesCase.__table__).where(SeriesCase.__table__.c.case_id == case_id))
