"""Reading a batch of JSON events in one pass (批量解码).

The payloads are joined with the record separator (0x1E, as in JSON text sequences) and decoded
once; the C scanner then reads one value per payload. A raw control character cannot stand in a
valid JSON document (not between values, not inside a string), so a payload can never run into
its neighbour: a value must end right before its separator, or that payload is marked
``NOT_READ`` and read again on its own (which gives the exact reason a malformed one is refused).
"""
from __future__ import annotations

import json
from collections.abc import Sequence

SEPARATOR = b"\x1e"
NOT_READ = object()  # this payload could not be read in the batch pass: read it alone
_scan = json.JSONDecoder().scan_once  # the C scanner: (text, index) -> (value, end)
_SPACE = " \t\n\r"


def read_batch(payloads: Sequence[bytes]) -> list[object]:
    """One decoded value per payload, or ``NOT_READ`` where the batch pass could not read it."""
    if not payloads:
        return []
    joined = SEPARATOR.join(payloads)
    if joined.count(SEPARATOR) != len(payloads) - 1:  # a payload holds a separator itself
        return [NOT_READ] * len(payloads)
    try:
        text = joined.decode("utf-8")
    except UnicodeDecodeError:  # one payload is not UTF-8: each on its own (json.loads knows UTF-16 too)
        return [NOT_READ] * len(payloads)
    values: list[object] = []
    at, size = 0, len(text)
    for _ in range(len(payloads)):
        try:
            value, end = _scan(text, at)
        except (StopIteration, ValueError):  # not a JSON value here (leading spaces included)
            value, end = NOT_READ, at
        if end < size and text[end] != "\x1e":
            while end < size and text[end] in _SPACE:
                end += 1
            if end < size and text[end] != "\x1e":
                value = NOT_READ
        values.append(value)
        if value is NOT_READ:
            end = text.find("\x1e", at)
            end = size if end < 0 else end
        at = end + 1
    return values
