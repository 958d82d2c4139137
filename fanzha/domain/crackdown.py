"""Crackdown (打击处理): suspects and how they move from identified to handed over, the measures
taken against them, and what was seized. The statistics desk counts "people dealt with" from the
measures recorded here."""
from __future__ import annotations

from enum import StrEnum


class SuspectStatus(StrEnum):
    IDENTIFIED = "identified"  # 已查明
    WANTED = "wanted"  # 在逃/上网追逃
    CAUGHT = "caught"  # 已抓获
    HANDED_OVER = "handed_over"  # 已移交 (to prosecutors or another force)

    @property
    def label_zh(self) -> str:
        return {"identified": "已查明", "wanted": "在逃", "caught": "已抓获", "handed_over": "已移交"}[self.value]

    @property
    def label_en(self) -> str:
        return self.value.replace("_", " ").capitalize()

    def can_move_to(self, target: SuspectStatus) -> bool:
        return target in _NEXT[self]


_NEXT = {
    SuspectStatus.IDENTIFIED: {SuspectStatus.WANTED, SuspectStatus.CAUGHT},
    SuspectStatus.WANTED: {SuspectStatus.CAUGHT},
    SuspectStatus.CAUGHT: {SuspectStatus.HANDED_OVER},
    SuspectStatus.HANDED_OVER: set(),
}


class SuspectRole(StrEnum):
    ORGANISER = "organiser"  # 组织者
    CALLER = "caller"  # 话务/实施诈骗
    CARD_SELLER = "card_seller"  # 卡农: sells or rents bank and phone cards (两卡)
    HELPER = "helper"  # 帮信: helps the gang (settling money, running SIM boxes)
    CASH_OUT = "cash_out"  # 取现/洗钱
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return {"organiser": "组织者", "caller": "实施诈骗", "card_seller": "贩卖两卡", "helper": "帮信",
                "cash_out": "取现洗钱", "other": "其他"}[self.value]

    @property
    def label_en(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Measure(StrEnum):
    """Measures that count a person as dealt with (打处), once per person per measure."""

    DETENTION = "detention"  # 刑事拘留
    ARREST = "arrest"  # 逮捕
    PROSECUTION = "prosecution"  # 移送起诉
    ADMIN_PENALTY = "admin_penalty"  # 行政处罚
    DISCIPLINE = "discipline"  # 惩戒 (e.g. 两卡 credit discipline)

    @property
    def label_zh(self) -> str:
        return {"detention": "刑事拘留", "arrest": "逮捕", "prosecution": "移送起诉",
                "admin_penalty": "行政处罚", "discipline": "惩戒"}[self.value]

    @property
    def label_en(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SeizureKind(StrEnum):
    BANK_CARD = "bank_card"  # 银行卡
    PHONE_CARD = "phone_card"  # 电话卡
    PHONE = "phone"  # 手机
    SIM_BOX = "sim_box"  # 猫池/GOIP
    COMPUTER = "computer"  # 电脑
    TOOL = "tool"  # 其他作案工具
    CASH = "cash"  # 现金 (count is fen)

    @property
    def label_zh(self) -> str:
        return {"bank_card": "银行卡", "phone_card": "电话卡", "phone": "手机", "sim_box": "猫池/GOIP",
                "computer": "电脑", "tool": "作案工具", "cash": "现金（分）"}[self.value]

    @property
    def label_en(self) -> str:
        return {"sim_box": "SIM box / GoIP", "cash": "Cash (fen)"}.get(self.value, self.value.replace("_", " ").capitalize())
