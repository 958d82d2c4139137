"""The analysis desk's shared UI words (研判): its tabs. Each part keeps its own words beside
this file (analysis_series.py, analysis_mules.py, analysis_chart.py, analysis_suspects.py)."""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "analysis.tab.series": ("串并案", "Series"),
    "analysis.tab.chart": ("关系图", "Link chart"),
    "analysis.tab.mules": ("两卡与帮信", "Mule cards"),
    "analysis.tab.suspects": ("嫌疑人与打处", "Suspects"),
    "analysis.tab.where": ("落地分布", "Where"),
    # links from a case's page
    "analysis.case.chart": ("关系图", "Link chart"),
    "analysis.case.add_suspect": ("登记嫌疑人", "Add a suspect"),
}
