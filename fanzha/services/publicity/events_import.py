"""Importing publicity events from a file (宣传活动台账导入): CSV or .xlsx, UTF-8 or GB18030,
Chinese headers or English aliases in any order.

A bad row refuses the whole file, each bad row named with its line, column and reason; a row
already imported (same content) is not added twice, so importing the same file again adds nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.domain.publicity import EventKind
from fanzha.services import audit
from fanzha.services.importing.headers import normalise_header
from fanzha.services.importing.tables import LINE, NotATable, read_table
from fanzha.services.publicity.records import record_event

# field: accepted header spellings (Chinese first)
COLUMNS: dict[str, tuple[str, ...]] = {
    "held_on": ("日期", "活动日期", "held_on", "date"),
    "kind": ("类型", "活动类型", "kind", "type"),
    "title": ("活动名称", "名称", "title"),
    "place": ("地点", "活动地点", "place"),
    "region": ("区县", "region", "district"),
    "station": ("派出所", "station"),
    "audience": ("对象", "受众", "audience"),
    "materials": ("发放资料", "发放资料数", "materials"),
    "people_reached": ("覆盖人数", "受众人数", "people_reached", "people"),
    "fraud_types": ("诈骗类型", "宣传诈骗类型", "fraud_types"),
    "note": ("备注", "note"),
}
REQUIRED = ("held_on", "kind", "title", "place", "region", "people_reached")
_KIND_NAMES = {k.label_zh: k.value for k in EventKind} | {k.label_zh.removeprefix("进"): k.value for k in EventKind}
_LOOKUP = {normalise_header(name): f for f, names in COLUMNS.items() for name in names}


@dataclass
class EventsImported:
    rows: int = 0
    created: int = 0
    repeated: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def _recognise(cells: list[str]) -> int:
    return sum(1 for c in cells if normalise_header(c) in _LOOKUP)


def import_events(session: Session, actor: Actor, data: bytes, filename: str = "events.csv") -> EventsImported:
    check(actor, Permission.PUBLICITY_RECORD, object_type="publicity")
    try:
        table = read_table(data, _recognise)
    except NotATable as exc:
        raise InputRejected([Problem(filename, str(exc))], "not a table") from None
    fields: dict[str, str] = {}
    result = EventsImported()
    for index, header in enumerate(table.headers):
        name = _LOOKUP.get(normalise_header(header))
        if name and name not in fields:
            fields[name] = table.column(index)
        elif header:
            result.ignored_columns.append(header)
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in fields]
    if missing:
        raise InputRejected([Problem(f"{filename}: header", "missing column(s): " + ", ".join(missing)
                                     + "; expected " + ", ".join(COLUMNS[f][0] for f in COLUMNS))],
                            "columns missing")
    problems: list[Problem] = []
    rows = []
    for row in table.frame.iter_rows(named=True):
        values = {f: (row.get(col) or "").strip() for f, col in fields.items()}
        values["kind"] = _KIND_NAMES.get(values["kind"], values["kind"].lower())
        key = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:40]
        rows.append((row[LINE], {**values, "client_key": f"file:{key}"}))
    result.rows = len(rows)
    with session.begin_nested():
        for line, values in rows:
            try:
                with session.begin_nested():
                    recorded = record_event(session, actor, values)
            except InputRejected as exc:
                problems.extend(Problem(f"{filename} line {line}, {COLUMNS.get(p.place, (p.place,))[0]}", p.reason)
                                for p in exc.problems)
                continue
            if recorded.created:
                result.created += 1
            else:
                result.repeated += 1
        if problems:
            raise InputRejected(problems, f"{len(problems)} problem(s); nothing was imported")
    audit.record(session, actor, "publicity.import", object_type="publicity_events",
                 detail={"file": filename, "rows": result.rows, "created": result.created})
    return result
