"""Where a trace starts (资金来源): the victim's payments into the level-1 accounts.

A source is one payment a victim made, as the report tells it. In the payee's statement it is an
incoming posting of the same amount, from the victim's account when the report names it, at about
the reported time (victims give the time they paid; the payee's bank may post it minutes later,
and victims round). Each payment is matched to one posting, nearest in time first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from fanzha.domain.report import VictimReport

REPORT_WINDOW_S = 30 * 60  # a reported payment matches an incoming posting within 30 minutes


def epoch_us(value: datetime | int) -> int:
    """A zone-aware time (or µs since the epoch) as µs since the epoch, UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a source's time must carry a zone")
        return int(round(value.timestamp() * 1_000_000))
    return int(value)


@dataclass(frozen=True)
class Source:
    """One payment of stolen money into a level-1 account (一级卡)."""

    victim: str  # whose money it is: the report id, or any key that keeps victims apart
    account: str  # the account the victim paid
    amount_fen: int
    time: datetime | int  # when the victim paid (a zoned datetime, or µs since the epoch)
    from_account: str | None = None  # the victim's account, when known
    bank: str | None = None  # the payee's bank, as the victim says
    holder: str | None = None  # the payee's name, as the victim says
    place: str | None = None  # where it was read: "reports.json: report 1 (JQ-...), transfers.0"

    @classmethod
    def from_report(cls, report: VictimReport, place: str | None = None) -> list[Source]:
        """The report's payments as sources; the victim is the report id."""
        label = place or f"report {report.report_id}"
        return [cls(victim=report.report_id, account=t.to_account, amount_fen=t.amount, time=t.time,
                    from_account=t.from_account, bank=t.to_bank, holder=t.to_name,
                    place=f"{label}, transfers.{i}")
                for i, t in enumerate(report.transfers)]


def match_sources(time: np.ndarray, amount: np.ndarray, incoming: np.ndarray, counterparty: np.ndarray,
                  offsets: np.ndarray, codes: list[int], from_codes: list[int], sources: list[Source],
                  window_s: int = REPORT_WINDOW_S) -> list[int]:
    """For each source, its incoming posting in the payee's statement, or -1 when none fits.

    ``codes``/``from_codes`` are the payee's and the victim's account codes (-1 when unknown). A
    posting fits when it is incoming, of the same amount, within ``window_s`` of the reported time
    and, when both name the victim's account, from it. Closest first, each posting used once.
    """
    window = window_s * 1_000_000
    candidates: list[tuple[int, int, int]] = []  # (gap, source, posting)
    for i, (source, code, from_code) in enumerate(zip(sources, codes, from_codes, strict=True)):
        if code < 0:
            continue
        lo, hi = int(offsets[code]), int(offsets[code + 1])
        if lo == hi:
            continue
        t = epoch_us(source.time)
        a = int(np.searchsorted(time[lo:hi], t - window, side="left")) + lo
        b = int(np.searchsorted(time[lo:hi], t + window, side="right")) + lo
        if a >= b:
            continue
        span = np.arange(a, b)
        fits = incoming[a:b] & (amount[a:b] == source.amount_fen)
        if from_code >= 0:
            cp = counterparty[a:b]
            fits &= (cp == from_code) | (cp < 0)
        for p in span[fits].tolist():
            candidates.append((abs(int(time[p]) - t), i, p))
    candidates.sort()
    chosen = [-1] * len(sources)
    used: set[int] = set()
    for _gap, i, p in candidates:
        if chosen[i] < 0 and p not in used:
            chosen[i] = p
            used.add(p)
    return chosen
