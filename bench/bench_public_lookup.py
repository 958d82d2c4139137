"""Benchmark: the public risk look-up under load, with its rate limit in force (风险查询压测).

    .venv/bin/python bench/bench_public_lookup.py [--workers 1] [--seconds 10] [--connections 64]
                                                  [--numbers 200000] [--limiter redis|memory] [--client wrk|python]

Fills a SQLite store with ``--numbers`` block-list numbers, case accounts and URLs, then serves the
app as deployed behind a reverse proxy: ``uvicorn --factory fanzha.web.app:create_app --workers N
--proxy-headers --forwarded-allow-ips 127.0.0.1`` (the client's address comes from
X-Forwarded-For, so one machine can play many clients). The look-up's fast path (web/lookup_fast_path.py) is added to the app when create_app does not
install it (``--framework-only`` serves create_app as it is). With ``--limiter redis`` (the default)
FANZHA_REDIS_URL points the workers at the local Redis, so they share one limit per address.

The load: GET /api/public/lookup from 60,000 client addresses (each well under the public limit
of 60 a minute), a mix of risky and unknown phones, accounts and URLs; plus one address that asks
far more often than its limit and must be answered 429. The limiter runs on every request.
Prints requests/s, p50/p99 latency and the 429 count (all of them from the one greedy address).
Targets: at least 2,000 requests/s, p99 at most 20 ms.

The load generator runs on the same cores as the server (``wrk``, a C program, from the Debian
package ``wrk``; without it a Python asyncio client with keep-alive, which is itself the
bottleneck well before the server is), so the figures are a floor for the server.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from fanzha.domain import clock  # noqa: E402
from fanzha.services.organisations import seed_organisations  # noqa: E402
from fanzha.store.db import Database  # noqa: E402
from fanzha.store.models import BlockListEntry, NumberScore  # noqa: E402

TARGET_RPS = 2_000
TARGET_P99_MS = 20.0
REDIS_URL = "redis://127.0.0.1:6379/0"
GREEDY = "10.255.255.254"  # the one address that asks too often
GREEDY_SHARE = 50  # one request in 50 comes from it


def app_factory():
    """The app as ``create_app()`` makes it, with the look-up's fast path (web/lookup_fast_path.py)
    added here when create_app does not install it itself."""
    from fanzha.web.app import create_app
    from fanzha.web.lookup_fast_path import LookupFastPath

    app = create_app()
    if not any(m.cls is LookupFastPath for m in app.user_middleware):
        app.add_middleware(LookupFastPath)
    return app


def fill(url: str, numbers: int) -> None:
    db = Database(url)
    now = clock.now()
    with db.session() as s:
        seed_organisations(s)
    rows = [{"number": f"171{i:08d}", "list_kind": "known", "reason": "bench", "provenance": "manual",
             "appeal_channel": "96110", "created_at": now, "created_by": "bench"} for i in range(numbers)]
    scores = [{"number": f"172{i:08d}", "score": 0.9, "reasons": [], "window_days": 30.0, "scored_at": now,
               "state": "pending"} for i in range(numbers // 4)]
    with db.engine.begin() as conn:
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(BlockListEntry), rows[start:start + 20_000])
        conn.execute(insert(NumberScore), scores)
    db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def paths(count: int, rng: random.Random) -> list[str]:
    """A mix of look-ups: phones listed and not, accounts, URLs."""
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.5:
            out.append(f"/api/public/lookup?kind=phone&value=171{rng.randrange(400_000):08d}")
        elif roll < 0.7:
            out.append(f"/api/public/lookup?kind=phone&value=172{rng.randrange(100_000):08d}")
        elif roll < 0.9:
            out.append(f"/api/public/lookup?kind=account&value=6217{rng.randrange(10**12):012d}")
        else:
            out.append(f"/api/public/lookup?kind=url&value=shop{rng.randrange(1000)}.example.cn/pay")
    return out


WRK_SCRIPT = """
local paths = {%(paths)s}
local greedy = "%(greedy)s"
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() + id * 7919)
  status429 = 0
  status200 = 0
  other = 0
