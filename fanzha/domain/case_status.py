"""A case's life (案件状态): 接警 → 立案 → 侦查 → 破案 → 结案, and which moves are allowed."""
from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    REPORTED = "reported"  # 接警: the report is taken
    FILED = "filed"  # 立案: registered as a criminal case
    INVESTIGATING = "investigating"  # 侦查
    SOLVED = "solved"  # 破案
    CLOSED = "closed"  # 结案

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self]

    @property
    def label_en(self) -> str:
        return self.value.capitalize()

    def can_move_to(self, target: CaseStatus) -> bool:
        """A case moves forward one step at a time; a reported case may also close (no crime)."""
        return target in _NEXT[self]


_LABELS_ZH = {
    CaseStatus.REPORTED: "接警",
    CaseStatus.FILED: "立案",
    CaseStatus.INVESTIGATING: "侦查",
    CaseStatus.SOLVED: "破案",
    CaseStatus.CLOSED: "结案",
}

_NEXT = {
    CaseStatus.REPORTED: {CaseStatus.FILED, CaseStatus.CLOSED},
    CaseStatus.FILED: {CaseStatus.INVESTIGATING},
    CaseStatus.INVESTIGATING: {CaseStatus.SOLVED},
    CaseStatus.SOLVED: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}
