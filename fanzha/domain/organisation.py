"""Organisations (单位): the city center → county centers → police stations, six banks, three operators."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrgKind(StrEnum):
    CITY_CENTER = "city_center"  # 市反诈中心
    COUNTY_CENTER = "county_center"  # 县(区)反诈中心
    POLICE_STATION = "police_station"  # 派出所
    BANK = "bank"  # 银行
    OPERATOR = "operator"  # 电信运营商

    @property
    def label_zh(self) -> str:
        return {
            OrgKind.CITY_CENTER: "市反诈中心",
            OrgKind.COUNTY_CENTER: "县区反诈中心",
            OrgKind.POLICE_STATION: "派出所",
            OrgKind.BANK: "银行",
            OrgKind.OPERATOR: "运营商",
        }[self]


@dataclass(frozen=True)
class Bank:
    code: str
    name_zh: str
    name_en: str
    card_prefix: str  # the issuer prefix the simulator uses for this bank's card numbers


@dataclass(frozen=True)
class Operator:
    code: str
    name_zh: str
    name_en: str
    prefixes: tuple[str, ...]  # mobile number prefixes (号段) the simulator draws from


BANKS: tuple[Bank, ...] = (
    Bank("ICBC", "工商银行", "ICBC", "622202"),
    Bank("ABC", "农业银行", "Agricultural Bank of China", "622848"),
    Bank("BOC", "中国银行", "Bank of China", "621661"),
    Bank("CCB", "建设银行", "China Construction Bank", "621700"),
    Bank("BOCOM", "交通银行", "Bank of Communications", "622262"),
    Bank("PSBC", "邮储银行", "Postal Savings Bank of China", "621799"),
)

OPERATORS: tuple[Operator, ...] = (
    Operator("CMCC", "中国移动", "China Mobile", ("134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183", "187", "188", "198")),
    Operator("CUCC", "中国联通", "China Unicom", ("130", "131", "132", "155", "156", "166", "175", "176", "185", "186")),
    Operator("CTCC", "中国电信", "China Telecom", ("133", "149", "153", "173", "177", "180", "181", "189", "199")),
)


def bank_by_name(name: str | None) -> Bank | None:
    """Find one of the six banks by code, Chinese name (also 中国工商银行 style) or English name."""
    if not name:
        return None
    key = name.strip()
    for bank in BANKS:
        if key in (bank.code, bank.name_zh, bank.name_en) or key.startswith("中国" + bank.name_zh) or bank.name_zh in key:
            return bank
    return None


def operator_by_name(name: str | None) -> Operator | None:
    """Find one of the three operators by code or name (中国移动, 移动, China Mobile...)."""
    if not name:
        return None
    key = name.strip()
    for op in OPERATORS:
        if key in (op.code, op.name_zh, op.name_en, op.name_zh[2:]):
            return op
    return None


def operator_of_number(number: str) -> Operator | None:
    """The operator that owns a mobile number's prefix (号段), if known."""
    for op in OPERATORS:
        if number[:3] in op.prefixes:
            return op
    return None
