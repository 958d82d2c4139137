"""A Rich progress bar for long imports, or nothing at all when nobody is watching."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Steps:
    """Named steps of one import; ``advance`` moves the current step's bar by rows done."""

    def __init__(self, bar: Progress | None, file: str) -> None:
        self._bar = bar
        self._file = file
        self._task: TaskID | None = None
        self._total = 1

    def step(self, name: str, total: int | None = None) -> None:
        if self._bar is None:
            return
        self.done()
        self._total = max(total or 1, 1)
        self._task = self._bar.add_task(f"{self._file}: {name}", total=self._total)

    def advance(self, rows: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, rows)

    def done(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self._total)


@contextmanager
def steps(show: bool, file: str) -> Iterator[Steps]:
    """Steps drawn on stderr when ``show``; a silent stand-in otherwise."""
    if not show:
        yield Steps(None, file)
        return
    bar = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    with bar:
        tracker = Steps(bar, file)
        try:
            yield tracker
        finally:
            tracker.done()
