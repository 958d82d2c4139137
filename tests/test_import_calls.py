"""Importing call records (话单): spellings, encodings, workbook cells, bad rows, idempotence."""
from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from fanzha.services.importing import import_file
from fanzha.store.db import Database
from fanzha.store.models import CallRecord

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def calls(db: Database) -> list[CallRecord]:
    with db.session() as s:
        return list(s.scalars(select(CallRecord).order_by(CallRecord.start_time)))


def count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(CallRecord))


def test_chinese_headers(db: Database) -> None:
    result = import_file(db, "calls", FIXTURES / "calls_zh.csv")
    assert not result.rejected and (result.rows_read, result.rows_imported) == (4, 4)
    rows = calls(db)
    assert [r.call_type for r in rows] == ["called", "called", "caller", "caller"]
    assert rows[0].start_time == datetime(2024, 5, 30, 6, 30, tzinfo=UTC)
    assert [r.duration_s for r in rows] == [312, 65, 0, 12]
    assert (rows[0].msisdn, rows[0].other, rows[0].cell_id, rows[0].imei) == (
        "13800000000", "17000000000", "4601-1234", "861234567890123")
    assert [r.operator for r in rows] == ["CMCC", "CMCC", "CMCC", None]  # 中国移动 and 移动 are one operator
    assert len(rows[0].record_key) == 40


def test_forwarded_calls(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("本机号码,对方号码,呼叫类型,开始时间,通话时长\n"
                    "13800000000,17000000002,呼转,2024-05-30 17:00:00,12\n", encoding="utf-8")
    result = import_file(db, "calls", path)
    assert result.problems == [] and [r.call_type for r in calls(db)] == ["forwarded"]


def test_a_value_the_store_cannot_hold_is_a_bad_row_not_a_database_error(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("本机号码,对方号码,呼叫类型,开始时间,通话时长,小区\n"
                    f"13800000000,17000000002,主叫,2024-05-30 17:00:00,12,{'9' * 40}\n", encoding="utf-8")
    result = import_file(db, "calls", path)
    assert result.rejected and result.problems[0].place == "c.csv:line 2, column 小区"
    assert "at most 32 fit" in result.problems[0].reason and count(db) == 0


def test_english_aliases_mixed_order_extra_column(db: Database) -> None:
    result = import_file(db, "calls", FIXTURES / "calls_en.csv")
    assert not result.rejected and result.rows_imported == 2 and result.extra_columns == ["remark"]
    rows = calls(db)
    assert rows[0].other == "17000000000"  # +86 and dashes dropped
    assert rows[1].duration_s == 65 and rows[1].operator == "CMCC"  # 0:01:05, China Mobile


def test_the_same_call_in_both_spellings_is_stored_once(db: Database) -> None:
    import_file(db, "calls", FIXTURES / "calls_zh.csv")
    result = import_file(db, "calls", FIXTURES / "calls_en.csv")  # its first call is calls_zh's first
    assert (result.rows_imported, result.rows_duplicate) == (1, 1)
    assert count(db) == 5
    again = import_file(db, "calls", FIXTURES / "calls_zh.csv")
    assert (again.rows_imported, again.rows_duplicate, again.rejected) == (0, 4, False) and count(db) == 5


def test_gb18030(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "话单.csv"
    path.write_bytes((FIXTURES / "calls_zh.csv").read_text(encoding="utf-8").encode("gb18030"))
    result = import_file(db, "calls", path)
    assert result.encoding == "GB18030" and result.rows_imported == 4


def test_xlsx_with_numbers_and_duration_cells(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["对方号码", "本机号码", "呼叫类型", "开始时间", "通话时长", "小区"])
    sheet.append([17000000000, 13800000000, "被叫", datetime(2024, 5, 30, 14, 30), 312, 1234])
    sheet.append([17000000000, 13800000000, "主叫", datetime(2024, 5, 30, 15, 0), time(0, 2, 5), None])
    sheet.append([17000000000, 13800000000, "主叫", datetime(2024, 5, 30, 15, 10), 2.5, None])
    path = tmp_path / "calls.xlsx"
    book.save(path)
    result = import_file(db, "calls", path, skip_bad=True)
    assert result.rows_imported == 2 and [p.place for p in result.problems] == ["calls.xlsx:line 4, column 通话时长"]
    rows = calls(db)
    assert [(r.msisdn, r.other, r.duration_s, r.cell_id) for r in rows] == [
        ("13800000000", "17000000000", 312, "1234"), ("13800000000", "17000000000", 125, None)]


def test_missing_required_column(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("本机号码,对方号码,开始时间\n13800000000,17000000000,2024-05-30 14:30:00\n", encoding="utf-8")
    result = import_file(db, "calls", path)
    assert result.rejected and [p.reason.split(";")[0] for p in result.problems] == [
        "required column 呼叫类型 is missing", "required column 通话时长 is missing"]
    assert "call_type" in result.problems[0].reason and count(db) == 0


BAD = [
    ("calls_bad.csv:line 3, column 开始时间", '"30/05/2024 14:50" is not a date and time'),
    ("calls_bad.csv:line 4, column 通话时长", '"-5" is negative'),
    ("calls_bad.csv:line 5, column 通话时长", '"1.5" is not whole seconds'),
    ("calls_bad.csv:line 6, column 呼叫类型", '"未知" is not one of 主叫/被叫/呼转'),
    ("calls_bad.csv:line 7, column 对方号码", "is empty"),
    ("calls_bad.csv:line 8, column 通话时长", '"二十" is not a duration'),
]


def test_bad_rows_refuse_by_default_and_skip_bad_imports_the_rest(db: Database) -> None:
    refused = import_file(db, "calls", FIXTURES / "calls_bad.csv")
    assert refused.rejected and refused.rows_bad == 6 and count(db) == 0
    assert [(p.place, p.reason[: len(r)]) for p, (_, r) in zip(refused.problems, BAD, strict=True)] == BAD
    result = import_file(db, "calls", FIXTURES / "calls_bad.csv", skip_bad=True)
    assert (result.rejected, result.rows_imported, result.rows_bad) == (False, 1, 6) and count(db) == 1


@pytest.mark.parametrize("name", ["empty.csv", "junk.bin", "image.png", "no_header.csv", "statements_zh.csv"])
def test_what_is_not_call_records_is_refused(sqlite_db: Database, name: str) -> None:
    result = import_file(sqlite_db, "calls", FIXTURES / name)
    assert result.rejected and count(sqlite_db) == 0
    assert "call records (话单)" in result.problems[-1].reason or "is missing" in result.problems[-1].reason
