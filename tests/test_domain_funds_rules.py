"""The funds desk's rules, as DESIGN.md states them: four fields, 48 hours, two stops, six-month
freezes with a legal document, returns in proportion after a 30-day notice, all in fen."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.freeze import freeze_expires_at, renewed_expiry, validate_legal_document
from fanzha.domain.restitution import may_return_proportionally, proportional_shares
from fanzha.domain.stop_payment import (
    FourFields,
    OrderState,
    check_four_fields,
    is_near_expiry,
    may_stop_again,
    stop_expires_at,
)

T = datetime(2024, 5, 30, 15, 2, tzinfo=CENTER_TZ)


def test_four_fields_match_and_each_mismatch_is_named() -> None:
    held = FourFields("李 某", "6217000000000002", 5_000_000, T)
    assert check_four_fields(FourFields("李某", "6217000000000002", 5_000_000, T + timedelta(minutes=2)), held).matches
    result = check_four_fields(FourFields("王某", "6217000000000009", 4_000_000, T + timedelta(hours=1)), held)
    assert not result.matches
    assert [m.split(":")[0] for m in result.mismatches] == ["account_number", "account_name", "amount", "transfer_time"]


def test_stop_lasts_48_hours_from_the_stop_and_twice_at_most() -> None:
    stopped = datetime(2024, 5, 30, 7, 30, tzinfo=UTC)
    assert stop_expires_at(stopped) == datetime(2024, 6, 1, 7, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        stop_expires_at(datetime(2024, 5, 30))
    assert may_stop_again(0) and may_stop_again(1) and not may_stop_again(2)
    expires = stop_expires_at(stopped)
    assert is_near_expiry(expires, expires - timedelta(hours=5))
    assert not is_near_expiry(expires, expires - timedelta(hours=7))
    assert not is_near_expiry(expires, expires + timedelta(minutes=1))


def test_order_states_move_only_forward() -> None:
    assert OrderState.SENT.can_move_to(OrderState.STOPPED)
    assert OrderState.STOPPED.can_move_to(OrderState.FROZEN)
    assert not OrderState.REJECTED.can_move_to(OrderState.STOPPED)
    assert not OrderState.DRAFTED.can_move_to(OrderState.STOPPED)
    assert OrderState.STOPPED.is_open and not OrderState.RELEASED.is_open


def test_freeze_is_six_months_renewable_and_needs_a_document() -> None:
    frozen = datetime(2024, 8, 31, 10, 0, tzinfo=CENTER_TZ)
    assert freeze_expires_at(frozen) == datetime(2025, 2, 28, 10, 0, tzinfo=CENTER_TZ)
    assert renewed_expiry(datetime(2025, 2, 28, 10, 0, tzinfo=CENTER_TZ)) == datetime(2025, 8, 28, 10, 0, tzinfo=CENTER_TZ)
    assert validate_legal_document(" 莆公(刑)冻财字[2024]123号 ") == "莆公(刑)冻财字[2024]123号"
    with pytest.raises(ValueError, match="legal document"):
        validate_legal_document("")


def test_proportional_return_by_hand() -> None:
    # 100 fen among losses 1:1:1 → 34, 33, 33 (the remainder fen goes by the stated tie rule)
    assert proportional_shares(100, {"a": 300, "b": 300, "c": 300}) == {"a": 34, "b": 33, "c": 33}
    # 9,000,000 fen frozen for victims who lost 13,410,000 and 4,470,000 fen: 3:1
    assert proportional_shares(9_000_000, {"v1": 13_410_000, "v2": 4_470_000}) == {"v1": 6_750_000, "v2": 2_250_000}
    # never more than the loss: surplus money is not handed out as if it were theirs
    assert proportional_shares(1_000, {"a": 100, "b": 300}) == {"a": 100, "b": 300}


@given(st.integers(0, 10**12), st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**10), min_size=1, max_size=12))
def test_proportional_return_hands_out_every_fen(amount: int, losses: dict[str, int]) -> None:
    shares = proportional_shares(amount, losses)
    assert sum(shares.values()) == min(amount, sum(losses.values()))
    assert all(0 <= shares[v] <= losses[v] for v in losses)


def test_proportional_return_waits_for_the_notice() -> None:
    published = datetime(2024, 6, 1, tzinfo=UTC)
    assert not may_return_proportionally(published, published + timedelta(days=29))
    assert may_return_proportionally(published, published + timedelta(days=30))
    assert not may_return_proportionally(None, published)
