"""The warning desk's rules: grading with reasons, time limits, and what a lead needs to close."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanzha.domain.dissuasion import Result, Step, may_close
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.warning_lead import Grade, LeadSource, Signals, Stage, finish_by, grade, sign_by

CONTACT = frozenset({LeadSource.FRAUD_CONTACT})


def test_a_call_in_progress_is_always_high() -> None:
    result = grade(Signals(frozenset({LeadSource.CALL_IN_PROGRESS}), age=35))
    assert result.grade is Grade.HIGH and "正在通话" in result.reasons[0][1]


def test_grades_with_their_reasons() -> None:
    first_touch = grade(Signals(CONTACT, age=35))
    assert first_touch.grade is Grade.LOW and first_touch.points == 1
    paying = grade(Signals(frozenset({LeadSource.RISKY_TRANSFER}), amount_at_stake_fen=2_000_000,
                           fraud_type=FraudType.FAKE_INVESTMENT, stage=Stage.PAYING, age=67))
    assert paying.grade is Grade.HIGH and paying.points == 2 + 3 + 1 + 1
    assert sum(r[0] for r in paying.reasons) == paying.points
    assert all(len(r) == 3 and r[1] and r[2] for r in paying.reasons)
    engaged = grade(Signals(CONTACT, stage=Stage.ENGAGED, contacts_24h=2, age=40))
    assert engaged.grade is Grade.MEDIUM and engaged.points == 3


amounts = st.integers(min_value=0, max_value=10**10)
stages = st.sampled_from(list(Stage))
ages = st.one_of(st.none(), st.integers(min_value=0, max_value=110))


@given(amounts, amounts, stages, ages, st.integers(min_value=1, max_value=10))
def test_more_at_stake_never_lowers_the_grade(a: int, b: int, stage: Stage, age, contacts: int) -> None:
    low, high = sorted((a, b))
    g1 = grade(Signals(CONTACT, amount_at_stake_fen=low, stage=stage, age=age, contacts_24h=contacts))
    g2 = grade(Signals(CONTACT, amount_at_stake_fen=high, stage=stage, age=age, contacts_24h=contacts))
    assert g2.points >= g1.points and g2.grade.rank <= g1.grade.rank


@given(amounts, ages)
def test_further_into_the_script_never_lowers_the_grade(amount: int, age) -> None:
    points = [grade(Signals(CONTACT, amount_at_stake_fen=amount, stage=s, age=age)).points
              for s in (Stage.CONTACTED, Stage.ENGAGED, Stage.PAYING)]
    assert points == sorted(points)


def test_a_citizen_reporting_someone_deep_in_a_script_is_worth_a_visit_today() -> None:
    engaged = Signals(frozenset({LeadSource.CITIZEN_REPORT}), stage=Stage.ENGAGED)
    graded = grade(engaged)
    assert (graded.grade, graded.points) == (Grade.MEDIUM, 3)  # 2 (deep in the script) + 1 (a witness)
    assert (1, "群众举报", "a citizen reported it") in graded.reasons
    paying = grade(Signals(frozenset({LeadSource.CITIZEN_REPORT}), stage=Stage.PAYING, amount_at_stake_fen=1))
    assert (paying.grade, paying.points) == (Grade.MEDIUM, 5)  # 3 + 1 (money) + 1


def test_time_limits_per_grade() -> None:
    at = datetime(2024, 5, 30, 8, 0, tzinfo=UTC)
    assert sign_by(at, Grade.HIGH) - at == timedelta(minutes=10)
    assert sign_by(at, Grade.LOW) - at == timedelta(hours=24)
    assert finish_by(at, Grade.HIGH) < finish_by(at, Grade.MEDIUM) < finish_by(at, Grade.LOW)
    with pytest.raises(ValueError):
        sign_by(datetime(2024, 5, 30, 8, 0), Grade.HIGH)


def test_what_a_close_needs() -> None:
    assert may_close(Result.DISSUADED, {Step.LOCATE, Step.DISSUADE}, 0) == []
    assert len(may_close(Result.DISSUADED, {Step.LOCATE}, None)) == 2
    assert may_close(Result.UNREACHABLE, set(), None) == ["record the attempts to locate the person (call, SMS or visit)"]
    assert may_close(Result.FALSE_ALARM, set(), None) == []
    assert may_close(Result.DEFRAUDED, {Step.LOCATE}, None) == []


def test_a_visit_to_a_reported_fraud_site_weighs_more_than_repeated_contact() -> None:
    """The drill's evidence: people who followed the lure onto a reported site are mostly victims in the making."""
    visited = grade(Signals(frozenset({LeadSource.FRAUD_URL}), stage=Stage.ENGAGED))
    assert (visited.grade, visited.points) == (Grade.MEDIUM, 4)
    assert (2, "访问了受害人举报的涉诈网址或应用", "visited a fraud site or app that victims reported") in visited.reasons
    contacted = grade(Signals(frozenset({LeadSource.FRAUD_CONTACT}), stage=Stage.ENGAGED, contacts_24h=2))
    assert visited.points > contacted.points
    elderly = grade(Signals(frozenset({LeadSource.FRAUD_URL}), stage=Stage.ENGAGED, age=66,
                            fraud_type=FraudType.FAKE_INVESTMENT))
    assert (elderly.grade, elderly.points) == (Grade.HIGH, 6)
