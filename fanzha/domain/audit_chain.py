"""The audit chain (审计链): each audit entry's hash covers its content and the entry before it.

``hash = sha256(prev_hash + canonical JSON of the entry)``, the first entry's ``prev_hash``
being 64 zeros. Changing any field of any entry, deleting one, or inserting one breaks the
chain from that entry on; ``ChainCheck`` walks the entries in order and names the first broken
one and what is wrong with it. Pure: the store hands the entries in.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "actor_user_id", "actor_role", "organisation", "action", "object_type",
          "object_id", "outcome", "detail", "ip")


def plain_json(value: object) -> object:
    """``value`` as JSON reads it back (tuples become lists, dates and others become strings),
    so the hash of what is written equals the hash of what is read."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def canonical(entry: Mapping[str, object]) -> bytes:
    """The entry's fields as canonical JSON: sorted keys, no spaces, times in UTC to the
    microsecond."""
    at = entry["at"]
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise ValueError("an audit entry's time must be an aware datetime")
    fields = {name: entry.get(name) for name in FIELDS}
    fields["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    fields["detail"] = plain_json(entry.get("detail") or {})
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: Mapping[str, object], prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(entry)).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    entries: int  # how many entries were checked
    broken_seq: int | None = None  # the first broken entry's number, None when intact
    problem: str | None = None  # what is wrong with it

    @property
    def intact(self) -> bool:
        return self.broken_seq is None

    def __str__(self) -> str:
        if self.intact:
            return f"chain intact, {self.entries} entries"
        return f"chain broken at entry {self.broken_seq}: {self.problem}"


class ChainCheck:
    """Feed entries in ``seq`` order with ``add``; ``report`` says whether the chain holds."""

    def __init__(self) -> None:
        self.count = 0
        self.prev_hash = GENESIS
        self.prev_seq = 0
        self.broken: tuple[int, str] | None = None

    def add(self, entry: Mapping[str, object]) -> bool:
        """Check one more entry; False once the chain is broken (later entries are not read)."""
        if self.broken:
            return False
        seq = int(entry["seq"])
        expected = self.prev_seq + 1
        if seq != expected:
            self.broken = (expected, f"entry {expected} is missing (the next entry is {seq}); "
                                     "entries were deleted")
            return False
        if entry["prev_hash"] != self.prev_hash:
            what = "the first entry" if seq == 1 else f"entry {seq - 1}'s hash"
            self.broken = (seq, f"its prev_hash does not match {what}; an entry before it was "
                                "changed, replaced or inserted")
            return False
        if entry_hash(entry, self.prev_hash) != entry["hash"]:
            self.broken = (seq, "its content does not match its hash; the entry was changed after "
                                "it was written")
            return False
        self.count += 1
        self.prev_seq, self.prev_hash = seq, str(entry["hash"])
        return True

    def finish(self, head_seq: int | None, head_hash: str | None) -> ChainReport:
        """Compare the last entry with the chain's head (the newest seq and hash recorded on
        every append), which catches entries deleted from the end."""
        if self.broken:
            return ChainReport(self.count, *self.broken)
        if head_seq is not None and head_seq != self.prev_seq:
            if head_seq > self.prev_seq:
                return ChainReport(self.count, self.prev_seq + 1,
                                   f"entries {self.prev_seq + 1} to {head_seq} are missing "
                                   "(deleted from the end of the log)")
            return ChainReport(self.count, head_seq + 1, f"entry {head_seq + 1} and later are not "
                               "recorded in the chain head; they were added outside Fanzha")
        if head_hash is not None and head_seq and head_hash != self.prev_hash:
            return ChainReport(self.count, self.prev_seq, "its hash differs from the one recorded in "
                               "the chain head; the entry was replaced")
        return ChainReport(self.count)
