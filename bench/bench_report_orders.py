"""Report saved to level-1 stop-payment orders sent: the platform's first seconds, measured.

    .venv/bin/python bench/bench_report_orders.py --size 100000 --reports 300 --backend both

On a store already holding ``--size`` cases (the case-search bench's store, built once and
cached in the temp directory), a duty officer's system files ``--reports`` new victim reports
through the JSON API (POST /api/cases with an organisation token), each with 1-3 transfers to
1-3 receiving accounts at the six banks. The time measured is the whole request: the report is
validated, saved, and its level-1 orders are raised and sent in the same transaction, so when the
response arrives the orders are in the bank's queue. Each report's orders are then checked: one
per receiving account, state ``sent``. Target: at most 1 s (p99 printed too).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_case_search import ensure_store, percentile  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from fanzha.domain import clock  # noqa: E402
from fanzha.domain.actor import Actor  # noqa: E402
from fanzha.domain.identity import id_check_digit  # noqa: E402
from fanzha.services.api_tokens import create_token  # noqa: E402
from fanzha.services.organisations import seed_organisations  # noqa: E402
from fanzha.store.models import StopPaymentOrder  # noqa: E402
from fanzha.web.app import create_app  # noqa: E402

TARGET_S = 1.0
BANKS = ("工商银行", "农业银行", "中国银行", "建设银行", "交通银行", "邮储银行")


def _report(rng: random.Random, n: int, run: str) -> dict:
    now = clock.now()
    body17 = f"350302{1960 + rng.randrange(40)}{rng.randrange(1, 13):02d}{rng.randrange(1, 28):02d}{rng.randrange(1000):03d}"
    accounts = [f"62{rng.randrange(10**15, 10**16)}"[:18] for _ in range(rng.randint(1, 3))]
    transfers = []
    for i in range(rng.randint(len(accounts), 3)):
        account = accounts[i % len(accounts)]
        transfers.append({"time": (now - timedelta(minutes=40 - 5 * i)).isoformat(),
                          "amount": f"{rng.randrange(500, 200_000)}.{rng.randrange(100):02d}",
                          "to_account": account, "to_name": "某某", "to_bank": BANKS[hash(account) % len(BANKS)]})
    return {"report_id": f"JQ-BENCH-{run}-{n:06d}", "reported_at": now.isoformat(), "region": "城厢区",
            "victim": {"name": "陈某", "id_number": body17 + id_check_digit(body17), "phone": "13800000000", "age": 40},
            "narrative": "对方以刷单返利为由让我转账", "transfers": transfers, "contacts": []}


def run(backend: str, size: int, reports: int, seed: int) -> bool:
    url = ensure_store(backend, size, rebuild=False)
    app = create_app(url, secret_key="bench", cookie_secure=False)
    db = app.state.db
    with db.session() as session:
        seed_organisations(session)
        secret = create_token(session, Actor.system("bench"), "city", "duty_officer", "bench").secret
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {secret}"
    rng = random.Random(seed)
    run_id = f"{int(time.time())}"
    timings: list[float] = []
    expected: dict[int, set[str]] = {}
    for n in range(reports + 20):
        body = _report(rng, n, run_id)
        started = time.perf_counter()
        response = client.post("/api/cases", json=body)
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            print(f"report {n} refused: {response.status_code} {response.text[:300]}")
            return False
        if n >= 20:  # the first requests warm the caches and the connection pool
            timings.append(elapsed)
            expected[response.json()["case"]["id"]] = {t["to_account"] for t in body["transfers"]}
    with db.session() as session:
        orders = session.execute(select(StopPaymentOrder.case_id, StopPaymentOrder.account_number,
                                        StopPaymentOrder.state).where(StopPaymentOrder.case_id.in_(list(expected)))).all()
    got: dict[int, set[str]] = {}
    for case_id, account, state in orders:
        if state == "sent":
            got.setdefault(case_id, set()).add(account)
    complete = sum(1 for case_id, accounts in expected.items() if got.get(case_id) == accounts)
    db.dispose()
    p50, p95, p99 = (percentile(timings, p) * 1000 for p in (50, 95, 99))
    worst = max(timings) * 1000
    ok = complete == len(expected) and p99 <= TARGET_S * 1000
    print(f"{backend}: {len(timings)} reports on a store of {size:,} cases; report saved to level-1 orders sent: "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms "
          f"(target {TARGET_S * 1000:.0f} ms); orders complete and sent for {complete}/{len(expected)} reports "
          f"-> {'OK' if ok else 'MISSED'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="cases already in the store")
    parser.add_argument("--reports", type=int, default=300, help="reports filed and timed")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    return 0 if all([run(b, args.size, args.reports, args.seed) for b in backends]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
