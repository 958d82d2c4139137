"""Content keys (内容指纹): the SHA-1 of a row's identifying fields, so re-imports add nothing."""
from __future__ import annotations

from hashlib import sha1

import polars as pl

SEPARATOR = "\x1f"  # the ASCII unit separator cannot occur in a cleaned cell


def key_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A field as the text that is hashed: times as UTC ISO with microseconds, null as empty."""
    if isinstance(dtype, pl.Datetime):
        column = column.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
    return column.cast(pl.String).fill_null("")


def content_keys(frame: pl.DataFrame, fields: list[str], kind: str) -> pl.Series:
    """40-character SHA-1 hex keys of ``fields`` of every row, prefixed by ``kind``."""
    joined = frame.select(
        pl.concat_str([pl.lit(kind)] + [key_text(pl.col(f), frame.schema[f]) for f in fields],
                      separator=SEPARATOR).alias("k")
    ).to_series()
    return pl.Series("key", [sha1(text.encode()).hexdigest() for text in joined.to_list()], dtype=pl.String)


def pair_key(out_key: str, in_key: str) -> str:
    """The key both postings of one transfer share: derived from the payer's and payee's postings."""
    return sha1(f"transfer{SEPARATOR}{out_key}{SEPARATOR}{in_key}".encode()).hexdigest()
