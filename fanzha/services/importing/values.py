"""Reading cell values column by column (逐列校验), vectorised with Polars.

Each reader takes a column of text and returns the parsed values and a column of reasons: null
where the cell is fine, otherwise what is wrong and how to fix it. Nothing here loops over rows in
Python except on the few distinct values of a coded column (direction, call type).
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl

from fanzha.domain.clock import CENTER_TZ

SHOWN = 40  # characters of a bad value quoted back in a reason


def _quoted(column: str = "raw") -> pl.Expr:
    """The cell's text in quotes for a reason, shortened when long."""
    value = pl.col(column)
    short = pl.when(value.str.len_chars() > SHOWN).then(value.str.slice(0, SHOWN) + "…").otherwise(value)
    return pl.lit('"') + short + pl.lit('"')


def absent(height: int, dtype: pl.DataType = pl.String) -> tuple[pl.Series, pl.Series]:
    """An optional column the file does not have: all null, nothing wrong."""
    return pl.Series(values=[None] * height, dtype=dtype), pl.Series(values=[None] * height, dtype=pl.String)


def clean_text(raw: pl.Series) -> pl.Series:
    """Trim whitespace; empty cells become null."""
    return _null_empty(raw.cast(pl.String).str.strip_chars())


def _null_empty(value: pl.Series) -> pl.Series:
    return _null_where(value, value == "")


def _null_where(value: pl.Series, mask: pl.Series) -> pl.Series:
    frame = pl.DataFrame({"v": value, "m": mask.fill_null(False)})
    return frame.select(pl.when(pl.col("m")).then(None).otherwise(pl.col("v")).alias(value.name)).to_series()


def text(raw: pl.Series, max_len: int, required: bool = False, what: str = "this column") -> tuple[pl.Series, pl.Series]:
    """Free text: trimmed, at most ``max_len`` characters."""
    value = clean_text(raw)
    df = pl.DataFrame({"raw": value})
    reason = df.select(
        pl.when(pl.col("raw").is_null() & required).then(pl.lit(f"is empty; every row needs {what}"))
        .when(pl.col("raw").str.len_chars() > max_len)
        .then(pl.format("is {} characters long; at most {} fit", pl.col("raw").str.len_chars(), pl.lit(max_len)))
        .otherwise(None).alias("reason")
    ).to_series()
    return value, reason


def identifier(raw: pl.Series, max_len: int, required: bool = False, what: str = "an account number") -> tuple[pl.Series, pl.Series]:
    """An account, card or transaction number: spaces removed, Excel's ' and ="..." wrappers dropped."""
    value = raw.cast(pl.String).str.replace_all(r"[\s\u3000]", "")
    value = value.str.replace(r'^="(.*)"$', "$1").str.strip_prefix("'")
    return text(value, max_len, required, what)


def phone(raw: pl.Series, required: bool = True, what: str = "a phone number") -> tuple[pl.Series, pl.Series]:
    """A phone number as digits: spaces, dashes and brackets removed, a +86 or 0086 prefix dropped."""
    value = raw.cast(pl.String).str.replace_all(r"[\s\u3000\-()（）]", "")
    value = value.str.replace(r'^="(.*)"$', "$1").str.strip_prefix("'")
    value = _null_empty(value.str.replace(r"^(?:\+86|0086)(\d{5,})$", "$1"))
    df = pl.DataFrame({"raw": value})
    reason = df.select(
        pl.when(pl.col("raw").is_null()).then(pl.lit(f"is empty; every row needs {what}" if required else None))
        .when(~pl.col("raw").str.contains(r"^\+?\d{3,20}$"))
        .then(pl.format("{} is not a phone number; write digits only, like 13800000000", _quoted()))
        .otherwise(None).alias("reason")
    ).to_series()
    return value, reason


_AMOUNT = r"^(-?)(\d{1,13})(?:\.(\d{1,2}))?$"


def amount_fen(raw: pl.Series, required: bool = True, signed: bool = False) -> tuple[pl.Series, pl.Series]:
    """Yuan with up to two decimals (1234.56, 1,234.5, ¥100) as integer fen; never via float."""
    original = clean_text(raw)
    cleaned = original.str.replace_all(r"[,，¥￥元\s]", "")
    df = pl.DataFrame({"raw": original, "clean": cleaned})
    parts = pl.col("clean").str.extract_groups(_AMOUNT)
    df = df.with_columns(parts.alias("m")).unnest("m")
    df.columns = ["raw", "clean", "sign", "whole", "cents"]
    fen = (pl.col("whole").cast(pl.Int64) * 100 + pl.col("cents").fill_null("").str.pad_end(2, "0").cast(pl.Int64))
    fen = pl.when(pl.col("sign") == "-").then(-fen).otherwise(fen)
    missing = "is empty; every row needs an amount in yuan like 1234.56" if required else None
    reason = (
        pl.when(pl.col("raw").is_null()).then(pl.lit(missing))
        .when(pl.col("clean").str.contains(r"^-?\d+\.\d{3,}$"))
        .then(pl.format("{} has more than two decimals; yuan amounts have at most two (fen)", _quoted()))
        .when(pl.col("whole").is_null())
        .then(pl.format("{} is not an amount; write yuan like 1234.56", _quoted()))
    )
    if not signed:
        reason = reason.when(pl.col("sign") == "-").then(pl.format(
            "{} is negative; amounts are always positive and the direction column says whether money "
            "came in or went out", _quoted()))
    out = df.select(fen.alias("fen"), reason.otherwise(None).alias("reason"))
    return out["fen"], out["reason"]


