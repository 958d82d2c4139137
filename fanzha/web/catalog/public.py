"""The UI's words for the public's window (公众): risk look-up and fraud reports: key → (Chinese, English)."""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
}
