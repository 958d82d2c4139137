"""Importing SMS records (短信记录导入) from an operator: one row per message."""
from __future__ import annotations

from fanzha.domain.actor import Actor
from fanzha.services.importing import values as v
from fanzha.services.importing.calls import operator_code
from fanzha.services.importing.headers import SMS
from fanzha.services.importing.progress import Steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tabular import check, open_sheet, store, with_keys
from fanzha.store.db import Database
from fanzha.store.models import SmsRecord

TABLE = SmsRecord.__table__
KEY = "record_key"
KEY_FIELDS = ["msisdn", "other", "direction", "time", "content"]

_DIRECTIONS = {
    "发": "out", "发送": "out", "上行": "out", "out": "out", "mo": "out",
    "收": "in", "接收": "in", "下行": "in", "in": "in", "mt": "in",
}
DIRECTIONS = "发/收 or out/in"
CONTENT_MAX = 2000


def sms_direction(text: str) -> str:
    """发/收 (or out/in) as out/in."""
    code = _DIRECTIONS.get(text.strip().lower())
    if code is None:
        raise ValueError(f"direction {text!r} is not one of {DIRECTIONS}")
    return code


def import_sms(db: Database, data: bytes, result: ImportResult, *, skip_bad: bool, actor: Actor,
               steps: Steps) -> ImportResult:
    steps.step("reading")
    sheet = open_sheet(data, SMS, result)
    if sheet is None:
        return result
    steps.step("checking rows", sheet.height)
    parsed = {
        "msisdn": ("msisdn", sheet.parse("msisdn", v.phone, what="the number the records are for (本机号码)")),
        "other": ("other", sheet.parse("other", v.phone, what="the other party's number (对方号码)")),
        "direction": ("direction", sheet.parse("direction", v.coded, sms_direction, DIRECTIONS, what="a direction")),
        "time": ("time", sheet.parse("time", v.times, dtype=v.UTC_US)),
        "content": ("content", sheet.parse("content", v.text, CONTENT_MAX)),
        "operator": ("operator", sheet.parse("operator", operator_code)),
    }
    rows = check(sheet, parsed, result, TABLE)
    steps.advance(sheet.height)
    if result.rows_bad and not skip_bad:
        result.rejected = True
        return result
    rows = with_keys(rows, KEY, KEY_FIELDS, "sms", result)
    store(db, TABLE, KEY, rows, data, actor, result, steps)
    return result
