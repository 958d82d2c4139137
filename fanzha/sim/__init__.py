"""The simulated city: residents, phones, bank cards, ordinary life and fraud gangs, with ground truth.

``simulate(residents, days, seed, out)`` writes the world directory the importers and the demo read.
"""
from fanzha.sim.city import simulate

__all__ = ["simulate"]
