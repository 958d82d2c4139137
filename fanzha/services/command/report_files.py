"""Report files (统计报表): the monthly or yearly report as Excel (openpyxl) and PDF (fpdf2 with
a Chinese font embedded), written from the one set of tables report_tables builds.

The PDF needs a CJK font: by default Noto Sans CJK SC from the Debian package fonts-noto-cjk
(/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc); FANZHA_REPORT_FONT names another
TrueType/OpenType file. fpdf2 embeds only the glyphs used (a subset), so the file stays small.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.services.center import center_name
from fanzha.services.command.area import Area
from fanzha.services.command.period import Period
from fanzha.services.command.report_tables import (
    Change,
    Money,
    ReportContent,
    Table,
    build_report,
    change_text,
    money_text,
)
from fanzha.services.command.statistics import command_figures

FORMATS = ("xlsx", "pdf")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
DEFAULT_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONT_INDEX_SC = 2  # the collection's Simplified Chinese face (Noto Sans CJK SC)
FONT_PACKAGE = "fonts-noto-cjk"


class ReportFontMissing(RuntimeError):
    """The PDF cannot be written without a Chinese font."""


@dataclass(frozen=True)
class ReportFile:
    filename: str
    content: bytes
    fmt: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    @property
    def quoted_filename(self) -> str:
        return quote(self.filename)


def report_file(session: Session, actor: Actor, period: Period, area: Area | str | None, fmt: str,
                fraud_type=None, generated_at: datetime | None = None) -> ReportFile:
    """One report of ``period`` over ``area`` as ``fmt`` (xlsx or pdf)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    figures = command_figures(session, actor, period, area, fraud_type)
    content = build_report(figures, center_name(session))
    stamp = clock.local(generated_at or clock.now()).strftime("%Y-%m-%d %H:%M")
    content.subtitle.append(f"生成时间：{stamp}")
    name = f"反诈统计报表_{period.code}_{figures.area.label('zh')}.{fmt}".replace("..", "至")
    data = write_xlsx(content) if fmt == "xlsx" else write_pdf(content)
    return ReportFile(name, data, fmt)


# -- Excel ----------------------------------------------------------------------------------------
def write_xlsx(content: ReportContent) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F2")
    for index, table in enumerate(content.tables):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = table.key
        row = 1
        if index == 0:
            sheet.cell(row, 1, content.title).font = Font(bold=True, size=14)
            row += 1
            for line in content.subtitle + [""] + content.verdict + [""]:
                sheet.cell(row, 1, line)
                row += 1
        sheet.cell(row, 1, table.title).font = bold
        row += 1
        for col, name in enumerate(table.header, start=1):
            cell = sheet.cell(row, col, name)
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True)
        for values in table.rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row, col)
                if isinstance(value, Money):
                    cell.value = Decimal(value.fen) / 100
                    cell.number_format = "#,##0.00"
                elif isinstance(value, Change):
                    cell.value = None if value.percent is None else Decimal(str(value.percent)) / 100
                    cell.number_format = "+0.0%;-0.0%;0.0%"
                    if value.percent is None:
                        cell.value = "—"
                else:
                    cell.value = value
        for col in range(1, len(table.header) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 22 if col == 1 else 14
        sheet.freeze_panes = sheet.cell(row - len(table.rows) + 1, 2)
    notes = book.create_sheet("口径")
    for r, line in enumerate(content.notes, start=1):
        notes.cell(r, 1, line).alignment = Alignment(wrap_text=True)
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- PDF ------------------------------------------------------------------------------------------
def font_path() -> Path:
    """The CJK font the PDF embeds; a clear error naming the package when it is missing."""
    chosen = os.environ.get("FANZHA_REPORT_FONT")
    path = Path(chosen) if chosen else DEFAULT_FONT
    if not path.is_file():
        raise ReportFontMissing(
            f"the PDF report needs a Chinese font and {path} is missing: install the Debian package "
            f"{FONT_PACKAGE} (apt-get install {FONT_PACKAGE}), or set FANZHA_REPORT_FONT to a TrueType/OpenType "
            "CJK font file; the Excel report needs no font")
    return path


def write_pdf(content: ReportContent) -> bytes:
    from fpdf import FPDF

    path = font_path()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    index = FONT_INDEX_SC if path.suffix.lower() == ".ttc" else 0
    pdf.add_font("cjk", "", str(path), collection_font_number=index) if index else pdf.add_font("cjk", "", str(path))
    pdf.set_title(content.title)
    pdf.set_creator("Fanzha 反诈")
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 9, content.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    for line in content.subtitle:
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=11)
    pdf.set_fill_color(235, 241, 248)
    for n, line in enumerate(content.verdict):
        pdf.multi_cell(0, 6.5, ("" if n == 0 else "  · ") + line, fill=n == 0, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for table in content.tables:
        wide = len(table.header) > 8
        if wide:  # the district table: a landscape page of its own
            pdf.add_page(orientation="L")
        _pdf_table(pdf, table)
        if table.chart == "bars" and table.rows:
            _pdf_bars(pdf, table)
        if wide:
            pdf.add_page(orientation="P")
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, "统计口径", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    for line in content.notes:
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _text(value) -> str:
    if isinstance(value, Money):
        return money_text(value)
    if isinstance(value, Change):
        return change_text(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _pdf_table(pdf, table: Table) -> None:
    from fpdf.fonts import FontFace

    wide = len(table.header) > 8
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=6.5 if wide else 8.5)
    with pdf.table(col_widths=None, text_align="RIGHT", line_height=4 if wide else 5, first_row_as_headings=True,
                   headings_style=FontFace(fill_color=(220, 230, 242))) as grid:
        head = grid.row()
        for name in table.header:
            head.cell(name, align="CENTER")
        for values in table.rows:
            row = grid.row()
            for n, value in enumerate(values):
                row.cell(_text(value), align="LEFT" if n == 0 else "RIGHT")
    pdf.ln(3)


def _pdf_bars(pdf, table: Table) -> None:
    """This period against the same period a year earlier as drawn bars (columns 1 and 2)."""
    rows = table.rows[:31]
    top = max([max(int(r[1]), int(r[2])) for r in rows] + [1])
    height, width = 38.0, pdf.epw
    if pdf.get_y() + height + 12 > pdf.page_break_trigger:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y() + 2
    slot = width / len(rows)
    bar = max(min(slot * 0.35, 6.0), 0.6)
    pdf.set_draw_color(170, 170, 170)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.set_font("cjk", size=5 if len(rows) > 12 else 6.5)
    for n, values in enumerate(rows):
        x = x0 + n * slot + (slot - 2 * bar) / 2
        for k, colour in ((1, (31, 95, 168)), (2, (190, 190, 190))):
            h = height * int(values[k]) / top
            pdf.set_fill_color(*colour)
            if h > 0:
                pdf.rect(x + (k - 1) * bar, y0 + height - h, bar, h, style="F")
        label = str(values[0])
        label = label[5:] if len(label) == 10 else label
        pdf.set_xy(x0 + n * slot, y0 + height + 0.5)
        pdf.cell(slot, 3, label[:6], align="C")
    pdf.set_xy(x0, y0 + height + 4)
    pdf.set_font("cjk", size=7)
    pdf.set_fill_color(31, 95, 168)
    pdf.rect(x0, pdf.get_y() + 1, 3, 2, style="F")
    pdf.set_x(x0 + 4)
    pdf.cell(20, 4, table.header[1])
    pdf.set_fill_color(190, 190, 190)
    pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 2, style="F")
    pdf.set_x(pdf.get_x() + 4)
    pdf.cell(20, 4, table.header[2], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
