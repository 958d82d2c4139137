"""The command desk's shared UI words (指挥): its tabs. Each part keeps its own words beside this
file (command_stats.py, command_publicity.py)."""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "command.tab.dashboard": ("指挥态势", "Dashboard"),
    "command.tab.reports": ("统计报表", "Reports"),
    "command.tab.publicity": ("宣传工作", "Publicity"),
}
