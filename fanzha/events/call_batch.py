"""A batch of call events as rows (话单批): read once, checked, keyed, ready to store and screen.

``CallEvent`` (call_event.py) stays the rule for what a call event is. Most events are plain
(digits for numbers, an ISO time, a known call type, an integer duration): msgspec reads and
checks those in one C pass into ``PlainCall``, and the few checks left give exactly the values
``CallEvent`` gives. Anything else — a malformed event, a number with spaces or +86, a time
without a zone in another format — goes through ``CallEvent`` itself, which either reads it or
says why it is refused. Start times are turned into UTC text for the content keys a batch at a
time (numpy), since formatting them one by one cost more than the rest of the reading.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha1
from typing import Annotated

import msgspec
import numpy as np
from pydantic import ValidationError

from fanzha.domain.clock import CENTER_TZ
from fanzha.events.call_event import MAX_DURATION_S, CallEvent
from fanzha.events.event_fields import event_id_of, operator_code, rejection_reason
from fanzha.services.importing.calls import call_type as read_call_type
from fanzha.services.importing.keys import SEPARATOR
from fanzha.services.telecom.stream_records import CALL_COLUMNS

# Where a row (stream_records.CALL_COLUMNS) holds what the screen and the alerts read.
KEY, MSISDN, OTHER, CALL_TYPE, START, DURATION = range(6)
assert CALL_COLUMNS[START] == "start_time" and CALL_COLUMNS[DURATION] == "duration_s"
_CALL_TYPES = {text: read_call_type(text) for text in ("主叫", "被叫", "呼转", "caller", "called", "forwarded")}
_OPERATORS: dict[str, str | None] = {}  # operator names as written -> codes (a few distinct values)
_OPERATORS_KEPT = 1000
_UNKNOWN = object()
_fromiso = datetime.fromisoformat
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_FIRST_US = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND  # a start in UTC must be a datetime
_LAST_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND

_Digits = Annotated[str, msgspec.Meta(pattern=r"^(?!0086)[0-9]{3,20}\Z")]  # not 0086...: CallEvent drops it
_ASCII = r"^[\x00-\x7f]*\Z"


class PlainCall(msgspec.Struct, gc=False):  # only text and numbers: no cycles to collect
    """A call event in the usual form; one that does not fit is read by ``CallEvent``."""

    event_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    msisdn: _Digits
    other: _Digits
    call_type: str
    start_time: str
    duration_s: Annotated[int, msgspec.Meta(ge=0, le=MAX_DURATION_S)]
    cell_id: Annotated[str, msgspec.Meta(max_length=32, pattern=_ASCII)] | None = None
    imei: Annotated[str, msgspec.Meta(max_length=20, pattern=_ASCII)] | None = None
    operator: str | None = None
    sent_at: str | None = None


_read_plain = msgspec.json.Decoder(PlainCall).decode


@dataclass
class CallBatch:
    """Valid calls as ``CALL_COLUMNS`` rows, with what the screen and the latency figures need beside them."""

    rows: list[tuple] = field(default_factory=list)
    sent_at: list[float | None] = field(default_factory=list)  # the producer's publish time, epoch seconds
    dead: list[tuple[str, str | None, str, str]] = field(default_factory=list)  # subject, id, payload, reason

    def __len__(self) -> int:
        return len(self.rows)

    def start(self, index: int) -> datetime:
        """The call's start, zone-aware (UTC)."""
        return self.rows[index][START].replace(tzinfo=UTC)

    def start_epochs(self) -> _Epochs:
        return _Epochs(self.rows)


class _Epochs:
    """Calls' start times as epoch seconds, worked out only for the calls the screen asks about."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows

    def __getitem__(self, index: int) -> float:
        return self.rows[index][START].replace(tzinfo=UTC).timestamp()

    def __len__(self) -> int:
        return len(self.rows)


def _operator(value: str) -> str | None:
    """``operator_code`` of a name as written, remembered (the stream carries a handful of names)."""
    code = _OPERATORS.get(value, _UNKNOWN)
    if code is _UNKNOWN:
        if len(_OPERATORS) >= _OPERATORS_KEPT:
            _OPERATORS.clear()
        code = _OPERATORS[value] = operator_code(value)
    return code  # type: ignore[return-value]


def _time(value: str) -> datetime | None:
    """``parse_time`` of an ISO time (one without a zone is Asia/Shanghai); None for anything else."""
    try:
        parsed = _fromiso(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CENTER_TZ)


_Fields = tuple  # msisdn, other, call type, duration, cell, IMEI, operator: the row less its key and time


def _plain(call: PlainCall) -> tuple[_Fields, datetime, float | None] | None:
    """A plain call's fields, start and send time (epoch seconds); None when ``CallEvent`` must read
    it (a call type, a time or an operator written in another way)."""
    call_type = _CALL_TYPES.get(call.call_type)
    start = _time(call.start_time)
    if call_type is None or start is None:
        return None
    sent_at = None
    if call.sent_at is not None:
        if (when := _time(call.sent_at)) is None:
            return None
        sent_at = when.timestamp()
    operator = call.operator if call.operator is None else _operator(call.operator)
    return (call.msisdn, call.other, call_type, call.duration_s, call.cell_id, call.imei, operator), start, sent_at


def _event(event: CallEvent) -> tuple[_Fields, datetime, float | None]:
    return ((event.msisdn, event.other, event.call_type, event.duration_s, event.cell_id, event.imei, event.operator),
            event.start_time, event.sent_at.timestamp() if event.sent_at is not None else None)


def _rows(fields: list[_Fields], micros: list[int]) -> list[tuple]:
    """The stored rows, times in UTC; each key is the content key the file importer gives the same
    call (its start as UTC ISO text with microseconds and a Z)."""
    times = np.array(micros, dtype="datetime64[us]")
    rows = []
    for (msisdn, other, call_type, duration, cell, imei, operator), text, utc in zip(
            fields, np.datetime_as_string(times, unit="us").tolist(), times.tolist(), strict=True):
        key = sha1(SEPARATOR.join(("call", msisdn, other, call_type, text + "Z", str(duration))).encode()).hexdigest()
        rows.append((key, msisdn, other, call_type, utc, duration, cell, imei, operator))
    return rows


def read_calls(subject: str, payloads: Sequence[bytes]) -> CallBatch:
    """The batch's valid calls as rows; each malformed one a dead letter with its reason."""
    batch = CallBatch()
    fields, micros, sent, dead = [], [], batch.sent_at, batch.dead
    for data in payloads:
        try:
            read = _plain(_read_plain(data))
        except msgspec.DecodeError:  # not plain (a ValidationError is a DecodeError too): CallEvent says
            read = None
        if read is None:
            try:
                read = _event(CallEvent.model_validate_json(data))
            except ValidationError as exc:
                dead.append((subject, event_id_of(data), data.decode("utf-8", "replace"), rejection_reason(exc)))
                continue
        micro = (read[1] - _EPOCH) // _MICROSECOND
        if not _FIRST_US <= micro <= _LAST_US:
            dead.append((subject, event_id_of(data), data.decode("utf-8", "replace"),
                         "start_time: is before year 1 or after 9999 in UTC"))
            continue
        fields.append(read[0])
        micros.append(micro)
        sent.append(read[2])
    batch.rows = _rows(fields, micros)
    return batch
