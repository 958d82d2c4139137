"""Residents (常住人口): age, sex, county, police station, name, birth date and ID number.

Residents are numbered county by county, so neighbours in the numbering are neighbours in the
city: friendships drawn among nearby numbers stay mostly within a county.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from fanzha.domain.region import CityLayout
from fanzha.sim.identity import county_code, id_numbers
from fanzha.sim.names import person_names

# Share of the population per five-year age band 0-4 … 85-90 (a Chinese prefecture around 2020).
AGE_BANDS = np.array([5.0, 6.0, 6.2, 5.5, 5.5, 6.5, 8.5, 7.5, 6.8, 7.8, 8.5, 7.5, 5.5, 5.2, 3.7, 2.3, 1.5, 1.0])
ADULT_AGE = 18
# Relative population of the default city's counties, in layout order; others get equal shares.
COUNTY_WEIGHTS = {"城厢区": 0.18, "荔城区": 0.2, "涵江区": 0.18, "秀屿区": 0.19, "仙游县": 0.25}


@dataclass
class Population:
    size: int
    male: np.ndarray  # bool
    age: np.ndarray  # int16, full years at the simulation's start
    county: np.ndarray  # int8, index into layout.counties
    station: np.ndarray  # int16, index into stations
    birth: np.ndarray  # datetime64[D]
    name: pl.Series
    id_number: pl.Series
    stations: list[tuple[int, str]]  # (county index, station name)

    @property
    def adults(self) -> np.ndarray:
        return np.flatnonzero(self.age >= ADULT_AGE)


def person_ids(index: np.ndarray) -> pl.Series:
    """``P00000042``: the resident's id in the registry and the truth files; null for -1 (no resident)."""
    index = pl.Series(np.asarray(index, dtype=np.int64))
    return pl.select(pl.when(index >= 0).then("P" + index.cast(pl.Utf8).str.zfill(8))).to_series().alias("person_id")


def _birth_dates(rng: np.random.Generator, age: np.ndarray, start: date) -> np.ndarray:
    """A birth date that makes each person exactly ``age`` full years old on ``start``."""
    latest = np.array([_years_before(start, a) for a in range(91)], dtype="datetime64[D]")
    earliest = np.array([_years_before(start, a + 1) for a in range(91)], dtype="datetime64[D]") + 1
    span = (latest - earliest).astype(np.int64) + 1
    return earliest[age] + (rng.random(len(age)) * span[age]).astype(np.int64)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def make_population(rng: np.random.Generator, size: int, layout: CityLayout, start: date) -> Population:
    weights = np.array([COUNTY_WEIGHTS.get(c.name, 1.0) for c in layout.counties])
    county = np.sort(rng.choice(len(layout.counties), size, p=weights / weights.sum())).astype(np.int8)
    band = rng.choice(len(AGE_BANDS), size, p=AGE_BANDS / AGE_BANDS.sum())
    age = (band * 5 + rng.integers(0, np.where(band == len(AGE_BANDS) - 1, 6, 5))).astype(np.int16)
    male = rng.random(size) < 0.51
    stations = [(i, s) for i, c in enumerate(layout.counties) for s in c.stations]
    first_station = np.cumsum([0] + [len(c.stations) for c in layout.counties])
    per_county = np.diff(first_station)
    station = (first_station[county] + (rng.random(size) * per_county[county]).astype(np.int64)).astype(np.int16)
    birth = _birth_dates(rng, age, start)
    codes = np.array([int(county_code(c.name, i)) for i, c in enumerate(layout.counties)], dtype=np.int64)
    return Population(
        size=size, male=male, age=age, county=county, station=station, birth=birth,
        name=person_names(rng, male), id_number=id_numbers(codes[county], birth, male), stations=stations,
    )
