"""``fanzha report``: monthly and yearly statistics reports (Excel and PDF) for a period and region."""
from __future__ import annotations