end
function request()
  counter = counter + 1
  local ip
  if counter %% %(share)d == 0 then ip = greedy
  else ip = "10." .. math.random(0, 239) .. "." .. math.random(0, 249) .. "." .. math.random(1, 250) end
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, {["X-Forwarded-For"] = ip})
end
function response(status, headers, body)
  if status == 429 then status429 = status429 + 1
  elseif status == 200 then status200 = status200 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local t429, t200, tother = 0, 0, 0
  for _, thread in ipairs(threads) do
    t429 = t429 + thread:get("status429")
    t200 = t200 + thread:get("status200")
    tother = tother + thread:get("other")
  end
  io.write(string.format("RESULT {\\"requests\\": %%d, \\"seconds\\": %%.3f, \\"p50_ms\\": %%.3f, \\"p99_ms\\": %%.3f, \\"max_ms\\": %%.3f, \\"ok\\": %%d, \\"limited\\": %%d, \\"other\\": %%d, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, t200, t429, tother, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def run_wrk(port: int, seconds: int, connections: int, threads: int, sample: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % {"paths": ",".join(json.dumps(p) for p in sample), "greedy": GREEDY,
                              "share": GREEDY_SHARE})
        script = f.name
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-s", script, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    os.unlink(script)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def run_python(port: int, seconds: int, connections: int, sample: list[str]) -> dict:
    import httpx

    latencies: list[float] = []
    counts = {"ok": 0, "limited": 0, "other": 0, "errors": 0}
    rng = random.Random(3)

    async def one(client: httpx.AsyncClient, stop: float) -> None:
        n = 0
        while time.perf_counter() < stop:
            n += 1
            ip = GREEDY if n % GREEDY_SHARE == 0 else f"10.{rng.randrange(240)}.{rng.randrange(250)}.{rng.randrange(1, 251)}"
            started = time.perf_counter()
            try:
                r = await client.get(rng.choice(sample), headers={"X-Forwarded-For": ip})
            except httpx.HTTPError:
                counts["errors"] += 1
                continue
            latencies.append(time.perf_counter() - started)
            counts["ok" if r.status_code == 200 else "limited" if r.status_code == 429 else "other"] += 1

    async def main() -> float:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
            started = time.perf_counter()
            await asyncio.gather(*(one(client, started + seconds) for _ in range(connections)))
            return time.perf_counter() - started

    elapsed = asyncio.run(main())
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"requests": len(latencies), "seconds": elapsed, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
            "max_ms": latencies[-1] * 1000 if latencies else 0.0, **counts}


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of every process in the server's process group (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"GET /api/public/ping HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.255.0.1\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # One worker: uvicorn 0.54's --workers N leaves Nagle on for every connection (its issue #3149),
    # so each keep-alive answer waits ~44 ms for the client's delayed ACK (docs/benchmarks.md).
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--numbers", type=int, default=200_000)
    parser.add_argument("--limiter", choices=("redis", "memory"), default="redis")
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--framework-only", action="store_true",
                        help="serve create_app() as it is, without adding the look-up's fast path")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.limiter == "memory" and args.workers > 1:
        print("note: in-memory limits are per worker; with several workers use --limiter redis", file=sys.stderr)

    folder = Path(tempfile.mkdtemp(prefix="fanzha-bench-lookup-"))
    url = f"sqlite:///{folder / 'lookup.sqlite'}"
    started = time.perf_counter()
    fill(url, args.numbers)
    fill_s = time.perf_counter() - started
    port = free_port()
    env = {**os.environ, "FANZHA_DATABASE_URL": url, "FANZHA_DATA_DIR": str(folder),
           "FANZHA_SECRET_KEY": "bench-secret", "FANZHA_COOKIE_SECURE": "0"}
    env.pop("FANZHA_REDIS_URL", None)
    if args.limiter == "redis":
        env["FANZHA_REDIS_URL"] = REDIS_URL
        import redis

        redis.Redis.from_url(REDIS_URL).delete(f"fanzha:rl:public:public:{GREEDY}")
    factory = "fanzha.web.app:create_app" if args.framework_only else "bench_public_lookup:app_factory"
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1]), str(Path(__file__).parent)])
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(args.workers), "--proxy-headers", "--forwarded-allow-ips",
         "127.0.0.1", "--no-access-log", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_up(port, server)
        sample = paths(2_000, random.Random(7))
        # warm every worker's lists (the first look-up in a worker reads them)
        warm = run_python(port, 2, 8, sample) if args.client == "python" else run_wrk(port, 2, 8, 1, sample)
        if args.limiter == "redis":
            redis.Redis.from_url(REDIS_URL).delete(f"fanzha:rl:public:public:{GREEDY}")
        cpu_before = group_cpu_seconds(server.pid)
        if args.client == "wrk":
            result = run_wrk(port, args.seconds, args.connections, args.threads, sample)
        else:
            result = run_python(port, args.seconds, args.connections, sample)
        server_cpu = group_cpu_seconds(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    rps = result["requests"] / result["seconds"]
    greedy_sent = result["requests"] // GREEDY_SHARE
    report = {"workers": args.workers, "limiter": args.limiter, "client": args.client,
              "fast_path": not args.framework_only,
              "connections": args.connections, "listed_numbers": args.numbers, "fill_s": round(fill_s, 1),
              "warm_requests": warm["requests"], "requests": result["requests"], "seconds": round(result["seconds"], 2),
              "requests_per_s": round(rps), "p50_ms": round(result["p50_ms"], 2), "p99_ms": round(result["p99_ms"], 2),
              "max_ms": round(result["max_ms"], 2), "answered_200": result["ok"], "answered_429": result["limited"],
              "greedy_requests_about": greedy_sent, "other_status": result["other"], "errors": result["errors"],
              "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, result["requests"]), 3),
              "load_average_1m": round(os.getloadavg()[0], 2),
              "meets_rps": rps >= TARGET_RPS, "meets_p99": result["p99_ms"] <= TARGET_P99_MS}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"risk look-up: {args.workers} uvicorn worker(s), {args.limiter} rate limiter, "
              f"{'framework route only' if args.framework_only else 'fast path'}, load from {args.client} "
              f"({args.connections} connections) on the same machine")
        print(f"  {result['requests']} requests in {result['seconds']:.1f} s = {rps:,.0f} requests/s "
              f"(target >= {TARGET_RPS:,})")
        print(f"  latency p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms (target <= {TARGET_P99_MS:.0f} ms),"
              f" max {result['max_ms']:.1f} ms")
        print(f"  answered 200: {result['ok']}, 429: {result['limited']} (the greedy address sent about "
              f"{greedy_sent}; its limit lets 60 a minute through), other: {result['other']}, errors: {result['errors']}")
        print(f"  server CPU per request: {report['server_cpu_ms_per_request']:.3f} ms (all workers); load average "
              f"during the run {report['load_average_1m']} on {os.cpu_count()} cores (a shared machine counts others)")
    return 0 if report["meets_rps"] and report["meets_p99"] and result["limited"] > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
