"""Both sides of one transfer (双边匹配): the payer's 出 and the payee's 进 posting, paired.

Tracing follows an outflow into the payee's statement at the moment the payee received it, so
every transfer out to an account whose statement is in hand needs its 进 posting there. The rule is
the importer's (``fanzha.engines.transfer_matching``): same two accounts, same amount, posted
within a few minutes, one-to-one, nearest in time first, ties by posting order; taken in rounds of
pairs that are each other's nearest. Here it runs on the index's integer arrays with numpy, which
at tens of millions of postings is several times faster than keying every posting with text.
"""
from __future__ import annotations

import numpy as np
import polars as pl


def pair_postings(account: np.ndarray, counterparty: np.ndarray, incoming: np.ndarray, amount: np.ndarray,
                  time: np.ndarray, transfer_out: np.ndarray, in_hand: np.ndarray, window_s: int) -> np.ndarray:
    """For each posting, the posting of the other side of the same transfer, or -1.

    Only transfers between two accounts whose statements are both in hand can pair: out-postings
    that are transfers (not cash or purchases) and in-postings, each naming a counterparty in hand.
    Postings are identified by their position; that is also the tie-break order.
    """
    n = len(amount)
    pair = np.full(n, -1, np.int32)
    if n == 0:
        return pair
    other_in_hand = (counterparty >= 0) & in_hand[np.maximum(counterparty, 0)]
    outs = np.flatnonzero(other_in_hand & ~incoming & transfer_out)
    ins = np.flatnonzero(other_in_hand & incoming)
    if len(outs) == 0 or len(ins) == 0:
        return pair
    accounts = np.int64(len(in_hand))
    # the transfer as both sides see it: (payer, payee, amount)
    out_key = account[outs].astype(np.int64) * accounts + counterparty[outs]
    in_key = counterparty[ins].astype(np.int64) * accounts + account[ins]
    out_i, in_i, gap = _candidates(out_key, amount[outs], time[outs], in_key, amount[ins], time[ins],
                                   window_s * 1_000_000)
    if len(out_i) == 0:
        return pair
    # an out and an in that are each other's only candidate pair at once (most transfers)
    only = (np.bincount(out_i, minlength=len(outs))[out_i] == 1) & (np.bincount(in_i, minlength=len(ins))[in_i] == 1)
    pair[outs[out_i[only]]] = ins[in_i[only]]
    pair[ins[in_i[only]]] = outs[out_i[only]]
    out_i, in_i, gap = out_i[~only], in_i[~only], gap[~only]
    # the rest: nearest first, ties by the postings' order, in rounds of mutually nearest pairs
    order = np.lexsort((ins[in_i], outs[out_i], gap))
    out_i, in_i = out_i[order], in_i[order]
    taken_out = np.zeros(len(outs), bool)
    taken_in = np.zeros(len(ins), bool)
    while len(out_i):
        first_of_out = _first_occurrence(out_i)
        first_of_in = _first_occurrence(in_i)
        mutual = first_of_out & first_of_in
        taken_out[out_i[mutual]] = True
        taken_in[in_i[mutual]] = True
        pair[outs[out_i[mutual]]] = ins[in_i[mutual]]
        pair[ins[in_i[mutual]]] = outs[out_i[mutual]]
        keep = ~taken_out[out_i] & ~taken_in[in_i]
        out_i, in_i = out_i[keep], in_i[keep]
    return pair


def _candidates(out_key: np.ndarray, out_amount: np.ndarray, out_time: np.ndarray, in_key: np.ndarray,
                in_amount: np.ndarray, in_time: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (out, in) of the same accounts and amount posted within ``window`` µs of each other.

    Postings are grouped by a 64-bit mix of (accounts, amount); inside a group the ins are in time
    order and each out's window is found by binary search. A mix shared by two different groups
    only adds candidates, which the exact comparison at the end drops.
    """
    with np.errstate(over="ignore"):
        out_mix = out_key * np.int64(-7046029254386353131) + out_amount * np.int64(1442695040888963407)
        in_mix = in_key * np.int64(-7046029254386353131) + in_amount * np.int64(1442695040888963407)
    in_order = pl.DataFrame({"m": in_mix, "t": in_time}).select(pl.arg_sort_by(["m", "t"])).to_series().to_numpy()
    sorted_mix, sorted_time = in_mix[in_order], in_time[in_order]
    # binary searches run far faster with the needles in order too
    out_order = np.argsort(out_mix)
    group_start = np.empty(len(out_mix), np.int64)
    group_stop = np.empty(len(out_mix), np.int64)
    group_start[out_order] = np.searchsorted(sorted_mix, out_mix[out_order], "left")
    group_stop[out_order] = np.searchsorted(sorted_mix, out_mix[out_order], "right")
    lo = _segment_search(sorted_time, group_start, group_stop, out_time - window, "left")
    hi = _segment_search(sorted_time, group_start, group_stop, out_time + window, "right")
    count = hi - lo
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    out_i = np.repeat(np.arange(len(out_key)), count)
    offsets = np.repeat(lo - (np.cumsum(count) - count), count)
    in_i = in_order[offsets + np.arange(total)]
    same = (out_key[out_i] == in_key[in_i]) & (out_amount[out_i] == in_amount[in_i])
    out_i, in_i = out_i[same], in_i[same]
    return out_i, in_i, np.abs(in_time[in_i] - out_time[out_i])


def _segment_search(values: np.ndarray, start: np.ndarray, stop: np.ndarray, target: np.ndarray,
                    side: str) -> np.ndarray:
    """np.searchsorted of each target within its own sorted segment values[start:stop]."""
    lo, hi = start.copy(), stop.copy()
    active = np.flatnonzero(lo < hi)
    while len(active):
        mid = (lo[active] + hi[active]) // 2
        right = values[mid] < target[active] if side == "left" else values[mid] <= target[active]
        lo[active[right]] = mid[right] + 1
        hi[active[~right]] = mid[~right]
        active = active[lo[active] < hi[active]]
    return lo


def _first_occurrence(ids: np.ndarray) -> np.ndarray:
    """True at the first place each id appears."""
    first = np.zeros(len(ids), bool)
    _, where = np.unique(ids, return_index=True)
    first[where] = True
    return first
