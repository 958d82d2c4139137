"""``fanzha analyze``: the analysis desk's batch work (series detection, mule scoring) and its
measurement on a simulated city's truth. Commands live in analyze_series.py and analyze_mules.py."""
from __future__ import annotations

import typer

analyze_app = typer.Typer(help="Analysis desk (研判): series, mule cards, 帮信 flags.", no_args_is_help=True)

from fanzha.cli import analyze_mules, analyze_series  # noqa: E402,F401  (register their commands)
