"""Errors that name the place and the reason, so the person can fix the input."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file, line, column or field) and why."""

    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}" if self.place else self.reason


class InputRejected(ValueError):
    """The input was refused whole; ``problems`` lists every place that needs fixing."""

    def __init__(self, problems: list[Problem], summary: str = "input refused") -> None:
        self.problems = problems
        super().__init__(summary + ":\n" + "\n".join(f"  - {p}" for p in problems[:50]))


def problems_from_validation(exc, prefix: str = "") -> list[Problem]:
    """Turn a pydantic ValidationError into Problems with dotted places (transfers.0.amount)."""
    problems = []
    for err in exc.errors():
        place = ".".join(str(p) for p in err["loc"])
        reason = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(f"{prefix}{place}" if place else prefix.rstrip("."), reason))
    return problems
