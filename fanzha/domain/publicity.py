"""Publicity (宣传): the kinds of events, audiences and channels, and the rule that says which
fraud types are rising in a district (for targeting public SMS).

The 五进 (five "into"s) are the events a center counts: into schools, enterprises, communities,
villages and families; press and media events are counted beside them. A fraud type is *rising*
in a district when its cases in the last 4 weeks exceed those of the 4 weeks before by at least
``RISE_MIN_CASES`` and by at least ``RISE_MIN_RATIO`` (so 0 → 2 is rising, 10 → 11 is not).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class EventKind(StrEnum):
    SCHOOL = "school"  # 进校园
    ENTERPRISE = "enterprise"  # 进企业
    COMMUNITY = "community"  # 进社区
    VILLAGE = "village"  # 进农村
    FAMILY = "family"  # 进家庭
    MEDIA = "media"  # 媒体/新闻发布

    @property
    def label_zh(self) -> str:
        return {"school": "进校园", "enterprise": "进企业", "community": "进社区", "village": "进农村",
                "family": "进家庭", "media": "媒体宣传"}[self.value]

    @property
    def label_en(self) -> str:
        return {"school": "Schools", "enterprise": "Enterprises", "community": "Communities",
                "village": "Villages", "family": "Families", "media": "Press / media"}[self.value]


class AgeGroup(StrEnum):
    """Whom a public SMS was sent to, by age."""

    ALL = "all"
    YOUNG = "young"  # 18-35: order brushing, game trading, romance
    MIDDLE = "middle"  # 36-59: investment, loans, impersonated bosses
    ELDERLY = "elderly"  # 60+: impersonated police, health products

    @property
    def label_zh(self) -> str:
        return {"all": "全体", "young": "青年（18-35 岁）", "middle": "中年（36-59 岁）", "elderly": "老年（60 岁以上）"}[self.value]

    @property
    def label_en(self) -> str:
        return {"all": "Everyone", "young": "Young (18-35)", "middle": "Middle-aged (36-59)",
                "elderly": "Elderly (60+)"}[self.value]


class MediaKind(StrEnum):
    PRESS = "press"  # 报刊
    TV = "tv"  # 电视
    RADIO = "radio"  # 广播
    ONLINE = "online"  # 网站、公众号
    VIDEO = "video"  # 短视频

    @property
    def label_zh(self) -> str:
        return {"press": "报刊", "tv": "电视", "radio": "广播", "online": "网站/公众号", "video": "短视频"}[self.value]

    @property
    def label_en(self) -> str:
        return {"press": "Press", "tv": "TV", "radio": "Radio", "online": "Online", "video": "Short video"}[self.value]


class ConsultChannel(StrEnum):
    HOTLINE = "hotline"  # 热线电话
    WALK_IN = "walk_in"  # 来访
    ONLINE = "online"  # 网上
    WECHAT = "wechat"  # 微信

    @property
    def label_zh(self) -> str:
        return {"hotline": "热线电话", "walk_in": "来访", "online": "网上", "wechat": "微信"}[self.value]

    @property
    def label_en(self) -> str:
        return {"hotline": "Hotline", "walk_in": "Walk-in", "online": "Online", "wechat": "WeChat"}[self.value]


WINDOW_WEEKS = 4
RISE_MIN_CASES = 2
RISE_MIN_RATIO = 1.5


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (weeks run Monday to Sunday, local time)."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Rise:
    fraud_type: str
    recent: int  # cases in the last 4 weeks
    before: int  # cases in the 4 weeks before

    @property
    def change(self) -> int:
        return self.recent - self.before


def rising(recent: dict[str, int], before: dict[str, int]) -> list[Rise]:
    """The fraud types rising between two 4-week windows, the biggest rise first."""
    found = []
    for fraud_type, now in recent.items():
        then = before.get(fraud_type, 0)
        if now - then >= RISE_MIN_CASES and now >= RISE_MIN_RATIO * then:
            found.append(Rise(fraud_type, now, then))
    return sorted(found, key=lambda r: (-r.change, -r.recent, r.fraud_type))
