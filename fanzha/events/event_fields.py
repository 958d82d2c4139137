"""Field readers the event schemas share: phone numbers, zone-carrying times, operators; and what a
dead letter keeps of a payload that failed: its event id and the reason."""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator, ValidationError

from fanzha.domain.clock import parse_time
from fanzha.domain.errors import problems_from_validation
from fanzha.domain.organisation import operator_by_name

_SPACES = re.compile(r"[\s\u3000\-()（）]")
_PHONE = re.compile(r"^\+?\d{3,20}$")
_COUNTRY = re.compile(r"^(?:\+86|0086)(\d{5,})$")


def phone_number(value: object) -> str:
    """A phone number as digits: spaces, dashes and brackets removed, +86 or 0086 dropped."""
    if not isinstance(value, str):
        raise ValueError("is not text; send a phone number as a string like \"13800000000\"")
    if value.isascii() and value.isdigit() and 3 <= len(value) <= 20 and not value.startswith("0086"):
        return value  # the usual case, without the regular expressions
    text = _COUNTRY.sub(r"\1", _SPACES.sub("", value))
    if not _PHONE.match(text):
        raise ValueError(f"{value[:40]!r} is not a phone number; write digits only, like 13800000000")
    return text


def event_time(value: object) -> datetime:
    """An ISO time; one without a zone is Asia/Shanghai (the center's local time)."""
    if not isinstance(value, (str, datetime)):
        raise ValueError("is not a time; send it as ISO text like 2024-05-30T15:02:00+08:00")
    return parse_time(value)


def operator_code(value: object) -> str | None:
    """An operator's code or name (中国移动, China Mobile, CMCC) as its code; others kept."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("is not text; send an operator name or code like CMCC")
    op = operator_by_name(value.strip())
    return op.code if op else value.strip()[:16]


PhoneNumber = Annotated[str, BeforeValidator(phone_number)]
EventTime = Annotated[datetime, BeforeValidator(event_time)]
OperatorCode = Annotated[str | None, BeforeValidator(operator_code)]


def event_id_of(data: bytes) -> str | None:
    """The event id of a payload that failed validation, for its dead letter (None: not JSON, or no id)."""
    try:
        value = json.loads(data).get("event_id")
        return str(value) if value is not None else None
    except Exception:  # noqa: BLE001 - not JSON, or not an object: no id to keep
        return None


def rejection_reason(exc: ValidationError) -> str:
    """Why a payload was refused, every problem with its field, for its dead letter."""
    return "; ".join(str(p) for p in problems_from_validation(exc))
