"""Content keys for streamed records: the very hash the file importer gives the same row.

So a call that arrives on the stream and again in the operator's file is stored once.
"""
from __future__ import annotations

from datetime import UTC, datetime
from hashlib import sha1

from fanzha.services.importing.keys import SEPARATOR


def key_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # 2024-05-30T07:02:00.000000Z, as the importer writes it
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return str(value)


def content_key(kind: str, *fields: object) -> str:
    return sha1(SEPARATOR.join([kind, *map(key_text, fields)]).encode()).hexdigest()
