"""What the consumer has done (流处理统计): events in, stored, duplicates, dead letters, alerts, latency."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

LATENCIES_KEPT = 2_000_000
# Where a batch's time goes: reading the events, storing the records, screening them, raising
# alerts and leads, and the commit itself (the store writing its pages).
PHASES = ("decode", "store", "screen", "alert", "commit")


@dataclass
class BatchOutcome:
    """One committed batch."""

    subject: str
    received: int
    stored: int  # records new to the store
    duplicates: int  # valid events whose record was already stored
    dead_letters: int
    alerts: list[int]  # ids of the alerts raised (new ones only)
    committed_at: float  # epoch seconds, just after the commit
    sent_at: list[float] = field(default_factory=list)  # the producers' publish times, when given
    alert_sent_at: list[float] = field(default_factory=list)  # the same, for events that raised an alert
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent: decode, store, screen, alert, commit


@dataclass
class StreamStats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    alerts: int = 0
    batches: int = 0
    failed_batches: int = 0
    latencies_ms: deque = field(default_factory=lambda: deque(maxlen=LATENCIES_KEPT))
    alert_latencies_ms: deque = field(default_factory=lambda: deque(maxlen=LATENCIES_KEPT))
    phase_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))

    def add(self, outcome: BatchOutcome) -> None:
        self.batches += 1
        self.received += outcome.received
        self.stored += outcome.stored
        self.duplicates += outcome.duplicates
        self.dead_letters += outcome.dead_letters
        self.alerts += len(outcome.alerts)
        for phase, seconds in outcome.phases.items():
            self.phase_s[phase] = self.phase_s.get(phase, 0.0) + seconds
        done = outcome.committed_at
        self.latencies_ms.extend((done - t) * 1000.0 for t in outcome.sent_at)
        self.alert_latencies_ms.extend((done - t) * 1000.0 for t in outcome.alert_sent_at)

    def as_dict(self) -> dict:
        def pct(values, q):
            return round(float(np.percentile(np.fromiter(values, float), q)), 2) if values else None

        return {"received": self.received, "stored": self.stored, "duplicates": self.duplicates,
                "dead_letters": self.dead_letters, "alerts": self.alerts, "batches": self.batches,
                "failed_batches": self.failed_batches,
                "latency_ms_p50": pct(self.latencies_ms, 50), "latency_ms_p99": pct(self.latencies_ms, 99),
                "alert_latency_ms_p50": pct(self.alert_latencies_ms, 50),
                "alert_latency_ms_p99": pct(self.alert_latencies_ms, 99),
                "seconds": {phase: round(seconds, 3) for phase, seconds in self.phase_s.items()}}
