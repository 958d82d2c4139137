"""Benchmark: expanding a node in the link chart (关系图扩展) on a graph of 10,000,000 entities and
50,000,000 relations, and finding paths between two entities.

    .venv/bin/python bench/bench_graph_expand.py [--entities 10000000] [--relations 50000000]
                                                 [--backend sqlite|postgres] [--queries 500] [--paths 200]

Fills a store (SQLite in a cached file by default, or a PostgreSQL database) with a synthetic
graph on the migrations' schema, generated inside the database in large chunks (a recursive CTE
on SQLite, generate_series on PostgreSQL: no Python row objects), indexes built after loading:
every entity has one relation of each of ``relations / entities`` kinds to a pseudo-random other
one, and 2 % of relations go to 1,000 hubs with a skewed (cubic) share, so the largest hub — a
mule card paid by everyone — has about 10 % of them (100,000 relations at full scale). Then it
times, through the service the page calls (``services.analysis.chart_neighbourhood.neighbourhood``
with 50 neighbours), expansions of random nodes, of the 50 largest hubs, and of random nodes with
a relation-kind and time filter; and shortest-path searches (``chart_paths.shortest_paths``, 4 hops)
between nodes 2-4 relations apart and between random pairs. Prints p50/p95/p99 per kind.
Target: expansion p95 at most 200 ms. The store is kept for the next run (--rebuild to refill).
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from latency import percentile  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from fanzha.domain.actor import Actor  # noqa: E402
from fanzha.domain.organisation import OrgKind  # noqa: E402
from fanzha.domain.role import Role  # noqa: E402
from fanzha.services.analysis.chart_model import RelationFilter  # noqa: E402
from fanzha.services.analysis.chart_neighbourhood import neighbourhood  # noqa: E402
from fanzha.services.analysis.chart_paths import shortest_paths  # noqa: E402
from fanzha.store.db import Database  # noqa: E402

TARGET_MS = 200.0
DATA_VERSION = 1
HUBS = 1_000
CHUNK = 2_000_000
KINDS = ("paid", "called", "texted", "owns", "used", "logged_in_from", "involves")
PG_ADMIN_URL = os.environ.get("FANZHA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CACHE = Path(os.environ.get("FANZHA_BENCH_CACHE", Path(tempfile.gettempdir()) / "fanzha-bench"))
ANALYST = Actor(username="bench", role=Role.ANALYST, org_id=1, org_code="city", org_name="city",
                org_kind=OrgKind.CITY_CENTER)
EPOCH = 1_704_067_200  # 2024-01-01 UTC
SQLITE_EVIDENCE = """'["posting:' || i || '"]'"""
PG_EVIDENCE = f"({SQLITE_EVIDENCE})::json"


def _kind_sql(n: int) -> str:
    return f"CASE i / {n} " + " ".join(f"WHEN {k} THEN '{name}'" for k, name in enumerate(KINDS)) + " END"


ENTITY_SELECT = ("i + 1, CASE WHEN i % 10 < 5 THEN 'account' WHEN i % 10 < 8 THEN 'phone' WHEN i % 10 = 8 "
                 "THEN 'person' ELSE 'imei' END, '62' || (10000000000000 + i), NULL, NULL, NULL")


# h: a multiplicative hash of the row number; u: its uniform part for the hubs' cubic share.
_HUB = "((((h / 100) % 1000000) * ((h / 100) % 1000000) / 1000000) * ((h / 100) % 1000000) / 1000000000) + 1"


def _relation_select(n: int, ts: str, evidence: str) -> str:
    return (f"i + 1, i % {n} + 1, CASE WHEN h % 100 < 2 THEN {_HUB} ELSE (h / 128) % {n} + 1 END, {_kind_sql(n)}, "
            f"1 + h % 7, CASE WHEN i / {n} = 0 THEN (h % 500000) * 100 ELSE 0 END, "
            f"{ts.format(t=f'{EPOCH} + h % 31536000')}, {ts.format(t=f'{EPOCH} + h % 31536000 + h % 86400')}, "
            f"{evidence}")


def _progress(what: str, done: int, total: int, started: float) -> None:
    rate = done / max(1e-9, time.perf_counter() - started)
    print(f"\r  {what}: {done:,}/{total:,} ({rate:,.0f}/s)", end="", flush=True)


def build_sqlite(path: Path, entities: int, relations: int) -> None:
    path.unlink(missing_ok=True)
    Database(f"sqlite:///{path}").dispose()  # the schema, by the migrations
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    # Load first, index after: the same tables without their unique constraints, whose indexes
    # (the same columns, the same names) are built once the rows are in.
    for table in ("graph_relations", "graph_entities"):
        ddl = conn.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()[0]
        conn.execute(f"DROP TABLE {table}")
        conn.execute(re.sub(r",\s*CONSTRAINT \w+ UNIQUE \([^)]*\)", "", ddl))
    seq = "WITH RECURSIVE seq(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM seq WHERE i < ? - 1)"
    started = time.perf_counter()
    for start in range(0, entities, CHUNK):
        end = min(entities, start + CHUNK)
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO graph_entities (id, kind, key, label, first_seen, last_seen) {seq} "
                     f"SELECT {ENTITY_SELECT} FROM seq", (start, end))
        conn.execute("COMMIT")
        _progress("entities", end, entities, started)
    print()
    started = time.perf_counter()
    ts = "datetime({t}, 'unixepoch')"
    for start in range(0, relations, CHUNK):
        end = min(relations, start + CHUNK)
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO graph_relations (id, src_id, dst_id, kind, count, amount_fen, first_at, last_at, "
                     f"evidence) {seq}, hashed AS (SELECT i, (i * 2654435761 + 40503) % 4294967296 AS h FROM seq) "
                     f"SELECT {_relation_select(entities, ts, SQLITE_EVIDENCE)} FROM hashed", (start, end))
        conn.execute("COMMIT")
        _progress("relations", end, relations, started)
    print()
    for name, ddl in (("uq_graph_entities_kind_key", "CREATE UNIQUE INDEX uq_graph_entities_kind_key ON graph_entities (kind, key)"),
                      ("ix_graph_entities_case_id", "CREATE INDEX IF NOT EXISTS ix_graph_entities_case_id ON graph_entities (case_id)"),
                      ("ix_graph_entities_person_id", "CREATE INDEX IF NOT EXISTS ix_graph_entities_person_id ON graph_entities (person_id)"),
                      ("uq_graph_relations_edge", "CREATE UNIQUE INDEX uq_graph_relations_edge ON graph_relations (src_id, dst_id, kind)"),
                      ("ix_graph_relations_dst", "CREATE INDEX IF NOT EXISTS ix_graph_relations_dst ON graph_relations (dst_id, kind)")):
        t = time.perf_counter()
        conn.execute(ddl)
        print(f"  index {name}: {time.perf_counter() - t:.0f} s", flush=True)
    conn.execute("ANALYZE")
    conn.close()


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def build_postgres(name: str, entities: int, relations: int) -> None:
    import psycopg

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    Database(_pg_url(name)).dispose()
    dsn = _pg_url(name).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        constraints = conn.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('graph_relations'::regclass, 'graph_entities'::regclass) AND contype IN ('u', 'f')"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('graph_relations', 'graph_entities') "
            "AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'").fetchall()
        for conname, table, _ in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{conname}"')
        for index_name, _ in indexes:
            conn.execute(f'DROP INDEX "{index_name}"')
        started = time.perf_counter()
        for start in range(0, entities, CHUNK):
            end = min(entities, start + CHUNK)
            conn.execute(f"INSERT INTO graph_entities (id, kind, key, label, first_seen, last_seen) SELECT "
                         f"{ENTITY_SELECT} FROM generate_series({start}::bigint, {end - 1}) AS i")
            _progress("entities", end, entities, started)
        print()
        started = time.perf_counter()
        for start in range(0, relations, CHUNK):
            end = min(relations, start + CHUNK)
            conn.execute(f"INSERT INTO graph_relations (id, src_id, dst_id, kind, count, amount_fen, first_at, "
                         f"last_at, evidence) SELECT {_relation_select(entities, 'to_timestamp({t})', PG_EVIDENCE)} "
                         f"FROM (SELECT i, (i * 2654435761 + 40503) % 4294967296 AS h "
                         f"FROM generate_series({start}::bigint, {end - 1}) AS i) AS hashed")
            _progress("relations", end, relations, started)
        print()
        conn.execute("SET maintenance_work_mem = '1GB'")
        for conname, table, definition in constraints:
            t = time.perf_counter()
            valid = "" if definition.startswith("UNIQUE") else " NOT VALID"  # generated valid; not re-checked
            conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{conname}" {definition}{valid}')
            print(f"  constraint {conname}: {time.perf_counter() - t:.0f} s", flush=True)
        for index_name, definition in indexes:
            t = time.perf_counter()
            conn.execute(definition)
            print(f"  index {index_name}: {time.perf_counter() - t:.0f} s", flush=True)
        for table in ("graph_entities", "graph_relations"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.execute("VACUUM ANALYZE graph_entities")
        conn.execute("VACUUM ANALYZE graph_relations")


def _pg_exists(name: str) -> bool:
    admin = create_engine(PG_ADMIN_URL)
    try:
        with admin.connect() as conn:
            return bool(conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar())
    finally:
        admin.dispose()


def ensure_store(backend: str, entities: int, relations: int, rebuild: bool) -> str:
    folder = CACHE / f"graph-expand-v{DATA_VERSION}-{entities}-{relations}"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{backend}.done"
    if backend == "sqlite":
        path = folder / "graph.sqlite"
        url = f"sqlite:///{path}"
        missing = not path.exists()
    else:
        name = f"fanzha_bench_graph_v{DATA_VERSION}_{entities}_{relations}"
        url = _pg_url(name)
        missing = not _pg_exists(name)
    if rebuild or missing or not marker.exists():
        marker.unlink(missing_ok=True)
        print(f"building the {backend} graph: {entities:,} entities, {relations:,} relations", flush=True)
        started = time.perf_counter()
        if backend == "sqlite":
            build_sqlite(folder / "graph.sqlite", entities, relations)
        else:
            build_postgres(url.rsplit("/", 1)[1], entities, relations)
        marker.write_text(f"{time.perf_counter() - started:.0f} s\n")
    print(f"store ready ({marker.read_text().strip()} to build)", flush=True)
    return url


def _walk(db: Database, start: int, steps: int, rng: random.Random) -> int:
    """A node ``steps`` relations from ``start`` along a random walk (for pairs that are linked)."""
    node = start
    with db.engine.connect() as conn:
        for _ in range(steps):
            outs = conn.execute(text("SELECT dst_id FROM graph_relations WHERE src_id = :n LIMIT 20"), {"n": node}).all()
            ins = conn.execute(text("SELECT src_id FROM graph_relations WHERE dst_id = :n LIMIT 20"), {"n": node}).all()
            choices = [r[0] for r in outs + ins if r[0] > HUBS]
            if not choices:
                break
            node = rng.choice(choices)
    return node


def run(args) -> bool:
    url = ensure_store(args.backend, args.entities, args.relations, args.rebuild)
    db = Database(url, migrate=False)
    rng = random.Random(args.seed)
    n = args.entities
    window = RelationFilter.parse("paid,called", datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 9, 1, tzinfo=UTC))
    biggest = list(range(1, min(50, HUBS) + 1))
    plan = [("random", rng.randint(HUBS + 1, n)) for _ in range(args.queries)]
    plan += [("hub", rng.choice(biggest)) for _ in range(args.queries // 5)]
    plan += [("filtered", rng.randint(HUBS + 1, n)) for _ in range(args.queries // 5)]
    rng.shuffle(plan)
    timings: dict[str, list[float]] = {}
    shown = left = 0
    for i, (kind, node) in enumerate(plan):
        started = time.perf_counter()
        with db.session() as s:
            chart = neighbourhood(s, ANALYST, node, window if kind == "filtered" else RelationFilter())
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        shown += len(chart.nodes) - 1
        left += chart.left_out
        if i % 50 == 0:
            print(f"\r  expansions: {i + 1}/{len(plan)}", end="", flush=True)
    print()
    pairs = [("linked", s, _walk(db, s, rng.randint(2, 4), rng))
             for s in (rng.randint(HUBS + 1, n) for _ in range(args.paths // 2))]
    pairs += [("random pair", rng.randint(HUBS + 1, n), rng.randint(HUBS + 1, n)) for _ in range(args.paths // 2)]
    found = 0
    for kind, a, b in pairs:
        started = time.perf_counter()
        with db.session() as s:
            chart = shortest_paths(s, ANALYST, a, b, max_hops=4, k=10)
        timings.setdefault(f"path {kind}", []).append((time.perf_counter() - started) * 1000)
        found += bool(chart.paths)
    print(f"\n{args.backend}: {n:,} entities, {args.relations:,} relations; "
          f"{len(plan)} expansions ({shown / len(plan):.1f} neighbours drawn, {left / len(plan):,.0f} left out on "
          f"average), {len(pairs)} path searches ({found} found a path of at most 4 hops)")
    for kind, values in sorted(timings.items()):
        print(f"  {kind:18} n={len(values):4}  p50 {percentile(values, 50):7.1f} ms  p95 {percentile(values, 95):7.1f} ms"
              f"  p99 {percentile(values, 99):7.1f} ms  max {max(values):7.1f} ms")
    expansions = [t for k, v in timings.items() if not k.startswith("path") for t in v]
    p95 = percentile(expansions, 95)
    ok = p95 <= TARGET_MS
    print(f"expansion: p50 {percentile(expansions, 50):.1f} ms, p95 {p95:.1f} ms, p99 {percentile(expansions, 99):.1f} ms"
          f" (target p95 {TARGET_MS:.0f} ms) -> {'OK' if ok else 'MISSED'}", flush=True)
    db.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=10_000_000)
    parser.add_argument("--relations", type=int, default=50_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--queries", type=int, default=500, help="random-node expansions (+20 %% hubs, +20 %% filtered)")
    parser.add_argument("--paths", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.relations > len(KINDS) * args.entities or args.entities <= HUBS:
        parser.error(f"--relations may be at most {len(KINDS)} x --entities, and --entities more than {HUBS}")
    return 0 if run(args) else 1


if __name__ == "__main__":
    raise SystemExit(main())
