"""Series pages (串并案): candidate series, their cases and the analysts' decisions."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
