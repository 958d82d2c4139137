"""The public's window (公众): risk look-up and fraud report pages."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
