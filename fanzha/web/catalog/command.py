"""The UI's words for the command desk (指挥): statistics, the dashboard, reports, publicity: key → (Chinese, English)."""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
}
