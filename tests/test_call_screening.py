"""The in-memory call screen: flags from block lists and scores, residents, expiry, both directions."""
from __future__ import annotations

import numpy as np

from fanzha.engines.call_screening import CallScreen, Flag, Resident, merge_flags, number_key

RESIDENTS = [Resident("13800000001", 1, "CMCC"), Resident("13800000002", 2, "CUCC")]


def test_a_flagged_number_calling_a_resident_is_a_hit_either_way_round() -> None:
    screen = CallScreen.build([Flag("17000000001", "known", "case", entry_id=7)], RESIDENTS)
    hits = screen.screen(["13800000001", "17000000001", "13800000003", "13800000001"],
                         ["17000000001", "13800000002", "17000000001", "13800000002"], [0, 0, 0, 0])
    assert [(h.index, h.resident.number, h.flag.entry_id) for h in hits] == [
        (0, "13800000001", 7), (1, "13800000002", 7)]  # a non-resident (row 2) and two residents: none


def test_expired_flags_do_not_hit_calls_after_expiry_but_do_before() -> None:
    screen = CallScreen.build([Flag("17000000001", "known", "x", entry_id=1, expires_epoch=1000.0)], RESIDENTS)
    hits = screen.screen(["13800000001"] * 2, ["17000000001"] * 2, np.array([999.0, 1000.0]))
    assert [h.index for h in hits] == [0]  # out-of-order events are judged by their own time


def test_model_scores_at_or_above_the_threshold_flag_and_lists_win() -> None:
    flags = merge_flags([Flag("17000000001", "known", "case", entry_id=3)],
                        {"17000000001": 0.99, "17000000002": 0.8, "17000000003": 0.79}, threshold=0.8)
    assert set(flags) == {"17000000001", "17000000002"}
    assert flags["17000000001"].entry_id == 3 and flags["17000000002"].score == 0.8


def test_numbers_that_are_not_digits_are_never_residents() -> None:
    screen = CallScreen.build([Flag("+8617000000001", "known", "x")], RESIDENTS)
    assert number_key("+86170") is None and screen.resident("abc") is None
    assert screen.screen(["abc"], ["+8617000000001"], [0]) == []
    assert screen.with_flags({}).screen(["13800000001"], ["17000000001"], [0]) == []
