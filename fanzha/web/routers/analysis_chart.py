"""The analyst's pictures (关系图、时间线、分布): link chart, series timeline, where suspects and cards are."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
