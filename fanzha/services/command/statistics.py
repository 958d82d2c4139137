"""Year-over-year statistics (同比统计) for the command desk and its reports: one function computes
the figures both show, so the page and the Excel/PDF never disagree.

Everything is counted in the database: per source table one GROUP BY over this period and the
same period a year earlier at once (a CASE on the time splits them), once for the whole area and
once per district; breakdowns by fraud type, victim age band and local day likewise. What each
figure counts is stated in definitions.py (and docs/statistics.md).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.dissuasion import Result
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.number_order import NumberOrderKind, NumberOrderState
from fanzha.domain.permissions import Permission
from fanzha.services.command.area import Area, areas_in, resolve_area
from fanzha.services.command.definitions import BY_KEY, KEYS, TARGETS, change_percent
from fanzha.services.command.period import Period
from fanzha.services.dashboard import _local_day
from fanzha.store.models import (
    Arrest,
    Case,
    CaseEvent,
    Freeze,
    NumberOrder,
    Person,
    Restitution,
    StatementRequest,
    StopPaymentOrder,
    WarningLead,
)

# Victims' age bands (受害人年龄段): lower bound included, upper excluded.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-17", 0, 18), ("18-29", 18, 30), ("30-39", 30, 40), ("40-49", 40, 50), ("50-59", 50, 60), ("60+", 60, 200))
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Figure:
    """One figure this period and a year earlier."""

    key: str
    this: int
    last: int

    @property
    def change(self) -> float | None:
        """Change in percent; None when last year is 0 (undefined)."""
        return change_percent(self.this, self.last)

    @property
    def met(self) -> bool | None:
        """For a 两降两升 target: whether it moved the wanted way (None: not a target)."""
        target = BY_KEY[self.key].target
        if target is None:
            return None
        return self.this < self.last if target == "down" else self.this > self.last


@dataclass(frozen=True)
class Verdict:
    """两降两升: cases and losses down, solved cases and people dealt with up, year over year."""

    figures: tuple[Figure, ...]

    @property
    def met(self) -> int:
        return sum(1 for f in self.figures if f.met)

    @property
    def achieved(self) -> bool:
        return self.met == len(self.figures)

    def lines(self, lang: str = "zh") -> list[str]:
        """One plain sentence per target: 发案数 下降 35.6%（目标：下降）✓."""
        out = []
        for f in self.figures:
            d = BY_KEY[f.key]
            moved = f.this - f.last
            if lang == "zh":
                way = "下降" if moved < 0 else "上升" if moved > 0 else "持平"
                pct = "" if f.change is None or moved == 0 else f" {abs(f.change):.1f}%"
                if f.last == 0 and moved:
                    pct = "（同期为 0，变化率无定义）"
                want = "下降" if d.target == "down" else "上升"
                out.append(f"{d.zh}{way}{pct}，目标{want}：{'达成' if f.met else '未达成'}")
            else:
                way = "down" if moved < 0 else "up" if moved > 0 else "unchanged"
                pct = "" if f.change is None or moved == 0 else f" {abs(f.change):.1f}%"
                if f.last == 0 and moved:
                    pct = " (last year 0: change undefined)"
                out.append(f"{d.en} {way}{pct}; target {d.target}: {'met' if f.met else 'not met'}")
        return out

    def summary(self, lang: str = "zh") -> str:
        if lang == "zh":
            return "两降两升：全部达成" if self.achieved else f"两降两升：达成 {self.met} 项，共 4 项"
        return ("Two down, two up: all four met" if self.achieved
                else f"Two down, two up: {self.met} of 4 met")


@dataclass(frozen=True)
class Breakdown:
    """Cases and losses of one group (a fraud type, an age band, a day) this period and last."""

    key: str | None
    cases: Figure
    loss_fen: Figure


@dataclass(frozen=True)
class District:
    area: Area
    figures: dict[str, Figure]


@dataclass(frozen=True)
class CommandFigures:
    period: Period
    last_period: Period
    area: Area
    fraud_type: FraudType | None
    figures: dict[str, Figure]  # every KEYS figure
    verdict: Verdict
    districts: list[District] = field(default_factory=list)  # counties of the city, stations of a county
    by_fraud_type: list[Breakdown] = field(default_factory=list)  # most cases first
    by_age: list[Breakdown] = field(default_factory=list)  # AGE_BANDS order, then unknown
    # Local days of the period, zero-filled, each with the same day a year earlier: (day, cases, loss)
    by_day: list[tuple[date, Figure, Figure]] = field(default_factory=list)


def command_figures(session: Session, actor: Actor, period: Period, region: str | Area | None = None,
                    fraud_type: FraudType | str | None = None, *, detail: bool = True) -> CommandFigures:
    """The figures for ``period`` (cut at today when still under way) against the same days a year
    earlier over ``region`` (county or station name; default: the actor's area) and ``fraud_type``
    (default: all). ``detail`` adds the district
    table, the breakdowns and the days. Figures only: counts and sums, never a person."""
    check(actor, Permission.STATS_READ)
    area = region if isinstance(region, Area) else resolve_area(session, actor, region)
    ftype = FraudType.parse(fraud_type) if isinstance(fraud_type, str) else fraud_type
    period = period.until(clock.local(clock.now()).date())
    q = _Query(session, period, period.year_earlier(), area, ftype)
    figures, parts = q.figures(detail)
    result = CommandFigures(period, q.last, area, ftype, figures, Verdict(tuple(figures[d.key] for d in TARGETS)))
    if not detail:
        return result
    districts = []
    for part in areas_in(session, area):
        got = parts.get(part.station_id if area.region is not None else part.region, {})
        districts.append(District(part, {k: got.get(k, Figure(k, 0, 0)) for k in KEYS}))
    result.districts.extend(districts)
    result.by_fraud_type.extend(q.by_fraud_type())
    result.by_age.extend(q.by_age())
    result.by_day.extend(q.by_day())
    return result


class _Query:
    """The SQL behind the figures: each source table filtered to the two periods, the area and
    the fraud type, grouped by period (and district)."""

    def __init__(self, session: Session, this: Period, last: Period, area: Area, fraud_type: FraudType | None):
        self.session, self.this, self.last, self.area, self.fraud_type = session, this, last, area, fraud_type

    # -- helpers -----------------------------------------------------------------------------
    def _window(self, t):
        return or_(and_(t >= self.last.low, t < self.last.high), and_(t >= self.this.low, t < self.this.high))

    def _is_this(self, t):
        return case((t >= self.this.low, 1), else_=0)

    def _where(self, t, region_col, station_col, type_col) -> list:
        cond = [self._window(t)]
        if self.area.region is not None:
            cond.append(region_col == self.area.region)
        if self.area.station_id is not None:
            cond.append(station_col == self.area.station_id)
        if self.fraud_type is not None:
            cond.append(type_col == self.fraud_type.value)
        return cond

    def _part(self, by_part: bool, region_col, station_col):
        if not by_part:
            return literal(None)
        return region_col if self.area.region is None else station_col

    def _execute(self, out: dict, keys: tuple[str, ...], by_part: bool, t, region_col, station_col, type_col,
                 values: list, source, extra: Iterable = ()) -> None:
        if not by_part and self.area.region is None and self.fraud_type is None and isinstance(source, Join):
            source = source.left  # the whole city, every type: the case is not needed
        part = self._part(by_part, region_col, station_col).label("part")
        flag = self._is_this(t).label("is_this")
        stmt = (select(part, flag, *values).select_from(source)
                .where(*self._where(t, region_col, station_col, type_col), *extra).group_by(part, flag))
        for row in self.session.execute(stmt):
            got = out.setdefault(row[0], {})
            for key, value in zip(keys, row[2:], strict=True):
                this, last = got.get(key, (0, 0))
                value = int(value or 0)
                got[key] = (this + value, last) if row[1] else (this, last + value)

    def _run(self, totals: dict, parts: dict | None, keys: tuple[str, ...], additive: bool, *query) -> None:
        """Totals (and, when ``parts`` is given, per district). Sums add up over the districts, so
        one grouped query gives both; distinct counts (a suspect dealt with in two counties is one
        person) are counted again over the whole area."""
        if parts is None:
            self._execute(totals, keys, False, *query)
            return
        self._execute(parts, keys, True, *query)
        if not additive:
            self._execute(totals, keys, False, *query)
            return
        into = totals.setdefault(None, {})
        for got in parts.values():
            for key in keys:
                this, last = got.get(key, (0, 0))
                t0, l0 = into.get(key, (0, 0))
                into[key] = (t0 + this, l0 + last)

    # -- the figures ---------------------------------------------------------------------------
    def figures(self, detail: bool) -> tuple[dict[str, Figure], dict[object, dict[str, Figure]]]:
        """The area's figures, and (with ``detail``) each district's."""
        totals: dict[object, dict[str, tuple[int, int]]] = {}
        parts: dict[object, dict[str, tuple[int, int]]] | None = {} if detail else None

        def run(keys, additive, *query):
            self._run(totals, parts, keys, additive, *query)

        run(("cases", "loss_fen"), True, Case.reported_at, Case.region, Case.station_id, Case.fraud_type,
            [func.count(), func.sum(Case.loss_fen)], Case)
        run(("solved",), True, CaseEvent.at, Case.region, Case.station_id, Case.fraud_type,
            [func.count(distinct(CaseEvent.case_id))], CaseEvent.__table__.join(Case, CaseEvent.case_id == Case.id),
            [CaseEvent.kind == "status_changed", CaseEvent.detail["to"].as_string() == "solved"])
        arrest_region = func.coalesce(Arrest.region, Case.region)
        run(("people_dealt_with",), False, Arrest.at, arrest_region, Case.station_id, Case.fraud_type,
            [func.count(distinct(Arrest.suspect_id))],
            Arrest.__table__.outerjoin(Case, Arrest.case_id == Case.id))
        run(("stopped_fen",), True, StopPaymentOrder.stopped_at, Case.region, Case.station_id,
            Case.fraud_type, [func.sum(StopPaymentOrder.stopped_fen)],
            StopPaymentOrder.__table__.join(Case, StopPaymentOrder.case_id == Case.id))
        account = Freeze.bank + literal(":") + Freeze.account_number
        run(("frozen_fen", "cards_frozen"), False, Freeze.frozen_at, Case.region, Case.station_id,
            Case.fraud_type, [func.sum(Freeze.amount_fen), func.count(distinct(account))],
            Freeze.__table__.join(Case, Freeze.case_id == Case.id))
        run(("returned_fen",), True, Restitution.returned_at, Case.region, Case.station_id,
            Case.fraud_type, [func.sum(Restitution.amount_fen)],
            Restitution.__table__.join(Case, Restitution.case_id == Case.id))
        run(("warnings",), True, WarningLead.raised_at, WarningLead.region, WarningLead.station_id,
            WarningLead.fraud_type, [func.count()], WarningLead)
        run(("dissuasions", "loss_avoided_fen"), True, WarningLead.closed_at, WarningLead.region,
            WarningLead.station_id, WarningLead.fraud_type,
            [func.count(), func.sum(WarningLead.loss_avoided_fen)], WarningLead,
            [WarningLead.result == Result.DISSUADED.value])
        done = (NumberOrderState.EXECUTED.value, NumberOrderState.LIFTED.value)
        run(("numbers_intercepted", "numbers_shut_down"), False, NumberOrder.answered_at, Case.region,
            Case.station_id, Case.fraud_type,
            [func.count(distinct(case((NumberOrder.kind == NumberOrderKind.INTERCEPT.value, NumberOrder.number)))),
             func.count(distinct(case((NumberOrder.kind == NumberOrderKind.SHUTDOWN.value, NumberOrder.number))))],
            NumberOrder.__table__.outerjoin(Case, NumberOrder.case_id == Case.id), [NumberOrder.state.in_(done)])
        queried = StatementRequest.bank + literal(":") + StatementRequest.account_number
        run(("cards_queried",), False, StatementRequest.requested_at, Case.region, Case.station_id,
            Case.fraud_type, [func.count(distinct(queried))],
            StatementRequest.__table__.join(Case, StatementRequest.case_id == Case.id))
        whole = totals.get(None, {})
        return ({k: Figure(k, *whole.get(k, (0, 0))) for k in KEYS},
                {p: {k: Figure(k, *v.get(k, (0, 0))) for k in KEYS} for p, v in (parts or {}).items()})

    def _cases_by(self, group) -> dict[object, tuple[int, int, int, int]]:
        """(cases this, cases last, loss this, loss last) per group of cases."""
        flag = self._is_this(Case.reported_at).label("is_this")
        g = group.label("g")
        source = Case.__table__.outerjoin(Person, Case.victim_id == Person.id)
        stmt = (select(g, flag, func.count(), func.sum(Case.loss_fen)).select_from(source)
                .where(*self._where(Case.reported_at, Case.region, Case.station_id, Case.fraud_type))
                .group_by(g, flag))
        out: dict[object, list[int]] = {}
        for key, is_this, count, loss in self.session.execute(stmt):
            got = out.setdefault(key, [0, 0, 0, 0])
            got[0 if is_this else 1] += count
            got[2 if is_this else 3] += int(loss or 0)
        return {k: tuple(v) for k, v in out.items()}

    @staticmethod
    def _breakdown(key, v) -> Breakdown:
        return Breakdown(key, Figure("cases", v[0], v[1]), Figure("loss_fen", v[2], v[3]))

    def by_fraud_type(self) -> list[Breakdown]:
        got = self._cases_by(Case.fraud_type)
        rows = sorted(got.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0] is None, kv[0] or ""))
        return [self._breakdown(k, v) for k, v in rows]

    def by_age(self) -> list[Breakdown]:
        band = case(*[(and_(Person.age >= lo, Person.age < hi), literal(name)) for name, lo, hi in AGE_BANDS],
                    else_=literal(UNKNOWN))
        got = self._cases_by(band)
        return [self._breakdown(name, got.get(name, (0, 0, 0, 0))) for name in [b[0] for b in AGE_BANDS] + [UNKNOWN]]

    def by_day(self) -> list[tuple[date, Figure, Figure]]:
        dialect = self.session.get_bind().dialect.name
        day = _local_day(dialect, self.last.low, self.this.high).label("day")
        stmt = (select(day, func.count(), func.sum(Case.loss_fen))
                .where(*self._where(Case.reported_at, Case.region, Case.station_id, Case.fraud_type))
                .group_by(day))
        counts: dict[date, tuple[int, int]] = {}
        for d, count, loss in self.session.execute(stmt):
            counts[date.fromisoformat(d) if isinstance(d, str) else d] = (count, int(loss or 0))
        out = []
        for i in range(self.this.days):
            d = self.this.start + timedelta(days=i)
            earlier = _year_before(d)
            this, last = counts.get(d, (0, 0)), (counts.get(earlier, (0, 0)) if earlier else (0, 0))
            out.append((d, Figure("cases", this[0], last[0]), Figure("loss_fen", this[1], last[1])))
        return out


def _year_before(day: date) -> date | None:
    """The same day a year earlier; None for 29 February (last year had no such day)."""
    if day.month == 2 and day.day == 29:
        return None
    return day.replace(year=day.year - 1)
