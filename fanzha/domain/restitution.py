"""Returning frozen money to victims (返还): directly where it matches one victim, otherwise in
proportion to each victim's loss after a 30-day public notice. Integer fen, nothing lost."""
from __future__ import annotations

from datetime import datetime, timedelta

NOTICE_PERIOD = timedelta(days=30)


def proportional_shares(amount_fen: int, losses_fen: dict[str, int]) -> dict[str, int]:
    """Split ``amount_fen`` in proportion to losses by the largest-remainder rule.

    Every fen is handed out; ties in the remainder go to the larger loss, then the victim key,
    so the split is the same every time. No victim gets more than their loss.
    """
    if amount_fen < 0 or any(v < 0 for v in losses_fen.values()):
        raise ValueError("amounts must not be negative")
    total = sum(losses_fen.values())
    if total == 0 or amount_fen == 0:
        return {victim: 0 for victim in losses_fen}
    amount_fen = min(amount_fen, total)
    floors = {v: amount_fen * loss // total for v, loss in losses_fen.items()}
    left = amount_fen - sum(floors.values())
    order = sorted(losses_fen, key=lambda v: (-(amount_fen * losses_fen[v] % total), -losses_fen[v], v))
    for victim in order[:left]:
        floors[victim] += 1
    return floors


def notice_ends_at(published_at: datetime) -> datetime:
    """Proportional returns wait for the 30-day public notice (公告) to end."""
    if published_at.tzinfo is None:
        raise ValueError("published_at must carry a zone")
    return published_at + NOTICE_PERIOD


def may_return_proportionally(published_at: datetime | None, now: datetime) -> bool:
    return published_at is not None and now >= notice_ends_at(published_at)
