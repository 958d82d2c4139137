"""The funds drill (止付演练): replay the simulated city's fraud with the center answering every report.

    world = DrillWorld.load(Path("world"))
    outcome = replay(world, PLATFORM, report_within_s=3600)      # or MANUAL, the practice before it
    figures = DrillFigures.of(outcome)

The gangs move the stolen money as the world's truth says, in time; the center sends stop-payment
orders, the banks answer after their delays, statements come back and are traced, the next level
is ordered, and a stopped account stops the gang's money there. ``fanzha drill funds`` runs both
practices on the same city and compares them.
"""
from __future__ import annotations

from fanzha.sim.drill.figures import DrillFigures, compare
from fanzha.sim.drill.practice import MANUAL, PLATFORM, Delay, Practice
from fanzha.sim.drill.replay import DrillOutcome, VictimOutcome, replay
from fanzha.sim.drill.world import DrillWorld, NotAWorld

__all__ = ["MANUAL", "PLATFORM", "Delay", "DrillFigures", "DrillOutcome", "DrillWorld", "NotAWorld", "Practice",
           "VictimOutcome", "compare", "replay"]
