"""Publicity pages (宣传): campaigns, events, public SMS, media, consultations."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
