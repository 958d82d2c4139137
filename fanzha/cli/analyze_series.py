"""``fanzha analyze series`` and the graph build: link cases into candidate series (串并案)."""
from __future__ import annotations

from fanzha.cli.analyze import analyze_app  # noqa: F401
