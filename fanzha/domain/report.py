"""A victim's report (警情) as it arrives from a form, the API or a file, validated field by field.

Pydantic gives each error its place (``transfers.0.amount``), which the form, the API and the
importers all report back to the person who sent it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.functional_validators import BeforeValidator
from pydantic.json_schema import WithJsonSchema

from fanzha.domain.clock import parse_time
from fanzha.domain.contact import ContactKind
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.identity import normalise_phone, validate_id_number
from fanzha.domain.money import yuan_to_fen


def _fen(value: object) -> int:
    if isinstance(value, float):  # a JSON number: its shortest repr is what the sender wrote
        value = repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("amount must be yuan written like 50000.00")
    fen = yuan_to_fen(value)
    if fen <= 0:
        raise ValueError("amount must be greater than zero")
    return fen


def _time(value: object) -> datetime:
    if not isinstance(value, str | datetime):
        raise ValueError("time must be written like 2024-05-30T15:02:00+08:00")
    return parse_time(value)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Fen = Annotated[
    int,
    BeforeValidator(_fen),
    # Clients send yuan text; the int is only how it is stored, so the schema says what to send.
    WithJsonSchema({
        "type": "string", "pattern": r"^\d{1,13}(\.\d{1,2})?$", "examples": ["50000.00"],
        "description": "yuan with up to two decimals; stored as integer fen",
    }),
]
ZonedTime = Annotated[datetime, BeforeValidator(_time)]
Text = Annotated[str, Field(min_length=1, max_length=256)]
# The width goes on the string inside the optional, so an explicit null is simply "not given".
OptionalText = Annotated[Annotated[str, Field(max_length=256)] | None, BeforeValidator(_blank_to_none)]
# Widths match the store's columns, so a too-long value is a field error, not a database error.
Name = Annotated[Annotated[str, Field(max_length=64)] | None, BeforeValidator(_blank_to_none)]
AccountNumber = Annotated[Annotated[str, Field(max_length=32)] | None, BeforeValidator(_blank_to_none)]
Channel = Annotated[Annotated[str, Field(max_length=32)] | None, BeforeValidator(_blank_to_none)]


class Victim(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=64)]
    id_number: OptionalText = None
    phone: OptionalText = None
    age: Annotated[Annotated[int, Field(ge=0, le=120)] | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("id_number")
    @classmethod
    def _id(cls, value: str | None) -> str | None:
        return validate_id_number(value) if value else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None


class Transfer(BaseModel):
    """One payment the victim made (被骗转账)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    time: ZonedTime
    amount: Fen
    from_account: AccountNumber = None
    from_bank: Name = None
    to_account: Annotated[str, Field(min_length=4, max_length=32, pattern=r"^[0-9A-Za-z\-]+$")]
    to_name: Name = None
    to_bank: Name = None
    channel: Channel = None


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ContactKind
    value: Text

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> ContactKind:
        return ContactKind.parse(str(value))

    @model_validator(mode="after")
    def _normalise(self) -> Contact:
        if self.kind is ContactKind.PHONE:
            self.value = normalise_phone(self.value)
        return self


class VictimReport(BaseModel):
    """The report as FORMATS.md defines it; ``fraud_type`` may be left for the duty officer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    report_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z\-_]+$")]
    reported_at: ZonedTime
    region: Annotated[str, Field(min_length=1, max_length=64)]
    # The police station covering the victim (龙桥派出所); when left out, the victim's registered
    # station if the registry knows the victim.
    station: Name = None
    victim: Victim
    fraud_type: FraudType | None = None
    narrative: Annotated[str, Field(default="", max_length=20000)] = ""
    transfers: list[Transfer] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: object) -> object:
        """NUL characters are refused: no form sends one, and PostgreSQL cannot store them."""
        place = _nul_place(data, "")
        if place is not None:
            raise ValueError(f"{place or 'the report'} holds a NUL character (\\x00); remove it")
        return data

    @field_validator("fraud_type", mode="before")
    @classmethod
    def _fraud_type(cls, value: object) -> FraudType | None:
        return FraudType.parse(value if value is None else str(value))

    @model_validator(mode="after")
    def _transfers_before_report(self) -> VictimReport:
        for index, transfer in enumerate(self.transfers):
            if transfer.time > self.reported_at:
                raise ValueError(
                    f"transfers.{index}.time {transfer.time.isoformat()} is after the report time "
                    f"{self.reported_at.isoformat()}; a reported payment cannot come after the report"
                )
        return self

    @property
    def loss_fen(self) -> int:
        return sum(t.amount for t in self.transfers)


def _nul_place(value: object, place: str) -> str | None:
    """The dotted place of the first string holding NUL, or None."""
    if isinstance(value, str):
        return place if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return place or "the report"
        found = _nul_place(item, f"{place}.{key}" if place else str(key))
        if found is not None:
            return found
    return None
