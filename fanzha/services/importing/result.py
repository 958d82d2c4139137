"""The outcome of importing one file (导入结果): counts, every problem, and whether it was refused."""
from __future__ import annotations

from dataclasses import dataclass, field

from fanzha.domain.errors import Problem

# The unit each kind counts in, for the summary line.
_UNITS = {"reports": ("report", "reports", "份警情")}
_DEFAULT_UNIT = ("row", "rows", "行")
MAX_PROBLEMS_IN_DICT = 1000


@dataclass
class ImportResult:
    """What an import did. ``rows_*`` count reports for the reports kind and rows otherwise.

    ``rejected`` is True when the file was refused whole and nothing was written: it is not a
    table, required columns are missing, or it has bad rows and ``skip_bad`` was not asked for.
    """

    kind: str
    file: str
    rows_read: int = 0
    rows_imported: int = 0
    rows_duplicate: int = 0  # already in the store, or repeated within the file
    rows_bad: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected: bool = False
    extra_columns: list[str] = field(default_factory=list)  # present in the file, ignored
    encoding: str | None = None  # UTF-8, UTF-8 (BOM), GB18030, UTF-16, or xlsx
    transfers_matched: int = 0  # statements: transfers whose 出 and 进 postings this import paired
    seconds: float = 0.0
    batch_id: int | None = None  # the import batch written, when the file added rows
    funds: dict | None = None  # statements: requests answered, cases followed, orders raised
    audited: bool = False  # the import's audit entry is written (with the batch, when it added rows)

    def refuse(self, problems: list[Problem]) -> ImportResult:
        """Mark the file refused whole (nothing written) with the problems that explain why."""
        self.problems.extend(problems)
        self.rejected = True
        self.rows_imported = 0
        return self

    def summary(self) -> str:
        """One line for a person: what was read, imported, already there, bad, and the encoding."""
        one, many, zh = _UNITS.get(self.kind, _DEFAULT_UNIT)
        unit = one if self.rows_read == 1 else many
        if self.rejected:
            if self.rows_read == 0:
                head = f"{self.file}: refused, nothing imported (未导入)"
            else:
                head = (f"{self.file}: refused, nothing imported (未导入) — {self.rows_read} {unit} read, "
                        f"{self.rows_bad} bad; fix them, or import the rest with --skip-bad")
            return f"{head}; {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        parts = [
            f"{self.file}: imported {self.rows_imported} of {self.rows_read} {unit} "
            f"(导入 {self.rows_imported}/{self.rows_read} {zh})",
            f"{self.rows_duplicate} already present (重复)",
            f"{self.rows_bad} bad, skipped (错误)" if self.rows_bad else "0 bad",
        ]
        if self.kind == "statements":
            parts.append(f"{self.transfers_matched} transfer{'s' if self.transfers_matched != 1 else ''} "
                         "seen from both sides paired (双边匹配)")
        if self.extra_columns:
            parts.append("ignored columns: " + ", ".join(self.extra_columns))
        if self.encoding:
            parts.append(self.encoding)
        return "; ".join(parts)

    def as_dict(self) -> dict:
        """The result for the JSON API; at most the first 1000 problems, with the total."""
        return {
            "kind": self.kind,
            "file": self.file,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_duplicate": self.rows_duplicate,
            "rows_bad": self.rows_bad,
            "rejected": self.rejected,
            "extra_columns": list(self.extra_columns),
            "encoding": self.encoding,
            "transfers_matched": self.transfers_matched,
            "seconds": round(self.seconds, 3),
            "problems_total": len(self.problems),
            "problems": [{"place": p.place, "reason": p.reason} for p in self.problems[:MAX_PROBLEMS_IN_DICT]],
            "summary": self.summary(),
        }
