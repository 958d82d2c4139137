"""A batch of call events as rows (话单批): read once, checked, keyed, ready to store and screen.

``CallEvent`` (call_event.py) stays the rule for what a call event is. Most events are plain
(digits for numbers, an ISO time, a known call type, an integer duration): those are checked here
in a few comparisons on the batch-decoded JSON and give exactly the values ``CallEvent`` gives.
Anything else — a malformed event, a number with spaces or +86, a time without a zone in another
format — goes through ``CallEvent`` itself, which either reads it or says why it is refused.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha1

from pydantic import ValidationError

from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.errors import problems_from_validation
from fanzha.events.call_event import MAX_DURATION_S, CallEvent
from fanzha.events.event_fields import operator_code
from fanzha.events.json_batch import NOT_READ, read_batch
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


def _time(value: object) -> datetime | None:
    """``parse_time`` of an ISO time (one without a zone is Asia/Shanghai); None for anything else."""
    if type(value) is not str:
        return None
    try:
        parsed = _fromiso(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CENTER_TZ)


def row_for(msisdn: str, other: str, call_type: str, start: datetime, duration_s: int, cell_id: str | None,
            imei: str | None, operator: str | None) -> tuple:
    """The stored row; its key is the content key the file importer gives the same call."""
    utc = start.astimezone(UTC).replace(tzinfo=None)
    key = sha1(SEPARATOR.join(("call", msisdn, other, call_type, utc.isoformat(timespec="microseconds") + "Z",
                               str(duration_s))).encode()).hexdigest()
    return key, msisdn, other, call_type, utc, duration_s, cell_id, imei, operator


def _plain(doc: object) -> tuple[tuple, float | None] | None:
    """The row and send time of a plain call event; None when CallEvent must read it.

    Plain: numbers of 3-20 ASCII digits (not 0086...), a call type as written in the importer's
    list, an integer duration in range, ISO times, ASCII cell and IMEI within their lengths."""
    if type(doc) is not dict:
        return None
    get = doc.get
    event_id, msisdn, other = get("event_id"), get("msisdn"), get("other")
    written, duration, cell, imei = get("call_type"), get("duration_s"), get("cell_id"), get("imei")
    if not (type(event_id) is str and 0 < len(event_id) <= 64
            and type(msisdn) is str and msisdn.isascii() and msisdn.isdigit() and 3 <= len(msisdn) <= 20
            and type(other) is str and other.isascii() and other.isdigit() and 3 <= len(other) <= 20
            and not msisdn.startswith("0086") and not other.startswith("0086")
            and type(written) is str and (call_type := _CALL_TYPES.get(written)) is not None
            and type(duration) is int and 0 <= duration <= MAX_DURATION_S
            and (cell is None or (type(cell) is str and len(cell) <= 32 and cell.isascii()))
            and (imei is None or (type(imei) is str and len(imei) <= 20 and imei.isascii()))):
        return None
    operator = get("operator")
    if operator is not None:
        if type(operator) is not str:
            return None
        operator = _operator(operator)
    start = _time(get("start_time"))
    if start is None:
        return None
    sent_at = None
    if (sent := get("sent_at")) is not None:
        if (when := _time(sent)) is None:
            return None
        sent_at = when.timestamp()
    return row_for(msisdn, other, call_type, start, duration, cell, imei, operator), sent_at


def _reason(exc: ValidationError) -> str:
    return "; ".join(str(p) for p in problems_from_validation(exc))


def _event_id(doc: object, data: bytes) -> str | None:
    """The event's id, if it can be read at all (kept with its dead letter)."""
    if doc is NOT_READ:
        try:
            doc = json.loads(data)
        except Exception:  # noqa: BLE001 - not JSON at all: no id to keep
            return None
    value = doc.get("event_id") if isinstance(doc, dict) else None
    return str(value) if value is not None else None


def read_calls(subject: str, payloads: Sequence[bytes]) -> CallBatch:
    """The batch's valid calls as rows; each malformed one a dead letter with its reason."""
    batch = CallBatch()
    rows, sent, dead = batch.rows, batch.sent_at, batch.dead
    for data, doc in zip(payloads, read_batch(payloads), strict=True):
        plain = _plain(doc) if doc is not NOT_READ else None
        if plain is not None:
            rows.append(plain[0])
            sent.append(plain[1])
            continue
        try:
            event = CallEvent.model_validate_json(data)
        except ValidationError as exc:
            dead.append((subject, _event_id(doc, data), data.decode("utf-8", "replace"), _reason(exc)))
            continue
        rows.append(row_for(event.msisdn, event.other, event.call_type, event.start_time, event.duration_s,
                            event.cell_id, event.imei, event.operator))
        sent.append(event.sent_at.timestamp() if event.sent_at is not None else None)
    return batch
