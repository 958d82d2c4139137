"""Importing SMS records (短信记录): spellings, encodings, bad rows, idempotence."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from fanzha.services.importing import import_file
from fanzha.store.db import Database
from fanzha.store.models import SmsRecord

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def messages(db: Database) -> list[SmsRecord]:
    with db.session() as s:
        return list(s.scalars(select(SmsRecord).order_by(SmsRecord.time)))


def count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(SmsRecord))


def test_chinese_headers_and_optional_content(db: Database) -> None:
    result = import_file(db, "sms", FIXTURES / "sms_zh.csv")
    assert not result.rejected and result.rows_imported == 3
    rows = messages(db)
    assert [r.direction for r in rows] == ["in", "out", "in"]
    assert rows[0].content == "【客服】您的订单异常，请联系退款专员" and rows[2].content is None
    assert rows[0].time == datetime(2024, 5, 30, 6, 20, tzinfo=UTC)


def test_english_aliases_mixed_order_extra_column_and_reimport(db: Database) -> None:
    result = import_file(db, "sms", FIXTURES / "sms_en.csv")
    assert result.rows_imported == 2 and result.extra_columns == ["extra"]
    assert messages(db)[0].operator == "CMCC"
    again = import_file(db, "sms", FIXTURES / "sms_zh.csv")  # two of its three are the same messages
    assert (again.rows_imported, again.rows_duplicate) == (1, 2) and count(db) == 3


def test_gb18030_and_xlsx(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "短信.csv"
    path.write_bytes((FIXTURES / "sms_zh.csv").read_text(encoding="utf-8").encode("gb18030"))
    assert import_file(db, "sms", path).encoding == "GB18030"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["本机号码", "对方号码", "收发标志", "时间"])
    sheet.append(["13800000000", "95588", "收", datetime(2024, 5, 31, 9, 0)])
    book.save(tmp_path / "sms.xlsx")
    result = import_file(db, "sms", tmp_path / "sms.xlsx")
    assert result.rows_imported == 1 and count(db) == 4


def test_bad_rows_and_missing_column(db: Database, tmp_path: Path) -> None:
    refused = import_file(db, "sms", FIXTURES / "sms_bad.csv")
    assert refused.rejected and count(db) == 0
    assert [p.place for p in refused.problems] == ["sms_bad.csv:line 3, column 收发标志", "sms_bad.csv:line 4, column 时间"]
    assert "发/收 or out/in" in refused.problems[0].reason
    assert import_file(db, "sms", FIXTURES / "sms_bad.csv", skip_bad=True).rows_imported == 1
    path = tmp_path / "s.csv"
    path.write_text("msisdn,other,time\n13800000000,17000000000,2024-05-30 14:20:00\n", encoding="utf-8")
    missing = import_file(db, "sms", path)
    assert missing.rejected and "required column 收发标志 is missing" in missing.problems[0].reason


@pytest.mark.parametrize("name", ["empty.csv", "junk.bin", "image.png", "no_header.csv"])
def test_what_is_not_sms_records_is_refused(sqlite_db: Database, name: str) -> None:
    result = import_file(sqlite_db, "sms", FIXTURES / name)
    assert result.rejected and "SMS records (短信记录)" in result.problems[0].reason
