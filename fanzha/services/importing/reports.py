"""Importing victim reports (警情导入): JSON (one object or a list) or CSV/.xlsx, one row per transfer.

Every report is validated by the domain's ``VictimReport`` and filed by the intake service, all in
one transaction: a file with a bad report files nothing unless ``skip_bad``. A report id already
filed with the same content counts as a duplicate; with different content it is a bad report.
Rows here count reports.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import func, select

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem, problems_from_validation
from fanzha.domain.report import VictimReport
from fanzha.services.importing.batch import close_batch, file_digest, open_batch
from fanzha.services.importing.headers import REPORTS
from fanzha.services.importing.problems import row_place
from fanzha.services.importing.progress import Steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tables import LINE, NotATable, decode, sniff
from fanzha.services.importing.tabular import Sheet, open_sheet
from fanzha.services.intake import file_report
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import Organisation

JSON_EXPECTED = ("expected victim reports as a JSON object or a list of objects (FORMATS.md), or as CSV/.xlsx "
                 "with one row per transfer and columns report_id, reported_at, region, victim_name, ...")
REPORT_FIELDS = ("report_id", "reported_at", "region", "fraud_type", "narrative")
VICTIM_FIELDS = ("name", "id_number", "phone", "age")
TRANSFER_FIELDS = ("time", "amount", "from_account", "from_bank", "to_account", "to_name", "to_bank", "channel")
# What the store's columns hold; the report model allows longer text than these.
STORED_LENGTHS = {"from_account": 32, "from_bank": 64, "to_name": 64, "to_bank": 64, "channel": 32}

Placer = Callable[[tuple[str, ...]], str]


@dataclass
class Candidate:
    """One report as read from the file, before validation, and where its parts are."""

    number: int  # 1-based position in the file
    report_id: str | None
    data: object
    place: Placer
    problems: list[Problem] = field(default_factory=list)
    report: VictimReport | None = None


class _Refused(Exception):
    """Leave the transaction by rolling it back: the file is refused whole."""


def import_reports(db: Database, data: bytes, result: ImportResult, *, skip_bad: bool, actor: Actor,
                   steps: Steps) -> ImportResult:
    steps.step("reading")
    try:
        shape = sniff(data)
    except NotATable as exc:
        return result.refuse([Problem(result.file, f"{exc}; {JSON_EXPECTED}")])
    candidates = _from_json(data, result) if shape == "json" else _from_table(data, result)
    if candidates is None:
        return result
    result.rows_read = len(candidates)
    if not candidates:
        return result.refuse([Problem(result.file, f"the file holds no reports; {JSON_EXPECTED}")])
    steps.step("checking reports", len(candidates))
    _flag_repeated_ids(candidates)
    for candidate in candidates:
        _validate(candidate)
        steps.advance(1)
    steps.step("filing", len(candidates))
    try:
        _file_all(db, candidates, data, result, skip_bad=skip_bad, actor=actor, steps=steps)
    except _Refused:
        result.rejected = True
        result.rows_imported = 0
    return result


# --- reading -------------------------------------------------------------------------------


def _from_json(data: bytes, result: ImportResult) -> list[Candidate] | None:
    try:
        text, encoding = decode(data)
    except NotATable as exc:
        result.refuse([Problem(result.file, f"{exc}; {JSON_EXPECTED}")])
        return None
    result.encoding = encoding
    try:
        loaded = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        result.refuse([Problem(f"{result.file}:line {exc.lineno}, column {exc.colno}",
                               f"this is not valid JSON ({exc.msg}); {JSON_EXPECTED}")])
        return None
    items = loaded if isinstance(loaded, list) else [loaded]
    candidates = []
    for number, item in enumerate(items, start=1):
        report_id = item.get("report_id") if isinstance(item, dict) else None
        report_id = str(report_id) if report_id not in (None, "") else None
        label = f"{result.file}:report {number}" + (f" ({report_id})" if report_id else "")

        def place(loc: tuple[str, ...], label: str = label) -> str:
            return f"{label}, {'.'.join(loc)}" if loc else label

        candidate = Candidate(number, report_id, item, place)
        if not isinstance(item, dict):
            candidate.problems.append(Problem(label, f"is {type(item).__name__}, not a report object {{...}}"))
        candidates.append(candidate)
    return candidates


def _from_table(data: bytes, result: ImportResult) -> list[Candidate] | None:
    sheet = open_sheet(data, REPORTS, result)
    if sheet is None:
        return None
    frame = sheet.table.frame
    columns = {f: sheet.raw(f) for f in sheet.match.positions}
    cells = {f: [None if s is None else (s.strip() or None) for s in series.to_list()] for f, series in columns.items()}
    lines = frame[LINE].to_list()
    groups: dict[object, list[int]] = {}
    for index in range(len(lines)):
        report_id = cells.get("report_id", [None] * len(lines))[index]
        groups.setdefault(report_id if report_id is not None else ("row", index), []).append(index)
    return [_group_candidate(sheet, number, rows, cells, lines)
            for number, rows in enumerate(groups.values(), start=1)]


def _group_candidate(sheet: Sheet, number: int, rows: list[int], cells: dict[str, list], lines: list[int]) -> Candidate:
    first = rows[0]

    def cell(name: str, index: int) -> str | None:
        return cells[name][index] if name in cells else None

    report_id = cell("report_id", first)
    report: dict[str, object] = {}
    for name in REPORT_FIELDS:
        if cell(name, first) is not None:
            report[name] = cell(name, first)
    victim = {name: cell(f"victim_{name}", first) for name in VICTIM_FIELDS}
    report["victim"] = {k: value for k, value in victim.items() if value is not None}
    transfers, transfer_rows = [], []
    for index in rows:
        transfer = {name: cell(name, index) for name in TRANSFER_FIELDS}
        if any(value is not None for value in transfer.values()):
            transfers.append({k: value for k, value in transfer.items() if value is not None})
            transfer_rows.append(index)
    report["transfers"] = transfers

    def place(loc: tuple[str, ...]) -> str:
        if len(loc) >= 2 and loc[0] == "transfers" and loc[1].isdigit() and int(loc[1]) < len(transfer_rows):
            line = lines[transfer_rows[int(loc[1])]]
            return row_place(sheet.file, line, sheet.header(loc[2]) if len(loc) > 2 else None)
        if len(loc) >= 2 and loc[0] == "victim":
            return row_place(sheet.file, lines[first], sheet.header(f"victim_{loc[1]}"))
        if loc:
            return row_place(sheet.file, lines[first], sheet.header(loc[0]))
        return row_place(sheet.file, lines[first]) + (f" (report {report_id})" if report_id else "")

    candidate = Candidate(number, report_id, report, place)
    repeated = [f"victim_{n}" for n in VICTIM_FIELDS] + [n for n in REPORT_FIELDS if n != "report_id"]
    for index in rows[1:]:
        for name in repeated:
            if name in cells and cells[name][index] != cells[name][first]:
                candidate.problems.append(Problem(
                    row_place(sheet.file, lines[index], sheet.header(name)),
                    f"is {cells[name][index]!r} but {cells[name][first]!r} on line {lines[first]} of the same "
                    "report; a report's fields must be the same on each of its rows",
                ))
    return candidate


# --- checking ------------------------------------------------------------------------------


def _flag_repeated_ids(candidates: list[Candidate]) -> None:
    seen: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.report_id:
            seen.setdefault(candidate.report_id, []).append(candidate)
    for report_id, same in seen.items():
        if len(same) > 1:
            numbers = ", ".join(str(c.number) for c in same)
            for candidate in same:
                candidate.problems.append(Problem(
                    candidate.place(("report_id",)),
                    f"report id {report_id} is used by {len(same)} reports in this file (reports {numbers}); "
                    "each report needs its own id",
                ))


def _validate(candidate: Candidate) -> None:
    if not isinstance(candidate.data, dict):
        return
    try:
        report = VictimReport.model_validate(candidate.data)
    except ValidationError as exc:
        for problem in problems_from_validation(exc):
            loc = tuple(problem.place.split(".")) if problem.place else ()
            reason = "is missing; fill it in" if problem.reason == "Field required" else problem.reason
            candidate.problems.append(Problem(candidate.place(loc), reason))
        return
    for index, transfer in enumerate(report.transfers):
        for name, limit in STORED_LENGTHS.items():
            value = getattr(transfer, name)
            if value is not None and len(value) > limit:
                candidate.problems.append(Problem(
                    candidate.place(("transfers", str(index), name)),
                    f"is {len(value)} characters long; at most {limit} fit"))
    candidate.report = report


# --- filing --------------------------------------------------------------------------------


def _file_all(db: Database, candidates: list[Candidate], data: bytes, result: ImportResult, *, skip_bad: bool,
              actor: Actor, steps: Steps) -> None:
    with db.session() as session:
        if not session.scalar(select(func.count()).select_from(Organisation)):
            seed_organisations(session)
        for candidate in candidates:
            steps.advance(1)
            if candidate.problems or candidate.report is None:
                continue
            try:
                filed = file_report(session, actor, candidate.report, audited=False)
            except AccessDenied as exc:  # a county's officer importing another county's report
                candidate.problems.append(Problem(candidate.place(("region",)), exc.message_en))
                continue
            except InputRejected as exc:  # unknown region; the id already names another report
                for problem in exc.problems:
                    loc = tuple(problem.place.split(".")) if problem.place else ()
                    candidate.problems.append(Problem(candidate.place(loc), problem.reason))
                continue
            if filed.created:
                result.rows_imported += 1
            else:
                result.rows_duplicate += 1
        bad = [c for c in candidates if c.problems]
        result.rows_bad = len(bad)
        for candidate in bad:
            result.problems.extend(candidate.problems)
        if bad and not skip_bad:
            raise _Refused
        if result.rows_imported:
            conn = session.connection()
            batch_id = open_batch(conn, result, file_digest(data), actor)
            close_batch(conn, batch_id, result, actor)
