"""The city's past (fanzha/sim/history.py): deterministic, written once, sized like real centers,
and showing 两降两升 year over year; the statistics count exactly what it wrote."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fanzha.domain.actor import Actor
from fanzha.services.command.period import Period
from fanzha.services.command.statistics import command_figures
from fanzha.sim.history import write_history
from fanzha.store.db import Database
from fanzha.store.models import Case, CaseTransfer, WarningLead

SYSTEM = Actor.system("test")


def _write(db: Database):
    return write_history(db, residents=200_000, start=date(2023, 1, 1), end=date(2024, 12, 31), seed=3)


def test_two_years_of_a_city(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    counts = _write(db)
    assert 1_300 <= counts.cases <= 2_300  # 450 per 100,000 a year, falling a quarter a year
    assert counts.leads == 3 * counts.cases and counts.arrests == counts.suspects > 0
    assert _write(db).cases == 0  # already there: nothing added
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == counts.cases
        assert s.scalar(select(func.sum(CaseTransfer.amount_fen))) == s.scalar(select(func.sum(Case.loss_fen)))
        assert s.scalar(select(func.count()).select_from(WarningLead).where(WarningLead.state != "closed")) == 0
        y2023 = command_figures(s, SYSTEM, Period.parse("2023"), detail=False)
        y2024 = command_figures(s, SYSTEM, Period.parse("2024"), detail=False)
        assert y2023.figures["cases"].this + y2024.figures["cases"].this == counts.cases
        assert y2024.figures["cases"].last == y2023.figures["cases"].this
        assert y2024.verdict.achieved, y2024.verdict.lines("en")  # cases, losses down; solved, people up
        assert y2024.figures["dissuasions"].this > 0 and y2024.figures["numbers_intercepted"].this > 0
        may = command_figures(s, SYSTEM, Period.parse("2024-05"))
        assert sum(d.figures["cases"].this for d in may.districts) == may.figures["cases"].this
    other = Database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert _write(other) == counts  # the same seed, the same past
    with other.session() as s:
        again = command_figures(s, SYSTEM, Period.parse("2024"), detail=False)
    assert {k: (f.this, f.last) for k, f in again.figures.items()} == {
        k: (f.this, f.last) for k, f in y2024.figures.items()}
