"""Statistics API (同比统计) for the command desk: the dashboard's figures as JSON, year over year,
with the 两降两升 verdict. Counts and sums only, never a person."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.command.area import resolve_area
from fanzha.services.command.period import FORMATS_HELP, Period
from fanzha.services.command.statistics import CommandFigures, command_figures
from fanzha.services.command.trends import default_period
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import api_responses

router = APIRouter()


class FigureOut(BaseModel):
    key: str
    name_zh: str
    this: int = Field(description="this period (fen for money)")
    last: int = Field(description="the same period a year earlier")
    change_percent: float | None = Field(description="(this − last) ÷ last × 100; null when last is 0 (undefined)")
    target: str | None = Field(description="down / up for the 两降两升 targets")
    met: bool | None


class DistrictOut(BaseModel):
    region: str | None
    station: str | None
    figures: list[FigureOut]


class BreakdownOut(BaseModel):
    key: str | None
    cases_this: int
    cases_last: int
    loss_this_fen: int
    loss_last_fen: int


class StatisticsOut(BaseModel):
    period: str
    period_start: str
    period_end: str
    last_period_start: str
    last_period_end: str
    area: str
    fraud_type: str | None
    two_down_two_up: list[str] = Field(description="the verdict, one plain sentence per target (Chinese)")
    targets_met: int
    figures: list[FigureOut]
    districts: list[DistrictOut]
    by_fraud_type: list[BreakdownOut]
    by_age: list[BreakdownOut]

    @classmethod
    def of(cls, f: CommandFigures) -> StatisticsOut:
        from fanzha.services.command.definitions import BY_KEY

        def figs(got) -> list[FigureOut]:
            return [FigureOut(key=k, name_zh=BY_KEY[k].zh, this=x.this, last=x.last, change_percent=x.change,
                              target=BY_KEY[k].target, met=x.met) for k, x in got.items()]

        def rows(items) -> list[BreakdownOut]:
            return [BreakdownOut(key=b.key, cases_this=b.cases.this, cases_last=b.cases.last,
                                 loss_this_fen=b.loss_fen.this, loss_last_fen=b.loss_fen.last) for b in items]

        return cls(period=f.period.code, period_start=f.period.start.isoformat(), period_end=f.period.end.isoformat(),
                   last_period_start=f.last_period.start.isoformat(), last_period_end=f.last_period.end.isoformat(),
                   area=f.area.label("zh"), fraud_type=f.fraud_type.value if f.fraud_type else None,
                   two_down_two_up=[f.verdict.summary("zh"), *f.verdict.lines("zh")], targets_met=f.verdict.met,
                   figures=figs(f.figures),
                   districts=[DistrictOut(region=d.area.region, station=d.area.station, figures=figs(d.figures))
                              for d in f.districts],
                   by_fraud_type=rows(f.by_fraud_type), by_age=rows(f.by_age))


@router.get("/api/stats", response_model=StatisticsOut, tags=["statistics"], responses=api_responses())
def statistics_api(period: str | None = Query(None, description=FORMATS_HELP),
                   region: str | None = Query(None, description="a county (城厢区) or police station; default: yours"),
                   fraud_type: str | None = Query(None, description="a fraud type's code or Chinese name"),
                   actor: Actor = Depends(requires(Permission.STATS_READ)), db=Depends(get_db)) -> StatisticsOut:
    """Year-over-year statistics for a period (default: the month of the latest case) over an area
    and fraud type: every figure this period and a year earlier, the change, the 两降两升 verdict,
    the district table and breakdowns by fraud type and victim age band."""
    try:
        with db.session() as session:
            area = resolve_area(session, actor, region)
            chosen = Period.parse(period) if period else default_period(session, area)
            try:
                return StatisticsOut.of(command_figures(session, actor, chosen, area, fraud_type))
            except ValueError as exc:
                if isinstance(exc, InputRejected):
                    raise
                raise InputRejected([Problem("fraud_type", str(exc))], "fraud type refused") from None
    except InputRejected as exc:
        raise ApiError(422, "the statistics request was refused; fix the named parameter", exc.problems) from None
