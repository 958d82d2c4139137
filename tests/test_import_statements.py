"""Importing bank statements (交易流水): every spelling and encoding, bad rows, idempotence, pairing."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.domain.actor import Actor
from fanzha.services.importing import count_distinct_transfers, import_file
from fanzha.store.db import Database
from fanzha.store.models import ImportBatch, StatementPosting

FIXTURES = Path(__file__).parent / "fixtures" / "import"
A, B, C = "6222020000000001", "6217000000000002", "6228480000000003"


def postings(db: Database) -> list[StatementPosting]:
    with db.session() as s:
        return list(s.scalars(select(StatementPosting).order_by(StatementPosting.time)))


def count(db: Database, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_chinese_headers_every_field_is_stored(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_zh.csv", actor=Actor.system("duty1"))
    assert not result.rejected and result.problems == []
    assert (result.rows_read, result.rows_imported, result.rows_duplicate, result.rows_bad) == (5, 5, 0, 0)
    assert result.encoding == "UTF-8" and result.extra_columns == []
    first = next(p for p in postings(db) if p.txn_id == "ICBC0001")
    assert first.account == A and first.account_name == "陈某明" and first.bank == "工商银行"
    assert first.time == datetime(2024, 5, 30, 7, 2, tzinfo=UTC)  # 15:02 Asia/Shanghai
    assert first.direction == "out" and first.amount_fen == 5_000_000 and first.balance_fen == 120_000
    assert (first.counterparty_account, first.counterparty_name, first.counterparty_bank) == (B, "李某", "建设银行")
    assert (first.channel, first.memo, first.ip, first.mac) == ("手机银行", "转账", "10.1.2.3", "00-1A-2B-3C-4D-5E")
    assert len(first.posting_key) == 40
    with db.session() as s:
        batch = s.scalar(select(ImportBatch))
        assert (batch.kind, batch.filename, batch.rows_read, batch.rows_imported, batch.imported_by) == (
            "statements", "statements_zh.csv", 5, 5, "duty1")
        assert first.import_batch_id == batch.id


def test_english_aliases_in_any_order_and_extra_columns_reported(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_en.csv")
    assert not result.rejected and result.rows_imported == 3
    assert result.extra_columns == ["note"]
    assert "note" in result.summary()
    rows = postings(db)
    assert [p.amount_fen for p in rows] == [5_000_000, 5_000_000, 100_050]  # "50,000.00", 50000, 1000.5
    assert [p.time for p in rows] == [datetime(2024, 5, 30, 7, 2, tzinfo=UTC),
                                      datetime(2024, 5, 30, 7, 3, 10, tzinfo=UTC),
                                      datetime(2024, 5, 30, 8, 0, tzinfo=UTC)]
    assert [p.direction for p in rows] == ["out", "in", "out"]
    assert rows[2].counterparty_account is None and rows[2].balance_fen == 0


def test_gb18030_file_is_detected(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_gb18030.csv")
    assert result.encoding == "GB18030" and result.rows_imported == 5
    assert {p.account_name for p in postings(db)} == {"陈某明", "李某"}


def test_utf8_with_bom_and_tab_separated(sqlite_db: Database, tmp_path: Path) -> None:
    text = (FIXTURES / "statements_zh.csv").read_text(encoding="utf-8").replace(",", "\t")
    path = tmp_path / "tabbed.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = import_file(sqlite_db, "statements", path)
    assert result.encoding == "UTF-8 (BOM)" and result.rows_imported == 5 and result.extra_columns == []


def test_xlsx_with_excel_dates_and_numbers(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某银行账户交易明细"])  # a title row above the header, as bank exports have
    sheet.append(["交易卡号", "交易时间", "收付标志", "交易金额", "交易余额", "对手账号", "经办人"])
    sheet.append([A, datetime(2024, 5, 30, 15, 2), "出", 50000.1, 1200, B, "x"])
    sheet.append([B, "2024-05-30 15:03:10", "进", 50000.10, None, A, None])
    sheet.append([])
    sheet.append([B, datetime(2024, 5, 30, 16, 0), "出", 12.345, None, None, None])
    path = tmp_path / "流水.xlsx"
    book.save(path)

    refused = import_file(db, "statements", path)
    assert refused.rejected and refused.encoding == "xlsx"
    assert [str(p) for p in refused.problems] == [
        '流水.xlsx:line 6, column 交易金额: "12.345" has more than two decimals; yuan amounts have at most two (fen)']
    assert count(db, StatementPosting) == 0

    result = import_file(db, "statements", path, skip_bad=True)
    assert (result.rows_imported, result.rows_bad, result.extra_columns) == (2, 1, ["经办人"])
    rows = postings(db)
    assert [p.amount_fen for p in rows] == [5_000_010, 5_000_010]
    assert rows[0].time == datetime(2024, 5, 30, 7, 2, tzinfo=UTC) and rows[0].balance_fen == 120_000
    assert count_distinct_transfers(db) == 1


def test_missing_required_columns_refuse_the_file(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_missing.csv")
    assert result.rejected and result.rows_imported == 0
    assert [p.place for p in result.problems] == ["statements_missing.csv:line 1"] * 2
    assert "收付标志 is missing" in result.problems[0].reason and "借贷标志 or direction" in result.problems[0].reason
    assert "交易金额 is missing" in result.problems[1].reason and "amount" in result.problems[1].reason
    assert count(db, StatementPosting) == 0


BAD_FILE_PROBLEMS = [
    ("statements_bad.csv:line 3, column 交易时间", '"2024-13-45 10:00:00" is not a date and time'),
    ("statements_bad.csv:line 4, column 交易金额", '"-50.00" is negative'),
    ("statements_bad.csv:line 5, column 交易金额", '"五十元" is not an amount'),
    ("statements_bad.csv:line 6, column 交易金额", '"12.345" has more than two decimals'),
    ("statements_bad.csv:line 7, column 收付标志", '"转" is not one of 进/出, 收/付, 贷/借 or in/out'),
]


def test_a_bad_row_refuses_the_whole_file_by_default(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_bad.csv")
    assert result.rejected
    assert (result.rows_read, result.rows_imported, result.rows_bad) == (7, 0, 5)
    assert [(p.place, p.reason[: len(r)]) for p, (_, r) in zip(result.problems, BAD_FILE_PROBLEMS, strict=True)] == BAD_FILE_PROBLEMS
    assert "--skip-bad" in result.summary()
    assert count(db, StatementPosting) == 0 and count(db, ImportBatch) == 0


def test_skip_bad_imports_the_rest_and_reports_the_bad(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_bad.csv", skip_bad=True)
    assert not result.rejected
    assert (result.rows_read, result.rows_imported, result.rows_bad) == (7, 2, 5)
    assert [p.place for p in result.problems] == [place for place, _ in BAD_FILE_PROBLEMS]
    assert count(db, StatementPosting) == 2
    assert count_distinct_transfers(db) == 1  # the good rows are the two sides of one transfer


@pytest.mark.parametrize(("name", "says"), [
    ("empty.csv", "the file is empty"),
    ("image.png", "a PNG image"),
    ("junk.bin", "not text in UTF-8 or GB18030"),
    ("no_header.csv", "no header row with known column names"),
    ("reports.json", "only victim reports are accepted as JSON"),
])
def test_what_is_not_a_table_is_refused_with_what_was_expected(sqlite_db: Database, name: str, says: str) -> None:
    result = import_file(sqlite_db, "statements", FIXTURES / name, display_name=f"upload-{name}")
    assert result.rejected and result.rows_read == 0 and result.rows_imported == 0
    (problem,) = result.problems
    assert problem.place == f"upload-{name}"
    assert says in problem.reason and "expected bank statements (交易流水)" in problem.reason
    assert "交易卡号" in problem.reason and ".xlsx" in problem.reason
    assert count(sqlite_db, StatementPosting) == 0


def test_reimporting_adds_nothing_and_overlapping_files_add_only_what_is_new(db: Database) -> None:
    first = import_file(db, "statements", FIXTURES / "statements_payer.csv")
    assert first.rows_imported == 2
    again = import_file(db, "statements", FIXTURES / "statements_payer.csv")
    assert (again.rows_read, again.rows_imported, again.rows_duplicate, again.rejected) == (2, 0, 2, False)
    overlapping = import_file(db, "statements", FIXTURES / "statements_zh.csv")  # payer's rows + payee's
    assert (overlapping.rows_imported, overlapping.rows_duplicate) == (3, 2)
    assert count(db, StatementPosting) == 5 and count(db, ImportBatch) == 2
    assert count_distinct_transfers(db) == 4


def test_a_transfer_seen_from_both_sides_in_one_file_counts_once(db: Database) -> None:
    result = import_file(db, "statements", FIXTURES / "statements_zh.csv")
    assert result.transfers_matched == 1
    rows = postings(db)
    pay = next(p for p in rows if p.txn_id == "ICBC0001")
    receive = next(p for p in rows if p.txn_id == "CCB0001")
    assert pay.transfer_key and pay.transfer_key == receive.transfer_key and len(pay.transfer_key) == 40
    assert [p.transfer_key for p in rows if p.txn_id not in ("ICBC0001", "CCB0001")] == [None, None, None]
    assert len(rows) == 5 and count_distinct_transfers(db) == 4
    assert count_distinct_transfers(db, accounts=[A]) == 2


@pytest.mark.parametrize("order", [("statements_payer.csv", "statements_payee.csv"),
                                   ("statements_payee.csv", "statements_payer.csv")])
def test_a_transfer_seen_from_both_sides_across_two_imports_counts_once(db: Database, order) -> None:
    first = import_file(db, "statements", FIXTURES / order[0])
    assert first.transfers_matched == 0
    later = Database(db.url)  # another day, another process
    try:
        second = import_file(later, "statements", FIXTURES / order[1])
    finally:
        later.dispose()
    assert second.transfers_matched == 1
    rows = postings(db)
    keys = {p.txn_id: p.transfer_key for p in rows}
    assert keys["ICBC0001"] is not None and keys["ICBC0001"] == keys["CCB0001"]  # the stored side was updated
    assert len(rows) == 5 and count_distinct_transfers(db) == 4
    # importing the whole again pairs nothing twice
    assert import_file(db, "statements", FIXTURES / "statements_zh.csv").transfers_matched == 0
    assert count_distinct_transfers(db) == 4


def test_line_numbers_are_spreadsheet_rows_with_title_and_blank_lines(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "工商银行账户交易明细,,,\n"  # line 1: a title
        "交易卡号,交易时间,收付标志,交易金额\n"  # line 2: the header
        f"{A},2024-05-30 09:00:00,出,1.00\n"  # line 3
        "\n"  # line 4: blank
        f'{A},"2024-05-30\nlater",出,1.00\n'  # line 5: a quoted newline is one spreadsheet row
        f"{A},2024-05-30 09:02:00,出,1.001\n",  # line 6
        encoding="utf-8",
    )
    result = import_file(sqlite_db, "statements", path)
    assert result.rows_read == 3
    assert [p.place for p in result.problems] == ["s.csv:line 5, column 交易时间", "s.csv:line 6, column 交易金额"]


def test_a_failure_while_writing_leaves_nothing(db: Database, monkeypatch) -> None:
    import fanzha.services.importing.tabular as tabular

    def crash(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tabular, "close_batch", crash)  # after the rows went in, before the commit
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(db, "statements", FIXTURES / "statements_zh.csv")
    assert count(db, StatementPosting) == 0 and count(db, ImportBatch) == 0


def test_unknown_kind_names_the_valid_kinds(sqlite_db: Database) -> None:
    with pytest.raises(ValueError, match="statements, reports, calls, sms"):
        import_file(sqlite_db, "cheques", FIXTURES / "statements_zh.csv")


def test_result_as_dict_is_json_and_summary_is_one_line(sqlite_db: Database) -> None:
    result = import_file(sqlite_db, "statements", FIXTURES / "statements_bad.csv", skip_bad=True)
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["rows_imported"] == 2 and data["rows_bad"] == 5 and data["problems_total"] == 5
    assert data["problems"][0]["place"] == "statements_bad.csv:line 3, column 交易时间"
    assert "\n" not in result.summary() and "imported 2 of 7 rows" in result.summary()


@pytest.fixture
def cli_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("FANZHA_DATABASE_URL", url)
    return url


def test_cli_exits_1_on_a_bad_file_and_0_on_a_good_one(cli_db: str) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["import", "statements", str(FIXTURES / "statements_bad.csv")])
    assert bad.exit_code == 1, bad.output
    assert "refused" in bad.output
    good = runner.invoke(app, ["import", "statements", str(FIXTURES / "statements_zh.csv")])
    assert good.exit_code == 0, good.output
    assert "imported 5 of 5 rows" in good.output
    skipping = runner.invoke(app, ["import", "statements", "--skip-bad", str(FIXTURES / "statements_bad.csv")])
    assert skipping.exit_code == 0, skipping.output


def test_cli_two_files_pair_the_transfer_across_them(cli_db: str) -> None:
    result = CliRunner().invoke(app, ["import", "statements", str(FIXTURES / "statements_payee.csv"),
                                      str(FIXTURES / "statements_payer.csv")])
    assert result.exit_code == 0, result.output
    db = Database(cli_db)
    try:
        assert count(db, StatementPosting) == 5 and count_distinct_transfers(db) == 4
    finally:
        db.dispose()
