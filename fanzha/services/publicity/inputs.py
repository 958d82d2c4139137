"""What a publicity record must hold, checked field by field (pydantic names each place).

Forms and CSV files send text, so numbers, days and lists are read from text here; every record
carries a ``client_key`` (the form's own key, or a file row's content key) so sending it twice
records it once.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.functional_validators import BeforeValidator

from fanzha.domain.clock import day_problem, parse_time
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.publicity import AgeGroup, ConsultChannel, EventKind, MediaKind

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _count(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if not text:
            return 0
        if not text.isdigit():
            raise ValueError("write a whole number, like 120")
        return int(text)
    return value


def _day(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("give the day, like 2024-05-30")
        try:
            value = date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise ValueError(f"{text!r} is not a day like 2024-05-30") from None
    if isinstance(value, date):
        problem = day_problem(value, "the day")
        if problem:
            raise ValueError(problem)
    return value


def _fraud_types(value: object) -> object:
    """A list of fraud types, from codes or Chinese names, as a list or text split by , ; 、 or spaces."""
    if value is None:
        return []
    items = re.split(r"[,;，；、\s]+", value) if isinstance(value, str) else list(value)
    found = []
    for item in items:
        if str(item).strip():
            try:
                kind = FraudType.parse(str(item))
            except ValueError:
                raise ValueError(f"unknown fraud type {str(item).strip()!r}; use one of: "
                                 + ", ".join(f.label_zh for f in FraudType)) from None
            if kind is not None and kind.value not in found:
                found.append(kind.value)
    return found


Count = Annotated[int, BeforeValidator(_count), Field(ge=0, le=100_000_000)]
Day = Annotated[date, BeforeValidator(_day)]
FraudTypes = Annotated[list[str], BeforeValidator(_fraud_types)]
Line = Annotated[str, Field(min_length=1, max_length=128)]
OptionalRegion = Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank_to_none)]
ClientKey = Annotated[str, Field(min_length=8, max_length=64)]


class _Record(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    client_key: ClientKey

    @field_validator("client_key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("the form's key must be 8 to 64 letters, digits or _.:-; reload the form")
        return value


class CampaignIn(_Record):
    name: Line
    theme: Annotated[str, Field(max_length=2000)] = ""
    starts_on: Day
    ends_on: Annotated[Day | None, BeforeValidator(_blank_to_none)] = None


class EventIn(_Record):
    kind: EventKind
    title: Line
    place: Line
    region: Annotated[str, Field(min_length=1, max_length=64)]
    station: OptionalRegion = None  # the police station's name (龙桥派出所), when one held it
    held_on: Day
    audience: Annotated[str, Field(max_length=64)] = ""
    materials: Count = 0
    people_reached: Count
    fraud_types: FraudTypes = []
    campaign_id: Annotated[int | None, BeforeValidator(_blank_to_none)] = None
    note: Annotated[str, Field(max_length=2000)] = ""


class SmsIn(_Record):
    sent_on: Day
    region: OptionalRegion = None  # None: the whole city
    age_group: AgeGroup = AgeGroup.ALL
    fraud_types: FraudTypes = []
    text: Annotated[str, Field(min_length=4, max_length=500)]
    sent: Annotated[int, BeforeValidator(_count), Field(ge=1, le=100_000_000)]
    delivered: Annotated[Count | None, BeforeValidator(_blank_to_none)] = None


class MediaIn(_Record):
    kind: MediaKind
    outlet: Line
    title: Annotated[str, Field(min_length=1, max_length=256)]
    published_on: Day
    region: OptionalRegion = None
    reach: Count = 0
    fraud_types: FraudTypes = []
    link: Annotated[Annotated[str, Field(max_length=512)] | None, BeforeValidator(_blank_to_none)] = None


def _zoned(value: object) -> object:
    if isinstance(value, str | datetime):
        try:
            return parse_time(value)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
    return value


class ConsultationIn(_Record):
    at: Annotated[datetime, BeforeValidator(_zoned)]
    channel: ConsultChannel
    topic: Annotated[str, Field(min_length=1, max_length=32)]
    question: Annotated[str, Field(max_length=2000)] = ""
    region: OptionalRegion = None
    answered: bool = False

    @field_validator("topic")
    @classmethod
    def _topic(cls, value: str) -> str:
        kind = FraudType.parse(value)
        return kind.value if kind is not None else "other"
