"""Rich progress bars for the simulator's stages, or nothing when progress is off."""
from __future__ import annotations

from contextlib import AbstractContextManager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Stages(AbstractContextManager):
    """``with Stages(enabled) as stages: task = stages.add("calls", total=30); stages.advance(task)``."""

    def __init__(self, enabled: bool) -> None:
        self._progress = (
            Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            if enabled
            else None
        )

    def __enter__(self) -> Stages:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress:
            self._progress.stop()

    def add(self, description: str, total: int) -> int:
        return self._progress.add_task(description, total=total) if self._progress else 0

    def advance(self, task: int, steps: int = 1) -> None:
        if self._progress:
            self._progress.advance(task, steps)
