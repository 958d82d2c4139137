"""Benchmark: the warning desk's boards and lists over a year of leads (预警线索看板).

    .venv/bin/python bench/bench_lead_board.py [--leads 1000000] [--queries 300] [--database sqlite|URL]

Fills a store with ``--leads`` leads over the city's 13 stations and 5 counties (100,000 a day, the
last day's still open, 97 % of the rest closed), with their signals, by bulk insert on the
migrations' schema; then times what officers open all day: a station's board, a county's and the
city's, filtered by grade and state, and one lead's page (``services.warning.work.board`` and
``load``, as the pages call them). Prints p50/p95/p99 per kind and overall. Target: p95 200 ms.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from latency import percentile  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from fanzha.domain import clock  # noqa: E402
from fanzha.domain.actor import Actor  # noqa: E402
from fanzha.domain.organisation import OrgKind  # noqa: E402
from fanzha.domain.region import DEFAULT_CITY  # noqa: E402
from fanzha.domain.role import Role  # noqa: E402
from fanzha.services.organisations import seed_organisations, station_org_id  # noqa: E402
from fanzha.services.warning.work import board, load  # noqa: E402
from fanzha.store.db import Database  # noqa: E402
from fanzha.store.models import LeadSignal, WarningLead  # noqa: E402

TARGET_MS = 200.0
PER_DAY = 100_000
CHUNK = 20_000
GRADES = (("high", 5), ("medium", 25), ("low", 70))
SOURCES = ("fraud_contact", "call_in_progress", "risky_transfer", "pushed_down", "citizen_report")


def fill(db: Database, leads: int, rng: random.Random) -> dict[str, int]:
    with db.session() as s:
        seed_organisations(s)
        stations = {(c.name, st): station_org_id(s, c.name, st) for c in DEFAULT_CITY.counties for st in c.stations}
    places = list(stations.items())
    grades = [g for g, w in GRADES for _ in range(w)]
    now = clock.now()
    started = time.perf_counter()
    for start in range(0, leads, CHUNK):
        rows, signals = [], []
        for i in range(start, min(start + CHUNK, leads)):
            (county, _station), org = places[i % len(places)]
            age = timedelta(seconds=(leads - i) * 86_400 / PER_DAY)
            raised = now - age
            closed = age > timedelta(days=1) and rng.random() < 0.97
            grade = rng.choice(grades)
            rows.append({"id": i + 1, "lead_no": f"YJ-B-{i:08d}", "subject_key": f"person:{i}",
                         "open_key": None if closed else f"person:{i}", "phone": f"138{i:08d}", "region": county,
                         "station_id": org, "level": "station", "grade": grade, "points": 3, "reasons": [],
                         "amount_at_stake_fen": 0, "stage": "contacted", "state": "closed" if closed else "open",
                         "escalations": 0, "raised_at": raised, "sign_by": raised + timedelta(hours=1),
                         "finish_by": raised + timedelta(hours=24), "closed_at": raised + timedelta(hours=2) if closed
                         else None, "result": "dissuaded" if closed else None})
            signals.append({"lead_id": i + 1, "dedup_key": f"bench:{i}", "source": rng.choice(SOURCES), "at": raised,
                            "evidence": {"number": "17000000000"}, "received_at": raised})
        with db.engine.begin() as conn:
            conn.execute(insert(WarningLead.__table__), rows)
            conn.execute(insert(LeadSignal.__table__), signals)
        done = min(start + CHUNK, leads)
        print(f"\r  {done:,}/{leads:,} leads ({done / (time.perf_counter() - started):,.0f}/s)", end="", flush=True)
    print()
    return {f"{county}/{station}": org for (county, station), org in stations.items()}


def run(args) -> bool:
    folder = tempfile.TemporaryDirectory()
    url = f"sqlite:///{Path(folder.name) / 'leads.sqlite'}" if args.database == "sqlite" else args.database
    db = Database(url)
    rng = random.Random(args.seed)
    t = time.perf_counter()
    stations = fill(db, args.leads, rng)
    print(f"filled {args.leads:,} leads in {time.perf_counter() - t:.0f} s ({db.dialect})", flush=True)
    actors = {
        "station": [Actor(username="s", role=Role.STATION_OFFICER, org_kind=OrgKind.POLICE_STATION, org_id=org,
                          region=key.split("/")[0]) for key, org in stations.items()],
        "county": [Actor(username="c", role=Role.WARNING_OFFICER, org_kind=OrgKind.COUNTY_CENTER, region=c.name)
                   for c in DEFAULT_CITY.counties],
        "city": [Actor(username="w", role=Role.WARNING_OFFICER, org_kind=OrgKind.CITY_CENTER)],
    }
    with db.session() as s:
        open_ids = list(s.scalars(select(WarningLead.id).where(WarningLead.state == "open").limit(5000)))
    timings: dict[str, list[float]] = {}
    for _ in range(args.queries):
        kind = rng.choice(("station", "station", "county", "city", "lead"))
        started = time.perf_counter()
        with db.session() as s:
            if kind == "lead":
                lead = load(s, actors["city"][0], rng.choice(open_ids))
                _ = (list(lead.signals), list(lead.steps))
            else:
                actor = rng.choice(actors[kind])
                filters = rng.choice(({}, {"grade": "high"}, {"state": "open"}, {"grade": "medium"}))
                rows = board(s, actor, **filters)
                assert rows or filters, "an empty board"
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    everything = [t for v in timings.values() for t in v]
    for kind, values in sorted(timings.items()):
        print(f"  {kind:8} n={len(values):4} p50 {percentile(values, 50):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  "
              f"p99 {percentile(values, 99):6.1f} ms")
    p95 = percentile(everything, 95)
    ok = p95 <= TARGET_MS
    print(f"all: p50 {percentile(everything, 50):.1f} ms, p95 {p95:.1f} ms, p99 {percentile(everything, 99):.1f} ms "
          f"(target p95 {TARGET_MS:.0f} ms) -> {'OK' if ok else 'MISSED'}", flush=True)
    db.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default="sqlite", help="sqlite (a temporary file) or a database URL")
    parser.add_argument("--seed", type=int, default=7)
    return 0 if run(parser.parse_args()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
