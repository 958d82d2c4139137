"""The report form (接警登记) ↔ the victim report: read the posted fields into the report's shape,
and place each validation error beside the field it concerns.

Field names are the report's own places (``victim.name``, ``transfers.0.amount``), so the places
pydantic reports are the names of the inputs. Rows the officer removed leave gaps in the numbers
and rows left blank are dropped; the rows are numbered again before validation, and the form is
shown again with the same numbering, so every error still lands on its row.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from fanzha.domain.clock import local, parse_time
from fanzha.domain.errors import Problem
from fanzha.web.errors import problems_of

TRANSFER_FIELDS = ("time", "amount", "from_account", "from_bank", "to_account", "to_name", "to_bank", "channel")
CONTACT_FIELDS = ("kind", "value")
CHANNELS = ("手机银行", "网银", "快捷支付", "ATM", "柜面", "POS", "微信支付", "支付宝")
_ROW = re.compile(r"^(transfers|contacts)\.(\d+)\.([a-z_]+)$")
_CONTACT = re.compile(r"^contacts\.\d+$")


def blank_form(now: datetime) -> dict:
    """What a new form shows: the report time now, one empty transfer and one empty contact."""
    return {
        "report_id": "", "reported_at": local(now).strftime("%Y-%m-%dT%H:%M"), "region": "", "station": "",
        "fraud_type": "", "narrative": "", "victim": {"name": "", "id_number": "", "phone": "", "age": ""},
        "transfers": [{}], "contacts": [{"kind": "phone"}],
    }


def read_form(form: Mapping[str, str]) -> dict:
    """The posted fields as the report's nested dict, strings as typed; blank rows dropped."""
    rows: dict[str, dict[int, dict[str, str]]] = {"transfers": {}, "contacts": {}}
    for name, value in form.items():
        if match := _ROW.match(name):
            group, index, field = match.group(1), int(match.group(2)), match.group(3)
            if field in (TRANSFER_FIELDS if group == "transfers" else CONTACT_FIELDS):
                rows[group].setdefault(index, {})[field] = str(value).strip()

    def kept(group: str, meaningful: tuple[str, ...]) -> list[dict]:
        return [row for _, row in sorted(rows[group].items()) if any(row.get(f) for f in meaningful)]

    text = {key: str(form.get(key, "")).strip() for key in ("report_id", "reported_at", "region", "station", "fraud_type")}
    return {
        **text,
        "narrative": str(form.get("narrative", "")).strip(),
        "victim": {key: str(form.get(f"victim.{key}", "")).strip() for key in ("name", "id_number", "phone", "age")},
        "transfers": kept("transfers", TRANSFER_FIELDS),
        "contacts": kept("contacts", ("value",)),  # the kind select always has a value
    }


def reported_time(values: dict) -> datetime | None:
    """The report time as typed, if it reads as a time: a generated id carries its day."""
    try:
        return parse_time(values["reported_at"])
    except ValueError:
        return None


def report_payload(values: dict, report_id: str) -> dict:
    """The dict VictimReport validates: empty optional fields left out, the report id filled in."""
    def without_blanks(row: dict) -> dict:
        return {k: v for k, v in row.items() if v not in ("", None)}

    return {
        "report_id": report_id,
        "reported_at": values["reported_at"],
        "region": values["region"],
        "station": values.get("station") or None,
        "fraud_type": values["fraud_type"] or None,
        "narrative": values["narrative"],
        "victim": without_blanks(values["victim"]) | {"name": values["victim"]["name"]},
        "transfers": [without_blanks(t) for t in values["transfers"]],
        "contacts": [without_blanks(c) for c in values["contacts"]],
    }


def place_errors(problems: list[Problem], lang: str) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by field name, and the ones that concern no single field (shown above the form)."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        reason = reason_text(problem, lang)
        place = problem.place
        if _CONTACT.match(place):  # the contact's own check is about its value
            place += ".value"
        if place:
            by_field.setdefault(place, []).append(reason)
        else:
            general.append(reason)
    return by_field, general


@dataclass(frozen=True)
class FieldProblem(Problem):
    """A Problem that remembers pydantic's error type, so the form can word it in Chinese."""

    kind: str = "value_error"
    ctx: dict = field(default_factory=dict, hash=False, compare=False)


def validation_problems(exc) -> list[FieldProblem]:
    """Problems from VictimReport's ValidationError, with pydantic's error types kept."""
    errors = list(exc.errors())
    return [FieldProblem(p.place, p.reason, err.get("type", "value_error"), dict(err.get("ctx") or {}))
            for p, err in zip(problems_of(errors), errors, strict=True)]


# Chinese wording of the common errors; anything else shows the service's English reason.
_ZH_BY_TYPE = {
    "missing": "必填",
    "string_too_short": "必填",  # min_length 1; longer minimums are worded below
    "string_too_long": "太长了，最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不对：只能用字母、数字和连字符 -",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "int_parsing": "请填整数",
    "int_from_float": "请填整数",
    "enum": "请从列表中选择",
}
_ZH_BY_FIELD = {
    "amount": "金额格式不对：请填大于零的元金额，如 50000.00",
    "time": "时间格式不对：请填如 2024-05-30 15:02 的时间",
    "reported_at": "时间格式不对：请填如 2024-05-30 15:40 的时间",
    "id_number": "身份证号应为 17 位数字加 1 位数字或 X",
    "phone": "电话号码格式不对：请填手机号或座机号",
    "value": "号码格式不对",
    "kind": "请从列表中选择类型",
    "fraud_type": "请从列表中选择诈骗类型",
    "region": "该区县不属于本中心，请从列表中选择",
    "report_id": "该警情编号已被另一份内容不同的警情使用，请换一个编号或留空自动生成",
}


def reason_text(problem: Problem, lang: str) -> str:
    if lang != "zh":
        return problem.reason
    if "is after the report time" in problem.reason:
        return "转账时间晚于报警时间，请核对"
    kind = getattr(problem, "kind", "value_error")
    ctx = getattr(problem, "ctx", {})
    name = problem.place.rsplit(".", 1)[-1]
    if kind == "string_too_short" and ctx.get("min_length", 1) > 1:
        return f"太短了，至少 {ctx['min_length']} 个字符"
    if kind in _ZH_BY_TYPE:
        try:
            return _ZH_BY_TYPE[kind].format(**ctx)
        except (KeyError, IndexError):
            return _ZH_BY_TYPE[kind].split("，")[0]
    return _ZH_BY_FIELD.get(name, problem.reason)
