"""Mule cards and helpers pages (两卡、帮信): scored accounts and phone cards, flagged persons."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
