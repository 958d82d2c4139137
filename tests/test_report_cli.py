"""``fanzha report``: the monthly and yearly reports as Excel and PDF, with the hand-computed figures
of tests/command_truth.py read back from the files; the PDF has its pages and embeds its Chinese
font; bad input and a missing font are refused with a clear message."""
from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from fanzha.cli.main import app
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry
from tests import command_truth

runner = CliRunner()


@pytest.fixture
def store(tmp_path, monkeypatch) -> Database:
    url = f"sqlite:///{tmp_path / 'report.sqlite'}"
    monkeypatch.setenv("FANZHA_DATABASE_URL", url)
    db = Database(url)
    with db.session() as s:
        command_truth.build(s)
    return db


def _rows(sheet) -> dict:
    return {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r and r[0]}


def test_a_monthly_report_in_excel_and_pdf(store: Database, tmp_path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--period", "2024-05", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["figures"]["cases"] == {"this": 3, "last": 4, "change_percent": -25.0}
    assert body["two_down_two_up"]["met"] == 3 and body["last_period"] == "2023-05"
    paths = {f["format"]: f["path"] for f in body["files"]}
    assert paths["xlsx"].endswith("反诈统计报表_2024-05_全市.xlsx")

    book = load_workbook(paths["xlsx"])
    assert book.sheetnames == ["总览", "分地区", "分类型", "年龄段", "趋势", "口径"]
    head = _rows(book["总览"])
    assert head["发案数"][:2] == (3, 4)
    assert Decimal(str(head["损失金额（元）"][0])) == Decimal("6200") and Decimal(str(head["损失金额（元）"][1])) == Decimal("3950")
    assert head["破案数"][:2] == (2, 1) and head["打处人数"][:2] == (2, 1)
    assert head["冻结金额（元）"][1] == 0 and head["冻结金额（元）"][2] == "—"  # last year 0: undefined
    assert abs(head["发案数"][2] - (-0.25)) < 1e-9  # a percentage cell: -25.0 %
    assert "两降两升：达成 3 项，共 4 项" in head
    districts = _rows(book["分地区"])
    assert districts["城厢区"][:4] == (2, 2, 6000, 3800)  # cases, last year, losses in yuan, last year
    types = _rows(book["分类型"])
    assert types["刷单返利"][:2] == (2, 2)
    ages = _rows(book["年龄段"])
    assert ages["60+"][:2] == (1, 1) and ages["未知"][:2] == (1, 2)
    days = _rows(book["趋势"])
    assert days["2024-05-31"][:2] == (1, 1) and len([k for k in days if str(k).startswith("2024-05-")]) == 31
    assert any("按报案时间" in str(k) for k in _rows(book["口径"]))

    pdf = open(paths["pdf"], "rb").read()
    assert pdf.startswith(b"%PDF")
    pages = int(re.search(rb"/Count (\d+)", pdf).group(1))  # the page tree's count
    assert pages >= 2
    assert b"/FontFile" in pdf and b"NotoSansCJKSC" in pdf  # the Chinese font is embedded (a subset)
    with store.session() as s:
        audited = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "stats.report")).all()
    assert {d["format"] for d in audited} == {"xlsx", "pdf"}


def test_a_yearly_county_report_in_one_format(store: Database, tmp_path) -> None:
    result = runner.invoke(app, ["report", "--period", "2024", "--region", "城厢区", "--format", "xlsx",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "城厢区" in result.stdout and "破案数上升 100.0%" in result.stdout
    files = list(tmp_path.glob("*.xlsx"))
    assert [f.name for f in files] == ["反诈统计报表_2024_城厢区.xlsx"] and not list(tmp_path.glob("*.pdf"))
    head = _rows(load_workbook(files[0])["总览"])
    assert head["发案数"][:2] == (4, 2)  # A1, A2, A4 (April), A5 (June) | B1, B2
    months = _rows(load_workbook(files[0])["趋势"])
    assert list(months)[2:14] == [f"2024-{m:02d}" for m in range(1, 13)]  # after the title and the header
    assert months["2024-05"][:2] == (2, 2)


def test_bad_input_and_a_missing_font_are_refused_clearly(store: Database, tmp_path, monkeypatch) -> None:
    bad = runner.invoke(app, ["report", "--period", "2024-13", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "month 13" in bad.output
    where = runner.invoke(app, ["report", "--period", "2024-05", "--region", "火星区", "--out", str(tmp_path)])
    assert where.exit_code == 2 and "火星区" in where.output
    fmt = runner.invoke(app, ["report", "--period", "2024-05", "--format", "doc", "--out", str(tmp_path)])
    assert fmt.exit_code == 2 and "xlsx" in fmt.output
    monkeypatch.setenv("FANZHA_REPORT_FONT", str(tmp_path / "no-such-font.ttf"))
    missing = runner.invoke(app, ["report", "--period", "2024-05", "--format", "pdf", "--out", str(tmp_path)])
    assert missing.exit_code == 1 and "fonts-noto-cjk" in missing.output
    assert not list(tmp_path.glob("*.pdf"))
