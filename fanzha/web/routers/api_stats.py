"""Statistics API (同比统计) for the command desk."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