# Naive formats, most common first; %.f also accepts no fraction at all.
_NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f", "%Y/%m/%d %H:%M:%S%.f", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M", "%Y%m%d %H:%M:%S", "%Y%m%d %H%M%S",
    "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分%S秒", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日",
)
_ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z")
_ZONED = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$"
UTC_US = pl.Datetime("us", "UTC")
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100


def _parse_each(values: pl.Series, formats: tuple[str, ...], dtype: pl.DataType) -> pl.Series:
    """Try the formats in turn, each only on the cells no earlier format could read."""
    parsed = pl.Series(values=[None] * values.len(), dtype=dtype)
    todo = values.is_not_null()
    for fmt in formats:
        index = todo.arg_true()
        if index.len() == 0:
            break
        subset = values.gather(index).str.strptime(dtype, fmt, strict=False, exact=True)
        hit = subset.is_not_null()
        if hit.any():
            parsed = parsed.scatter(index.filter(hit), subset.filter(hit))
            todo = todo.scatter(index.filter(hit), False)
    return parsed


def times(raw: pl.Series, required: bool = True) -> tuple[pl.Series, pl.Series]:
    """Date-times in the usual spellings; without a zone they are Asia/Shanghai. Returned in UTC."""
    value = clean_text(raw)
    zoned_mask = value.str.contains(_ZONED).fill_null(False)
    result = pl.Series(values=[None] * value.len(), dtype=UTC_US)
    naive_values = _null_where(value, zoned_mask)
    naive = _parse_each(naive_values, _NAIVE_FORMATS, pl.Datetime("us"))
    if naive.is_not_null().any():
        local = naive.dt.replace_time_zone(str(CENTER_TZ), ambiguous="earliest", non_existent="null")
        result = local.dt.convert_time_zone("UTC")
    if zoned_mask.any():
        index = zoned_mask.arg_true()
        subset = value.gather(index).str.replace(r"Z$", "+00:00")
        zoned = _parse_each(subset, _ZONED_FORMATS, UTC_US).dt.convert_time_zone("UTC")
        result = result.scatter(index, zoned)
    df = pl.DataFrame({"raw": value, "t": result})
    year = pl.col("t").dt.convert_time_zone(str(CENTER_TZ)).dt.year()
    missing = "is empty; every row needs a date and time like 2024-05-30 15:02:00" if required else None
    reason = df.select(
        pl.when(pl.col("raw").is_null()).then(pl.lit(missing))
        .when(pl.col("t").is_null())
        .then(pl.format("{} is not a date and time; write it like 2024-05-30 15:02:00", _quoted()))
        .when((year < EARLIEST_YEAR) | (year > LATEST_YEAR))
        .then(pl.format("{} has a year outside {}–{}; check the date", _quoted(),
                        pl.lit(EARLIEST_YEAR), pl.lit(LATEST_YEAR)))
        .otherwise(None).alias("reason")
    ).to_series()
    return _null_where(result, reason.is_not_null()), reason


def coded(raw: pl.Series, parse: Callable[[str], str], expected: str, required: bool = True,
          what: str = "a value") -> tuple[pl.Series, pl.Series]:
    """A column with a few allowed spellings (进/出, 主叫/被叫...): ``parse`` maps one spelling to a code."""
    value = clean_text(raw)
    mapping: dict[str, str] = {}
    for distinct in value.drop_nulls().unique().to_list():
        try:
            mapping[distinct] = parse(distinct)
        except ValueError:
            pass
    code = value.replace_strict(mapping, default=None, return_dtype=pl.String) if mapping else absent(value.len())[0]
    df = pl.DataFrame({"raw": value, "code": code})
    missing = f"is empty; every row needs {what} ({expected})" if required else None
    reason = df.select(
        pl.when(pl.col("raw").is_null()).then(pl.lit(missing))
        .when(pl.col("code").is_null()).then(pl.format("{} is not one of {}", _quoted(), pl.lit(expected)))
        .otherwise(None).alias("reason")
    ).to_series()
    return code, reason


def seconds(raw: pl.Series, required: bool = True) -> tuple[pl.Series, pl.Series]:
    """A duration in whole seconds (125), or written as 0:02:05 or 02:05."""
    value = clean_text(raw)
    df = pl.DataFrame({"raw": value})
    hms = pl.col("raw").str.extract_groups(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})$")
    df = df.with_columns(
        pl.col("raw").str.extract(r"^(\d{1,9})$").cast(pl.Int64).alias("plain"), hms.alias("m")
    ).unnest("m")
    df.columns = ["raw", "plain", "h", "m", "s"]
    total = pl.coalesce(
        pl.col("plain"),
        pl.col("h").fill_null("0").cast(pl.Int64) * 3600 + pl.col("m").cast(pl.Int64) * 60 + pl.col("s").cast(pl.Int64),
    )
    missing = "is empty; every row needs a duration in seconds like 125" if required else None
    out = df.select(
        total.alias("seconds"),
        pl.when(pl.col("raw").is_null()).then(pl.lit(missing))
        .when(pl.col("raw").str.starts_with("-"))
        .then(pl.format("{} is negative; a duration is 0 or more seconds", _quoted()))
        .when(pl.col("raw").str.contains(r"^\d+[.,]\d+$"))
        .then(pl.format("{} is not whole seconds; write an integer like 125", _quoted()))
        .when(total.is_null())
        .then(pl.format("{} is not a duration; write whole seconds like 125", _quoted()))
        .otherwise(None).alias("reason"),
    )
    return out["seconds"], out["reason"]
