"""Who may do what (权限表): one declarative table the services, the pages and the tests all read.

Two questions decide every access:

1. **What**: may this role do this at all? ``GRANTS`` maps each ``Permission`` to the roles
   that hold it. A permission that no role holds is refused to everyone.
2. **Whose**: which records does the actor see? That follows from the kind of organisation the
   actor belongs to (``SCOPE_OF_ORG``): the city center sees all; a county center its county;
   a police station its own area (the cases and leads of residents it covers); a bank only
   what concerns that bank; an operator only its own numbers. ``ROLE_ORG_KINDS`` says at which
   kinds of organisation each role may be placed, so a bank liaison always works for one bank.

Permissions for desks that later releases build (orders, numbers, leads, analysis, statistics)
are already here, so those desks plug into the same table. Leadership holds figures but no
permission that shows a person; the auditor holds only the audit log; the center admin only
accounts and tokens (separation of duties: the person who makes accounts does not read cases,
and the person who reads the audit log does not make accounts).
"""
from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role


class Permission(StrEnum):
    CASE_READ = "case.read"  # list, search and open cases in scope (personal data masked)
    CASE_CREATE = "case.create"  # take a victim's report (接警登记), by form, API or import
    CASE_CHANGE_STATUS = "case.change_status"  # 立案 → 侦查 → 破案 → 结案
    CASE_CLASSIFY = "case.classify"  # set the fraud type (定性)
    CASE_REVEAL_PII = "case.reveal_pii"  # show one masked value whole, with a stated reason
    CASE_EXPORT = "case.export"  # download the case list as CSV (masked unless revealed)
    IMPORT_RUN = "import.run"  # bulk import statements, reports, call and SMS records
    DASHBOARD_READ = "dashboard.read"  # figures: counts and sums, no person
    STATS_READ = "stats.read"  # year-over-year statistics (指挥 desk)
    ORDERS_READ = "orders.read"  # stop-payment and freeze orders (a bank liaison: to their bank)
    ORDERS_ISSUE = "orders.issue"  # raise stop-payment and freeze orders
    ORDERS_ANSWER = "orders.answer"  # a bank's answer to an order
    NUMBERS_READ = "numbers.read"  # fraud numbers and their orders (an operator liaison: own numbers)
    NUMBERS_ORDER = "numbers.order"  # interception and shutdown orders
    NUMBERS_ANSWER = "numbers.answer"  # an operator's answer
    LEADS_READ = "leads.read"  # warning leads (a station: the leads in its area)
    LEADS_WORK = "leads.work"  # sign for, dissuade, record the outcome
    ANALYSIS_READ = "analysis.read"  # series, gangs, mule cards, link charts
    ANALYSIS_WORK = "analysis.work"  # confirm, split or merge series; record suspects, arrests, seizures
    PUBLICITY_RECORD = "publicity.record"  # record publicity campaigns, events, public SMS, consultations
    AUDIT_READ = "audit.read"  # search the audit log, verify its chain
    USERS_MANAGE = "users.manage"  # accounts and API tokens

    @property
    def label_zh(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS: dict[Permission, tuple[str, str]] = {
    Permission.CASE_READ: ("查看警情", "read cases"),
    Permission.CASE_CREATE: ("接警登记", "take reports"),
    Permission.CASE_CHANGE_STATUS: ("变更案件状态", "change a case's status"),
    Permission.CASE_CLASSIFY: ("案件定性", "classify cases"),
    Permission.CASE_REVEAL_PII: ("查看完整个人信息", "reveal personal data"),
    Permission.CASE_EXPORT: ("导出警情", "export cases"),
    Permission.IMPORT_RUN: ("批量导入", "import files"),
    Permission.DASHBOARD_READ: ("查看态势统计", "read the dashboard"),
    Permission.STATS_READ: ("查看同比统计", "read statistics"),
    Permission.ORDERS_READ: ("查看止付冻结指令", "read stop-payment and freeze orders"),
    Permission.ORDERS_ISSUE: ("发起止付冻结", "issue stop-payment and freeze orders"),
    Permission.ORDERS_ANSWER: ("反馈止付冻结指令", "answer orders for a bank"),
    Permission.NUMBERS_READ: ("查看涉诈号码", "read fraud numbers"),
    Permission.NUMBERS_ORDER: ("发起号码处置", "order number shutdowns"),
    Permission.NUMBERS_ANSWER: ("反馈号码处置", "answer number orders for an operator"),
    Permission.LEADS_READ: ("查看预警线索", "read warning leads"),
    Permission.LEADS_WORK: ("处置预警线索", "work warning leads"),
    Permission.ANALYSIS_READ: ("研判分析", "use the analysis desk"),
    Permission.ANALYSIS_WORK: ("串并案与打击处理", "decide series and record suspects and arrests"),
    Permission.PUBLICITY_RECORD: ("登记宣传工作", "record publicity work"),
    Permission.AUDIT_READ: ("查看审计日志", "read the audit log"),
    Permission.USERS_MANAGE: ("管理用户与令牌", "manage users and API tokens"),
}

_ADMIN = Role.CENTER_ADMIN
_DUTY = Role.DUTY_OFFICER
_FUNDS = Role.FUNDS_OFFICER
_ANALYST = Role.ANALYST
_WARNING = Role.WARNING_OFFICER
_STATION = Role.STATION_OFFICER
_BANK = Role.BANK_LIAISON
_OPERATOR = Role.OPERATOR_LIAISON
_LEADER = Role.LEADERSHIP
_AUDITOR = Role.AUDITOR

# THE TABLE. Read it as "permission: the roles that hold it".
GRANTS: Mapping[Permission, frozenset[Role]] = {
    Permission.CASE_READ: frozenset({_DUTY, _FUNDS, _ANALYST, _WARNING, _STATION}),
    Permission.CASE_CREATE: frozenset({_DUTY, _STATION}),
    Permission.CASE_CHANGE_STATUS: frozenset({_DUTY, _ANALYST, _STATION}),
    Permission.CASE_CLASSIFY: frozenset({_DUTY, _ANALYST}),
    Permission.CASE_REVEAL_PII: frozenset({_DUTY, _FUNDS, _ANALYST, _STATION}),
    Permission.CASE_EXPORT: frozenset({_DUTY, _ANALYST}),
    Permission.IMPORT_RUN: frozenset({_DUTY, _FUNDS, _ANALYST}),
    Permission.DASHBOARD_READ: frozenset({_DUTY, _FUNDS, _ANALYST, _WARNING, _STATION, _LEADER}),
    Permission.STATS_READ: frozenset({_LEADER, _ANALYST}),
    Permission.ORDERS_READ: frozenset({_FUNDS, _DUTY, _BANK}),
    Permission.ORDERS_ISSUE: frozenset({_FUNDS, _DUTY}),
    Permission.ORDERS_ANSWER: frozenset({_BANK}),
    Permission.NUMBERS_READ: frozenset({_DUTY, _ANALYST, _OPERATOR}),
    Permission.NUMBERS_ORDER: frozenset({_DUTY, _ANALYST}),
    Permission.NUMBERS_ANSWER: frozenset({_OPERATOR}),
    Permission.LEADS_READ: frozenset({_WARNING, _STATION, _DUTY}),
    Permission.LEADS_WORK: frozenset({_WARNING, _STATION}),
    Permission.ANALYSIS_READ: frozenset({_ANALYST}),
    Permission.ANALYSIS_WORK: frozenset({_ANALYST}),
    Permission.PUBLICITY_RECORD: frozenset({_LEADER, _WARNING, _STATION}),
    Permission.AUDIT_READ: frozenset({_AUDITOR}),
    Permission.USERS_MANAGE: frozenset({_ADMIN}),
}


class Scope(StrEnum):
    """Whose records an actor sees (数据范围)."""

    ALL = "all"  # the city center: everything
    COUNTY = "county"  # a county center: cases and leads of its county
    STATION = "station"  # a police station: cases and leads of residents in its area
    OWN_BANK = "own_bank"  # a bank: orders to that bank, and only the fields the order needs
    OWN_OPERATOR = "own_operator"  # an operator: its own numbers
    NONE = "none"  # no organisation: nothing shared

    @property
    def label_zh(self) -> str:
        return _SCOPE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _SCOPE_LABELS[self][1]


_SCOPE_LABELS = {
    Scope.ALL: ("全市", "the whole city"),
    Scope.COUNTY: ("本县区", "your county"),
    Scope.STATION: ("本派出所辖区", "your station's area"),
    Scope.OWN_BANK: ("本银行", "your bank"),
    Scope.OWN_OPERATOR: ("本运营商", "your operator"),
    Scope.NONE: ("无", "nothing"),
}

SCOPE_OF_ORG: Mapping[OrgKind, Scope] = {
    OrgKind.CITY_CENTER: Scope.ALL,
    OrgKind.COUNTY_CENTER: Scope.COUNTY,
    OrgKind.POLICE_STATION: Scope.STATION,
    OrgKind.BANK: Scope.OWN_BANK,
    OrgKind.OPERATOR: Scope.OWN_OPERATOR,
}

_CENTERS = (OrgKind.CITY_CENTER, OrgKind.COUNTY_CENTER)

# Where each role may be placed; a user or token at any other kind of organisation is refused.
ROLE_ORG_KINDS: Mapping[Role, tuple[OrgKind, ...]] = {
    _ADMIN: _CENTERS,  # a county admin manages the accounts of its county's center and stations
    _DUTY: (*_CENTERS, OrgKind.POLICE_STATION),
    _FUNDS: _CENTERS,
    _ANALYST: _CENTERS,
    _WARNING: _CENTERS,
    _STATION: (OrgKind.POLICE_STATION,),
    _BANK: (OrgKind.BANK,),
    _OPERATOR: (OrgKind.OPERATOR,),
    _LEADER: _CENTERS,
    _AUDITOR: (OrgKind.CITY_CENTER,),  # the audit log is the whole center's
}

# Machine clients (a bank's or operator's own system) carry a role too, but never these.
TOKEN_FORBIDDEN_ROLES: frozenset[Role] = frozenset({_ADMIN, _AUDITOR})

# Reveal reasons shorter than this are refused: a reason is what the auditor reads later.
REVEAL_REASON_MIN = 4


def allows(role: Role | str | None, permission: Permission) -> bool:
    """Whether the table grants ``permission`` to ``role``."""
    if role is None:
        return False
    return Role(role) in GRANTS.get(permission, frozenset())


def permissions_of(role: Role | str) -> frozenset[Permission]:
    role = Role(role)
    return frozenset(p for p, roles in GRANTS.items() if role in roles)


def holders(permission: Permission) -> list[Role]:
    """The roles holding ``permission``, in the Role enum's order (for messages)."""
    granted = GRANTS.get(permission, frozenset())
    return [r for r in Role if r in granted]


def fits(role: Role | str, kind: OrgKind | str) -> bool:
    """Whether a user with ``role`` may belong to an organisation of ``kind``."""
    return OrgKind(kind) in ROLE_ORG_KINDS[Role(role)]


def scope_of(kind: OrgKind | str) -> Scope:
    return SCOPE_OF_ORG[OrgKind(kind)]
