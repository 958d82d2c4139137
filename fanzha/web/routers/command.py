"""The command desk's pages (指挥): dashboard, statistics, reports."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
