"""Places and reasons for bad cells (错误定位): ``statements.csv:line 17, column 交易金额``."""
from __future__ import annotations

import polars as pl

from fanzha.domain.errors import Problem


def row_place(file: str, line: int, column: str | None = None) -> str:
    """Where a cell is, as a person finds it in a spreadsheet (the header is line 1)."""
    return f"{file}:line {line}" + (f", column {column}" if column else "")


def cell_problems(file: str, lines: pl.Series, reasons: list[tuple[str, pl.Series]]) -> tuple[list[Problem], pl.Series]:
    """Every refused cell as a Problem, ordered by line then column; and the mask of bad rows.

    ``reasons`` pairs each column's header (as the file writes it) with its reasons column.
    """
    bad = pl.Series(values=[False] * lines.len(), dtype=pl.Boolean)
    pieces = []
    for order, (header, reason) in enumerate(reasons):
        hit = reason.is_not_null()
        if not hit.any():
            continue
        bad = bad | hit
        pieces.append(pl.DataFrame({
            "line": lines.filter(hit),
            "order": pl.Series(values=[order] * int(hit.sum()), dtype=pl.Int32),
            "header": pl.Series(values=[header] * int(hit.sum()), dtype=pl.String),
            "reason": reason.filter(hit),
        }))
    if not pieces:
        return [], bad
    found = pl.concat(pieces).sort(["line", "order"])
    problems = [
        Problem(row_place(file, line, header), reason)
        for line, header, reason in zip(found["line"].to_list(), found["header"].to_list(),
                                        found["reason"].to_list(), strict=True)
    ]
    return problems, bad
