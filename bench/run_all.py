"""Run every benchmark under bench/ in turn (``make bench``); each prints its own figures.

Record the figures in docs/benchmarks.md with the machine and the date.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = [
    ("simulate", ["bench_simulate.py", "--all"]),
    ("import", ["bench_import.py"]),
    ("case search", ["bench_case_search.py", "--size", "1000000", "--backend", "both"]),
    ("trace", ["bench_trace.py", "--transfers", "10000000", "--traces", "1000"]),
    ("report orders", ["bench_report_orders.py", "--size", "1000000", "--backend", "both"]),
    ("numbers", ["bench_numbers.py"]),
    ("text", ["bench_text.py"]),
    ("drill", ["bench_drill_funds.py", "--residents", "100000", "--seed", "7", "--report-within", "60"]),
    ("lead board", ["bench_lead_board.py", "--leads", "1000000"]),
    ("call to lead", ["bench_call_to_lead.py", "--residents", "100000", "--calls", "300"]),
    ("drill warning", ["bench_drill_warning.py", "--residents", "100000", "--seed", "7"]),
    ("screening", ["bench_screening.py", "--events", "1000000", "--pipeline-events", "1000000"]),
    ("stream nats", ["bench_stream_nats.py", "--rate", "5000", "--seconds", "60"]),
    ("series", ["bench_series.py", "--scale", "1.0"]),
    ("graph expand", ["bench_graph_expand.py"]),  # 10M entities / 50M relations: ~8 min, ~17 GB of disk
    ("mules", ["bench_mules.py"]),
    ("command", ["bench_command.py"]),
    ("report", ["bench_report.py"]),
    ("public lookup", ["bench_public_lookup.py"]),
]


def main() -> int:
    only = set(sys.argv[1:])
    failed = 0
    for name, argv in BENCHES:
        if only and name.split()[0] not in only:
            continue
        print(f"\n=== {name} ===", flush=True)
        failed += subprocess.call([sys.executable, str(HERE / argv[0]), *argv[1:]]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
