"""Call event (通话事件): one call record (话单) as an operator streams it.

Times carry a zone (one without is Asia/Shanghai), durations are whole seconds. ``event_id`` is
the producer's id (also JetStream's de-duplication id); the record's identity is its content
key, the same the file importer computes, so the same call is stored once however it arrives.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from fanzha.events.event_fields import EventTime, OperatorCode, PhoneNumber
from fanzha.events.record_keys import content_key
from fanzha.services.importing.calls import call_type as read_call_type

MAX_DURATION_S = 7 * 24 * 3600


class CallEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(min_length=1, max_length=64)
    msisdn: PhoneNumber  # 本机号码: the number the record is for
    other: PhoneNumber  # 对方号码
    call_type: str  # 主叫/被叫/呼转 or caller/called/forwarded, stored as the English code
    start_time: EventTime
    duration_s: StrictInt = Field(ge=0, le=MAX_DURATION_S)
    cell_id: str | None = Field(default=None, max_length=32)
    imei: str | None = Field(default=None, max_length=20)
    operator: OperatorCode = None
    sent_at: EventTime | None = None  # when the producer published it (for latency figures)

    @field_validator("call_type", mode="before")
    @classmethod
    def _call_type(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError("is not text; send 主叫/被叫/呼转 or caller/called/forwarded")
        return read_call_type(value)

    @property
    def record_key(self) -> str:
        return content_key("call", self.msisdn, self.other, self.call_type, self.start_time, self.duration_s)

    def record_row(self) -> dict:
        """The row for ``call_records``."""
        return {"record_key": self.record_key, "msisdn": self.msisdn, "other": self.other,
                "call_type": self.call_type, "start_time": self.start_time, "duration_s": self.duration_s,
                "cell_id": self.cell_id, "imei": self.imei, "operator": self.operator, "import_batch_id": None}

    @property
    def start_epoch(self) -> float:
        return self.start_time.timestamp()
