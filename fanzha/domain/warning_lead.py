"""Warning leads (预警线索): where they come from, how they are graded, and their time limits.

A lead names a person at risk now. Its grade (高/中/低) comes from a stated rule of points, each
with its reason, so the officer sees why: the call in progress is always 高; otherwise the amount
at stake, how far into the script the person is, a visit to a site victims reported, the fraud
type, their age and how often they were contacted add up. Each grade has a time to sign for the lead (签收) and a time to finish it;
a lead unsigned past its limit escalates a level (station → county → city).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fanzha.domain.fraud_type import FraudType


class LeadSource(StrEnum):
    CALL_IN_PROGRESS = "call_in_progress"  # a flagged number is talking to the person now
    FRAUD_CONTACT = "fraud_contact"  # called or texted by a flagged number
    RISKY_TRANSFER = "risky_transfer"  # paid a flagged or suspected mule account
    FRAUD_URL = "fraud_url"  # visited a fraud URL or installed a fraud app
    CITIZEN_REPORT = "citizen_report"  # someone reported it (举报)
    PUSHED_DOWN = "pushed_down"  # a lead from a higher level (file or API)

    @property
    def label_zh(self) -> str:
        return _SOURCE_ZH[self]


_SOURCE_ZH = {
    LeadSource.CALL_IN_PROGRESS: "涉诈电话正在通话", LeadSource.FRAUD_CONTACT: "涉诈号码联系",
    LeadSource.RISKY_TRANSFER: "向涉诈账户转账", LeadSource.FRAUD_URL: "访问涉诈网址/应用",
    LeadSource.CITIZEN_REPORT: "群众举报", LeadSource.PUSHED_DOWN: "上级下发",
}


class Grade(StrEnum):
    HIGH = "high"  # 高
    MEDIUM = "medium"  # 中
    LOW = "low"  # 低

    @property
    def label_zh(self) -> str:
        return {"high": "高", "medium": "中", "low": "低"}[self.value]

    @property
    def rank(self) -> int:
        return {"high": 0, "medium": 1, "low": 2}[self.value]


class Stage(StrEnum):
    """How far into the script the person is; the further, the more urgent."""

    CONTACTED = "contacted"  # the fraudster reached them
    ENGAGED = "engaged"  # repeated contact, an app installed, a URL visited
    PAYING = "paying"  # money has started to leave


# Time to sign for a lead, and to finish it (find, dissuade, stop-payment, educate), per grade.
SIGN_LIMIT = {Grade.HIGH: timedelta(minutes=10), Grade.MEDIUM: timedelta(hours=1), Grade.LOW: timedelta(hours=24)}
FINISH_LIMIT = {Grade.HIGH: timedelta(hours=2), Grade.MEDIUM: timedelta(hours=24), Grade.LOW: timedelta(hours=72)}

# Fraud types where a single victim's loss runs highest (investment, impersonating police,
# romance "pig butchering", loans): a point more.
HEAVY_TYPES = frozenset({FraudType.FAKE_INVESTMENT, FraudType.FAKE_POLICE, FraudType.ROMANCE, FraudType.FAKE_LOAN})
HIGH_FROM, MEDIUM_FROM = 6, 3


@dataclass(frozen=True)
class Signals:
    """What is known about one person at risk, merged from every signal about them."""

    sources: frozenset[LeadSource]
    amount_at_stake_fen: int = 0  # paid already, or asked for
    fraud_type: FraudType | None = None
    stage: Stage = Stage.CONTACTED
    age: int | None = None
    contacts_24h: int = 1  # contacts with flagged numbers or accounts in the last 24 hours


@dataclass(frozen=True)
class Grading:
    grade: Grade
    points: int
    reasons: tuple[tuple[int, str, str], ...]  # (points, why in Chinese, why in English) — shown to the officer


def grade(signals: Signals) -> Grading:
    """The grade and the reasons for it (points are summed; a call in progress is always 高)."""
    reasons: list[tuple[int, str, str]] = []
    if LeadSource.CALL_IN_PROGRESS in signals.sources:
        return Grading(Grade.HIGH, 99, ((99, "涉诈电话正在通话", "a flagged number is talking to the person now"),))
    amount = signals.amount_at_stake_fen
    if amount >= 5_000_000:
        reasons.append((3, "涉及金额 5 万元以上", "amount at stake 50,000 yuan or more"))
    elif amount >= 1_000_000:
        reasons.append((2, "涉及金额 1 万元以上", "amount at stake 10,000 yuan or more"))
    elif amount > 0:
        reasons.append((1, "已涉及资金", "money involved"))
    if signals.stage is Stage.PAYING:
        reasons.append((3, "资金已开始转出", "money has started to leave"))
    elif signals.stage is Stage.ENGAGED:
        reasons.append((2, "已深度接触（反复联系、下载应用或访问网址）", "deep in the script"))
    else:
        reasons.append((1, "已被涉诈号码或账户接触", "contacted"))
    if LeadSource.FRAUD_URL in signals.sources:  # followed the lure onto a site victims reported: the gang's own ground
        reasons.append((2, "访问了受害人举报的涉诈网址或应用", "visited a fraud site or app that victims reported"))
    if signals.fraud_type in HEAVY_TYPES:
        reasons.append((1, f"高损失诈骗类型：{signals.fraud_type.label_zh}",
                        f"a high-loss fraud type: {signals.fraud_type.label_en}"))
    if signals.age is not None and (signals.age >= 60 or signals.age <= 22):
        reasons.append((1, "老年人或学生", "elderly person or student"))
    if signals.contacts_24h >= 3:
        reasons.append((2, "24 小时内被联系 3 次以上", "contacted 3+ times in 24 hours"))
    elif signals.contacts_24h == 2:
        reasons.append((1, "24 小时内被联系 2 次", "contacted twice in 24 hours"))
    if LeadSource.CITIZEN_REPORT in signals.sources:  # a person saw it happen: no model's guess
        reasons.append((1, "群众举报", "a citizen reported it"))
    if len(signals.sources) >= 2:
        reasons.append((1, "多个来源的预警", "signals from several sources"))
    points = sum(r[0] for r in reasons)
    level = Grade.HIGH if points >= HIGH_FROM else Grade.MEDIUM if points >= MEDIUM_FROM else Grade.LOW
    return Grading(level, points, tuple(reasons))


def sign_by(raised_at: datetime, level: Grade) -> datetime:
    if raised_at.tzinfo is None:
        raise ValueError("raised_at must carry a zone")
    return raised_at + SIGN_LIMIT[level]


def finish_by(raised_at: datetime, level: Grade) -> datetime:
    if raised_at.tzinfo is None:
        raise ValueError("raised_at must carry a zone")
    return raised_at + FINISH_LIMIT[level]
