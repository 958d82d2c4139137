"""The period a statistic covers (统计周期): a month, a quarter, a year or a range of local days,
and the same period a year earlier (同期) it is compared with.

Periods are whole local days in the center's zone (Asia/Shanghai), first and last day included.
A period is at most 366 days, so it never overlaps the year-earlier period it is compared with.
Year-earlier of a range moves both ends back a year; 29 February becomes 28 February.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fanzha.domain.clock import day_problem
from fanzha.domain.errors import InputRejected, Problem
from fanzha.services.dashboard import _midnight

MAX_DAYS = 366
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|/|to)\s*(\d{4}-\d{2}-\d{2})$")
FORMATS_HELP = "2024-05 (a month), 2024-Q2 (a quarter), 2024 (a year), 2024-05-01..2024-05-31 (days)"


@dataclass(frozen=True)
class Period:
    start: date  # first local day, included
    end: date  # last local day, included
    kind: str  # month / quarter / year / days

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        """The period as the URL and the command line write it (Period.parse reads it back)."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def label(self, lang: str = "zh") -> str:
        s = self.start
        if lang == "zh":
            return {"month": f"{s.year}年{s.month}月", "quarter": f"{s.year}年第{(s.month - 1) // 3 + 1}季度",
                    "year": f"{s.year}年"}.get(self.kind, f"{s.isoformat()} 至 {self.end.isoformat()}")
        return {"month": f"{s:%B %Y}", "quarter": f"Q{(s.month - 1) // 3 + 1} {s.year}",
                "year": str(s.year)}.get(self.kind, f"{s.isoformat()} to {self.end.isoformat()}")

    @property
    def low(self) -> datetime:
        """The first instant of the period (local midnight, zone-aware)."""
        return _midnight(self.start)

    @property
    def high(self) -> datetime:
        """The first instant after the period."""
        return _midnight(self.end + timedelta(days=1))

    def until(self, today: date) -> Period:
        """The period cut at ``today`` when it runs past it, so that a month or year still under
        way is compared with the same days a year earlier, not the whole of last year's."""
        if self.start <= today < self.end:
            return Period(self.start, today, self.kind)
        return self

    def year_earlier(self) -> Period:
        """The same period a year earlier (同期)."""
        if self.kind in ("month", "quarter", "year"):
            start = self.start.replace(year=self.start.year - 1)
            return Period(start, _shift_year(self.end), self.kind)
        return Period(_shift_year(self.start), _shift_year(self.end), self.kind)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, nxt - timedelta(days=1), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = cls.month(year, 3 * quarter - 2)
        return cls(first.start, cls.month(year, 3 * quarter).end, "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def days_between(cls, start: date, end: date, place: str = "period") -> Period:
        problems = [Problem(f"{place}.{p}", r) for p, d in (("start", start), ("end", end)) if (r := day_problem(d, p))]
        if not problems and start > end:
            problems.append(Problem(place, f"the first day {start} is after the last day {end}"))
        elif not problems and (end - start).days + 1 > MAX_DAYS:
            problems.append(Problem(place, f"a period has at most {MAX_DAYS} days, so that it can be compared with "
                                           f"the same period a year earlier; {start} to {end} has "
                                           f"{(end - start).days + 1}"))
        if problems:
            raise InputRejected(problems, "period refused")
        return cls(start, end, "days")

    @classmethod
    def parse(cls, text: str, place: str = "period") -> Period:
        """Read ``2024-05``, ``2024-Q2``, ``2024`` or ``2024-05-01..2024-05-31``."""
        value = (text or "").strip()
        try:
            if m := _MONTH.match(value):
                if not 1 <= int(m.group(2)) <= 12:
                    raise ValueError(f"month {m.group(2)} is not 1 to 12")
                return cls.month(int(m.group(1)), int(m.group(2)))
            if m := _QUARTER.match(value):
                return cls.quarter(int(m.group(1)), int(m.group(2)))
            if m := _YEAR.match(value):
                if int(m.group(1)) < 1901:
                    raise ValueError("the year is before 1901")
                return cls.year(int(m.group(1)))
            if m := _RANGE.match(value):
                return cls.days_between(date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)), place)
        except ValueError as exc:
            if isinstance(exc, InputRejected):
                raise
            raise InputRejected([Problem(place, f"{value!r}: {exc}")], "period refused") from None
        raise InputRejected([Problem(place, f"{value!r} is not a period; write {FORMATS_HELP}")], "period refused")


def _shift_year(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)
