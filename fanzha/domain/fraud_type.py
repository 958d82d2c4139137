"""Fraud types (诈骗类型): the ten the Ministry of Public Security names, plus "other"."""
from __future__ import annotations

from enum import StrEnum


class FraudType(StrEnum):
    """A case's fraud type; the value is a stable code, ``label_zh`` the official Chinese name."""

    ORDER_BRUSHING = "order_brushing"  # 刷单返利, about a third of all cases
    FAKE_INVESTMENT = "fake_investment"  # 虚假网络投资理财
    FAKE_LOAN = "fake_loan"  # 虚假网络贷款
    FAKE_CUSTOMER_SERVICE = "fake_customer_service"  # 冒充电商物流客服
    FAKE_POLICE = "fake_police"  # 冒充公检法
    FAKE_CREDIT = "fake_credit"  # 虚假征信
    FAKE_SHOPPING = "fake_shopping"  # 虚假购物服务
    FAKE_BOSS = "fake_boss"  # 冒充领导熟人
    GAME_TRADING = "game_trading"  # 网络游戏产品虚假交易
    ROMANCE = "romance"  # 网络婚恋交友
    OTHER = "other"  # 其他

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self]

    @property
    def label_en(self) -> str:
        return _LABELS_EN[self]

    @classmethod
    def parse(cls, text: str | None) -> FraudType | None:
        """Read a fraud type from its code, Chinese name or English name; None for empty input."""
        if text is None or not str(text).strip():
            return None
        key = str(text).strip()
        for member in cls:
            if key in (member.value, member.label_zh, member.label_en) or key.lower() == member.label_en.lower():
                return member
        raise ValueError(
            f"unknown fraud type {key!r}; use one of: " + ", ".join(m.label_zh for m in cls)
        )


_LABELS_ZH = {
    FraudType.ORDER_BRUSHING: "刷单返利",
    FraudType.FAKE_INVESTMENT: "虚假网络投资理财",
    FraudType.FAKE_LOAN: "虚假网络贷款",
    FraudType.FAKE_CUSTOMER_SERVICE: "冒充电商物流客服",
    FraudType.FAKE_POLICE: "冒充公检法",
    FraudType.FAKE_CREDIT: "虚假征信",
    FraudType.FAKE_SHOPPING: "虚假购物服务",
    FraudType.FAKE_BOSS: "冒充领导熟人",
    FraudType.GAME_TRADING: "网络游戏产品虚假交易",
    FraudType.ROMANCE: "网络婚恋交友",
    FraudType.OTHER: "其他",
}

_LABELS_EN = {
    FraudType.ORDER_BRUSHING: "Order brushing / rebates",
    FraudType.FAKE_INVESTMENT: "Fake online investment",
    FraudType.FAKE_LOAN: "Fake online loan",
    FraudType.FAKE_CUSTOMER_SERVICE: "Fake e-commerce / courier service",
    FraudType.FAKE_POLICE: "Impersonating police / prosecutors / courts",
    FraudType.FAKE_CREDIT: "Fake credit record repair",
    FraudType.FAKE_SHOPPING: "Fake shopping service",
    FraudType.FAKE_BOSS: "Impersonating a boss or acquaintance",
    FraudType.GAME_TRADING: "Fake online game trading",
    FraudType.ROMANCE: "Online romance",
    FraudType.OTHER: "Other",
}
