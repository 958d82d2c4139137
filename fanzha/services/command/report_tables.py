"""The report's content (统计报表内容) as tables, built once from the command figures so that the
Excel and the PDF show the very same numbers as the dashboard."""
from __future__ import annotations

from dataclasses import dataclass, field

from fanzha.domain.fraud_type import FraudType
from fanzha.services.command.definitions import BY_KEY, DEFINITIONS, GENERAL_ZH
from fanzha.services.command.statistics import CommandFigures, Figure
from fanzha.services.command.trends import trend


@dataclass(frozen=True)
class Money:
    """An amount in fen, shown as yuan."""

    fen: int


@dataclass(frozen=True)
class Change:
    """A change in percent; None: undefined (last year 0)."""

    percent: float | None


Cell = str | int | Money | Change


@dataclass
class Table:
    key: str  # the sheet's name in Excel
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: str | None = None  # "bars": the PDF draws this and last year side by side


@dataclass
class ReportContent:
    title: str
    subtitle: list[str]
    verdict: list[str]
    tables: list[Table]
    notes: list[str]


def _value(f: Figure, which: str) -> Cell:
    v = f.this if which == "this" else f.last
    return Money(v) if BY_KEY[f.key].money else v


def _type_name(code: str | None) -> str:
    return FraudType(code).label_zh if code else "未定性"


def build_report(figures: CommandFigures, center: str | None) -> ReportContent:
    p, last = figures.period, figures.last_period
    kind = {"month": "月度", "quarter": "季度", "year": "年度"}.get(p.kind, "")
    title = f"{center or '反诈中心'}{p.label('zh')}{kind}统计报表"
    subtitle = [f"统计范围：{figures.area.label('zh')}", f"统计期间：{p.start} 至 {p.end}（同期：{last.start} 至 {last.end}）"]
    if figures.fraud_type is not None:
        subtitle.append(f"诈骗类型：{figures.fraud_type.label_zh}")
    verdict = [figures.verdict.summary("zh"), *figures.verdict.lines("zh")]
    headline = Table("总览", "主要指标同比", ["指标", "本期", "去年同期", "同比变化"])
    for d in DEFINITIONS:
        f = figures.figures[d.key]
        headline.rows.append([d.zh + ("（元）" if d.money else ""), _value(f, "this"), _value(f, "last"), Change(f.change)])
    keys = ("cases", "loss_fen", "solved", "people_dealt_with", "stopped_fen", "frozen_fen", "dissuasions",
            "loss_avoided_fen")
    part = "派出所" if figures.area.region is not None else "区县"
    districts = Table("分地区", f"分{part}统计（本期 / 同期）", [part] + [
        f"{BY_KEY[k].zh}{'（元）' if BY_KEY[k].money else ''}{suffix}" for k in keys for suffix in ("", "同期")])
    for d in figures.districts:
        row: list[Cell] = [d.area.station or d.area.region or ""]
        for k in keys:
            row += [_value(d.figures[k], "this"), _value(d.figures[k], "last")]
        districts.rows.append(row)
    types = Table("分类型", "分诈骗类型发案", ["诈骗类型", "发案数", "同期", "同比变化", "损失（元）", "同期损失（元）"],
                  chart="bars")
    for b in figures.by_fraud_type:
        types.rows.append([_type_name(b.key), b.cases.this, b.cases.last, Change(b.cases.change),
                           Money(b.loss_fen.this), Money(b.loss_fen.last)])
    ages = Table("年龄段", "受害人年龄段", ["年龄段", "发案数", "同期", "同比变化", "损失（元）", "同期损失（元）"],
                 chart="bars")
    for b in figures.by_age:
        ages.rows.append(["未知" if b.key == "unknown" else b.key, b.cases.this, b.cases.last, Change(b.cases.change),
                          Money(b.loss_fen.this), Money(b.loss_fen.last)])
    grain = "day" if p.days <= 62 else "month"
    trends = Table("趋势", "按日发案" if grain == "day" else "按月发案",
                   ["日期" if grain == "day" else "月份", "发案数", "同期", "同比变化", "损失（元）", "同期损失（元）"],
                   chart="bars")
    for label, cases, loss in trend(figures.by_day, grain):
        trends.rows.append([label, cases.this, cases.last, Change(cases.change), Money(loss.this), Money(loss.last)])
    notes = [GENERAL_ZH] + [f"{d.zh}：{d.zh_rule}" for d in DEFINITIONS]
    return ReportContent(title, subtitle, verdict, [headline, districts, types, ages, trends], notes)


def change_text(change: Change) -> str:
    return "—" if change.percent is None else f"{change.percent:+.1f}%"


def money_text(money: Money) -> str:
    fen = money.fen
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
