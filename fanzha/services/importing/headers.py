"""Column layouts and their accepted spellings (表头别名): Chinese names and English aliases.

FORMATS.md names each column in Chinese with an English alias; banks and operators also write a
few common variants (交易账号 for 交易卡号, 小区 for 基站, a unit in brackets like 交易金额(元)).
Header cells are matched with surrounding whitespace trimmed and English compared without case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPACES = re.compile(r"[\s\u3000\ufeff]+")
_UNIT_SUFFIX = re.compile(r"[（(][^（()）]*[)）]$")


def normalise_header(text: object) -> str:
    """The comparable form of a header cell: no whitespace, no quotes, English lower-cased."""
    if text is None:
        return ""
    value = _SPACES.sub("", str(text)).strip("\"'")
    return value.casefold()


@dataclass(frozen=True)
class Column:
    """One field of a layout and the header spellings that name it; the first is the Chinese name."""

    field: str
    names: tuple[str, ...]
    required: bool = False

    @property
    def display(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class HeaderMatch:
    """Which column of the file feeds each field, what is missing, and what is ignored."""

    positions: dict[str, int]  # field -> index of the column in the file
    headers: dict[str, str]  # field -> the header as the file writes it
    missing: list[Column]
    extra: list[str]


@dataclass(frozen=True)
class Layout:
    kind: str
    columns: tuple[Column, ...]
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in column.names:
                self._lookup[normalise_header(name)] = column.field

    def field_of(self, header: object) -> str | None:
        """The field a header cell names, or None; a trailing unit such as (元) is ignored."""
        key = normalise_header(header)
        if not key:
            return None
        found = self._lookup.get(key)
        if found is None:
            stripped = _UNIT_SUFFIX.sub("", key)
            if stripped != key:
                found = self._lookup.get(stripped)
        return found

    def recognised(self, cells: list[object]) -> int:
        """How many distinct fields a candidate header row names (to find the header row)."""
        return len({f for f in (self.field_of(c) for c in cells) if f})

    def match(self, headers: list[str]) -> HeaderMatch:
        positions: dict[str, int] = {}
        written: dict[str, str] = {}
        extra: list[str] = []
        for index, header in enumerate(headers):
            name = (header or "").strip()
            found = self.field_of(name)
            if found is None or found in positions:
                if name:
                    extra.append(name)
                continue
            positions[found] = index
            written[found] = name
        missing = [c for c in self.columns if c.required and c.field not in positions]
        return HeaderMatch(positions, written, missing, extra)

    def spellings(self, column: Column) -> str:
        return " or ".join(column.names)

    def expected_headers(self) -> str:
        """A short description of the header row this layout expects, for "not a table" errors."""
        required = [c.display for c in self.columns if c.required]
        optional = [c.display for c in self.columns if not c.required]
        return "required " + ", ".join(required) + ("; optional " + ", ".join(optional) if optional else "")


STATEMENTS = Layout("statements", (
    Column("account", ("交易卡号", "交易账号", "account", "卡号", "账号", "查询卡号", "查询账号"), required=True),
    Column("account_name", ("交易户名", "account_name", "户名", "查询户名", "客户名称")),
    Column("bank", ("开户行", "交易行", "bank", "开户银行", "交易网点")),
    Column("time", ("交易时间", "time", "交易日期时间"), required=True),
    Column("direction", ("收付标志", "借贷标志", "direction", "收支标志", "借贷方向"), required=True),
    Column("amount", ("交易金额", "amount"), required=True),
    Column("balance", ("交易余额", "balance", "余额", "账户余额")),
    Column("counterparty_account", ("对手账号", "counterparty_account", "对手卡号", "对方账号", "对方卡号")),
    Column("counterparty_name", ("对手户名", "counterparty_name", "对方户名")),
    Column("counterparty_bank", ("对手开户行", "counterparty_bank", "对方开户行", "对手开户银行")),
    Column("channel", ("交易渠道", "channel", "渠道")),
    Column("memo", ("摘要", "memo", "交易摘要", "备注")),
    Column("txn_id", ("交易流水号", "txn_id", "流水号")),
    Column("ip", ("IP地址", "ip", "交易IP")),
    Column("mac", ("MAC地址", "mac", "交易MAC")),
))

CALLS = Layout("calls", (
    Column("msisdn", ("本机号码", "msisdn", "本方号码", "用户号码"), required=True),
    Column("other", ("对方号码", "other"), required=True),
    Column("call_type", ("呼叫类型", "call_type", "通话类型"), required=True),
    Column("start_time", ("开始时间", "start_time", "通话开始时间", "通话时间"), required=True),
    Column("duration_s", ("通话时长", "duration_s", "时长", "duration"), required=True),
    Column("cell_id", ("基站", "小区", "cell_id", "基站号", "小区号", "CI")),
    Column("imei", ("IMEI", "imei", "串号")),
    Column("operator", ("运营商", "operator")),
))

SMS = Layout("sms", (
    Column("msisdn", ("本机号码", "msisdn", "本方号码", "用户号码"), required=True),
    Column("other", ("对方号码", "other"), required=True),
    Column("direction", ("收发标志", "direction", "短信类型", "收发类型", "方向"), required=True),
    Column("time", ("时间", "time", "发送时间", "短信时间"), required=True),
    Column("content", ("短信内容", "content", "内容")),
    Column("operator", ("运营商", "operator")),
))

# The CSV form of a victim report: one row per transfer, the report's fields repeated.
REPORTS = Layout("reports", (
    Column("report_id", ("report_id", "警情编号", "报案编号"), required=True),
    Column("reported_at", ("reported_at", "报案时间", "接警时间"), required=True),
    Column("region", ("region", "辖区", "报案地区"), required=True),
    Column("victim_name", ("victim_name", "受害人姓名", "报案人姓名"), required=True),
    Column("victim_id_number", ("victim_id_number", "受害人身份证号", "身份证号")),
    Column("victim_phone", ("victim_phone", "受害人电话", "联系电话")),
    Column("victim_age", ("victim_age", "受害人年龄", "年龄")),
    Column("fraud_type", ("fraud_type", "诈骗类型", "案件类别")),
    Column("narrative", ("narrative", "简要案情", "案情")),
    Column("time", ("time", "转账时间")),
    Column("amount", ("amount", "转账金额")),
    Column("from_account", ("from_account", "付款账号")),
    Column("from_bank", ("from_bank", "付款银行")),
    Column("to_account", ("to_account", "收款账号")),
    Column("to_name", ("to_name", "收款户名")),
    Column("to_bank", ("to_bank", "收款银行")),
    Column("channel", ("channel", "转账渠道")),
))

LAYOUTS = {layout.kind: layout for layout in (STATEMENTS, CALLS, SMS, REPORTS)}
