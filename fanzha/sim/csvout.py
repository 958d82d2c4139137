"""Writing the world's CSV files with polars: money from integer fen, times as local text."""
from __future__ import annotations

from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_HEX = pl.Series([f"{i:02X}" for i in range(256)])


def yuan(fen: pl.Expr) -> pl.Expr:
    """Integer fen → ``"1234.56"``, never through floats."""
    return pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.Utf8).str.zfill(2))


def local_times(seconds: np.ndarray) -> pl.Series:
    """Local seconds → a naive Datetime column (written with TIME_FORMAT)."""
    return pl.from_epoch(pl.Series(seconds, dtype=pl.Int64), time_unit="s")


def ip_text(ip: np.ndarray) -> pl.Series:
    """IPv4 as ``a.b.c.d``; negative means none (null)."""
    ip = np.asarray(ip, dtype=np.int64)
    parts = [pl.Series((np.maximum(ip, 0) >> s) & 255) for s in (24, 16, 8, 0)]
    frame = pl.DataFrame({f"p{i}": p for i, p in enumerate(parts)}).with_columns(has=pl.Series(ip >= 0))
    return frame.select(
        pl.when(pl.col("has")).then(pl.concat_str([pl.col(f"p{i}") for i in range(4)], separator="."))
    ).to_series()


def mac_text(mac: np.ndarray) -> pl.Series:
    """48-bit MAC as ``AA:BB:CC:DD:EE:FF``; negative means none (null)."""
    mac = np.asarray(mac, dtype=np.int64)
    safe = np.maximum(mac, 0)
    parts = {f"b{i}": _HEX.gather((safe >> (40 - 8 * i)) & 255) for i in range(6)}
    frame = pl.DataFrame(parts).with_columns(has=pl.Series(mac >= 0))
    return frame.select(
        pl.when(pl.col("has")).then(pl.concat_str([pl.col(f"b{i}") for i in range(6)], separator=":"))
    ).to_series()


def write_csv(frame: pl.DataFrame, path: Path) -> int:
    """Write one whole file; returns the rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, datetime_format=TIME_FORMAT)
    return frame.height


class CsvAppender:
    """One file written in chunks (day by day); the header goes out once, with the first chunk."""

    def __init__(self, path: Path, header: list[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.header = header
        self.rows = 0
        self._file: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._file.write((",".join(header) + "\n").encode())

    def append(self, frame: pl.DataFrame) -> None:
        if frame.height:
            frame.select(self.header).write_csv(self._file, include_header=False, datetime_format=TIME_FORMAT)
            self.rows += frame.height

    def close(self) -> None:
        self._file.close()
