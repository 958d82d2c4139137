"""Importing victim reports (警情): JSON and CSV forms, validation places, one transaction per file."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from fanzha.domain.actor import Actor
from fanzha.services.importing import import_file
from fanzha.store.db import Database
from fanzha.store.models import Case, ImportBatch, Organisation, Person

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def cases(db: Database) -> dict[str, Case]:
    with db.session() as s:
        found = s.scalars(select(Case)).all()
        for case in found:
            _ = case.transfers, case.contacts, case.events, case.victim
        return {c.report_id: c for c in found}


def count(db: Database, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_formats_example_imports_despite_its_wrong_check_digit(db: Database) -> None:
    result = import_file(db, "reports", FIXTURES / "reports.json", actor=Actor.system("duty1"))
    assert not result.rejected and result.problems == []
    assert (result.rows_read, result.rows_imported) == (1, 1)
    case = cases(db)["JQ-2024-0530-001"]
    assert case.loss_fen == 5_000_000 and case.region == "城厢区"
    assert case.transfers[0].time == datetime(2024, 5, 30, 7, 2, tzinfo=UTC)
    assert case.victim.id_number == "350302197901011234"
    assert case.events[0].detail["warnings"] == ["id_number_check_digit"]  # flagged for the officer
    assert {c.kind for c in case.contacts} == {"phone", "url"}
    assert count(db, Organisation) > 0  # seeded by the import
    assert count(db, ImportBatch) == 1


def test_reimporting_is_a_duplicate_not_an_error(db: Database) -> None:
    import_file(db, "reports", FIXTURES / "reports.json")
    again = import_file(db, "reports", FIXTURES / "reports.json")
    assert (again.rejected, again.rows_imported, again.rows_duplicate, again.rows_bad) == (False, 0, 1, 0)
    assert count(db, Case) == 1 and count(db, ImportBatch) == 1


def test_same_id_with_different_content_is_a_bad_report(db: Database, tmp_path: Path) -> None:
    import_file(db, "reports", FIXTURES / "reports.json")
    changed = json.loads((FIXTURES / "reports.json").read_text(encoding="utf-8"))
    changed["transfers"][0]["amount"] = "40000.00"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    result = import_file(db, "reports", path)
    assert result.rejected and result.rows_bad == 1
    (problem,) = result.problems
    assert problem.place == "changed.json:report 1 (JQ-2024-0530-001), report_id"
    assert "already case" in problem.reason and "new id" in problem.reason
    assert cases(db)["JQ-2024-0530-001"].loss_fen == 5_000_000


EXPECTED_LIST_PROBLEMS = [
    ("reports_list.json:report 2 (JQ-2024-0602-002), transfers.0.amount", "negative"),
    ("reports_list.json:report 2 (JQ-2024-0602-002), transfers.1.amount", "12.345"),
    ("reports_list.json:report 3 (JQ-2024-0602-003), region", "not a county of this center"),
]


def test_a_bad_report_refuses_the_file_and_files_nothing(db: Database) -> None:
    result = import_file(db, "reports", FIXTURES / "reports_list.json")
    assert result.rejected and (result.rows_read, result.rows_imported, result.rows_bad) == (3, 0, 2)
    assert [(p.place, word in p.reason) for p, (_, word) in zip(result.problems, EXPECTED_LIST_PROBLEMS, strict=True)] == [
        (place, True) for place, _ in EXPECTED_LIST_PROBLEMS]
    assert count(db, Case) == 0 and count(db, Person) == 0 and count(db, ImportBatch) == 0


def test_skip_bad_files_the_good_reports(db: Database) -> None:
    result = import_file(db, "reports", FIXTURES / "reports_list.json", skip_bad=True)
    assert not result.rejected and (result.rows_imported, result.rows_bad) == (1, 2)
    assert len(result.problems) == 3
    case = cases(db)["JQ-2024-0602-001"]
    assert case.loss_fen == 2_000_000 and case.fraud_type == "fake_investment"


def test_repeated_report_ids_within_a_file_are_bad(db: Database) -> None:
    refused = import_file(db, "reports", FIXTURES / "reports_dup_ids.json")
    assert refused.rejected and refused.rows_bad == 2
    assert [p.place for p in refused.problems] == [
        "reports_dup_ids.json:report 1 (JQ-2024-0603-001), report_id",
        "reports_dup_ids.json:report 3 (JQ-2024-0603-001), report_id",
    ]
    assert "used by 2 reports in this file" in refused.problems[0].reason
    assert count(db, Case) == 0
    result = import_file(db, "reports", FIXTURES / "reports_dup_ids.json", skip_bad=True)
    assert result.rows_imported == 1 and set(cases(db)) == {"JQ-2024-0603-002"}


def test_csv_form_groups_rows_by_report_id(db: Database) -> None:
    result = import_file(db, "reports", FIXTURES / "reports.csv")
    assert not result.rejected and (result.rows_read, result.rows_imported) == (2, 2)
    found = cases(db)
    first, second = found["JQ-2024-0601-001"], found["JQ-2024-0601-002"]
    assert [t.amount_fen for t in first.transfers] == [300_000, 500_050]
    assert first.loss_fen == 800_050 and first.fraud_type == "order_brushing"
    assert first.reported_at == datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
    assert first.victim.age == 44 and first.victim.phone == "13900000000"
    assert second.transfers == [] and second.loss_fen == 0 and second.victim.id_number is None


def _reports_csv_rows() -> list[list[str]]:
    import csv

    with (FIXTURES / "reports.csv").open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_csv_chinese_headers_mixed_order_extra_column_in_gb18030(db: Database, tmp_path: Path) -> None:
    chinese = {"report_id": "警情编号", "reported_at": "报案时间", "region": "辖区", "victim_name": "受害人姓名",
               "amount": "转账金额", "to_account": "收款账号", "time": "转账时间"}
    rows = _reports_csv_rows()
    header = [chinese.get(h, h) for h in rows[0]] + ["备注"]
    order = list(reversed(range(len(header))))
    table = [[([*row, "x"])[i] for i in order] for row in [header, *rows[1:]]]
    path = _write_csv(tmp_path / "警情.csv", table, "gb18030")
    result = import_file(db, "reports", path)
    assert not result.rejected, result.problems
    assert result.encoding == "GB18030" and result.extra_columns == ["备注"] and result.rows_imported == 2
    assert cases(db)["JQ-2024-0601-001"].victim.name == "林某"


def test_csv_problems_point_at_the_transfer_row_and_column(db: Database, tmp_path: Path) -> None:
    rows = _reports_csv_rows()
    rows[2][rows[0].index("amount")] = "-5000.50"  # line 3: the report's second transfer
    rows[3][rows[0].index("reported_at")] = "yesterday"  # line 4: the second report
    rows[2][rows[0].index("region")] = "城厢区"  # differs from line 2 of the same report
    result = import_file(db, "reports", _write_csv(tmp_path / "r.csv", rows))
    assert result.rejected and result.rows_bad == 2
    places = [p.place for p in result.problems]
    assert places == ["r.csv:line 3, column region", "r.csv:line 3, column amount", "r.csv:line 4, column reported_at"]
    assert "'荔城区' on line 2" in result.problems[0].reason
    assert count(db, Case) == 0


def test_xlsx_reports(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    rows = _reports_csv_rows()
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = list(row)
        cells[rows[0].index("amount")] = float(row[rows[0].index("amount")]) if row[10] else None
        cells[rows[0].index("reported_at")] = datetime.fromisoformat(row[1])
        cells[rows[0].index("victim_age")] = int(row[6])
        sheet.append(cells)
    path = tmp_path / "reports.xlsx"
    book.save(path)
    result = import_file(db, "reports", path)
    assert not result.rejected, result.problems
    assert result.rows_imported == 2 and cases(db)["JQ-2024-0601-001"].loss_fen == 800_050


@pytest.mark.parametrize(("name", "says"), [
    ("empty.csv", "the file is empty"),
    ("junk.bin", "not text in UTF-8 or GB18030"),
    ("image.png", "a PNG image"),
    ("no_header.csv", "no header row with known column names"),
])
def test_what_is_not_reports_is_refused(sqlite_db: Database, name: str, says: str) -> None:
    result = import_file(sqlite_db, "reports", FIXTURES / name)
    assert result.rejected and len(result.problems) == 1
    assert says in result.problems[0].reason and "victim reports" in result.problems[0].reason


def test_broken_json_says_where(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"report_id": "JQ-1",\n  "region": }]', encoding="utf-8")
    result = import_file(sqlite_db, "reports", path)
    assert result.rejected and result.problems[0].place == "broken.json:line 2, column 13"
    assert "not valid JSON" in result.problems[0].reason


def test_a_report_that_is_not_an_object_and_missing_fields(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text('[42, {"report_id": "JQ-9", "region": "城厢区"}]', encoding="utf-8")
    result = import_file(sqlite_db, "reports", path)
    assert result.rejected and result.rows_bad == 2
    places = [p.place for p in result.problems]
    assert places[0] == "odd.json:report 1" and "not a report object" in result.problems[0].reason
    assert "odd.json:report 2 (JQ-9), reported_at" in places and "odd.json:report 2 (JQ-9), victim" in places
