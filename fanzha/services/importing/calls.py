"""Importing call records (话单导入) from an operator: one row per call."""
from __future__ import annotations

import polars as pl

from fanzha.domain.actor import Actor
from fanzha.domain.organisation import operator_by_name
from fanzha.services.importing import values as v
from fanzha.services.importing.headers import CALLS
from fanzha.services.importing.progress import Steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tabular import check, open_sheet, store, with_keys
from fanzha.store.db import Database
from fanzha.store.models import CallRecord

TABLE = CallRecord.__table__
KEY = "record_key"
KEY_FIELDS = ["msisdn", "other", "call_type", "start_time", "duration_s"]

_CALL_TYPES = {
    "主叫": "caller", "被叫": "called", "呼转": "forwarded", "呼叫转移": "forwarded", "前转": "forwarded",
    "caller": "caller", "called": "called", "forwarded": "forwarded",
}
CALL_TYPES = "主叫/被叫/呼转 or caller/called/forwarded"


def call_type(text: str) -> str:
    """主叫/被叫/呼转 (or the English codes) as caller/called/forwarded."""
    code = _CALL_TYPES.get(text.strip().lower())
    if code is None:
        raise ValueError(f"call type {text!r} is not one of {CALL_TYPES}")
    return code


def operator_code(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """An operator's name (中国移动, 移动, China Mobile, CMCC) as its code; other names kept as written."""
    value, reason = v.text(raw, 16)
    names = value.drop_nulls().unique().to_list()
    codes = {name: (op.code if (op := operator_by_name(name)) else name) for name in names}
    return (value.replace_strict(codes, default=None, return_dtype=pl.String) if codes else value), reason


def import_calls(db: Database, data: bytes, result: ImportResult, *, skip_bad: bool, actor: Actor,
                 steps: Steps) -> ImportResult:
    steps.step("reading")
    sheet = open_sheet(data, CALLS, result)
    if sheet is None:
        return result
    steps.step("checking rows", sheet.height)
    parsed = {
        "msisdn": ("msisdn", sheet.parse("msisdn", v.phone, what="the number the records are for (本机号码)")),
        "other": ("other", sheet.parse("other", v.phone, what="the other party's number (对方号码)")),
        "call_type": ("call_type", sheet.parse("call_type", v.coded, call_type, CALL_TYPES, what="a call type")),
        "start_time": ("start_time", sheet.parse("start_time", v.times, dtype=v.UTC_US)),
        "duration_s": ("duration_s", sheet.parse("duration_s", v.seconds, dtype=pl.Int64)),
        "cell_id": ("cell_id", sheet.parse("cell_id", v.identifier, 32, what="a cell id")),
        "imei": ("imei", sheet.parse("imei", v.identifier, 20, what="an IMEI")),
        "operator": ("operator", sheet.parse("operator", operator_code)),
    }
    rows = check(sheet, parsed, result, TABLE)
    steps.advance(sheet.height)
    if result.rows_bad and not skip_bad:
        result.rejected = True
        return result
    rows = with_keys(rows, KEY, KEY_FIELDS, "call", result)
    store(db, TABLE, KEY, rows, data, actor, result, steps)
    return result
