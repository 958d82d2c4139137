"""Series API (串并案) for the analysis desk's own tools."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
