"""Roles (角色): what a signed-in person does at the center; each user has exactly one.

The role decides which desks a user works at; the organisation decides whose data they see
(a bank's liaison sees only that bank's orders). Permissions per role come in a later release.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CENTER_ADMIN = "center_admin"  # 系统管理员: users, organisations, settings
    DUTY_OFFICER = "duty_officer"  # 值班民警: takes reports at the intake desk (接警)
    FUNDS_OFFICER = "funds_officer"  # 止付冻结民警: stop-payment and freeze orders
    ANALYST = "analyst"  # 研判分析员: links cases, gangs, mule cards
    WARNING_OFFICER = "warning_officer"  # 预警劝阻民警: leads, dispatch, dissuasion
    STATION_OFFICER = "station_officer"  # 派出所民警: works leads in the station's area
    BANK_LIAISON = "bank_liaison"  # 银行驻场人员: answers orders to one bank
    OPERATOR_LIAISON = "operator_liaison"  # 运营商驻场人员: answers orders to one operator
    LEADERSHIP = "leadership"  # 中心领导: dashboard and statistics
    AUDITOR = "auditor"  # 审计员: reads the audit trail

    @property
    def label_zh(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    Role.CENTER_ADMIN: ("系统管理员", "Center administrator"),
    Role.DUTY_OFFICER: ("值班民警", "Duty officer"),
    Role.FUNDS_OFFICER: ("止付冻结民警", "Funds officer"),
    Role.ANALYST: ("研判分析员", "Analyst"),
    Role.WARNING_OFFICER: ("预警劝阻民警", "Warning officer"),
    Role.STATION_OFFICER: ("派出所民警", "Police station officer"),
    Role.BANK_LIAISON: ("银行驻场人员", "Bank liaison"),
    Role.OPERATOR_LIAISON: ("运营商驻场人员", "Operator liaison"),
    Role.LEADERSHIP: ("中心领导", "Leadership"),
    Role.AUDITOR: ("审计员", "Auditor"),
}
