"""Leads pushed down from a higher level (上级下发线索), from a file: CSV or Excel.

One row per lead: its reference (线索编号), who is at risk (手机号码, 银行账号 or 身份证号; at least
one), their district when the registry may not know them, the fraud type, the sum at stake, the
time, and what the higher level says. Headers in Chinese or English, any order. Every bad cell and
row is reported with its line and column; a file with any bad row adds nothing (unless the rest
is asked for). Each row becomes a signal on the warning desk — merged with the person's open
lead if there is one — and a row pushed again is taken once.
"""
from __future__ import annotations

import polars as pl

from fanzha.domain.actor import Actor
from fanzha.domain.errors import Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.warning_lead import LeadSource
from fanzha.services import audit
from fanzha.services.importing import values as v
from fanzha.services.importing.headers import Column, Layout
from fanzha.services.importing.problems import row_place
from fanzha.services.importing.progress import Steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tabular import check, open_sheet
from fanzha.services.organisations import known_regions, seed_organisations
from fanzha.services.warning.signals import SignalIn, take_signal
from fanzha.store.db import Database
from fanzha.store.models import WarningLead

LEAD_PUSH = Layout("leads", (
    Column("ref", ("线索编号", "ref", "编号", "lead_id"), required=True),
    Column("time", ("预警时间", "time", "下发时间"), required=True),
    Column("phone", ("手机号码", "phone", "号码", "联系电话")),
    Column("account", ("银行账号", "account", "账号")),
    Column("id_number", ("身份证号", "id_number", "证件号码")),
    Column("name", ("姓名", "name")),
    Column("district", ("所属区县", "district", "区县", "region")),
    Column("fraud_type", ("诈骗类型", "fraud_type")),
    Column("amount", ("涉及金额", "amount", "金额")),
    Column("note", ("线索内容", "note", "说明", "备注")),
))


def _fraud_type(text: str) -> str:
    parsed = FraudType.parse(text)
    return parsed.value if parsed else ""


def import_leads(db: Database, data: bytes, result: ImportResult, *, skip_bad: bool, actor: Actor,
                 steps: Steps) -> ImportResult:
    steps.step("reading")
    sheet = open_sheet(data, LEAD_PUSH, result)
    if sheet is None:
        return result
    steps.step("checking rows", sheet.height)
    parsed = {
        "ref": ("ref", sheet.parse("ref", v.text, 96, required=True, what="the lead's reference (线索编号)")),
        "time": ("time", sheet.parse("time", v.times, dtype=v.UTC_US)),
        "phone": ("phone", sheet.parse("phone", v.phone, required=False)),
        "account": ("account", sheet.parse("account", v.identifier, 32)),
        "id_number": ("id_number", sheet.parse("id_number", v.identifier, 18, what="an identity number")),
        "name": ("name", sheet.parse("name", v.text, 64)),
        "district": ("district", sheet.parse("district", v.text, 64)),
        "fraud_type": ("fraud_type", sheet.parse("fraud_type", v.coded, _fraud_type, "one of the ten fraud types",
                                                 required=False)),
        "amount": ("amount", sheet.parse("amount", v.amount_fen, required=False, dtype=pl.Int64)),
        "note": ("note", sheet.parse("note", v.text, 500)),
        # the file's line of each row travels with it, for the row-level checks below (never a problem itself)
        "line": ("ref", (sheet.lines, pl.Series([None] * sheet.height, dtype=pl.String))),
    }
    rows = check(sheet, parsed, result, WarningLead.__table__)
    regions = set(_regions(db))
    good: list[tuple[int, dict]] = []
    for row in rows.iter_rows(named=True):
        line = row["line"]
        row_problems = []
        if not (row["phone"] or row["account"] or row["id_number"]):
            row_problems.append("names nobody: give 手机号码, 银行账号 or 身份证号")
        if row["district"] and row["district"] not in regions:
            row_problems.append(f"所属区县 {row['district']!r} is not a district of this city "
                                f"({', '.join(sorted(regions))})")
        if row_problems:
            result.problems.extend(Problem(row_place(result.file, line), p) for p in row_problems)
            result.rows_bad += 1
        else:
            good.append((line, row))
    steps.advance(sheet.height)
    if result.rows_bad and not skip_bad:
        result.rejected = True
        return result
    steps.step("taking leads", len(good))
    with db.session() as session:  # all rows or none
        for _line, row in good:
            taken = take_signal(session, actor, SignalIn(
                source=LeadSource.PUSHED_DOWN, ref=f"push:{row['ref']}", at=row["time"],
                phone=row["phone"], account=row["account"], id_number=row["id_number"], name=row["name"],
                district=row["district"], amount_fen=row["amount"] or 0,
                fraud_type=FraudType(row["fraud_type"]) if row["fraud_type"] else None,
                evidence={"note": row["note"], "file": result.file} if row["note"] else {"file": result.file}))
            if taken.repeat:
                result.rows_duplicate += 1
            else:
                result.rows_imported += 1
            steps.advance(1)
        audit.record(session, actor, "import", object_type="warning_lead", detail={
            "kind": "leads", "file": result.file, "rows_read": result.rows_read,
            "rows_imported": result.rows_imported, "rows_bad": result.rows_bad})
        result.audited = True
    return result


def _regions(db: Database) -> list[str]:
    """The city's districts (the organisations are set up first on a store that lacks them)."""
    with db.session() as session:
        seed_organisations(session)
        return known_regions(session)
