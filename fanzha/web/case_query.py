"""A case search (CaseQuery) from a page's query string, read leniently.

A bookmarked or hand-edited URL with a bad value should still show a list, so values that do
not parse are dropped instead of refused (the JSON API, by contrast, refuses them with a 422).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from fanzha.domain.case_status import CaseStatus
from fanzha.domain.fraud_type import FraudType
from fanzha.services.case_search import MAX_PER_PAGE, SORTS, UNSET, CaseQuery

PER_PAGE = 50


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(text), low), high) if text else default
    except ValueError:
        return default


def query_from_params(params: Mapping[str, str]) -> CaseQuery:
    fraud_type = params.get("fraud_type") or None
    if fraud_type not in {UNSET, *(f.value for f in FraudType), None}:
        fraud_type = None
    status = params.get("status") or None
    if status not in {*(s.value for s in CaseStatus), None}:
        status = None
    sort = params.get("sort") or SORTS[0]
    return CaseQuery(
        text=(params.get("text") or "").strip() or None,
        region=(params.get("region") or "").strip() or None,
        fraud_type=fraud_type,
        status=status,
        reported_from=_date(params.get("reported_from")),
        reported_to=_date(params.get("reported_to")),
        page=_int(params.get("page"), 1, 1, 1_000_000),
        per_page=_int(params.get("per_page"), PER_PAGE, 10, MAX_PER_PAGE),
        sort=sort if sort in SORTS else SORTS[0],
    )


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and a few around the current (None is a gap)."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window
