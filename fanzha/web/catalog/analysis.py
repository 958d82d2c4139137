"""The UI's words for the analysis desk (研判): series, link charts, mule cards, suspects and arrests: key → (Chinese, English)."""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
}
