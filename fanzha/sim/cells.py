"""Mobile cells (基站/小区): each county has its share; a label reads ``LAC-CI`` as on call records."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from fanzha.sim.rates import RESIDENTS_PER_CELL


@dataclass
class Cells:
    label: pl.Series
    county: np.ndarray  # int8
    first: np.ndarray  # first cell index of each county
    count: np.ndarray  # cells per county

    def pick(self, rng: np.random.Generator, county: np.ndarray) -> np.ndarray:
        """A random cell in each given county."""
        county = np.asarray(county, dtype=np.int64)
        return (self.first[county] + (rng.random(len(county)) * self.count[county]).astype(np.int64)).astype(np.int32)

    def any(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(0, len(self.county), n).astype(np.int32)


def make_cells(rng: np.random.Generator, residents_per_county: np.ndarray) -> Cells:
    count = np.maximum(4, residents_per_county // RESIDENTS_PER_CELL).astype(np.int64)
    county = np.repeat(np.arange(len(count)), count).astype(np.int8)
    lac = 22530 + county.astype(np.int64) * 7
    ci = rng.choice(np.arange(10_000, 65_535), size=len(county), replace=False)
    label = pl.Series("cell", lac).cast(pl.Utf8) + "-" + pl.Series(ci).cast(pl.Utf8)
    return Cells(label=label, county=county, first=np.concatenate([[0], np.cumsum(count)[:-1]]), count=count)
