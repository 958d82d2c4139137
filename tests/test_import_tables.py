"""Reading files as tables and reading cells: encodings, delimiters, Excel cells, times, amounts."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import polars as pl
import pytest

from fanzha.services.importing import values
from fanzha.services.importing.headers import CALLS, STATEMENTS, normalise_header
from fanzha.services.importing.tables import NotATable, _cell_text, decode, read_table, sniff

HEADER = "交易卡号,交易时间,收付标志,交易金额\n"
ROW = "6222020000000001,2024-05-30 15:02:00,出,1.00\n"


@pytest.mark.parametrize(("data", "label"), [
    ((HEADER + ROW).encode("utf-8"), "UTF-8"),
    (b"\xef\xbb\xbf" + (HEADER + ROW).encode("utf-8"), "UTF-8 (BOM)"),
    ((HEADER + ROW).encode("gb18030"), "GB18030"),
    ((HEADER + ROW).encode("utf-16"), "UTF-16"),
])
def test_encodings_are_detected(data: bytes, label: str) -> None:
    table = read_table(data, STATEMENTS.recognised)
    assert table.encoding == label
    assert table.headers == ["交易卡号", "交易时间", "收付标志", "交易金额"]
    assert table.frame.row(0) == ("6222020000000001", "2024-05-30 15:02:00", "出", "1.00", 2)


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    data = (HEADER + ROW).replace(",", delimiter).encode("utf-8")
    assert read_table(data, STATEMENTS.recognised).frame.width == 5  # four columns and __line


def test_not_tables() -> None:
    for data, says in [(b"", "empty"), (b"  \r\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
                       (b"%PDF-1.7\n", "PDF"), (bytes(range(256)) * 4, "binary"),
                       (b"PK\x03\x04garbage", "not an Excel workbook"), (b"a,b\n1,2\n", "no header row")]:
        with pytest.raises(NotATable, match=says):
            read_table(data, STATEMENTS.recognised)
    assert sniff(b'  [{"report_id": 1}]') == "json"


def test_gb18030_text_that_is_not_utf8() -> None:
    text, label = decode("陈某明".encode("gb18030"))
    assert (text, label) == ("陈某明", "GB18030")


def test_headers_trimmed_case_folded_and_units_ignored() -> None:
    assert normalise_header("  Amount ") == "amount" and normalise_header("\ufeff交易卡号") == "交易卡号"
    assert STATEMENTS.field_of("交易金额(元)") == "amount" and STATEMENTS.field_of("交易金额（元）") == "amount"
    assert CALLS.field_of("通话时长(秒)") == "duration_s" and CALLS.field_of("imei") == "imei"
    match = STATEMENTS.match(["交易账号", "交易卡号", "时间", "借贷标志", "amount"])
    assert match.positions == {"account": 0, "direction": 3, "amount": 4}
    assert match.extra == ["交易卡号", "时间"] and [c.field for c in match.missing] == ["time"]


def test_excel_cells_as_text() -> None:
    assert _cell_text(50000.1) == "50000.1" and _cell_text(50000.0) == "50000"
    assert _cell_text(12.345) == "12.345" and _cell_text(1e-05) == "0.00001"
    assert _cell_text(6222020000000001.0) == "6222020000000001"
    assert _cell_text(datetime(2024, 5, 30, 15, 2)) == "2024-05-30 15:02:00"
    assert _cell_text(date(2024, 5, 30)) == "2024-05-30" and _cell_text(time(0, 2, 5)) == "00:02:05"
    assert _cell_text(timedelta(seconds=125)) == "0:02:05" and _cell_text("") is None and _cell_text(None) is None


def test_times_in_common_spellings_are_shanghai_unless_zoned() -> None:
    raw = pl.Series(["2024-05-30 15:02:00", "2024/5/30 15:02", "20240530150200", "2024-05-30T15:02:00",
                     "2024-05-30 15:02:00.000", "2024年5月30日 15:02:00", "2024-05-30T15:02:00+08:00",
                     "2024-05-30T07:02:00Z", "2024-05-30 09:02:00+02:00"])
    parsed, reasons = values.times(raw)
    assert reasons.null_count() == len(raw)
    assert set(parsed.to_list()) == {datetime(2024, 5, 30, 7, 2, tzinfo=UTC)}


def test_bad_times_say_how_to_write_them() -> None:
    parsed, reasons = values.times(pl.Series(["2024-02-30 10:00:00", "soon", None, "1900-01-01 00:00:00"]))
    assert parsed.null_count() == 4
    assert reasons[0].startswith('"2024-02-30 10:00:00" is not a date and time; write it like')
    assert reasons[2].startswith("is empty") and "year outside" in reasons[3]


def test_amounts_are_exact_fen() -> None:
    raw = pl.Series(["50000.00", "1,234.5", "¥100", "0.01", "9999999999999.99", "7"])
    fen, reasons = values.amount_fen(raw)
    assert fen.to_list() == [5_000_000, 123_450, 10_000, 1, 999_999_999_999_999, 700]
    assert reasons.null_count() == len(raw)


def test_bad_amounts() -> None:
    _, reasons = values.amount_fen(pl.Series(["-1.00", "12.345", "abc", "", "1.2.3", "1e5"]))
    assert ["negative" in reasons[0], "more than two decimals" in reasons[1], "not an amount" in reasons[2],
            reasons[3].startswith("is empty"), "not an amount" in reasons[4], "not an amount" in reasons[5]] == [True] * 6
    balance, reasons = values.amount_fen(pl.Series(["-12.30", None]), required=False, signed=True)
    assert balance.to_list() == [-1230, None] and reasons.null_count() == 2
