"""``fanzha analyze mules``: score accounts and phone cards for mule behaviour (两卡), flag 帮信."""
from __future__ import annotations

from fanzha.cli.analyze import analyze_app  # noqa: F401
