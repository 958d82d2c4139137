"""Entity graph API: neighbourhoods, paths and chart data for the link chart."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
