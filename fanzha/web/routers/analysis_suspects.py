"""Suspects, arrests and seizures pages (嫌疑人、打击处理、缴获)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
