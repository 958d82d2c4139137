"""SMS event (短信事件): one SMS record as an operator streams it; stored once by content key."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fanzha.events.event_fields import EventTime, OperatorCode, PhoneNumber
from fanzha.events.record_keys import content_key
from fanzha.services.importing.sms import sms_direction

CONTENT_MAX = 2000


class SmsEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(min_length=1, max_length=64)
    msisdn: PhoneNumber
    other: PhoneNumber
    direction: str  # 发/收 or out/in, stored as out/in
    time: EventTime
    content: str | None = Field(default=None, max_length=CONTENT_MAX)
    operator: OperatorCode = None
    sent_at: EventTime | None = None

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError("is not text; send 发/收 or out/in")
        return sms_direction(value)

    @property
    def record_key(self) -> str:
        return content_key("sms", self.msisdn, self.other, self.direction, self.time, self.content)

    def record_row(self) -> dict:
        return {"record_key": self.record_key, "msisdn": self.msisdn, "other": self.other,
                "direction": self.direction, "time": self.time, "content": self.content,
                "operator": self.operator, "import_batch_id": None}
