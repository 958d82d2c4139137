"""A labelled table of per-number features (号码特征表) read from CSV, checked before modelling.

The table has one row per number: an id column, a 0/1 label column (1 = fraud) and feature
columns. Features may be missing (the model handles NaN). Non-numeric feature columns are
refused with their names, or dropped with a warning when the caller asks for that. The optional
contact graph is a scipy sparse matrix saved with ``scipy.sparse.save_npz``, square, in the
table's row order. Problems are collected and raised together as ``InputRejected``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp

from fanzha.domain.errors import InputRejected, Problem

_TRUE_LABELS = {"1", "1.0", "true"}
_FALSE_LABELS = {"0", "0.0", "false"}


@dataclass
class NumberTable:
    ids: list[str]
    features: pl.DataFrame  # numeric feature columns only, Float64
    labels: np.ndarray | None  # int8 0/1, or None when the table has no label column
    graph: sp.csr_matrix | None = None
    warnings: list[str] = field(default_factory=list)


def read_number_table(path: Path, *, id_col: str, label_col: str | None = "label", graph_path: Path | None = None,
                      drop_non_numeric: bool = False) -> NumberTable:
    """Read and check the table (and graph); raise InputRejected listing every problem found."""
    place = str(path)
    try:
        frame = _read_csv(path, id_col, label_col)
    except (OSError, pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise InputRejected([Problem(place, f"cannot read the CSV: {exc}")], "feature table refused") from exc
    problems: list[Problem] = []
    warnings: list[str] = []
    columns = frame.columns
    for wanted, option in ((id_col, "--id-col"), (label_col, "--label-col")):
        if wanted is not None and wanted not in columns:
            problems.append(Problem(place, f"no column {wanted!r} ({option}); the columns are: "
                                           f"{', '.join(columns[:60])}{' ...' if len(columns) > 60 else ''}"))
    if problems:
        raise InputRejected(problems, "feature table refused")

    ids = frame[id_col].cast(pl.String)
    if ids.null_count():
        rows = _lines(ids.is_null())
        problems.append(Problem(f"{place}, column {id_col}", f"empty id on line(s) {rows}"))
    duplicated = frame.filter(ids.is_duplicated() & ids.is_not_null())[id_col].unique().sort().to_list()
    if duplicated:
        problems.append(Problem(f"{place}, column {id_col}", f"{len(duplicated)} id(s) appear more than once, "
                                                             f"e.g. {', '.join(map(str, duplicated[:5]))}"))

    labels = None
    if label_col is not None:
        text = frame[label_col].cast(pl.String).str.strip_chars().str.to_lowercase()
        good = text.is_in(list(_TRUE_LABELS | _FALSE_LABELS))
        if not good.all():
            bad_values = sorted({"(empty)" if v is None else v for v in frame[label_col].cast(pl.String).filter(~good)
                                 .to_list()})
            problems.append(Problem(f"{place}, column {label_col}",
                                    f"labels must be 0 or 1; found {', '.join(map(repr, bad_values[:10]))}"
                                    f"{' ...' if len(bad_values) > 10 else ''} on line(s) {_lines(~good)}"))
        else:
            labels = text.is_in(list(_TRUE_LABELS)).cast(pl.Int8).to_numpy()

    feature_cols = [c for c in columns if c not in (id_col, label_col)]
    non_numeric = [c for c in feature_cols
                   if not _numeric(frame.schema[c]) and frame[c].null_count() < frame.height]
    if non_numeric:
        if drop_non_numeric:
            warnings.append(f"dropped {len(non_numeric)} non-numeric column(s): {', '.join(non_numeric)}")
            feature_cols = [c for c in feature_cols if c not in non_numeric]
        else:
            problems.append(Problem(place, f"non-numeric feature column(s): {', '.join(non_numeric)}; remove them or "
                                           "pass --drop-non-numeric to drop them"))
    if not feature_cols and not problems:
        problems.append(Problem(place, "no feature columns besides the id and the label"))
    empty = [c for c in feature_cols if frame[c].null_count() == frame.height]
    if empty:
        warnings.append(f"column(s) with no values at all: {', '.join(empty)}")

    graph = None
    if graph_path is not None:
        try:
            graph = sp.load_npz(graph_path).tocsr()
        except (OSError, ValueError, KeyError) as exc:
            problems.append(Problem(str(graph_path), f"not a scipy sparse matrix saved with save_npz ({exc})"))
        else:
            if graph.shape != (frame.height, frame.height):
                problems.append(Problem(str(graph_path), f"the graph is {graph.shape[0]} x {graph.shape[1]} but the "
                                                         f"table has {frame.height} rows; it must be square and in the "
                                                         "table's row order"))
    if problems:
        raise InputRejected(problems, "feature table refused")
    features = frame.select([pl.col(c).cast(pl.Float64) for c in feature_cols])
    return NumberTable(ids=ids.to_list(), features=features, labels=labels, graph=graph, warnings=warnings)


def _read_csv(path: Path, id_col: str, label_col: str | None) -> pl.DataFrame:
    raw = Path(path).read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raw = raw.decode("gb18030").encode("utf-8")
    overrides = {c: pl.String for c in (id_col, label_col) if c is not None}
    header = pl.read_csv(raw, n_rows=0).columns
    overrides = {c: t for c, t in overrides.items() if c in header}
    return pl.read_csv(raw, infer_schema_length=None, schema_overrides=overrides,
                       null_values=["", "NA", "NaN", "nan", "null", "NULL", "None"])


def _numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or dtype in (pl.Boolean, pl.Null)


def _lines(mask: pl.Series, limit: int = 10) -> str:
    """CSV line numbers (the header is line 1) of the rows where ``mask`` holds."""
    rows = np.flatnonzero(mask.fill_null(True).to_numpy())
    shown = ", ".join(str(r + 2) for r in rows[:limit])
    return shown + (f" ... ({len(rows)} rows)" if len(rows) > limit else "")
