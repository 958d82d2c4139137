"""Reading an uploaded file as a table (读取文件): sniff what it is, its encoding and delimiter.

Accepted: CSV (comma, tab, semicolon or |) in UTF-8 with or without BOM, GB18030, or UTF-16 with
a BOM (Excel's "Unicode text"); and Excel workbooks (.xlsx; .xls and .ods also open). Every cell
is read as text, so nothing is guessed: amounts stay exact and account numbers keep their zeros.
Each data row carries ``__line``, its row number as a spreadsheet shows it (the header is line 1
when it is the first row).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import polars as pl

LINE = "__line"
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in bank exports
_DELIMITERS = (",", "\t", ";", "|")
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class NotATable(ValueError):
    """The file is not something Fanzha can read as a table; the message says what was expected."""


@dataclass
class Table:
    """The file's rows as text columns named ``c0``, ``c1``..., plus ``__line``."""

    frame: pl.DataFrame
    headers: list[str]  # header cells as written, trimmed
    header_line: int  # spreadsheet row number of the header
    encoding: str  # UTF-8, UTF-8 (BOM), GB18030, UTF-16, xlsx
    format: str  # csv or xlsx

    def column(self, index: int) -> str:
        return f"c{index}"


def sniff(data: bytes) -> str:
    """What the bytes are: ``workbook``, ``json`` or ``text``; raise NotATable for anything else."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise NotATable("the file is empty")
    if data.startswith(_ZIP) or data.startswith(_OLE):
        return "workbook"
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise NotATable(f"the file is {what}, not a table")
    text, _ = decode(data[:65536], partial=True)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return "json"
    return "text"


def decode(data: bytes, partial: bool = False) -> tuple[str, str]:
    """Decode as strict UTF-8 (with or without BOM), else UTF-16 with a BOM, else GB18030.

    ``partial`` tolerates a character cut at the end (when only a prefix of the file is given).
    Raises NotATable when the bytes are no text in these encodings, or look like binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8 (BOM)")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, label in candidates:
        for cut in (range(0, 4) if partial else (0,)):
            chunk = data[: len(data) - cut] if cut else data
            try:
                text = chunk.decode(codec)
            except UnicodeDecodeError:
                continue
            if _looks_binary(text):
                raise NotATable("the file holds binary data, not text")
            return text, label
    raise NotATable("the file is not text in UTF-8 or GB18030 (it may be binary, or another encoding); "
                    "save it as CSV in UTF-8")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return controls > max(2, len(sample) // 200)


def read_csv(data: bytes, recognise: Callable[[list[str]], int]) -> Table:
    """Read delimited text; ``recognise`` scores a row as a header (how many known columns)."""
    text, encoding = decode(data)
    if encoding == "UTF-8":
        payload = data
    elif encoding == "UTF-8 (BOM)":
        payload = data[3:]
        text = text.lstrip("\ufeff")
    else:
        payload = text.encode("utf-8")
    head_rows, delimiter = _first_rows(text)
    header_index = _header_row(head_rows, recognise)
    frame = pl.read_csv(
        io.BytesIO(payload),
        has_header=False,
        separator=delimiter,
        quote_char='"',
        infer_schema=False,
        skip_rows=header_index,
        truncate_ragged_lines=True,
        empty_string_is_null=True,
        raise_if_empty=False,
    )
    if frame.height == 0:
        raise NotATable("the file has no header row")
    headers = [(v or "").strip() for v in frame.row(0)]
    frame = frame.slice(1)
    frame.columns = [f"c{i}" for i in range(frame.width)]
    return _finish(frame, headers, header_index + 1, encoding, "csv")


def _first_rows(text: str) -> tuple[list[list[str]], str]:
    lines = text[:65536].splitlines()[: HEADER_SEARCH_ROWS + 1]
    best, best_width = ",", 1
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        width = max((len(r) for r in rows), default=0)
        if width > best_width:
            best, best_width = delimiter, width
    rows = list(csv.reader(lines[:HEADER_SEARCH_ROWS], delimiter=best))
    return rows, best


def _header_row(rows: list[list[str]], recognise: Callable[[list[str]], int]) -> int:
    scores = [recognise(row) for row in rows]
    if not scores or max(scores) == 0:
        raise NotATable("no header row with known column names was found in the first "
                        f"{HEADER_SEARCH_ROWS} rows")
    return scores.index(max(scores))


def read_workbook(data: bytes, recognise: Callable[[list[str]], int]) -> Table:
    """Read the first sheet with a recognisable header of an .xlsx (or .xls/.ods) workbook."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for a bad archive
        raise NotATable(f"the file looks like a zip or Office file but is not an Excel workbook ({exc.__class__.__name__})") from None
    chosen = None
    for index, _name in enumerate(book.sheet_names):
        rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        cells = [[_cell_text(v) for v in row] for row in rows]
        head = [[c or "" for c in row] for row in cells[:HEADER_SEARCH_ROWS]]
        score = max((recognise(r) for r in head), default=0)
        if score and (chosen is None or score > chosen[0]):
            chosen = (score, cells, head)
    if chosen is None:
        raise NotATable("no sheet of the workbook has a header row with known column names in its first "
                        f"{HEADER_SEARCH_ROWS} rows")
    _, cells, head = chosen
    header_index = _header_row(head, recognise)
    headers = [(c or "").strip() for c in cells[header_index]]
    width = len(headers)
    body = [(row + [None] * width)[:width] for row in cells[header_index + 1:]]
    names = [f"c{i}" for i in range(width)]
    frame = pl.DataFrame(body, schema={n: pl.String for n in names}, orient="row")
    return _finish(frame, headers, header_index + 1, "xlsx", "xlsx")


def _cell_text(value: object) -> str | None:
    """A workbook cell as the text a person sees; numbers exact, dates as 2024-05-30 15:02:00."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:  # exact integers: card and phone numbers
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # the shortest repr is what Excel shows
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f" if value.microsecond else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def _finish(frame: pl.DataFrame, headers: list[str], header_line: int, encoding: str, fmt: str) -> Table:
    first = header_line + 1
    frame = frame.with_columns(pl.int_range(first, first + frame.height, dtype=pl.Int64).alias(LINE))
    data_columns = [c for c in frame.columns if c != LINE]
    if data_columns:  # blank lines are no rows; they keep their number in the count
        frame = frame.filter(~pl.all_horizontal([pl.col(c).is_null() for c in data_columns]))
    return Table(frame, headers, header_line, encoding, fmt)


def read_table(data: bytes, recognise: Callable[[list[str]], int]) -> Table:
    """Read CSV or a workbook; raise NotATable saying what is wrong."""
    kind = sniff(data)
    if kind == "workbook":
        return read_workbook(data, recognise)
    if kind == "json":
        raise NotATable("the file is JSON; only victim reports are accepted as JSON")
    return read_csv(data, recognise)
