"""Site visit event (访问事件): one visit to a web address or app as an operator streams it.

The record's identity is its content key, the same the visits importer computes, so a visit
arriving on the stream and again in the operator's file is stored once.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from fanzha.domain.fraud_site import KINDS_EXPECTED, site_key, visit_kind
from fanzha.events.event_fields import EventTime, OperatorCode, PhoneNumber
from fanzha.events.record_keys import content_key
from fanzha.services.importing.visits import HOST_MAX, TARGET_MAX, ip_text
from fanzha.services.warning.from_visits import Visit


class VisitEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(min_length=1, max_length=64)
    msisdn: PhoneNumber  # 本机号码
    visit_time: EventTime  # 访问时间
    visit_kind: str  # 网址/应用 or url/app, stored as url/app
    target: str = Field(min_length=1, max_length=TARGET_MAX)  # 访问目标: the URL, domain or app name
    dest_ip: str | None = Field(default=None, max_length=45)
    operator: OperatorCode = None
    sent_at: EventTime | None = None  # when the producer published it (for latency figures)
    host: str = ""  # the site key, computed from visit_kind and target (never taken from the sender)

    @field_validator("visit_kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is not text; send {KINDS_EXPECTED}")
        return visit_kind(value).value

    @field_validator("target", mode="before")
    @classmethod
    def _target_text(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError("is not text; send the address or the app's name")
        return value.strip()

    @field_validator("target")
    @classmethod
    def _target_site(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("visit_kind")
        if kind is not None and len(site_key(kind, value)) > HOST_MAX:
            raise ValueError(f"names a site longer than {HOST_MAX} characters")
        return value

    @field_validator("dest_ip", mode="before")
    @classmethod
    def _ip(cls, value: object) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValueError("is not text; send an address like 203.0.113.7")
        return ip_text(value)

    @model_validator(mode="after")
    def _site(self) -> VisitEvent:
        object.__setattr__(self, "host", site_key(self.visit_kind, self.target))  # checked with target
        return self

    @property
    def record_key(self) -> str:
        return content_key("visit", self.msisdn, self.visit_time, self.visit_kind, self.target)

    def record_row(self) -> dict:
        """The row for ``site_visits``."""
        return {"record_key": self.record_key, "msisdn": self.msisdn, "visit_time": self.visit_time,
                "visit_kind": self.visit_kind, "target": self.target, "host": self.host, "dest_ip": self.dest_ip,
                "operator": self.operator, "import_batch_id": None}

    def visit(self) -> Visit:
        return Visit(self.record_key, self.msisdn, self.visit_time, self.visit_kind, self.target, self.host)
