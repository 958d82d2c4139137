"""Calls and SMS as events, and the operators' files (话单, 短信记录) they become.

A call between two simulated numbers is one 主叫 row on the caller's operator's file and one 被叫
row on the callee's; a number outside the city has no row of its own. SMS likewise (发 / 收);
service texts from short codes (95588, 12381) have only the 收 row.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import polars as pl

from fanzha.domain.organisation import OPERATORS
from fanzha.sim.cells import Cells
from fanzha.sim.csvout import CsvAppender, local_times
from fanzha.sim.phones import PhoneBook

CALL_HEADER = ["本机号码", "对方号码", "呼叫类型", "开始时间", "通话时长", "基站", "IMEI", "运营商"]
SMS_HEADER = ["本机号码", "对方号码", "收发标志", "时间", "短信内容"]


@dataclass
class Calls:
    caller: np.ndarray  # phone index
    callee: np.ndarray  # phone index, -1 for a number outside the city
    callee_number: np.ndarray
    start: np.ndarray
    duration: np.ndarray  # seconds, 0 = unanswered
    caller_cell: np.ndarray
    caller_imei: np.ndarray

    @classmethod
    def concat(cls, parts: list[Calls]) -> Calls:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    def take(self, index: np.ndarray) -> Calls:
        return Calls(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


@dataclass
class Texts:
    sender: np.ndarray  # phone index, -1 for a short code or outside number
    sender_number: np.ndarray
    receiver: np.ndarray  # phone index
    time: np.ndarray
    text: np.ndarray  # index into the text pool

    @classmethod
    def concat(cls, parts: list[Texts]) -> Texts:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    def take(self, index: np.ndarray) -> Texts:
        return Texts(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def cell_at(phones: PhoneBook, phone: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Where a resident's phone is: at work in working hours on weekdays, at home otherwise."""
    hour = (time % 86_400) // 3600
    weekday = ((time // 86_400) + 3) % 7 < 5  # 1970-01-01 was a Thursday
    at_work = weekday & (hour >= 9) & (hour < 18)
    return np.where(at_work, phones.work_cell[phone], phones.home_cell[phone])


class OperatorFiles:
    """``operators/<CODE>/calls.csv`` and ``sms.csv``, appended day by day."""

    def __init__(self, out: Path, phones: PhoneBook, cells: Cells, pool: pl.Series) -> None:
        self.phones, self.cells, self.pool = phones, cells, pool
        self.calls = [CsvAppender(out / "operators" / op.code / "calls.csv", CALL_HEADER) for op in OPERATORS]
        self.sms = [CsvAppender(out / "operators" / op.code / "sms.csv", SMS_HEADER) for op in OPERATORS]

    def write_calls(self, c: Calls) -> None:
        book = self.phones
        known = np.flatnonzero(c.callee >= 0)
        callee = c.callee[known]
        callee_cell = np.where(book.kind[callee] == 0, cell_at(book, callee, c.start[known]), book.home_cell[callee])
        rows = pl.DataFrame({
            "op": np.concatenate([book.operator[c.caller], book.operator[callee]]),
            "本机号码": np.concatenate([book.number[c.caller], book.number[callee]]),
            "对方号码": np.concatenate([c.callee_number, book.number[c.caller[known]]]),
            "被叫": np.concatenate([np.zeros(len(c.caller), bool), np.ones(len(known), bool)]),
            "t": np.concatenate([c.start, c.start[known]]),
            "通话时长": np.concatenate([c.duration, c.duration[known]]),
            "cell": np.concatenate([c.caller_cell, callee_cell]).astype(np.int64),
            "IMEI": np.concatenate([c.caller_imei, book.imei[callee]]),
        }).sort(["t", "本机号码", "被叫"])
        rows = rows.with_columns(
            呼叫类型=pl.when(pl.col("被叫")).then(pl.lit("被叫")).otherwise(pl.lit("主叫")),
            开始时间=pl.from_epoch("t", time_unit="s"),
            基站=self.cells.label.gather(rows["cell"]),
        )
        for o, op in enumerate(OPERATORS):
            self.calls[o].append(rows.filter(pl.col("op") == o).with_columns(运营商=pl.lit(op.name_zh)))

    def write_texts(self, s: Texts) -> None:
        book = self.phones
        sent = np.flatnonzero(s.sender >= 0)
        receiver_number = book.number[s.receiver]
        rows = pl.DataFrame({
            "op": np.concatenate([book.operator[s.sender[sent]], book.operator[s.receiver]]),
            "本机号码": np.concatenate([book.number[s.sender[sent]], receiver_number]),
            "对方号码": np.concatenate([receiver_number[sent], s.sender_number]),
            "收": np.concatenate([np.zeros(len(sent), bool), np.ones(len(s.receiver), bool)]),
            "t": np.concatenate([s.time[sent], s.time]),
            "text": np.concatenate([s.text[sent], s.text]).astype(np.int64),
        }).sort(["t", "本机号码", "收"])
        rows = rows.with_columns(
            收发标志=pl.when(pl.col("收")).then(pl.lit("收")).otherwise(pl.lit("发")),
            时间=local_times(rows["t"].to_numpy()),
            短信内容=self.pool.gather(rows["text"]),
        )
        for o in range(len(OPERATORS)):
            self.sms[o].append(rows.filter(pl.col("op") == o))

    def close(self) -> dict[str, int]:
        counts = {}
        for a in self.calls + self.sms:
            a.close()
            counts[str(a.path.relative_to(a.path.parents[2]))] = a.rows
        return counts
